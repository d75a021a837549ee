/**
 * Compares a FileSet with the repository and writes it. Together with the loader, the only part of
 * core that touches the disk.
 *
 * Reading: planWrite looks at the disk through a RepoSnapshot (repo-snapshot.ts), shared with the rest of the
 * pipeline: each folder listed once (which also tells links apart), each file read once.
 *
 * Rules: every file is computed and checked before the first write; unchanged files are not touched
 * (their mtime stays); files the generator owned and no longer produces are deleted; a file it does
 * not own is never written, deleted or followed through a symlink.
 *
 * Crash safety: what holds when the process is killed, or the machine loses power, at any instant of
 * `applyPlan` (tested by packages/cli/test/crash-safety.test.ts, which SIGKILLs the real binary):
 * - Never half a file. Each file is written to a temporary file under `.platform-gen/tmp/`, flushed to
 *   disk, then renamed over its target; rename is atomic, so the target holds its old bytes or its new
 *   bytes, never a mix and never an empty file. Files are staged in batches: the batch is flushed with
 *   one syncfs(2) of its file system (`sync -f`, Linux), or by fdatasync of each file where that is not
 *   available, and only then renamed. Each folder that changed is flushed once (one syncfs, or an fsync
 *   per folder) before the final manifest is written, so the manifest never gets ahead of the files.
 * - Ownership is never forgotten (write-ahead manifest). When a run adds paths, the manifest is first
 *   rewritten to list the old and the new paths; then files are written and orphans deleted; last, the
 *   manifest is rewritten to exactly the new set. At every instant the manifest on disk lists every file
 *   platform-gen has written, so the next run adopts or deletes it, also in formats without a header
 *   (JSON), which the header scan cannot find. Manifest-last alone would lose those: a crash after a new
 *   JSON file was written but before the manifest would leave a file nobody owns (and the next run would
 *   refuse to overwrite it); manifest-first alone would list files never written and drop orphans not yet
 *   deleted. Listing a path before its file exists costs nothing: a missing file is skipped.
 * - Nothing unowned is deleted. A file is deleted only when the manifest lists it and it still carries
 *   the generated header (formats without one: listed is enough), or when it carries the header inside a
 *   path a generator owns. A crash cannot add a user's file to the manifest: every path in it is a path
 *   the generators produce, and planWrite refused the run if a hand-written file sat at one.
 * - Leftovers are recognised. Temporary files a killed run left behind (`*.platform-gen-<pid>.tmp` under
 *   `.platform-gen/tmp/`, or beside an owned path, as older versions wrote them) are listed in
 *   `WritePlan.temporaries`, never reported as drift or as someone else's files, and deleted by the next
 *   `applyPlan`; nothing else in those folders is touched. `.platform-gen/tmp/` is in `.gitignore`.
 * - No symlinks, nothing outside the root. Every path is a validated repository-relative path (no `..`,
 *   not absolute); planWrite refuses a link anywhere on the way to an output, applyPlan checks again
 *   before each write and deletion, and temporary files are created exclusively (`wx`), never through
 *   an existing name.
 * - One writer at a time: the CLI holds the repository lock (repo-lock.ts) around plan and apply, so
 *   two runs never interleave; `generate --check` and `validate` read without it and never see a
 *   temporary file outside `.platform-gen/`.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { MANIFEST_FILE, parseManifest } from './bookkeeping.js';
import {
  type FileSet,
  hasGeneratedHeader,
  headerFor,
  isOwnedBy,
  isSafeOutputPath,
  type OutputFile,
  patternRoot,
  renderFile,
} from './file-set.js';
import { compareStrings, type Issue, issue } from './issues.js';
import { mapLimited } from './map-limited.js';
import { type EntryKind, RepoSnapshot } from './repo-snapshot.js';

/** Where applyPlan stages each file before renaming it into place (ignored by Git). */
export const TEMP_DIR = '.platform-gen/tmp';

