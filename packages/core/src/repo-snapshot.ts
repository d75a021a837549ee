/**
 * What one run reads of the repository on disk: each folder listed once (one `readdir` with file types,
 * which also tells symbolic links apart without an `lstat` per path component) and each file read once.
 * The pipeline creates one per run and shares it between planWrite (compare with the FileSet), the
 * repository view (hand-written manifests) and the secret scan, so the bytes of a file are read once
 * however many of them look at it.
 *
 * Reads are synchronous on purpose: the files are small and, in a working copy, in the page cache; a
 * synchronous read costs a few system calls, where each asynchronous one also costs a round trip through
 * libuv's four-thread pool and a promise (measured on 10,000 generated files: 0.14–0.18 s against 1.2 s).
 *
 * A snapshot is a cache, valid for the run that made it: it never sees a change made after it looked.
 * Writing (applyPlan) makes a fresh one, so its checks see the disk as it is when it writes.
 */
import { closeSync, type Dirent, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** What a folder entry is; a symbolic link is a link, whatever it points at. */
export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

/** Only the first bytes of a file are scanned for secrets: enough for any text a person commits. */
export const SECRET_SCAN_MAX_BYTES = 4 * 1024 * 1024;

export interface WalkOptions {
  /** Whether to walk a folder (its path ends in `/`); all by default. */
  readonly enter?: (path: string) => boolean;
  /** Whether to list a file; all by default. */
  readonly keep?: (path: string) => boolean;
  /** The order of each folder's entries; as the file system lists them by default. */
  readonly order?: (a: string, b: string) => number;
}

/**
 * What was read of a repository before a snapshot was made (run-record.ts reads every folder and file to hash
 * them): folders by repository-relative path ('' for the root, no trailing `/`), files' bytes by path.
 */
export interface SnapshotSeed {
  readonly listings: Map<string, ReadonlyMap<string, EntryKind>>;
  readonly files: Map<string, Buffer>;
}

export class RepoSnapshot {
  private readonly listings = new Map<string, ReadonlyMap<string, EntryKind> | undefined>();
  private readonly texts = new Map<string, string | undefined>();

  /**
   * `seed`: what was read of this very root already, taken as the snapshot's own reads (a seeded snapshot sees
   * the repository as it was when the seed was read, the state a run record is keyed by); each file's bytes are
   * dropped from it once decoded. Paths it does not hold are read from disk as usual.
   */
  constructor(
    readonly root: string,
    private readonly seed?: SnapshotSeed,
  ) {
    if (seed !== undefined) for (const [dir, listing] of seed.listings) this.listings.set(dir, listing);
  }

  /**
   * The entries of a folder (repository-relative, '' for the root, with or without a trailing `/`), by name;
   * undefined when it is missing or not a folder.
   */
  list(dir: string): ReadonlyMap<string, EntryKind> | undefined {
    const key = dir.endsWith('/') ? dir.slice(0, -1) : dir;
    if (this.listings.has(key)) return this.listings.get(key);
    let listing: Map<string, EntryKind> | undefined;
    try {
      const entries = readdirSync(join(this.root, key), { withFileTypes: true });
      listing = new Map(entries.map((entry) => [entry.name, entryKind(entry)] as const));
    } catch {
      listing = undefined;
    }
    this.listings.set(key, listing);
    return listing;
  }

  /** What is at a repository-relative path (not following a link at its end), or undefined when nothing is. */
  kind(path: string): EntryKind | undefined {
    const slash = path.lastIndexOf('/');
    return this.list(slash < 0 ? '' : path.slice(0, slash))?.get(path.slice(slash + 1));
  }

  /** The first component of `path` (itself included) that is a symbolic link, or undefined. */
  findSymlink(path: string): string | undefined {
    let end = path.indexOf('/');
    for (;;) {
      const prefix = end < 0 ? path : path.slice(0, end);
      const kind = this.kind(prefix);
      if (kind === 'symlink') return prefix;
      // Nothing further down exists (a missing folder, or a file where a folder would be).
      if (kind !== 'directory' || end < 0) return undefined;
      end = path.indexOf('/', end + 1);
    }
  }

  /** Every regular file under `dir` (repository-relative, '' or ending in `/`), depth first; links are never followed. */
  walk(dir: string, options: WalkOptions = {}, found: string[] = []): string[] {
    const listing = this.list(dir);
    if (listing === undefined) return found;
    const names = [...listing.keys()];
    if (options.order !== undefined) names.sort(options.order);
    for (const name of names) {
      const path = `${dir}${name}`;
      const kind = listing.get(name);
      if (kind === 'directory') {
        if (options.enter?.(`${path}/`) !== false) this.walk(`${path}/`, options, found);
      } else if (kind === 'file' && options.keep?.(path) !== false) found.push(path);
    }
    return found;
  }

  /**
   * The whole file as UTF-8, read once per snapshot; undefined when nothing (or a folder) is there. Does not
   * check for links: callers refuse them first where it matters.
   */
  text(path: string): string | undefined {
    if (this.texts.has(path)) return this.texts.get(path);
    const seeded = this.seeded(path);
    if (seeded !== undefined) {
      const text = seeded.toString('utf8');
      this.texts.set(path, text);
      return text;
    }
    let text: string | undefined;
    try {
      text = readFileSync(join(this.root, path), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR') throw error;
    }
    this.texts.set(path, text);
    return text;
  }

  /** Keeps `text` instead of the text read of `path` when they are equal: one string in memory, not two. */
  share(path: string, text: string): void {
    if (this.texts.get(path) === text) this.texts.set(path, text);
  }

  /**
   * The file's first SECRET_SCAN_MAX_BYTES as UTF-8, for the secret scan; undefined when it is binary (a NUL
   * byte there) or unreadable. Uses the whole text when this snapshot read it already; a file that fits is
   * remembered whole, so it is not read again.
   */
  scannable(path: string): string | undefined {
    const known = this.texts.get(path);
    // A NUL byte decodes to U+0000 and nothing else does, so the check on the text is the check on the bytes.
    if (known !== undefined && Buffer.byteLength(known) <= SECRET_SCAN_MAX_BYTES) {
      return known.includes('\0') ? undefined : known;
    }
    const seeded = this.seeded(path);
    const read =
      seeded === undefined
        ? readHead(join(this.root, path), SECRET_SCAN_MAX_BYTES)
        : { bytes: seeded.subarray(0, SECRET_SCAN_MAX_BYTES), whole: seeded.length <= SECRET_SCAN_MAX_BYTES };
    if (read === undefined) return undefined;
    const text = read.bytes.toString('utf8');
    if (read.whole && !this.texts.has(path)) this.texts.set(path, text);
    return read.bytes.includes(0) ? undefined : text;
  }

  /** The seed's bytes of a file, taken out of it (the snapshot keeps the text it decodes instead). */
  private seeded(path: string): Buffer | undefined {
    const bytes = this.seed?.files.get(path);
    if (bytes !== undefined) this.seed?.files.delete(path);
    return bytes;
  }
}

/** What a folder entry is, as a snapshot records it. */
export function entryKind(entry: Dirent): EntryKind {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  return 'other';
}

/** Up to `max` bytes from the start of a file, and whether that is all of it; undefined when it cannot be read. */
function readHead(path: string, max: number): { bytes: Buffer; whole: boolean } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(size, max));
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: buffer.subarray(0, read), whole: size <= max && read === size };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
