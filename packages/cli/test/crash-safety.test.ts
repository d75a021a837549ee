/**
 * Crash safety and the repository lock, with the real binary on copies of the example repository.
 *
 * The kill test damages many generated files (so `generate` has lots to write), starts `node BIN generate`,
 * and SIGKILLs it at a random point of its write phase, many times over. After each kill every generated
 * file holds its old or its new bytes (never part of either), the manifest lists every file written, no
 * hand-written file was touched, and a final normal run restores exactly the expected tree. The delays come
 * from a seeded PRNG: the seed is printed, and CRASH_SEED=<seed> (CRASH_KILLS=<n>) replays a run.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireRepoLock, LOCK_FILE, MANIFEST_FILE, parseManifest, renderFile, TEMP_DIR } from '@platform-gen/core';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, createTempRepo, diffSnapshots, removeTempRepos, type Snapshot, type TempRepo } from './temp-repo.js';

afterAll(removeTempRepos);

const KILLS = Number(process.env.CRASH_KILLS ?? 25);
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
/**
 * No new round is started after this much time in the loop, once MIN_KILLS kills are done; the count is printed.
 * CRASH_BUDGET_MS raises it for a longer hunt (CI keeps the default, bounded by its 10 minutes).
 */
const LOOP_BUDGET_MS = Number(process.env.CRASH_BUDGET_MS ?? 20_000);
const MIN_KILLS = Math.min(KILLS, 5);

/** Hand-written files a run must never touch, including two that look like platform-gen's own. */
const UNOWNED: Readonly<Record<string, string>> = {
  'NOTES.txt': 'hand-written notes at the root\n',
  'docs/runbook-local.md': '# A hand-written runbook\n',
  'kubernetes/vault-config/README.local.txt': 'hand-written, inside a folder platform-gen owns\n',
  'kubernetes/namespaces/payments-api/notes.txt': 'hand-written, beside generated files\n',
  // A temporary name, but not of a path platform-gen owns: not a leftover of ours.
  'kubernetes/namespaces/payments-api/notes.txt.platform-gen-7.tmp': 'still hand-written\n',
};

/** mulberry32: a small seeded PRNG, so a failing sequence of kills can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Files only: path → content. */
function contents(snapshot: Snapshot): Map<string, string> {
  return new Map([...snapshot].filter(([, e]) => e.type === 'file').map(([path, e]) => [path, e.content]));
}

interface Run {
  readonly killed: boolean;
  readonly code: number | null;
  /** Milliseconds from the first temporary file of this process to its end; undefined if none was seen. */
  readonly writeMs: number | undefined;
  readonly err: string;
}

/**
 * Runs `node BIN generate` in `root`. Polls `.platform-gen/tmp/` for the first temporary file named after
 * the child's pid (the start of its write phase); then `onWrite` may kill or stop it.
 */
