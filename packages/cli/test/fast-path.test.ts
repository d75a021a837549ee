/**
 * The CLI's prebuilt fast path (src/fast-path.ts, ADR 18): which command lines it answers, when the bin may run
 * the prebuilt file, and, through the real binary, that a recorded generate is answered without loading any
 * TypeScript while every other run goes on to the CLI proper with the same result.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshPrebuilt } from '../bin/prebuilt.js';
import { parseGenerateArgv, runFastPath } from '../src/fast-path.js';
import type { Prepared } from '../src/main.js';
import { createTempRepo, removeTempRepos, type TempRepo, WORKSPACE_ROOT } from './temp-repo.js';

afterEach(async () => {
  vi.unstubAllEnvs();
  await removeTempRepos();
});

const CLI = join(WORKSPACE_ROOT, 'packages/cli');

describe('the command lines the fast path answers', () => {
  it.each([
    [['generate'], { check: false, root: '/r', allowDelete: [] }],
    [['generate', '--check'], { check: true, root: '/r', allowDelete: [] }],
    [['generate', '--root', 'sub'], { check: false, root: '/r/sub', allowDelete: [] }],
    [['generate', '--root=/abs', '--check'], { check: true, root: '/abs', allowDelete: [] }],
    [['generate', '--allow-delete', 'a', '--allow-delete=b'], { check: false, root: '/r', allowDelete: ['a', 'b'] }],
  ])('reads %j as the CLI does', (argv, expected) => {
    expect(parseGenerateArgv(argv, '/r')).toEqual(expected);
  });

  it.each([
    [[]],
    [['validate']],
    [['--root', 'x', 'generate']],
    [['generate', '--help']],
    [['generate', '-h']],
    [['generate', '--check', '--check']],
    [['generate', '--root', 'a', '--root', 'b']],
    [['generate', '--root']],
    [['generate', '--root', '']],
    [['generate', '--root=']],
    [['generate', '--root', '--check']],
    [['generate', '--allow-delete', '-x']],
    [['generate', '--check=yes']],
    [['generate', 'extra']],
    [['generate', '--unknown']],
  ])('leaves %j to the CLI proper', (argv) => {
    expect(parseGenerateArgv(argv, '/r')).toBeUndefined();
  });
});

describe('when the bin runs the prebuilt CLI', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  /** A package folder with both parts built, their manifest and one source each. */
  async function fakePackage(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'platform-gen-prebuilt-'));
    await mkdir(join(dir, 'dist/main'), { recursive: true });
    await mkdir(join(dir, 'src'));
    const files: Record<string, string> = {
      'dist/fast-path.js': 'export {};\n',
      'dist/main/main.js': 'export const main = 1;\n',
      'src/a.ts': 'export const a = 1;\n',
      'src/b.ts': 'export const b = 1;\n',
    };
    for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text);
    const hashes = (paths: string[]) => Object.fromEntries(paths.map((p) => [p, sha(files[p] ?? '')]));
    const manifest = {
      fastPath: { outputs: hashes(['dist/fast-path.js']), inputs: hashes(['src/a.ts']) },
      main: { outputs: hashes(['dist/main/main.js']), inputs: hashes(['src/a.ts', 'src/b.ts']) },
    };
    await writeFile(join(dir, 'dist/manifest.json'), JSON.stringify(manifest));
    return dir;
  }
  const url = (dir: string) => pathToFileURL(`${dir}/`);

  it('runs each part while its outputs and every source it was built from are unchanged', async () => {
    const dir = await fakePackage();
    expect(freshPrebuilt(url(dir), 'fastPath')?.href).toBe(pathToFileURL(join(dir, 'dist/fast-path.js')).href);
    expect(freshPrebuilt(url(dir), 'main')?.href).toBe(pathToFileURL(join(dir, 'dist/main/main.js')).href);
    // A source only the CLI proper was built from leaves the fast path running.
    await writeFile(join(dir, 'src/b.ts'), 'export const b = 2;\n');
    expect(freshPrebuilt(url(dir), 'fastPath')).toBeDefined();
    expect(freshPrebuilt(url(dir), 'main')).toBeUndefined();
    await rm(dir, { recursive: true });
  });

  it.each([
    ['a source was edited', (dir: string) => writeFile(join(dir, 'src/a.ts'), 'export const a = 2;\n')],
    ['a source is gone', (dir: string) => rm(join(dir, 'src/a.ts'))],
    ['an output was edited', (dir: string) => writeFile(join(dir, 'dist/fast-path.js'), 'export const x = 1;\n')],
    ['there is no manifest', (dir: string) => rm(join(dir, 'dist/manifest.json'))],
    ['the manifest is corrupt', (dir: string) => writeFile(join(dir, 'dist/manifest.json'), '{"fastPath":')],
    [
      'the manifest lists no source',
      (dir: string) => writeFile(join(dir, 'dist/manifest.json'), '{"fastPath":{"outputs":{}}}'),
    ],
  ])('runs the fast path from the TypeScript sources when %s', async (_, spoil) => {
    const dir = await fakePackage();
    await spoil(dir);
    expect(freshPrebuilt(url(dir), 'fastPath')).toBeUndefined();
    await rm(dir, { recursive: true });
  });

  it('was built at install from exactly the sources in this checkout (else run: pnpm build)', () => {
    const cli = pathToFileURL(`${CLI}/`);
    expect(freshPrebuilt(cli, 'fastPath'), 'packages/cli/dist/fast-path.js is missing or stale').toBeDefined();
    expect(freshPrebuilt(cli, 'main'), 'packages/cli/dist/main/ is missing or stale').toBeDefined();
  });
});