/** `<name>.platform-gen-<pid>.tmp`: the only names applyPlan creates as temporary files, and the only ones it deletes as such. */
const TEMPORARY_NAME = /^(.+)\.platform-gen-\d+\.tmp$/;

export interface Drift {
  readonly path: string;
  /** `changed`: differs; `missing`: not on disk; `orphan`: on disk but no longer generated. */
  readonly kind: 'changed' | 'missing' | 'orphan';
  readonly expected: string | undefined;
  readonly actual: string | undefined;
}

export interface WritePlan {
  /** New or changed files. */
  readonly write: readonly OutputFile[];
  readonly unchanged: readonly string[];
  /** Owned files no longer produced. */
  readonly remove: readonly string[];
  /** Everything that differs from the FileSet, for `--check`. */
  readonly drift: readonly Drift[];
  /** Reasons the plan must not be applied (e.g. a hand-written file at a generated path). */
  readonly issues: readonly Issue[];
  /** Temporary files an interrupted run left behind (not drift: applyPlan deletes them first). */
  readonly temporaries: readonly string[];
}

export async function planWrite(
  root: string,
  files: FileSet,
  owns: readonly string[],
  /** What this run read of the disk (the pipeline shares one with the repository view and the secret scan). */
  disk: RepoSnapshot = new RepoSnapshot(root),
): Promise<WritePlan> {
  const issues: Issue[] = [];
  const write: OutputFile[] = [];
  const unchanged: string[] = [];
  const drift: Drift[] = [];
  const previous = new Set(
    parseManifest(disk.text(MANIFEST_FILE) ?? '').filter((path) => isSafeOutputPath(path) && isOwnedBy(path, owns)),
  );

  // One issue per link, however many outputs lie behind it (a linked kubernetes/ would be a hundred).
  const links = new Map<string, string[]>();
  for (const file of files.values()) {
    const { link, kind, actual } = lookAt(disk, file.path);
    if (link !== undefined) {
      const behind = links.get(link);
      if (behind === undefined) links.set(link, [file.path]);
      else behind.push(file.path);
      continue;
    }
    if (kind === 'directory') {
      issues.push(notOwned(file, 'is a folder', 'the folder'));
      continue;
    }
    if (kind === 'other') {
      issues.push(notOwned(file, 'is not a regular file', 'it'));
      continue;
    }
    if (actual === file.content) {
      unchanged.push(file.path);
      // One string for both from now on: a no-op holds each file's text once, not the generated and the read copy.
      disk.share(file.path, file.content);
      continue;
    }
    if (actual !== undefined && !previous.has(file.path) && !isOurs(file.path, actual)) {
      issues.push(notOwned(file, 'exists and was not written by platform-gen', 'the hand-written file'));
      continue;
    }
    write.push(file);
    drift.push({ path: file.path, kind: actual === undefined ? 'missing' : 'changed', expected: file.content, actual });
  }
  for (const [link, behind] of links) {
    const more = behind.length > 1 ? ` and ${behind.length - 1} more generated files` : '';
    issues.push(symlinkIssue(link, `${behind[0]}${more}`));
  }
  const staging = disk.findSymlink(TEMP_DIR);
  if (staging !== undefined) issues.push(symlinkIssue(staging, `its temporary files under ${TEMP_DIR}/`));

  const scan = scanOwned(disk, owns);
  const remove: string[] = [];
  const candidates = new Set(previous);
  for (const path of scan.generated) candidates.add(path);
  for (const path of [...candidates].sort(compareStrings)) {
    if (files.has(path)) continue;
    const { link, actual } = lookAt(disk, path);
    if (link !== undefined || actual === undefined) continue;
    // A file listed as ours but since rewritten by hand (its header gone) is left alone and disowned.
    if (headerFor(path, '') !== undefined && !hasGeneratedHeader(actual)) continue;
    remove.push(path);
    drift.push({ path, kind: 'orphan', expected: undefined, actual });
  }
  const temporaries = scan.temporaries.filter((path) => disk.findSymlink(path) === undefined);
  return { write, unchanged, remove, drift, issues, temporaries };
}

