/**
 * Compares a FileSet with the repository and writes it. Together with the loader, the only part of
 * core that touches the disk.
 *
 * Rules: every file is computed and checked before the first write; unchanged files are not touched
 * (their mtime stays); files the generator owned and no longer produces are deleted; a file it does
 * not own is never written, deleted or followed through a symlink. Each write is atomic (temporary
 * file, then rename), so a crash leaves either the old or the new file, never half of one.
 */
import { lstat, mkdir, readdir, readFile, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
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
} from './file-set.js';
import { compareStrings, type Issue, issue } from './issues.js';

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
}

export async function planWrite(root: string, files: FileSet, owns: readonly string[]): Promise<WritePlan> {
  const issues: Issue[] = [];
  const write: OutputFile[] = [];
  const unchanged: string[] = [];
  const drift: Drift[] = [];
  const previous = new Set(
    parseManifest((await readText(join(root, MANIFEST_FILE))) ?? '').filter(
      (path) => isSafeOutputPath(path) && isOwnedBy(path, owns),
    ),
  );
  const symlinks = new SymlinkGuard(root);

  for (const file of files.values()) {
    const link = await symlinks.find(file.path);
    if (link !== undefined) {
      issues.push(
        issue({
          code: 'E_OUTPUT_SYMLINK',
          file: link,
          line: 1,
          path: '',
          message: `${link} is a symbolic link; platform-gen never writes through links (it would write ${file.path})`,
          hint: `replace the link with a real folder or remove it, then run pnpm generate`,
        }),
      );
      continue;
    }
    if (await isDirectory(join(root, file.path))) {
      issues.push(notOwned(file, 'is a folder', 'the folder'));
      continue;
    }
    const actual = await readText(join(root, file.path));
    if (actual === file.content) {
      unchanged.push(file.path);
      continue;
    }
    if (actual !== undefined && !previous.has(file.path) && !isOurs(file.path, actual)) {
      issues.push(notOwned(file, 'exists and was not written by platform-gen', 'the hand-written file'));
      continue;
    }
    write.push(file);
    drift.push({ path: file.path, kind: actual === undefined ? 'missing' : 'changed', expected: file.content, actual });
  }

  const remove: string[] = [];
  const candidates = new Set(previous);
  for (const path of await scanGenerated(root, owns)) candidates.add(path);
  for (const path of [...candidates].sort(compareStrings)) {
    if (files.has(path)) continue;
    if ((await symlinks.find(path)) !== undefined) continue;
    const actual = await readText(join(root, path));
    if (actual === undefined) continue;
    // A file listed as ours but since rewritten by hand (its header gone) is left alone and disowned.
    if (headerFor(path, '') !== undefined && !hasGeneratedHeader(actual)) continue;
    remove.push(path);
    drift.push({ path, kind: 'orphan', expected: undefined, actual });
  }
  return { write, unchanged, remove, drift, issues };
}

/** Applies a plan that has no issues. Writes new and changed files atomically, then deletes orphans, then prunes empty folders. */
export async function applyPlan(root: string, plan: WritePlan): Promise<void> {
  if (plan.issues.length > 0) throw new Error('refusing to apply a plan that has issues');
  // The manifest goes last: a crash before it leaves new files that carry headers (adopted next run).
  const ordered = [...plan.write].sort((a, b) => Number(a.path === MANIFEST_FILE) - Number(b.path === MANIFEST_FILE));
  for (const file of ordered) {
    const target = join(root, file.path);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.platform-gen-${process.pid}.tmp`;
    await writeFile(temporary, file.content, { mode: 0o644 });
    await rename(temporary, target);
  }
  for (const path of plan.remove) {
    await unlink(join(root, path)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await pruneEmptyParents(root, path);
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

/** Files matching an ownership pattern that carry a platform-gen header: orphans even if the manifest forgot them. */
async function scanGenerated(root: string, owns: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory()) await walk(`${path}/`);
      else if (entry.isFile() && headerFor(path, '') !== undefined && isOwnedBy(path, owns)) {
        const text = await readText(join(root, path));
        if (text !== undefined && hasGeneratedHeader(text)) found.add(path);
      }
    }
  };
  // Walk each distinct root once; the repository root itself is never walked (patterns there are exact paths).
  const roots = [...new Set(owns.map(patternRoot))].filter((r) => r !== '');
  for (const dir of roots.filter((r) => !roots.some((o) => o !== r && r.startsWith(o)))) await walk(dir);
  return [...found];
}

async function pruneEmptyParents(root: string, path: string): Promise<void> {
  let dir = dirname(path);
  while (dir !== '.' && dir !== '') {
    try {
      if ((await readdir(join(root, dir))).length > 0) return;
      await rmdir(join(root, dir));
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
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

/** Finds a symbolic link on the way to a path inside the repository; remembers what it checked. */
class SymlinkGuard {
  private readonly checked = new Map<string, boolean>();

  constructor(private readonly root: string) {}

  /** The first component of `path` that is a symlink, or undefined. */
  async find(path: string): Promise<string | undefined> {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      let isLink = this.checked.get(prefix);
      if (isLink === undefined) {
        try {
          isLink = (await lstat(join(this.root, prefix))).isSymbolicLink();
        } catch {
          isLink = false;
        }
        this.checked.set(prefix, isLink);
        // Nothing below a missing component exists yet; the rest need no lstat.
      }
      if (isLink) return prefix;
    }
    return undefined;
  }
}
