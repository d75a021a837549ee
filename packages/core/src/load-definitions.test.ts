import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDefinitionCacheDir } from './definition-cache.js';
import { getLoaderStats, type LoadedDefinitions, type LoaderStats, loadDefinitions } from './load-definitions.js';

// Real loads of the example's definitions in a copy of the repository: the real loader thread and tsx. What the
// cache saves is observed through the loader's own counters (threads started, files imported), not a mock.

const WORKSPACE_ROOT = join(import.meta.dirname, '..', '..', '..');
const NS = 'namespaces/payments-api/namespace.ts';
const SECRETS = 'namespaces/payments-api/secrets.ts';
const temporary: string[] = [];

afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** A copy of the example's definitions; `@platform-gen/core` resolves through the workspace's node_modules. */
async function exampleRepo(): Promise<{ root: string; write(file: string, text: string): Promise<void> }> {
  const root = await tempDir('platform-gen-load-');
  await cp(join(WORKSPACE_ROOT, 'platform'), join(root, 'platform'), { recursive: true });
  await cp(join(WORKSPACE_ROOT, 'namespaces'), join(root, 'namespaces'), { recursive: true });
  await cp(join(WORKSPACE_ROOT, 'package.json'), join(root, 'package.json'));
  await symlink(join(WORKSPACE_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return {
    root,
    write: async (file, text) => {
      await mkdir(dirname(join(root, file)), { recursive: true });
      await writeFile(join(root, file), text);
    },
  };
}

/** Loads and returns what changed in the counters. */
async function load(root: string): Promise<{ loaded: LoadedDefinitions; delta: LoaderStats }> {
  const before = getLoaderStats();
  const loaded = await loadDefinitions(root, { timeoutMs: 30_000 });
  const after = getLoaderStats();
  return {
    loaded,
    delta: {
      workerStarts: after.workerStarts - before.workerStarts,
      cacheHits: after.cacheHits - before.cacheHits,
      imported: after.imported - before.imported,
      cacheWrites: after.cacheWrites - before.cacheWrites,
    },
  };
}

function dataOf(loaded: LoadedDefinitions, file: string): unknown {
  if (loaded.platform?.file === file) return loaded.platform.data;
  for (const ns of loaded.namespaces) {
    if (ns.namespace?.file === file) return ns.namespace.data;
    if (ns.secrets?.file === file) return ns.secrets.data;
  }
  return undefined;
}

const NAMESPACE_TEXT = (description: string, extra = '') =>
  [
    "import { defineNamespace } from '@platform-gen/core';",
    extra,
    'export default defineNamespace({',
    "  name: 'payments-api',",
    "  team: 'payments',",
    `  description: ${description},`,
    "  system: 'payments',",
    "  vault: { approvedPrefixes: ['payments/api'] },",
    '});',
    '',
  ].join('\n');

let cacheBase: string;
beforeEach(async () => {
  cacheBase = await tempDir('platform-gen-cache-');
  vi.stubEnv('PLATFORM_GEN_CACHE_DIR', cacheBase);
  vi.stubEnv('PLATFORM_GEN_CACHE', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loadDefinitions: the definition cache', () => {
  it('a second load of unchanged definitions imports nothing and returns the same data and issues', async () => {
    const repo = await exampleRepo();
    const first = await load(repo.root);
    expect(first.loaded.issues).toEqual([]);
    // Every file of the example passes cacheable-source.ts's rule: imported in this thread, no loader thread.
    expect(first.delta).toEqual({ workerStarts: 0, cacheHits: 0, imported: 7, cacheWrites: 7 });
    const second = await load(repo.root);
    expect(second.delta).toEqual({ workerStarts: 0, cacheHits: 7, imported: 0, cacheWrites: 0 });
    expect(second.loaded).toEqual(first.loaded);
    // Beside the render cache, under the configured base.
    expect(getDefinitionCacheDir(repo.root)).toBe(join(cacheBase, 'definitions'));
    expect((await readdir(join(cacheBase, 'definitions'))).filter((n) => /^[0-9a-f]{64}\.json$/.test(n))).toHaveLength(
      7,
    );
  });

  it('an edited file misses (only it is imported) and its new value is loaded', async () => {
    const repo = await exampleRepo();
    await load(repo.root);
    await repo.write(NS, NAMESPACE_TEXT("'Edited description'"));
    const { loaded, delta } = await load(repo.root);
    expect(delta).toEqual({ workerStarts: 0, cacheHits: 6, imported: 1, cacheWrites: 1 });
    expect(dataOf(loaded, NS)).toMatchObject({ description: 'Edited description' });
    // Back to the first text: a hit again, on the first entry.
    expect((await load(repo.root)).delta).toMatchObject({ workerStarts: 0, cacheHits: 7 });
  });

  it('caches what a file loaded to with issues, and reports them exactly as an import does', async () => {
    const repo = await exampleRepo();
    // A secrets.ts exporting a namespace definition: E_DEF_WRONG_KIND, decided by the file's text alone.
    await repo.write(SECRETS, NAMESPACE_TEXT("'Wrong file'"));
    vi.stubEnv('PLATFORM_GEN_CACHE', '0');
    const uncached = await load(repo.root);
    vi.stubEnv('PLATFORM_GEN_CACHE', '');
    await load(repo.root);
    const cached = await load(repo.root);
    expect(cached.delta).toMatchObject({ workerStarts: 0, cacheHits: 7 });
    expect(cached.loaded.issues.map((i) => i.code)).toEqual(['E_DEF_WRONG_KIND']);
    // The same loads; only a cached load knows every value came from the file's bytes alone (run-record.ts).
    expect(cached.loaded).toEqual({ ...uncached.loaded, pure: true });
    expect(uncached.loaded.pure).toBe(false);
  });

  it('says whether every value depends on its file alone: pure with the cache, not without it or with one impure file', async () => {
    const repo = await exampleRepo();
    expect((await load(repo.root)).loaded.pure).toBe(true);
    expect((await load(repo.root)).loaded.pure).toBe(true);
    await repo.write(NS, `${NAMESPACE_TEXT("'Read at load'")}\nexport const at = Date.now();\n`);
    expect((await load(repo.root)).loaded.pure).toBe(false);
  });

  it('a file that imports a helper module is imported every time, and a change to the helper is seen', async () => {
    const repo = await exampleRepo();
    await repo.write('lib/describe.ts', "export const DESCRIPTION = 'From the helper';\n");
    await repo.write(NS, NAMESPACE_TEXT('DESCRIPTION', "import { DESCRIPTION } from '../../lib/describe.ts';"));
    const first = await load(repo.root);
    expect(first.loaded.issues).toEqual([]);
    expect(dataOf(first.loaded, NS)).toMatchObject({ description: 'From the helper' });
    expect(first.delta).toMatchObject({ imported: 7, cacheWrites: 6 });
    await repo.write('lib/describe.ts', "export const DESCRIPTION = 'Changed in the helper';\n");
    const second = await load(repo.root);
    expect(second.delta).toEqual({ workerStarts: 1, cacheHits: 6, imported: 1, cacheWrites: 0 });
    expect(dataOf(second.loaded, NS)).toMatchObject({ description: 'Changed in the helper' });
  });

  it('a file that reads process.env is imported every time', async () => {
    const repo = await exampleRepo();
    await repo.write(NS, NAMESPACE_TEXT("process.env.PLATFORM_GEN_TEST_DESCRIPTION ?? 'unset'"));
    vi.stubEnv('PLATFORM_GEN_TEST_DESCRIPTION', 'first');
    const first = await load(repo.root);
    expect(dataOf(first.loaded, NS)).toMatchObject({ description: 'first' });
    vi.stubEnv('PLATFORM_GEN_TEST_DESCRIPTION', 'second');
    const second = await load(repo.root);
    expect(second.delta).toEqual({ workerStarts: 1, cacheHits: 6, imported: 1, cacheWrites: 0 });
    expect(dataOf(second.loaded, NS)).toMatchObject({ description: 'second' });
  });

  it('a file in a folder with its own package.json is never cached (it could change how the file loads)', async () => {
    const repo = await exampleRepo();
    await repo.write('namespaces/payments-api/package.json', '{ "type": "module" }\n');
    await load(repo.root);
    const { delta } = await load(repo.root);
    expect(delta).toEqual({ workerStarts: 1, cacheHits: 5, imported: 2, cacheWrites: 0 });
  });

  it('ignores corrupt entries and a corrupt pack: the files are imported again and the entries rewritten', async () => {
    const repo = await exampleRepo();
    const first = await load(repo.root);
    const dir = join(cacheBase, 'definitions');
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    const garbage = [
      '',
      '{"format":',
      'null',
      '[]',
      '{"format":"platform-gen definition cache 1","key":"x","issues":[]}',
    ];
    for (const [i, name] of names.entries()) {
      // Empty, truncated, not an entry, an entry without data.
      await writeFile(join(dir, name), garbage[i % garbage.length] ?? '');
    }
    const second = await load(repo.root);
    expect(second.delta).toMatchObject({ workerStarts: 0, cacheHits: 0, imported: 7, cacheWrites: 7 });
    expect(second.loaded).toEqual(first.loaded);
    expect((await load(repo.root)).delta).toMatchObject({ workerStarts: 0, cacheHits: 7 });
  });

  it('an entry holding another definition (a valid entry under the wrong name) is not used', async () => {
    const repo = await exampleRepo();
    const first = await load(repo.root);
    const dir = join(cacheBase, 'definitions');
    const entries = (await readdir(dir)).filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
    const texts = await Promise.all(entries.map((n) => readFile(join(dir, n), 'utf8')));
    // Every entry gets the next one's content: right format, wrong key.
    await Promise.all(entries.map((n, i) => writeFile(join(dir, n), texts[(i + 1) % texts.length] ?? '')));
    await Promise.all((await readdir(dir)).filter((n) => n.startsWith('pack-')).map((n) => rm(join(dir, n))));
    const second = await load(repo.root);
    expect(second.delta).toMatchObject({ cacheHits: 0, imported: 7 });
    expect(second.loaded).toEqual(first.loaded);
  });

  it('PLATFORM_GEN_CACHE=0 reads and writes nothing', async () => {
    const repo = await exampleRepo();
    vi.stubEnv('PLATFORM_GEN_CACHE', '0');
    const off = await load(repo.root);
    expect(off.delta).toEqual({ workerStarts: 1, cacheHits: 0, imported: 7, cacheWrites: 0 });
    expect(await readdir(cacheBase)).toEqual([]);
    // A full cache is not read either.
    vi.stubEnv('PLATFORM_GEN_CACHE', '');
    await load(repo.root);
    const dir = join(cacheBase, 'definitions');
    const before = await snapshot(dir);
    vi.stubEnv('PLATFORM_GEN_CACHE', '0');
    const again = await load(repo.root);
    expect(again.delta).toEqual({ workerStarts: 1, cacheHits: 0, imported: 7, cacheWrites: 0 });
    expect(await snapshot(dir)).toEqual(before);
    expect(again.loaded).toEqual(off.loaded);
  });
});

describe('loadDefinitions: several imports at once', () => {
  it('loads the same data and issues one at a time as eight at a time', async () => {
    const repo = await exampleRepo();
    await repo.write(SECRETS, NAMESPACE_TEXT("'Wrong file'"));
    vi.stubEnv('PLATFORM_GEN_CACHE', '0');
    const one = await loadDefinitions(repo.root, { concurrency: 1 });
    const eight = await loadDefinitions(repo.root, { concurrency: 8 });
    expect(eight).toEqual(one);
  });

  it('reports two definitions importing each other the same way on every load, as one at a time does', async () => {
    const repo = await exampleRepo();
    const batch = 'namespaces/payments-batch/namespace.ts';
    await repo.write(NS, NAMESPACE_TEXT('batch.description', "import batch from '../payments-batch/namespace.ts';"));
    await repo.write(
      batch,
      [
        "import { defineNamespace } from '@platform-gen/core';",
        "import api from '../payments-api/namespace.ts';",
        "export default defineNamespace({ name: 'payments-batch', team: api.team, vault: { approvedPrefixes: ['payments/batch'] } });",
        '',
      ].join('\n'),
    );
    const one = (await loadDefinitions(repo.root, { concurrency: 1 })).issues;
    expect(one.map((i) => [i.code, i.file])).toEqual([
      ['E_DEF_LOAD', NS],
      ['E_DEF_LOAD', batch],
    ]);
    for (let run = 0; run < 3; run++) {
      expect((await loadDefinitions(repo.root, { concurrency: 8 })).issues, `load ${run + 1}`).toEqual(one);
    }
  });

  it('names the file that loops forever when several were loading at once (imported again one at a time)', async () => {
    const repo = await exampleRepo();
    const looping = 'namespaces/payments-batch/namespace.ts';
    await repo.write(looping, NAMESPACE_TEXT("'Loops'", 'while (true) {}'));
    vi.stubEnv('PLATFORM_GEN_CACHE', '0');
    const before = getLoaderStats();
    const loaded = await loadDefinitions(repo.root, { timeoutMs: 3000, concurrency: 8 });
    expect(loaded.issues).toEqual([expect.objectContaining({ code: 'E_DEFINITION_TIMEOUT', file: looping, line: 1 })]);
    expect(getLoaderStats().workerStarts - before.workerStarts).toBe(2);
  });

  it('names the file that calls process.exit() when several were loading at once', async () => {
    const repo = await exampleRepo();
    const exiting = 'namespaces/storefront-web/namespace.ts';
    await repo.write(exiting, NAMESPACE_TEXT("'Exits'", 'process.exit(0);'));
    vi.stubEnv('PLATFORM_GEN_CACHE', '0');
    const loaded = await loadDefinitions(repo.root, { concurrency: 8 });
    expect(loaded.issues).toEqual([expect.objectContaining({ code: 'E_DEF_LOAD', file: exiting, line: 1 })]);
    expect(loaded.issues[0]?.message).toMatch(/stopped the loader/);
  });

  it('with the cache, a looping file runs after the cacheable ones and is named without a second thread', async () => {
    const repo = await exampleRepo();
    const looping = 'namespaces/payments-batch/namespace.ts';
    await repo.write(looping, NAMESPACE_TEXT("'Loops'", 'while (true) {}'));
    const before = getLoaderStats();
    const loaded = await loadDefinitions(repo.root, { timeoutMs: 3000, concurrency: 8 });
    expect(loaded.issues).toEqual([expect.objectContaining({ code: 'E_DEFINITION_TIMEOUT', file: looping, line: 1 })]);
    expect(loaded.issues[0]?.message).not.toMatch(/were not loaded/);
    expect(getLoaderStats().workerStarts - before.workerStarts).toBe(1);
    // The other six loaded, and were cached.
    expect(getLoaderStats().cacheWrites - before.cacheWrites).toBe(6);
  });
});

async function snapshot(dir: string): Promise<Record<string, [number, string]>> {
  const out: Record<string, [number, string]> = {};
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    out[name] = [(await stat(path)).mtimeMs, await readFile(path, 'utf8')];
  }
  return out;
}
