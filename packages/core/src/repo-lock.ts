/**
 * One writer at a time: commands that write into the repository (generate, new-namespace, seal, rekey,
 * migrate) hold an exclusive lock file, `<root>/.platform-gen.lock`, from before they read the repository
 * until after their last write, so two runs can never interleave their plans and writes.
 *
 * The lock is a file created with `open(..., 'wx')` (exclusive: it exists or this run made it) holding
 * the holder's pid, host name, command and start time. A second run fails at once and names the holder.
 * A lock whose holder is no longer running on this host (a run that was killed) is stale: it is taken
 * over, with a warning. The file sits beside `.platform-gen/`, not inside it, so it is never part of the
 * generator's output, manifest or drift; it is listed in `.gitignore`.
 *
 * Read-only commands (`generate --check`, `validate`) take no lock: the writer's atomic renames mean
 * they see each file whole, old or new.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { lstat, open, readFile, unlink } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository-relative path of the lock file. */
export const LOCK_FILE = '.platform-gen.lock';

/** A lock file that cannot be read is someone's lock being written for this long, then stale. */
const UNREADABLE_GRACE_MS = 10_000;

/** What the lock file records about the run holding it. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** The command holding it, e.g. `generate`. */
  readonly command: string;
  /** ISO time the lock was taken. */
  readonly started: string;
}

export function formatLock(holder: LockHolder): string {
  return `${JSON.stringify({ pid: holder.pid, hostname: holder.hostname, command: holder.command, started: holder.started })}\n`;
}

/** The holder recorded in a lock file's text, or undefined when it is empty or not a lock file. */
export function parseLock(text: string): LockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, hostname, command, started } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  if (typeof hostname !== 'string' || typeof command !== 'string' || typeof started !== 'string') return undefined;
  return { pid, hostname, command, started };
}

export type LockVerdict =
  /** Someone holds it: refuse. `holder` is undefined while the file is being written. */
  | { readonly kind: 'held'; readonly holder: LockHolder | undefined }
  /** Nobody holds it any more: take it over. */
  | { readonly kind: 'stale'; readonly holder: LockHolder | undefined; readonly reason: string };

/**
 * Decides whether an existing lock file is held or stale. Pure: the caller says which host this is,
 * whether a pid is alive here, and how old the file is.
 */
export function judgeLock(
  text: string,
  here: { readonly hostname: string; readonly isAlive: (pid: number) => boolean; readonly ageMs: number },
): LockVerdict {
  const holder = parseLock(text);
  if (holder === undefined) {
    return here.ageMs > UNREADABLE_GRACE_MS
      ? { kind: 'stale', holder, reason: 'the lock file is empty or unreadable (its writer was interrupted)' }
      : { kind: 'held', holder };
  }
  // On another host the pid means nothing here: only a person can tell that run is gone.
  if (holder.hostname !== here.hostname) return { kind: 'held', holder };
  if (here.isAlive(holder.pid)) return { kind: 'held', holder };
  return { kind: 'stale', holder, reason: `process ${holder.pid} is no longer running` };
}

/** True when a process with this pid runs on this host (one we may not signal counts as running). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Another run holds the lock. The message says who, and what to do. */
export class RepoLockedError extends Error {
  constructor(
    readonly command: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who =
      holder === undefined
        ? 'a platform-gen run that is starting (the lock file is being written)'
        : `platform-gen ${holder.command} (pid ${holder.pid} on host ${holder.hostname}, since ${holder.started})`;
    super(
      [
        `platform-gen: ${command} refused: the repository is locked by ${who}. Nothing was written.`,
        `  fix: wait for that run to finish, then run ${command} again; if no platform-gen is running${holder === undefined ? '' : ` as pid ${holder.pid}`}, delete ${LOCK_FILE} and run it again`,
      ].join('\n'),
    );
    this.name = 'RepoLockedError';
  }
}

export interface RepoLock {
  /** Warnings to show the user (a stale lock taken over). */
  readonly warnings: readonly string[];
  /** Deletes the lock file, if it is still this run's. */
  release(): Promise<void>;
}