interface OnDisk {
  /** The first symbolic link on the way to the path (the path itself included); nothing else is looked at then. */
  readonly link: string | undefined;
  readonly kind: EntryKind | undefined;
  /** The file's text, when a regular file is there. */
  readonly actual: string | undefined;
}

function lookAt(disk: RepoSnapshot, path: string): OnDisk {
  const link = disk.findSymlink(path);
  if (link !== undefined) return { link, kind: 'symlink', actual: undefined };
  const kind = disk.kind(path);
  return { link, kind, actual: kind === 'file' ? disk.text(path) : undefined };
}

/**
 * Applies a plan that has no issues, in the order the crash-safety rules above need: stale temporary
 * files out; the write-ahead manifest (when paths are added); every new and changed file, atomically;
 * the orphans (pruning folders they leave empty); one flush per changed folder; the final manifest.
 */
export async function applyPlan(root: string, plan: WritePlan): Promise<void> {
  if (plan.issues.length > 0) throw new Error('refusing to apply a plan that has issues');
  for (const path of [...plan.write.map((f) => f.path), ...plan.remove]) {
    if (!isSafeOutputPath(path)) throw new WriteRefusedError(path, 'it is not a safe repository-relative path');
  }
  for (const path of plan.temporaries) {
    if (!isSafeOutputPath(path) || !TEMPORARY_NAME.test(path)) {
      throw new WriteRefusedError(path, 'it is not a platform-gen temporary file');
    }
  }
  const writer = new AtomicWriter(root);
  try {
    for (const path of plan.temporaries) await writer.remove(path);
    const manifest = plan.write.find((f) => f.path === MANIFEST_FILE);
    if (manifest !== undefined) {
      const ahead = await writeAheadManifest(root, manifest);
      if (ahead !== undefined) {
        await writer.write([ahead]);
        await writer.flushFolders();
      }
    }
    await writer.write(plan.write.filter((file) => file !== manifest));
    for (const path of plan.remove) {
      await writer.remove(path);
      await writer.pruneEmptyParents(path);
    }
    await writer.flushFolders();
    if (manifest !== undefined) {
      await writer.write([manifest]);
      await writer.flushFolders();
    }
  } finally {
    await writer.done();
  }
}

/**
 * Writes one file the way applyPlan writes each: staged under `.platform-gen/tmp/`, flushed, renamed into
 * place, its folder flushed; never through a symbolic link, never outside the root. For commands that
 * write single files (seal, rekey).
 */
export async function writeFileAtomically(root: string, path: string, content: string): Promise<void> {
  if (!isSafeOutputPath(path)) throw new WriteRefusedError(path, 'it is not a safe repository-relative path');
  const writer = new AtomicWriter(root);
  try {
    await writer.write([{ path, content, source: '', generator: '' }]);
    await writer.flushFolders();
  } finally {
    await writer.done();
  }
}

/** A write or deletion refused because of where it would go (a symbolic link on the way, an unsafe path). */
export class WriteRefusedError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`refusing to write ${path}: ${reason}; platform-gen never writes through links or outside the repository`);
    this.name = 'WriteRefusedError';
  }
}

/**
 * The manifest to write before any other file: every path the manifest on disk lists plus every path
 * `manifest` (the final one) lists. Undefined when the manifest on disk already lists them all.
 */
async function writeAheadManifest(root: string, manifest: OutputFile): Promise<OutputFile | undefined> {
  const listed = parseManifest((await readText(join(root, MANIFEST_FILE))) ?? '').filter(isSafeOutputPath);
  const known = new Set(listed);
  const added = parseManifest(manifest.content).filter((path) => !known.has(path));
  if (added.length === 0) return undefined;
  const all = [...new Set([...listed, ...added])].sort(compareStrings);
  return { ...manifest, content: renderFile(MANIFEST_FILE, manifest.source, `${all.join('\n')}\n`) };
}

