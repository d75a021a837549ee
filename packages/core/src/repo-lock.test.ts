import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  acquireRepoLock,
  formatLock,
  holdsRepoLock,
  isProcessAlive,
  judgeLock,
  LOCK_FILE,
  type LockHolder,
  parseLock,
  RepoLockedError,
  withRepoLock,
} from './repo-lock.js';

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'platform-gen-lock-'));
  temps.push(root);
  return root;
}

const HOLDER: LockHolder = { pid: 4242, hostname: 'build-1', command: 'generate', started: '2025-01-02T03:04:05.000Z' };
const here = (alive: boolean, ageMs = 0) => ({ hostname: 'build-1', isAlive: () => alive, ageMs });

/** A pid that was alive a moment ago and is not any more (a real process that has exited). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('lock file text', () => {
  it('round-trips the holder', () => {
    expect(formatLock(HOLDER)).toBe(
      '{"pid":4242,"hostname":"build-1","command":"generate","started":"2025-01-02T03:04:05.000Z"}\n',
    );
    expect(parseLock(formatLock(HOLDER))).toEqual(HOLDER);
  });

  it('reads nothing from an empty, partial or foreign file', () => {
    for (const text of [
      '',
      '{"pid":42',
      'null',
      '[]',
      '{"pid":-1,"hostname":"h","command":"c","started":"s"}',
      '{"pid":1}',
    ]) {
      expect(parseLock(text), text).toBeUndefined();
    }
  });
});

describe('judgeLock', () => {
  it('held while its process runs on this host', () => {
    expect(judgeLock(formatLock(HOLDER), here(true))).toEqual({ kind: 'held', holder: HOLDER });
  });

  it('stale once its process is gone', () => {
    expect(judgeLock(formatLock(HOLDER), here(false))).toEqual({
      kind: 'stale',
      holder: HOLDER,
      reason: 'process 4242 is no longer running',
    });
  });

  it('held when it was taken on another host, whose processes cannot be seen from here', () => {
    expect(judgeLock(formatLock(HOLDER), { ...here(false), hostname: 'laptop' })).toEqual({
      kind: 'held',
      holder: HOLDER,
    });
  });

  it('held while an unreadable lock is young (being written), stale once it is old', () => {
    expect(judgeLock('', here(false, 500))).toEqual({ kind: 'held', holder: undefined });
    expect(judgeLock('', here(false, 60_000))).toMatchObject({ kind: 'stale', holder: undefined });
  });

  it('isProcessAlive: this process is, an exited one is not', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(deadPid())).toBe(false);
  });
});

describe('acquireRepoLock', () => {
  it('creates the lock file with pid, host, command and start time, and deletes it on release', async () => {
    const root = await tempRoot();
    const lock = await acquireRepoLock(root, 'generate', { now: new Date('2025-01-02T03:04:05Z') });
    expect(lock.warnings).toEqual([]);
    expect(parseLock(await readFile(join(root, LOCK_FILE), 'utf8'))).toEqual({
      pid: process.pid,
      hostname: hostname(),
      command: 'generate',
      started: '2025-01-02T03:04:05.000Z',
    });
    await lock.release();
    await expect(readFile(join(root, LOCK_FILE))).rejects.toThrow('ENOENT');
  });

  it('refuses a second holder at once, naming the first and saying what to do', async () => {
    const root = await tempRoot();
    const first = await acquireRepoLock(root, 'seal', { now: new Date('2025-01-02T03:04:05Z') });
    const refused = await acquireRepoLock(root, 'generate').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RepoLockedError);
    expect((refused as Error).message).toBe(
      [
        `platform-gen: generate refused: the repository is locked by platform-gen seal (pid ${process.pid} on host ${hostname()}, since 2025-01-02T03:04:05.000Z). Nothing was written.`,
        `  fix: wait for that run to finish, then run generate again; if no platform-gen is running as pid ${process.pid}, delete .platform-gen.lock and run it again`,
      ].join('\n'),
    );
    await first.release();
    await (await acquireRepoLock(root, 'generate')).release();
  });

  it('takes over a stale lock (its process has exited) with a warning', async () => {
    const root = await tempRoot();
    const pid = deadPid();
    await writeFile(join(root, LOCK_FILE), formatLock({ ...HOLDER, pid, hostname: hostname() }));
    const lock = await acquireRepoLock(root, 'generate');
    expect(lock.warnings).toEqual([
      `platform-gen: warning: took over the stale lock .platform-gen.lock of platform-gen generate (pid ${pid}, since 2025-01-02T03:04:05.000Z): process ${pid} is no longer running. An interrupted run leaves every file whole (old or new); this run finishes its work.\n`,
    ]);
    expect(parseLock(await readFile(join(root, LOCK_FILE), 'utf8'))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('release leaves alone a lock that is no longer its own', async () => {
    const root = await tempRoot();
    const lock = await acquireRepoLock(root, 'generate');
    const other = formatLock({ ...HOLDER, hostname: hostname(), pid: process.pid, command: 'seal' });
    await writeFile(join(root, LOCK_FILE), other);
    await lock.release();
    expect(await readFile(join(root, LOCK_FILE), 'utf8')).toBe(other);
  });

  it('takes no lock where there is no repository (the command reports that itself)', async () => {
    const root = join(await tempRoot(), 'missing');
    const lock = await acquireRepoLock(root, 'generate');
    await lock.release();
  });
});

describe('withRepoLock', () => {
  it('holds the lock while the function runs, re-entrantly, and releases it when it throws', async () => {
    const root = await tempRoot();
    expect(holdsRepoLock(root)).toBe(false);
    const failing = withRepoLock(root, 'new-namespace', async () => {
      expect(holdsRepoLock(root)).toBe(true);
      // A nested command (new-namespace runs generate) does not lock again.
      await withRepoLock(root, 'generate', async () => expect(holdsRepoLock(`${root}/.`)).toBe(true));
      // A run outside this call chain is refused.
      await expect(acquireRepoLock(root, 'generate')).rejects.toThrow(RepoLockedError);
      throw new Error('invalid definitions');
    });
    await expect(failing).rejects.toThrow('invalid definitions');
    expect(holdsRepoLock(root)).toBe(false);
    await expect(readFile(join(root, LOCK_FILE))).rejects.toThrow('ENOENT');
  });

  it('passes the stale-lock warning on and returns the result', async () => {
    const root = await tempRoot();
    await writeFile(join(root, LOCK_FILE), formatLock({ ...HOLDER, pid: deadPid(), hostname: hostname() }));
    const warnings: string[] = [];
    expect(
      await withRepoLock(
        root,
        'generate',
        async () => 7,
        (w) => warnings.push(w),
      ),
    ).toBe(7);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^platform-gen: warning: took over the stale lock/);
  });
});