describe('runFastPath (in this process)', () => {
  const io = (root: string) => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd: root } };
  };

  it('hands every other command line on untouched, a generate it cannot answer with what it saw', async () => {
    const repo = await createTempRepo();
    const calls: (Prepared | undefined)[] = [];
    const full = async (prepared?: Prepared) => {
      calls.push(prepared);
      return 7;
    };
    expect(await runFastPath(['validate'], full, io(repo.root).io)).toBe(7);
    expect(calls).toEqual([undefined]);

    expect(await runFastPath(['generate', '--check'], full, io(repo.root).io)).toBe(7);
    expect(calls[1]).toMatchObject({ root: resolve(repo.root), check: true, seen: { ok: true } });
  });

  it('answers a recorded generate itself, holding the lock while it looks', async () => {
    const repo = await createTempRepo();
    expect((await repo.runBinary(['generate', '--check'])).code).toBe(0);
    const full = vi.fn(async () => 9);
    const check = io(repo.root);
    expect(await runFastPath(['generate', '--check'], full, check.io)).toBe(0);
    expect(check.out.join('')).toMatch(/^platform-gen: all \d+ generated files are up to date\.\n$/);

    // A writing generate takes the lock: while another run holds it, the fast path refuses as the CLI does.
    await writeFile(
      join(repo.root, '.platform-gen.lock'),
      JSON.stringify({
        pid: process.pid,
        hostname: (await import('node:os')).hostname(),
        command: 'seal',
        started: new Date().toISOString(),
      }),
    );
    const locked = io(repo.root);
    expect(await runFastPath(['generate'], full, locked.io)).toBe(1);
    expect(locked.err.join('')).toContain('seal');
    expect(full).not.toHaveBeenCalled();
  });
});

describe('the real binary', () => {
  const PREBUILT_MAIN = pathToFileURL(join(CLI, 'dist/main/main.js')).href;
  const PREBUILT_CORE = pathToFileURL(join(CLI, 'dist/main/core.js')).href;
  const CORE_SOURCE = pathToFileURL(join(WORKSPACE_ROOT, 'packages/core/src/index.ts')).href;

  /** Runs the binary logging every module it loads: its result, all loaded URLs, and the TypeScript among them. */
  async function traced(repo: TempRepo, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    const log = join(repo.root, '..', `loads-${Math.random().toString(36).slice(2)}.txt`);
    const result = await repo.runBinary(args, {
      nodeOptions: ['--import', pathToFileURL(join(CLI, 'test/fixtures/log-loads/register.mjs')).href],
      env: { ...env, LOG_LOADS_FILE: log },
    });
    const loaded = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((u) => u !== '');
    return { result, loaded, typescript: loaded.filter((u) => u.endsWith('.ts') || u.includes('.ts?')) };
  }

  it('answers a recorded --check and generate from the fast path alone, exactly as the whole pipeline does', async () => {
    const repo = await createTempRepo();
    const first = await traced(repo, ['generate', '--check']);
    expect(first.result.code, first.result.err).toBe(0);
    expect(first.loaded, 'a run the record cannot answer runs the CLI proper').toContain(PREBUILT_MAIN);

    const again = await traced(repo, ['generate', '--check']);
    expect(again.result).toEqual(first.result);
    expect(again.typescript).toEqual([]);
    expect(again.loaded).not.toContain(PREBUILT_MAIN);

    const whole = await traced(repo, ['generate'], { PLATFORM_GEN_RUN_RECORD: '0' });
    expect(whole.result.code, whole.result.err).toBe(0);
    await repo.runBinary(['generate']); // records the writing run's state
    const replayed = await traced(repo, ['generate', '--allow-delete', 'gone']);
    expect(replayed.typescript).toEqual([]);
    expect(replayed.result.out).toBe(whole.result.out);
    expect(replayed.result.err).toContain('--allow-delete gone: this run deletes no namespace of that name; ignored.');
  });

  it('runs the whole pipeline prebuilt: no TypeScript while every definition comes from its cache', async () => {
    const repo = await createTempRepo();
    expect((await repo.runBinary(['generate', '--check'])).code).toBe(0); // fills the definition cache
    const run = await traced(repo, ['validate']);
    expect(run.result.code, run.result.err).toBe(0);
    expect(run.loaded).toContain(PREBUILT_MAIN);
    expect(run.typescript).toEqual([]);
  });

  it('hands a changed repository to the CLI proper under its lock; its definitions import the prebuilt core', async () => {
    const repo = await createTempRepo();
    expect((await repo.runBinary(['generate'])).code).toBe(0);
    await repo.replace('namespaces/payments-api/namespace.ts', 'Public payments API', 'The public payments API');
    const run = await traced(repo, ['generate']);
    expect(run.result.code, run.result.err).toBe(0);
    expect(run.result.out).toMatch(/written {3}kubernetes\/namespaces\/payments-api\//);
    expect(run.typescript.some((u) => u.includes('/namespaces/payments-api/namespace.ts'))).toBe(true);
    expect(run.loaded).toContain(PREBUILT_CORE);
    expect(run.loaded, 'no second copy of core from its sources').not.toContain(CORE_SOURCE);
    expect(await repo.exists('.platform-gen.lock')).toBe(false);
    // A run that wrote leaves no record; the next consistent one does, and the one after is answered from it.
    expect((await repo.runBinary(['generate', '--check'])).code).toBe(0);
    expect((await traced(repo, ['generate', '--check'])).typescript).toEqual([]);
  });
});