function runGenerate(root: string, onWrite: (child: ChildProcess) => void = () => {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'generate'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const err: Buffer[] = [];
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    const marker = `.platform-gen-${child.pid}.tmp`;
    let started: number | undefined;
    const poll = setInterval(() => {
      readdir(join(root, TEMP_DIR)).then(
        (names) => {
          if (started === undefined && names.some((name) => name.endsWith(marker))) {
            started = performance.now();
            onWrite(child);
          }
        },
        () => undefined,
      );
    }, 2);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({
        killed: signal === 'SIGKILL',
        code,
        writeMs: started === undefined ? undefined : performance.now() - started,
        err: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/**
 * Gives generate lots to write: deletes or edits about two thirds of the generated files, drops some
 * deleted ones from the manifest (so the run adds paths), and plants orphans in a folder platform-gen
 * owns, listed in the manifest as a previous run would have left them: three with the header and one JSON
 * file, which has none (only the manifest says it is ours). The run then writes its manifest ahead.
 */
async function damage(repo: TempRepo, generated: readonly string[], random: () => number, round: number) {
  const dropped = new Set<string>();
  for (const path of generated) {
    if (path === MANIFEST_FILE) continue;
    const r = random();
    if (r < 0.3) {
      await repo.remove(path);
      if (random() < 0.5) dropped.add(path);
    } else if (r < 0.65 && (await repo.exists(path))) {
      await writeFile(repo.path(path), `${await repo.read(path)}# damaged in round ${round}\n`);
    }
  }
  const orphans = [0, 1, 2].map((k) => `kubernetes/vault-config/orphan-${round}-${k}.yaml`);
  for (const [k, path] of orphans.entries()) await repo.write(path, renderFile(path, 'namespaces/removed', `k: ${k}`));
  orphans.push(`kubernetes/vault-config/orphan-${round}.json`);
  await repo.write(`kubernetes/vault-config/orphan-${round}.json`, '{"removed": true}\n');
  if (await repo.exists(MANIFEST_FILE)) {
    const lines = (await repo.read(MANIFEST_FILE)).split('\n').filter((line) => line !== '' && !dropped.has(line));
    await writeFile(repo.path(MANIFEST_FILE), `${[...lines, ...orphans].join('\n')}\n`);
  }
}

/** Paths of `.platform-gen/tmp/` files, and of temporary names anywhere else (which would be a bug). */
function temporaries(files: ReadonlyMap<string, string>): { staged: string[]; elsewhere: string[] } {
  const all = [...files.keys()];
  return {
    staged: all.filter((p) => p.startsWith(`${TEMP_DIR}/`)),
    elsewhere: all.filter(
      (p) => !p.startsWith(`${TEMP_DIR}/`) && /\.platform-gen-\d+\.tmp$/.test(p) && !(p in UNOWNED),
    ),
  };
}

/** A fresh copy with the hand-written files added, brought up to date; returns it with the expected files. */
async function preparedRepo(): Promise<{ repo: TempRepo; expected: Map<string, string>; generated: string[] }> {
  const repo = await createTempRepo();
  for (const [path, content] of Object.entries(UNOWNED)) await repo.write(path, content);
  // The working tree may be mid-edit: this copy's own fresh generation is the expected tree.
  const first = await repo.runBinary(['generate']);
  expect(first.code, first.err).toBe(0);
  const expected = contents(await repo.snapshot());
  const generated = parseManifest(expected.get(MANIFEST_FILE) ?? '');
  expect(generated.length).toBeGreaterThan(100);
  return { repo, expected, generated };
}

describe('crash safety: SIGKILL during generate', () => {
  it('never leaves half a file, never touches a hand-written file, and the next run restores the tree', async () => {
    const { repo, expected, generated } = await preparedRepo();
    const owned = new Set(generated);
    const random = prng(SEED);
    const pristine = await repo.snapshot();
    const context = (round: number, path: string) =>
      `seed ${SEED} (rerun: CRASH_SEED=${SEED}), round ${round}: ${path}`;

    // Calibrate: how long does the write phase of a damaged tree take here?
    await damage(repo, generated, random, 0);
    const calibration = await runGenerate(repo.root);
    expect(calibration.code, calibration.err).toBe(0);
    const window = Math.max(calibration.writeMs ?? 300, 50);

    let kills = 0;
    let finished = 0;
    let manifestsAhead = 0;
    const deadline = Date.now() + LOOP_BUDGET_MS;
    const more = () => kills < KILLS && (kills < MIN_KILLS || Date.now() < deadline);
    for (let round = 1; more() && round <= 3 * KILLS; round++) {
      await damage(repo, generated, random, round);
      const before = contents(await repo.snapshot());
      const delay = random() * window;
      const run = await runGenerate(repo.root, (child) => setTimeout(() => child.kill('SIGKILL'), delay));
      if (run.killed) kills++;
      else {
        expect(run.code, `${context(round, 'the run ended by itself')}\n${run.err}`).toBe(0);
        finished++;
      }
      const after = contents(await repo.snapshot());

      for (const path of new Set([...before.keys(), ...after.keys()])) {
        const old = before.get(path);
        const now = after.get(path);
        if (path === LOCK_FILE || path.startsWith(`${TEMP_DIR}/`)) continue;
        if (path === MANIFEST_FILE && now !== undefined && now !== old && now !== expected.get(path)) {
          // The write-ahead manifest: exactly the old entries plus the new ones.
          const union = new Set([...parseManifest(old ?? ''), ...parseManifest(expected.get(path) ?? '')]);
          expect(new Set(parseManifest(now)), context(round, path)).toEqual(union);
          manifestsAhead++;
          continue;
        }
        if (owned.has(path)) {
          expect([old, expected.get(path)], context(round, path)).toContain(now);
        } else if (path.startsWith('kubernetes/vault-config/orphan-')) {
          expect([old, undefined], context(round, path)).toContain(now);
          // Not deleted yet: still known as platform-gen's, so the next run deletes it.
          if (now !== undefined && path.endsWith('.json')) {
            expect(parseManifest(after.get(MANIFEST_FILE) ?? ''), context(round, path)).toContain(path);
          }
        } else {
          expect(now, `${context(round, path)} is not platform-gen's and must not change`).toBe(old);
        }
      }
      // Ownership is never lost: every generated file on disk is listed in the manifest on disk.
      const listed = new Set(parseManifest(after.get(MANIFEST_FILE) ?? ''));
      for (const path of generated) {
        if (after.has(path)) expect(listed.has(path), context(round, `${path} is not listed`)).toBe(true);
      }
      expect(temporaries(after).elsewhere, context(round, 'temporary files')).toEqual([]);
    }
    // biome-ignore lint/suspicious/noConsole: the number of kills and the seed belong in the test output (issue #10)
    console.log(
      `crash-safety: ${kills} kills during the write phase (${finished} runs finished first; ${manifestsAhead} write-ahead manifests seen), seed ${SEED}; rerun with CRASH_SEED=${SEED}`,
    );
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);

    // A normal run repairs whatever the last kill left, and leaves nothing of its own behind.
    const final = await repo.runBinary(['generate']);
    expect(final.code, final.err).toBe(0);
    const check = await repo.runBinary(['generate', '--check']);
    expect(check.code, check.out + check.err).toBe(0);
    const restored = await repo.snapshot();
    expect(contents(restored)).toEqual(expected);
    expect(temporaries(contents(restored))).toEqual({ staged: [], elsewhere: [] });
    expect(await repo.exists(TEMP_DIR)).toBe(false);
    expect(await repo.exists(LOCK_FILE)).toBe(false);
    // Hand-written files: same bytes, and never rewritten (same inode and mtime).
    const untouched = new Map(
      [...pristine].filter(([path, e]) => e.type === 'file' && !owned.has(path) && path !== LOCK_FILE),
    );
    expect(diffSnapshots(untouched, new Map([...restored].filter(([path]) => untouched.has(path))))).toEqual([]);
  }, 400_000);
});

describe('the repository lock', () => {
  it('a second generate fails fast naming the holder, --check and validate read mid-write without crashing', async () => {
    const { repo, expected, generated } = await preparedRepo();
    await damage(repo, generated, prng(SEED), 1);
    let stopped: ChildProcess | undefined;
    const first = runGenerate(repo.root, (child) => {
      // Frozen half-way through its writes, holding the lock.
      child.kill('SIGSTOP');
      stopped = child;
    });
    try {
      await expect.poll(() => stopped !== undefined, { timeout: 60_000, interval: 20 }).toBe(true);
      const pid = stopped?.pid;
      const second = await repo.runBinary(['generate']);
      expect(second.code).toBe(1);
      expect(second.err).toMatch(
        new RegExp(
          `^platform-gen: generate refused: the repository is locked by platform-gen generate \\(pid ${pid} on host ${hostname()}, since [0-9T:.Z-]+\\)\\. Nothing was written\\.\n  fix: wait for that run to finish, then run generate again; if no platform-gen is running as pid ${pid}, delete \\.platform-gen\\.lock and run it again\n$`,
        ),
      );
      // Read-only commands take no lock: they see a tree mid-write (drift), and do not crash on it.
      const check = await repo.runBinary(['generate', '--check']);
      expect(check.code, check.err).toBe(1);
      expect(check.err).toMatch(/differ from a fresh generation/);
      const validate = await repo.runBinary(['validate']);
      expect([0, 1], validate.err).toContain(validate.code);
      expect(validate.err).not.toMatch(/internal error/);
    } finally {
      stopped?.kill('SIGCONT');
    }
    const done = await first;
    expect(done.code, done.err).toBe(0);
    expect(await repo.exists(LOCK_FILE)).toBe(false);
    const orphans = [...contents(await repo.snapshot()).keys()].filter((p) => p.includes('/orphan-'));
    expect(orphans).toEqual([]);
    const check = await repo.runBinary(['generate', '--check']);
    expect(check.code, check.err).toBe(0);
    expect(contents(await repo.snapshot())).toEqual(expected);
  }, 120_000);

  it('takes over a stale lock (its process is gone) with a warning', async () => {
    const repo = await createTempRepo();
    const pid = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
    );
    await repo.write(
      LOCK_FILE,
      `${JSON.stringify({ pid, hostname: hostname(), command: 'generate', started: '2025-01-02T03:04:05.000Z' })}\n`,
    );
    const result = await repo.runBinary(['generate']);
    expect(result.code, result.err).toBe(0);
    expect(result.err).toBe(
      `platform-gen: warning: took over the stale lock .platform-gen.lock of platform-gen generate (pid ${pid}, since 2025-01-02T03:04:05.000Z): process ${pid} is no longer running. An interrupted run leaves every file whole (old or new); this run finishes its work.\n`,
    );
    expect(await repo.exists(LOCK_FILE)).toBe(false);
  });

  it('is released when generate refuses invalid definitions', async () => {
    const repo = await createTempRepo();
    await repo.replace('namespaces/payments-api/namespace.ts', "team: 'payments'", "team: 'no-such-team'");
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await repo.run(['generate']);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/Nothing was written\.\n$/);
      expect(result.err).not.toMatch(/locked/);
      expect(await repo.exists(LOCK_FILE)).toBe(false);
    }
  });

  it('refuses every writing command while another run holds it, writing nothing; generate --check still runs', async () => {
    const repo = await createTempRepo();
    // The working tree may be mid-edit: bring the copy up to date, so --check below has nothing to report.
    expect((await repo.run(['generate'])).code).toBe(0);
    const lock = await acquireRepoLock(repo.root, 'migrate');
    try {
      const before = await repo.snapshot();
      const commands = [
        ['generate'],
        ['new-namespace', 'ledger', '--team', 'payments'],
        ['seal', 'grafana-admin', '--generate', 'password'],
        ['rekey', '--age-key', repo.path('no-such-key.txt')],
      ];
      for (const args of commands) {
        const result = await repo.run(args);
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.err).toMatch(
          new RegExp(
            `^platform-gen: ${args[0]} refused: the repository is locked by platform-gen migrate \\(pid ${process.pid} `,
          ),
        );
      }
      const check = await repo.run(['generate', '--check']);
      expect(check.code, check.err).toBe(0);
      expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
    } finally {
      await lock.release();
    }
    expect(await repo.exists(LOCK_FILE)).toBe(false);
  });
});

