import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RepoSnapshot, SECRET_SCAN_MAX_BYTES } from './repo-snapshot.js';
import {
  hashToolchain,
  observeRepository,
  pruneRunRecords,
  type RepositoryState,
  RUN_RECORD_MAX_AGE_MS,
  readRunRecord,
  writeRunRecord,
} from './run-record.js';

const WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A small repository resolving @platform-gen/core to this workspace, and a cache folder outside it. */
function repo(): { root: string; env: NodeJS.ProcessEnv } {
  const base = mkdtempSync(join(tmpdir(), 'run-record-'));
  made.push(base);
  const root = join(base, 'repo');
  for (const [path, text] of Object.entries({
    'platform/platform.ts': 'export default {};\n',
    'namespaces/a/namespace.ts': 'export default {};\n',
    'kubernetes/a/ns.yaml': 'kind: Namespace\n',
    '.platform-gen/manifest': 'kubernetes/a/ns.yaml\n',
  })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  symlinkSync(join(WORKSPACE, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { root, env: { PLATFORM_GEN_CACHE_DIR: join(base, 'cache') } };
}

function state(root: string, env: NodeJS.ProcessEnv): RepositoryState {
  const seen = observeRepository(root, env);
  if (!seen.ok) throw new Error(seen.reason);
  return seen.state;
}

describe('observeRepository: the tree a run starts from', () => {
  it('is the same for the same files, and differs after any change a run could read', () => {
    const { root, env } = repo();
    const first = state(root, env);
    expect(state(root, env)).toEqual(first);
    const changes: [string, () => void][] = [
      ['one byte of a generated file', () => writeFileSync(join(root, 'kubernetes/a/ns.yaml'), 'kind: Namespacf\n')],
      ['a definition', () => writeFileSync(join(root, 'namespaces/a/namespace.ts'), 'export default { a: 1 };\n')],
      ['a new empty file', () => writeFileSync(join(root, 'README.md'), '')],
      ['a new empty folder', () => mkdirSync(join(root, 'namespaces/b'))],
      ['a deleted file', () => rmSync(join(root, '.platform-gen/manifest'))],
      ['a file moved', () => writeFileSync(join(root, 'kubernetes/ns.yaml'), 'kind: Namespace\n')],
    ];
    const seen = new Set([first.tree]);
    for (const [what, change] of changes) {
      change();
      const next = state(root, env);
      expect(seen.has(next.tree), what).toBe(false);
      expect(next.key, what).toBe(first.key);
      seen.add(next.tree);
    }
  });

  it('ignores what no run reads: timestamps, Git, installed dependencies, the lock, the cache inside the repository', () => {
    const { root, env } = repo();
    const inside = { ...env, PLATFORM_GEN_CACHE_DIR: join(root, '.cache/platform-gen') };
    const first = state(root, inside);
    utimesSync(join(root, 'kubernetes/a/ns.yaml'), new Date(0), new Date(0));
    mkdirSync(join(root, '.git/objects'), { recursive: true });
    writeFileSync(join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(root, '.platform-gen.lock'), '{"pid":1}\n');
    mkdirSync(join(root, 'docs/node_modules/x'), { recursive: true });
    writeFileSync(join(root, 'docs/node_modules/x/index.js'), '');
    mkdirSync(join(root, '.cache/platform-gen/runs'), { recursive: true });
    writeFileSync(join(root, '.cache/platform-gen/runs/x.json'), '{}');
    const after = state(root, inside);
    // docs/ and .cache/ are new folders (their D entries): compare with the same folders, empty of what is skipped.
    rmSync(join(root, '.cache/platform-gen/runs/x.json'));
    expect(state(root, inside)).toEqual(after);
    rmSync(join(root, '.git'), { recursive: true });
    rmSync(join(root, '.platform-gen.lock'));
    expect(state(root, inside)).toEqual(after);
    rmSync(join(root, 'docs'), { recursive: true });
    rmSync(join(root, '.cache'), { recursive: true });
    expect(state(root, inside)).toEqual(first);
  });

  it('refuses what a run could read through: symbolic links, dependency folders among definitions, caching off', () => {
    const cases: [string, (root: string) => void, RegExp][] = [
      [
        'a symbolic link',
        (root) => symlinkSync('/etc/hostname', join(root, 'kubernetes/a/link.yaml')),
        /symbolic link/,
      ],
      [
        'node_modules in a namespace folder',
        (root) => mkdirSync(join(root, 'namespaces/a/node_modules')),
        /namespaces\/a\/node_modules: a dependency folder/,
      ],
      [
        'node_modules among the manifests',
        (root) => mkdirSync(join(root, 'kubernetes/node_modules')),
        /a dependency folder/,
      ],
    ];
    for (const [what, change, reason] of cases) {
      const { root, env } = repo();
      change(root);
      const seen = observeRepository(root, env);
      expect(seen.ok, what).toBe(false);
      if (!seen.ok) expect(seen.reason, what).toMatch(reason);
    }
    const { root, env } = repo();
    expect(observeRepository(root, { ...env, PLATFORM_GEN_CACHE: '0' })).toEqual({
      ok: false,
      reason: 'caching is off',
    });
    expect(observeRepository(root, { ...env, PLATFORM_GEN_RUN_RECORD: '0' })).toEqual({
      ok: false,
      reason: 'the run record is off',
    });
  });

  it('keys the record by the repository and every PLATFORM_GEN_ setting', () => {
    const one = repo();
    const two = repo();
    expect(state(one.root, one.env).key).not.toBe(state(two.root, one.env).key);
    const timeout = { ...one.env, PLATFORM_GEN_LOAD_TIMEOUT_MS: '5' };
    expect(state(one.root, timeout).key).not.toBe(state(one.root, one.env).key);
    expect(state(one.root, { ...one.env, UNRELATED: 'x' }).key).toBe(state(one.root, one.env).key);
  });
});

describe('observeRepository with collect: what it read seeds the snapshot of the run', () => {
  it('gives a snapshot that sees exactly what a fresh one sees, without reading those files again', () => {
    const { root, env } = repo();
    writeFileSync(join(root, 'kubernetes/a/binary.bin'), Buffer.from([1, 0, 2]));
    writeFileSync(join(root, 'kubernetes/a/big.txt'), 'x'.repeat(SECRET_SCAN_MAX_BYTES + 10));
    writeFileSync(join(root, 'kubernetes/a/unicode.yaml'), 'name: "é – ✓"\n');
    const seen = observeRepository(root, env, { collect: true });
    if (!seen.ok || seen.reads === undefined) throw new Error('no reads collected');
    expect(observeRepository(root, env)).toEqual({ ok: true, state: seen.state });

    const fresh = new RepoSnapshot(root);
    const seeded = new RepoSnapshot(root, seen.reads);
    const everything = fresh.walk('', { enter: (dir) => !dir.startsWith('node_modules') });
    expect(seeded.walk('', { enter: (dir) => !dir.startsWith('node_modules') })).toEqual(everything);
    expect(everything).toContain('kubernetes/a/big.txt');
    for (const path of everything) {
      expect(seeded.kind(path), path).toBe(fresh.kind(path));
      expect(seeded.scannable(path), path).toBe(fresh.scannable(path));
      expect(seeded.text(path), path).toBe(fresh.text(path));
    }
    // Not listed by the hash: read from disk when asked.
    expect(seeded.list('node_modules')).toEqual(fresh.list('node_modules'));

    // What the hash read is what the run sees, even if the disk changed since (the record's state).
    const again = observeRepository(root, env, { collect: true });
    if (!again.ok || again.reads === undefined) throw new Error('no reads collected');
    writeFileSync(join(root, 'kubernetes/a/ns.yaml'), 'kind: Changed\n');
    rmSync(join(root, 'namespaces/a/namespace.ts'));
    const before = new RepoSnapshot(root, again.reads);
    expect(before.text('kubernetes/a/ns.yaml')).toBe('kind: Namespace\n');
    expect(before.kind('namespaces/a/namespace.ts')).toBe('file');
    expect(again.reads.files.has('kubernetes/a/ns.yaml'), 'bytes are dropped once decoded').toBe(false);
  });
});

describe('observeRepository with collect unrecorded', () => {
  it('keeps the reads only while no record exists for the repository and toolchain (a sure miss)', async () => {
    const { root, env } = repo();
    const first = observeRepository(root, env, { collect: 'unrecorded' });
    if (!first.ok) throw new Error(first.reason);
    expect(first.reads).toBeDefined();
    expect(await writeRunRecord(root, first.state, { files: 1, warnings: '' }, env)).toBe(true);
    const next = observeRepository(root, env, { collect: 'unrecorded' });
    expect(next).toEqual({ ok: true, state: first.state });
    // Still so once the tree changed: a record exists, so the next run may well be a hit.
    writeFileSync(join(root, 'kubernetes/a/ns.yaml'), 'kind: Other\n');
    const changed = observeRepository(root, env, { collect: 'unrecorded' });
    expect(changed.ok && changed.reads).toBeUndefined();
  });
});

describe('hashToolchain: the toolchain part of the key', () => {
  it('changes with any file of its packages, its lockfile or its install; needs a workspace', () => {
    const base = mkdtempSync(join(tmpdir(), 'run-record-ws-'));
    made.push(base);
    expect(hashToolchain(base)).toEqual({ ok: false, reason: 'platform-gen is not running from its workspace' });
    mkdirSync(join(base, 'packages/core/src'), { recursive: true });
    mkdirSync(join(base, 'packages/core/node_modules'), { recursive: true });
    writeFileSync(join(base, 'pnpm-lock.yaml'), 'lockfileVersion: 9.0\n');
    writeFileSync(join(base, 'packages/core/src/a.ts'), 'export const a = 1;\n');
    const hashes = new Set<string>();
    const take = () => {
      const hashed = hashToolchain(base);
      if (!hashed.ok) throw new Error(hashed.reason);
      return hashed.hash;
    };
    hashes.add(take());
    writeFileSync(join(base, 'packages/core/node_modules/ignored.js'), 'stands for the lockfile');
    expect(hashes.has(take())).toBe(true);
    for (const change of [
      () => writeFileSync(join(base, 'packages/core/src/a.ts'), 'export const a = 2;\n'),
      () => writeFileSync(join(base, 'pnpm-lock.yaml'), 'lockfileVersion: 9.1\n'),
      () => {
        mkdirSync(join(base, 'node_modules'));
        writeFileSync(join(base, 'node_modules/.modules.yaml'), 'layoutVersion: 5\n');
      },
    ]) {
      change();
      const next = take();
      expect(hashes.has(next)).toBe(false);
      hashes.add(next);
    }
  });
});

describe('run records', () => {
  it('answers only for the exact state it was written for', async () => {
    const { root, env } = repo();
    const before = state(root, env);
    expect(readRunRecord(root, before, env)).toBeUndefined();
    expect(await writeRunRecord(root, before, { files: 3, warnings: 'W\n' }, env)).toBe(true);
    expect(readRunRecord(root, before, env)).toEqual({ files: 3, warnings: 'W\n' });
    writeFileSync(join(root, 'kubernetes/a/ns.yaml'), 'kind: Namespace # edited\n');
    expect(readRunRecord(root, state(root, env), env)).toBeUndefined();
    // Another repository, or another setting, never reads it.
    expect(readRunRecord(root, { ...before, key: state(repo().root, env).key }, env)).toBeUndefined();
  });

  it('is not written when the repository changed during the run', async () => {
    const { root, env } = repo();
    const before = state(root, env);
    writeFileSync(join(root, 'namespaces/a/namespace.ts'), 'export default { edited: true };\n');
    expect(await writeRunRecord(root, before, { files: 1, warnings: '' }, env)).toBe(false);
    expect(readRunRecord(root, before, env)).toBeUndefined();
    expect(readRunRecord(root, state(root, env), env)).toBeUndefined();
  });

  it('treats a corrupt or foreign record as a miss', async () => {
    const { root, env } = repo();
    const before = state(root, env);
    await writeRunRecord(root, before, { files: 1, warnings: '' }, env);
    const dir = join(env.PLATFORM_GEN_CACHE_DIR as string, 'runs');
    const [name] = readdirSync(dir);
    for (const text of ['{', 'null', '{"format":"x"}', JSON.stringify({ files: -1, warnings: '' })]) {
      writeFileSync(join(dir, name as string), text);
      expect(readRunRecord(root, before, env), text).toBeUndefined();
    }
  });

  it('prunes records not used for two weeks', async () => {
    const { root, env } = repo();
    await writeRunRecord(root, state(root, env), { files: 1, warnings: '' }, env);
    const dir = join(env.PLATFORM_GEN_CACHE_DIR as string, 'runs');
    const old = join(dir, 'old.json');
    writeFileSync(old, '{}');
    const now = Date.now();
    utimesSync(old, new Date(now - RUN_RECORD_MAX_AGE_MS - 1000), new Date(now - RUN_RECORD_MAX_AGE_MS - 1000));
    pruneRunRecords(dir, now);
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