/** Writes files through a temporary file, a flush and a rename; remembers which folders to flush. */
class AtomicWriter {
  /** Looked at when writing, not when planning: a folder that became a link after the plan was made is refused. */
  private readonly disk: RepoSnapshot;
  /** Folders whose entries changed since the last flush (repository-relative; '' is the root). */
  private readonly dirty = new Set<string>();
  /** Folders known to exist: created by this writer or found, each looked at once. */
  private readonly folders = new Set<string>();
  /** Folders this writer removed (the snapshot still lists them). */
  private readonly pruned = new Set<string>();
  private staged = false;
  private counter = 0;
  /** False once `sync -f` was found missing or failing: this writer's later flushes go one by one. */
  private fileSystemSync = process.platform === 'linux';

  constructor(private readonly root: string) {
    this.disk = new RepoSnapshot(root);
  }

  /**
   * Writes `files` in batches of STAGING_BATCH: the batch's temporary files are written, flushed together
   * (flushFiles), then renamed into place one by one, so each rename comes after its own file's flush. On a
   * failure the batch's temporary files not yet renamed are removed and no further file is written.
   */
  async write(files: readonly OutputFile[]): Promise<void> {
    if (files.length === 0) return;
    if (!this.staged) {
      this.refuseLinks(TEMP_DIR);
      this.folder(TEMP_DIR);
      this.staged = true;
    }
    for (let start = 0; start < files.length; start += STAGING_BATCH) {
      const batch = files.slice(start, start + STAGING_BATCH);
      const pending: string[] = [];
      try {
        for (const file of batch) pending.push(this.stage(file));
        await this.flushFiles(pending);
        for (const [i, file] of batch.entries()) {
          await this.place(file, pending[i] as string);
          pending[i] = '';
        }
      } finally {
        // Left only when something failed; the next run would delete them anyway.
        for (const temporary of pending) if (temporary !== '') removeQuietly(temporary);
      }
    }
  }