describe('never through a symlink, never outside the repository', () => {
  it('refuses an output folder replaced by a symlink to a folder outside, writing nothing there', async () => {
    const repo = await createTempRepo();
    await repo.remove('kubernetes/namespaces/payments-api');
    await repo.symlink(repo.outside, 'kubernetes/namespaces/payments-api');
    const before = await repo.snapshot();
    const result = await repo.runBinary(['generate']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/E_OUTPUT_SYMLINK/);
    expect(result.err).toMatch(
      /kubernetes\/namespaces\/payments-api is a symbolic link; platform-gen never writes through links/,
    );
    expect(await readdir(repo.outside)).toEqual([]);
    expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
  });

  it('refuses a generated file that is a symlink, leaving its target alone', async () => {
    const repo = await createTempRepo();
    const path = 'kubernetes/namespaces/payments-batch/namespace.yaml';
    const target = await repo.writeOutside('namespace.yaml', 'outside: true\n');
    await repo.remove(path);
    await repo.symlink(target, path);
    const result = await repo.run(['generate']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(new RegExp(`E_OUTPUT_SYMLINK +${path.replace(/\//g, '\\/')} is a symbolic link`));
    expect(await readdir(repo.outside)).toEqual(['namespace.yaml']);
    expect((await repo.snapshot()).get(path)?.type).toBe('symlink');
  });
});
