/**
 * Runs a command that writes into the repository under the repository lock (core's repo-lock.ts): a run
 * that finds the lock held prints who holds it and exits 1; a stale lock is taken over with a warning.
 */
// The module itself, not core's index: generate takes the lock before it knows whether it needs the rest of core.
import { holdsRepoLock, RepoLockedError, withRepoLock } from '@platform-gen/core/repo-lock';
import { EXIT } from './exit-codes.js';
import type { Io } from './main.js';

/**
 * True unless this call chain already holds the lock (new-namespace holds it while it runs generate).
 * A command starts with `if (needsLock(root)) return locked(root, name, io, () => itself(...))`.
 */
export function needsLock(root: string): boolean {
  return !holdsRepoLock(root);
}

export async function locked(root: string, command: string, io: Io, run: () => Promise<number>): Promise<number> {
  try {
    return await withRepoLock(root, command, run, (warning) => io.err(warning));
  } catch (error) {
    if (error instanceof RepoLockedError) {
      io.err(`${error.message}\n`);
      return EXIT.invalid;
    }
    throw error;
  }
}