  private async place(file: OutputFile, temporary: string): Promise<void> {
    this.refuseLinks(file.path);
    const folder = dirname(file.path);
    if (folder !== '.') this.folder(folder);
    const target = join(this.root, file.path);
    try {
      renameSync(temporary, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      // The target's folder is on another file system than .platform-gen/: stage beside the target instead.
      const beside = `${target}.platform-gen-${process.pid}.tmp`;
      await writeDurably(beside, file.content);
      renameSync(beside, target);
      removeQuietly(temporary);
    }
    this.dirty.add(folder === '.' ? '' : folder);
  }

  async remove(path: string): Promise<void> {
    this.refuseLinks(path);
    try {
      unlinkSync(join(this.root, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return;
    }
    const folder = dirname(path);
    this.dirty.add(folder === '.' ? '' : folder);
  }

  /** Removes the folders above `path` that are now empty, up to (not including) the root. */
  async pruneEmptyParents(path: string): Promise<void> {
    let dir = dirname(path);
    while (dir !== '.' && dir !== '') {
      try {
        if (readdirSync(join(this.root, dir)).length > 0) return;
        rmdirSync(join(this.root, dir));
      } catch {
        return;
      }
      this.folders.delete(dir);
      this.pruned.add(dir);
      this.dirty.delete(dir);
      const parent = dirname(dir);
      this.dirty.add(parent === '.' ? '' : parent);
      dir = parent;
    }
  }

  /** Flushes every folder whose entries changed: the renames and deletions so far survive a power cut. */
  async flushFolders(): Promise<void> {
    const dirs = [...this.dirty].sort(compareStrings).map((dir) => join(this.root, dir));
    this.dirty.clear();
    if (dirs.length >= FLUSH_ONE_BY_ONE_BELOW && this.syncFileSystems(dirs)) return;
    await mapLimited(dirs, FLUSH_CONCURRENCY, syncFolder);
  }

  /** Removes the staging folder when it is empty (it is, unless a rename fell back or another run is staging). */
  async done(): Promise<void> {
    if (!this.staged) return;
    try {
      rmdirSync(join(this.root, TEMP_DIR));
    } catch {
      // Not empty, or gone.
    }
  }

  /** Writes the file's bytes to a new temporary file (created exclusively, never through an existing name). */
  private stage(file: OutputFile): string {
    this.counter += 1;
    const name = `${this.counter}-${file.path.slice(file.path.lastIndexOf('/') + 1)}.platform-gen-${process.pid}.tmp`;
    const temporary = join(this.root, TEMP_DIR, name);
    const fd = openSync(temporary, 'wx', 0o644);
    try {
      writeFileSync(fd, file.content, 'utf8');
    } finally {
      closeSync(fd);
    }
    return temporary;
  }

  /**
   * Creates `dir` (its parents first) unless it exists, looking at each folder once however many files go
   * into it; the parent of each new folder is marked to be flushed. Links on the way were refused before.
   */
  private folder(dir: string): void {
    if (this.folders.has(dir)) return;
    const parent = dirname(dir);
    if (parent !== '.') this.folder(parent);
    if (this.pruned.has(dir) || this.disk.kind(dir) !== 'directory') {
      try {
        mkdirSync(join(this.root, dir));
        this.dirty.add(parent === '.' ? '' : parent);
      } catch (error) {
        // Something is there already: a folder, or a file (the rename into it then fails with ENOTDIR).
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    this.folders.add(dir);
  }

  /** Makes the bytes of the given (closed) files durable: one syncfs for the lot where it can, else fdatasync each. */
  private async flushFiles(paths: readonly string[]): Promise<void> {
    if (paths.length >= FLUSH_ONE_BY_ONE_BELOW && this.syncFileSystems(paths.slice(0, 1))) return;
    await mapLimited(paths, FLUSH_CONCURRENCY, async (path) => {
      const handle = await open(path, 'r+');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
    });
  }

  /**
   * Flushes the whole file system of each path (data and entries, of every file on it) with syncfs(2),
   * through coreutils' `sync -f` (Linux; Node has no binding for it): one call where an fdatasync of each
   * of thousands of files costs a journal commit each. True when it succeeded; false when the caller must
   * flush one by one.
   */
  private syncFileSystems(paths: readonly string[]): boolean {
    if (!this.fileSystemSync) return false;
    const byDevice = new Map<number, string>();
    for (const path of paths) {
      try {
        const { dev } = statSync(path);
        if (!byDevice.has(dev)) byDevice.set(dev, path);
      } catch {
        // Gone (a pruned folder): nothing of it to flush.
      }
    }
    if (byDevice.size === 0) return true;
    const result = spawnSync('sync', ['-f', ...byDevice.values()], { stdio: 'ignore' });
    if (result.error === undefined && result.status === 0) return true;
    this.fileSystemSync = false;
    return false;
  }

  private refuseLinks(path: string): void {
    const link = this.disk.findSymlink(path);
    if (link !== undefined) throw new WriteRefusedError(path, `${link} is a symbolic link`);
  }
}

/** How many files are staged, flushed and renamed together: a flush per batch (each `sync -f` costs a process start), and a bounded staging folder. */
const STAGING_BATCH = 2048;

/** Fewer files or folders than this are flushed one by one (fdatasync, fsync); more, by one syncfs per file system. */
const FLUSH_ONE_BY_ONE_BELOW = 16;

/** How many single flushes are in flight at once. */
const FLUSH_CONCURRENCY = 32;

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or the next run deletes it.
  }
}

/** Creates `path` exclusively (never through an existing name or link), writes `content` and flushes it to disk. */
async function writeDurably(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** fsync of a folder: makes its entries (renames, deletions) durable. Skipped where the platform cannot do it. */
async function syncFolder(path: string): Promise<void> {
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF' && code !== 'ENOTSUP')
      throw error;
  } finally {
    await handle.close();
  }
}

/** A unified diff of one drifted file, from what is on disk to what generate would write. */
export function formatDrift(drift: Drift): string {
  const from = drift.actual === undefined ? '/dev/null' : `a/${drift.path}`;
  const to = drift.expected === undefined ? '/dev/null' : `b/${drift.path}`;
  const patch = createTwoFilesPatch(from, to, drift.actual ?? '', drift.expected ?? '', undefined, undefined, {
    context: 3,
  });
  // Drop the "Index:/=====" preamble; keep the familiar ---/+++ form.
  return patch.slice(patch.indexOf('---'));
}

function symlinkIssue(link: string, target: string): Issue {
  return issue({
    code: 'E_OUTPUT_SYMLINK',
    file: link,
    line: 1,
    path: '',
    message: `${link} is a symbolic link; platform-gen never writes through links (it would write ${target})`,
    hint: `replace the link with a real folder or remove it, then run pnpm generate`,
  });
}

/** Something platform-gen does not own sits where it would write `file`. */
function notOwned(file: OutputFile, what: string, thing: string): Issue {
  return issue({
    code: 'E_OUTPUT_NOT_OWNED',
    file: file.path,
    line: 1,
    path: '',
    message: `${file.path} ${what}, but ${file.source} generates a file at this path`,
    hint: `move ${thing} elsewhere and run pnpm generate; platform-gen never overwrites or deletes what it does not own`,
  });
}

/** A file without a manifest entry is ours only if it carries our header (e.g. after a crash before the manifest was written). */
function isOurs(path: string, actual: string): boolean {
  return headerFor(path, '') !== undefined && hasGeneratedHeader(actual);
}

/**
 * Walks the folders the ownership patterns can match (never following links) for
 * - `generated`: files at owned paths that carry a platform-gen header (orphans even if the manifest forgot them);
 * - `temporaries`: temporary files of an interrupted run: any `*.platform-gen-<pid>.tmp` in `.platform-gen/tmp/`,
 *   and `<owned path>.platform-gen-<pid>.tmp` elsewhere (a user's `notes.txt.platform-gen-1.tmp` is not one).
 * Each folder is listed and each file read once per snapshot: these reads are the comparison's too.
 */
function scanOwned(disk: RepoSnapshot, owns: readonly string[]): { generated: string[]; temporaries: string[] } {
  // Walk each distinct folder once; the repository root only for temporaries beside its exact-path files.
  const roots = [...new Set([...owns.map(patternRoot), `${TEMP_DIR}/`])].filter((r) => r !== '');
  const tops = roots.filter((r) => !roots.some((o) => o !== r && r.startsWith(o)));
  const below = tops.flatMap((dir) => disk.walk(dir));
  const atRoot = owns.some((pattern) => patternRoot(pattern) === '') ? disk.walk('', { enter: () => false }) : [];
  const temporaries: string[] = [];
  const generated: string[] = [];
  for (const path of [...below, ...atRoot]) {
    const temporary = TEMPORARY_NAME.exec(path);
    if (temporary?.[1] !== undefined) {
      const staged = dirname(path) === TEMP_DIR;
      if (isSafeOutputPath(path) && (staged || isOwnedBy(temporary[1], owns))) temporaries.push(path);
      continue;
    }
    // Files at the root (no `/`) are looked at for temporaries only.
    if (!path.includes('/') || headerFor(path, '') === undefined || !isOwnedBy(path, owns)) continue;
    const text = disk.text(path);
    if (text !== undefined && hasGeneratedHeader(text)) generated.push(path);
  }
  return { generated, temporaries: [...new Set(temporaries)].sort(compareStrings) };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
}