export interface LockOptions {
  readonly pid?: number;
  readonly hostname?: string;
  readonly now?: Date;
  readonly isAlive?: (pid: number) => boolean;
}

/** Takes the repository lock or throws RepoLockedError; fails at once, never waits. */
export async function acquireRepoLock(root: string, command: string, options: LockOptions = {}): Promise<RepoLock> {
  const path = join(root, LOCK_FILE);
  const hostname = options.hostname ?? osHostname();
  const text = formatLock({
    pid: options.pid ?? process.pid,
    hostname,
    command,
    started: (options.now ?? new Date()).toISOString(),
  });
  const warnings: string[] = [];
  // A few rounds: another run may release or take over the lock between our attempts.
  for (let attempt = 0; attempt < 3; attempt++) {
    let handle: import('node:fs/promises').FileHandle;
    try {
      handle = await open(path, 'wx', 0o644);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No repository at all: nothing to protect; the command reports the missing definitions itself.
      if (code === 'ENOENT' || code === 'ENOTDIR') return { warnings, release: async () => {} };
      if (code !== 'EEXIST') throw error;
      const existing = await readLock(path);
      if (existing === undefined) continue;
      const verdict = judgeLock(existing.text, {
        hostname,
        isAlive: options.isAlive ?? isProcessAlive,
        ageMs: Date.now() - existing.mtimeMs,
      });
      if (verdict.kind === 'held') throw new RepoLockedError(command, verdict.holder);
      // Delete only the stale file we judged; a lock another run has just taken is left alone. (Two runs
      // taking over the same stale lock within the microseconds between this read and the unlink is the
      // one race left; each file stays whole even then.)
      const again = await readLock(path);
      if (again?.text === existing.text) await unlink(path).catch(() => undefined);
      warnings.push(staleWarning(verdict.holder, verdict.reason));
      continue;
    }
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
    return {
      warnings,
      release: async () => {
        if ((await readLock(path))?.text === text) await unlink(path).catch(() => undefined);
      },
    };
  }
  const last = await readLock(path);
  throw new RepoLockedError(command, last === undefined ? undefined : parseLock(last.text));
}

function staleWarning(holder: LockHolder | undefined, reason: string): string {
  const whose =
    holder === undefined ? '' : ` of platform-gen ${holder.command} (pid ${holder.pid}, since ${holder.started})`;
  return `platform-gen: warning: took over the stale lock ${LOCK_FILE}${whose}: ${reason}. An interrupted run leaves every file whole (old or new); this run finishes its work.\n`;
}

async function readLock(path: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  try {
    const { mtimeMs } = await lstat(path);
    return { text: await readFile(path, 'utf8'), mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The repository roots whose lock the current async call chain holds. One store per process, kept on
 * `globalThis`: the CLI's prebuilt fast path bundles its own copy of this module and takes the lock before it
 * hands a run on to the TypeScript sources, whose copy must see that lock as held.
 */
const HELD = Symbol.for('platform-gen.repo-lock.held');
const shared = globalThis as { [HELD]?: AsyncLocalStorage<ReadonlySet<string>> };
shared[HELD] ??= new AsyncLocalStorage<ReadonlySet<string>>();
const held = shared[HELD];

/** True when the code calling it runs inside `withRepoLock` for `root` (so a nested command must not lock again). */
export function holdsRepoLock(root: string): boolean {
  return held.getStore()?.has(resolve(root)) === true;
}

/**
 * Runs `fn` holding the repository lock, released in `finally` (also when `fn` throws). Re-entrant within
 * one call chain: new-namespace holds it and calls generate. Throws RepoLockedError when another run holds it.
 */
export async function withRepoLock<T>(
  root: string,
  command: string,
  fn: () => Promise<T>,
  onWarning: (warning: string) => void = () => {},
  options: LockOptions = {},
): Promise<T> {
  if (holdsRepoLock(root)) return fn();
  const lock = await acquireRepoLock(root, command, options);
  try {
    for (const warning of lock.warnings) onWarning(warning);
    const roots = new Set(held.getStore() ?? []);
    roots.add(resolve(root));
    return await held.run(roots, fn);
  } finally {
    await lock.release();
  }
}
