import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileSet } from './file-set.js';
import { runTool } from './real-tools.js';
import { RepoFiles, readsOnlyItsFolder, renderSource, type ToolRunner } from './render.js';
import {
  getRenderCacheDir,
  pruneRenderCache,
  readRenderCache,
  renderCacheKey,
  writeRenderCache,
} from './render-cache.js';

// The real helm and kubectl render every case here; the runners below only count how often they are run.

const WORKSPACE_ROOT = join(import.meta.dirname, '..', '..', '..');
const HELM = { releaseName: 'demo', kubeVersion: '1.33.0' };
const temporary: string[] = [];

afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** The real tools, counted; a fresh runner has an empty in-process cache, like a new process. */
function countingRunner(identity: ToolRunner['identity'] | 'none' = runTool.identity): ToolRunner & { runs: number } {
  const runner = Object.assign(
    (tool: 'kubectl' | 'helm', args: readonly string[]) => {
      runner.runs++;
      return runTool(tool, args);
    },
    { runs: 0, ...(identity === 'none' ? {} : { identity }) },
  );
  return runner;
}

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

const KUSTOMIZE_SOURCE = {
  'kubernetes/demo/kustomization.yaml': 'resources:\n  - config.yaml\nnamespace: demo\n',
  'kubernetes/demo/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n',
};

const HELM_SOURCE = {
  'charts/demo/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
  'charts/demo/templates/config.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\n',
};

function render(root: string, path: string, runner: ToolRunner, options: { files?: FileSet; namespace?: string } = {}) {
  const files = new RepoFiles(root, options.files ?? new Map(), new Set());
  return renderSource(files, [], path, false, options.namespace ?? 'demo', HELM, runner);
}

async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.json')).sort();
}

describe('render cache on disk (real helm and kubectl)', () => {
  let root: string;
  let cache: string;

  beforeEach(async () => {
    root = await tempDir('platform-gen-render-test-');
    const base = await tempDir('platform-gen-render-cache-');
    // PLATFORM_GEN_CACHE_DIR names the base of every cache; renders go to its render/ folder.
    cache = join(base, 'render');
    vi.stubEnv('PLATFORM_GEN_CACHE_DIR', base);
    vi.stubEnv('PLATFORM_GEN_CACHE', '');
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('renders a kustomization once: the same content in another process is a hit and spawns no tool', async () => {
    await writeTree(root, KUSTOMIZE_SOURCE);
    const first = countingRunner();
    const rendered = await render(root, 'kubernetes/demo', first);
    expect(first.runs).toBe(1);
    expect(rendered.error).toBeUndefined();
    expect(rendered.objects.map((o) => [o.kind, o.name, o.namespace])).toEqual([['ConfigMap', 'settings', 'demo']]);
    expect(await entries(cache)).toHaveLength(1);

    const second = countingRunner();
    const again = await render(root, 'kubernetes/demo', second);
    expect(second.runs).toBe(0);
    expect(again).toEqual(rendered);
  });

  it('keys a helm render on the release name, namespace and kube version, and on every file', async () => {
    await writeTree(root, HELM_SOURCE);
    const runner = () => countingRunner();
    const files = new RepoFiles(root, new Map(), new Set());
    const base = await renderSource(files, [], 'charts/demo', false, 'demo', HELM, runner());
    expect(base.objects.map((o) => [o.name, o.namespace])).toEqual([['demo', 'demo']]);
    const variants: [string | undefined, typeof HELM][] = [
      ['other', HELM],
      ['demo', { ...HELM, releaseName: 'renamed' }],
      ['demo', { ...HELM, kubeVersion: '1.32.0' }],
    ];
    for (const [namespace, helm] of variants) {
      const counted = runner();
      await renderSource(files, [], 'charts/demo', false, namespace, helm, counted);
      expect(counted.runs).toBe(1);
    }
    const hit = runner();
    await renderSource(files, [], 'charts/demo', false, 'demo', HELM, hit);
    expect(hit.runs).toBe(0);

    // A file the chart does not even use is an input: the key covers the whole folder.
    await writeFile(join(root, 'charts/demo/README.md'), 'notes\n');
    const changed = runner();
    await render(root, 'charts/demo', changed);
    expect(changed.runs).toBe(1);
  });

  it('misses when content changes, including content only in the FileSet (not yet written)', async () => {
    await writeTree(root, KUSTOMIZE_SOURCE);
    await render(root, 'kubernetes/demo', countingRunner());
    const edited = countingRunner();
    const files: FileSet = new Map([
      [
        'kubernetes/demo/config.yaml',
        {
          path: 'kubernetes/demo/config.yaml',
          content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: renamed\n',
        } as never,
      ],
    ]);
    const rendered = await render(root, 'kubernetes/demo', edited, { files });
    expect(edited.runs).toBe(1);
    expect(rendered.objects.map((o) => o.name)).toEqual(['renamed']);
    expect(await entries(cache)).toHaveLength(2);
  });

  it('misses when the tool changes', async () => {
    await writeTree(root, KUSTOMIZE_SOURCE);
    await render(root, 'kubernetes/demo', countingRunner());
    const upgraded = countingRunner((tool) => `${runTool.identity(tool)}-upgraded`);
    await render(root, 'kubernetes/demo', upgraded);
    expect(upgraded.runs).toBe(1);
  });

  it('ignores a truncated or foreign entry and rewrites it', async () => {
    await writeTree(root, KUSTOMIZE_SOURCE);
    const expected = await render(root, 'kubernetes/demo', countingRunner());
    const [name] = await entries(cache);
    const entry = join(cache, name as string);
    const whole = await readFile(entry, 'utf8');
    for (const corrupt of [
      whole.slice(0, whole.length / 2),
      '',
      'null',
      whole.replace(/"key":"[0-9a-f]+"/, '"key":"x"'),
    ]) {
      await writeFile(entry, corrupt);
      const runner = countingRunner();
      expect(await render(root, 'kubernetes/demo', runner)).toEqual(expected);
      expect(runner.runs).toBe(1);
      expect(await readFile(entry, 'utf8')).toBe(whole);
    }
  });

  it('PLATFORM_GEN_CACHE=0 neither reads nor writes the cache', async () => {
    await writeTree(root, KUSTOMIZE_SOURCE);
    vi.stubEnv('PLATFORM_GEN_CACHE', '0');
    const off = countingRunner();
    await render(root, 'kubernetes/demo', off);
    expect(off.runs).toBe(1);
    expect(await readdir(dirname(cache))).toEqual([]);

    vi.stubEnv('PLATFORM_GEN_CACHE', '');
    await render(root, 'kubernetes/demo', countingRunner());
    const [name] = await entries(cache);
    const before = await stat(join(cache, name as string));
    vi.stubEnv('PLATFORM_GEN_CACHE', '0');
    const ignoring = countingRunner();
    await render(root, 'kubernetes/demo', ignoring);
    expect(ignoring.runs).toBe(1);
    expect((await stat(join(cache, name as string))).mtimeMs).toBe(before.mtimeMs);
  });

  it('defaults to node_modules/.cache/platform-gen/render of the repository, and to none without node_modules', async () => {
    expect(getRenderCacheDir(root, {})).toBeUndefined();
    await mkdir(join(root, 'node_modules'));
    expect(getRenderCacheDir(root, {})).toBe(join(root, 'node_modules', '.cache', 'platform-gen', 'render'));
    expect(getRenderCacheDir(root, { PLATFORM_GEN_CACHE_DIR: '/somewhere' })).toBe('/somewhere/render');
    expect(getRenderCacheDir(root, { PLATFORM_GEN_CACHE: '0', PLATFORM_GEN_CACHE_DIR: '/somewhere' })).toBeUndefined();
  });

  it('does not cache a kustomization that references anything outside its folder', async () => {
    const config = KUSTOMIZE_SOURCE['kubernetes/demo/config.yaml'];
    const cases: [Record<string, string>, boolean][] = [
      [{ 'kustomization.yaml': 'resources:\n  - ../shared/config.yaml\n' }, false],
      [
        { 'kustomization.yaml': 'resources:\n  - config.yaml\n  - https://github.com/example/repo//base?ref=v1\n' },
        false,
      ],
      [{ 'kustomization.yaml': 'resources:\n  - config.yaml\n  - /etc/config.yaml\n' }, false],
      [
        { 'kustomization.yaml': 'configMapGenerator:\n  - name: c\n    files:\n      - key=../shared/config.yaml\n' },
        false,
      ],
      // A nested kustomization is checked too: its own `../..` leaves the source folder, its `..` does not.
      [
        {
          'kustomization.yaml': 'resources:\n  - sub\n',
          'sub/kustomization.yaml': 'resources:\n  - ../../shared/config.yaml\n',
        },
        false,
      ],
      [
        {
          'kustomization.yaml': 'resources:\n  - sub\n',
          'sub/kustomization.yaml': 'resources:\n  - ../base\n',
          'base/kustomization.yaml': 'resources:\n  - config.yaml\n',
          'base/config.yaml': config,
        },
        true,
      ],
      // A KSOPS generator's configuration names files too (here the KSOPS stand-in fails before kustomize runs).
      [
        {
          'kustomization.yaml': 'generators:\n  - ksops.yaml\n',
          'ksops.yaml':
            'apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata:\n  name: k\nfiles:\n  - ../shared/config.yaml\n',
        },
        false,
      ],
    ];
    for (const [folder, cached] of cases) {
      await rm(join(root, 'kubernetes'), { recursive: true, force: true });
      await rm(cache, { recursive: true, force: true });
      const tree: Record<string, string> = {
        'kubernetes/shared/config.yaml': config,
        'kubernetes/demo/config.yaml': config,
      };
      for (const [name, content] of Object.entries(folder)) tree[`kubernetes/demo/${name}`] = content;
      await writeTree(root, tree);
      for (let run = 0; run < 2; run++) {
        const runner = countingRunner();
        await render(root, 'kubernetes/demo', runner);
        const spawned = 'ksops.yaml' in folder ? 0 : 1;
        expect(runner.runs, `${JSON.stringify(folder)} run ${run}`).toBe(cached && run === 1 ? 0 : spawned);
      }
      expect(await entries(cache), JSON.stringify(folder)).toHaveLength(cached ? 1 : 0);
    }
  });

  it('reads the files a KSOPS generator names, and tells references leaving the folder from those that stay', () => {
    const ksops = (file: string): [string, string][] => [
      ['kustomization.yaml', 'generators:\n  - ./secrets/ksops.yaml\n'],
      ['secrets/ksops.yaml', `apiVersion: viaduct.ai/v1\nkind: ksops\nfiles:\n  - ${file}\n`],
    ];
    expect(readsOnlyItsFolder(ksops('secret.enc.yaml'))).toBe(true);
    expect(readsOnlyItsFolder(ksops('secrets/secret.enc.yaml'))).toBe(true);
    // KSOPS reads a file relative to the kustomization, not to its own configuration.
    expect(readsOnlyItsFolder(ksops('../secret.enc.yaml'))).toBe(false);
    expect(readsOnlyItsFolder([['kustomization.yaml', 'namespace: demo\ncommonLabels:\n  a: b\n']])).toBe(true);
    expect(readsOnlyItsFolder([['kustomization.yaml', 'resources:\n  - git@github.com:example/repo.git\n']])).toBe(
      false,
    );
    expect(readsOnlyItsFolder([['kustomization.yaml', 'resources: [\n']])).toBe(false);
  });

  it('runs the tool again for a source that fails to render: failures are not cached on disk', async () => {
    await writeTree(root, { 'kubernetes/demo/kustomization.yaml': 'resources:\n  - missing.yaml\n' });
    for (let run = 0; run < 2; run++) {
      const runner = countingRunner();
      const rendered = await render(root, 'kubernetes/demo', runner);
      expect(runner.runs).toBe(1);
      expect(rendered.error).toMatch(/missing\.yaml/);
    }
    expect(await entries(cache)).toEqual([]);
  });

  it('keeps the renders of a runner without an identity (a stand-in) in-process only', async () => {
    await writeTree(root, KUSTOMIZE_SOURCE);
    const anonymous = countingRunner('none');
    expect(anonymous.identity).toBeUndefined();
    await render(root, 'kubernetes/demo', anonymous);
    await render(root, 'kubernetes/demo', anonymous);
    expect(anonymous.runs).toBe(1);
    expect(await entries(cache)).toEqual([]);
  });

  it('caches every kustomization and chart of the example repository', async () => {
    const sources = [
      ...(await readdir(join(WORKSPACE_ROOT, 'kubernetes'))).map((name) => `kubernetes/${name}`),
      ...(await readdir(join(WORKSPACE_ROOT, 'charts'))).map((name) => `charts/${name}`),
    ];
    const tooled: string[] = [];
    for (const source of sources) {
      const runner = countingRunner();
      const rendered = await render(WORKSPACE_ROOT, source, runner, { namespace: 'example' });
      if (rendered.tool === 'directory') continue;
      tooled.push(source);
      expect(rendered.error, source).toBeUndefined();
      expect(runner.runs, source).toBe(1);
    }
    expect(tooled.length).toBeGreaterThan(3);
    expect(await entries(cache)).toHaveLength(tooled.length);
  });
});

describe('render cache entries', () => {
  it('survives many concurrent writers and readers of one key: a read is a miss or the whole entry', async () => {
    const dir = join(await tempDir('platform-gen-render-cache-'), 'render');
    const key = renderCacheKey({ tool: 'test', argv: ['x'], files: [['a.yaml', 'a: 1\n']] });
    const objects = Array.from({ length: 200 }, (_, i) => ({ kind: 'ConfigMap', data: { value: 'x'.repeat(i * 50) } }));
    const reads: (readonly Record<string, unknown>[] | undefined)[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) =>
        i % 2 === 0 ? writeRenderCache(dir, key, objects) : reads.push(await readRenderCache(dir, key)),
      ),
    );
    for (const read of reads) if (read !== undefined) expect(read).toEqual(objects);
    expect(await readRenderCache(dir, key)).toEqual(objects);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('does not cache what JSON would change', async () => {
    const dir = join(await tempDir('platform-gen-render-cache-'), 'render');
    expect(await writeRenderCache(dir, 'k1', [{ value: Number.POSITIVE_INFINITY }])).toBe(false);
    expect(await writeRenderCache(dir, 'k2', [{ value: new Date(0) }])).toBe(false);
    expect(await writeRenderCache(dir, 'k3', [{ value: 1.5, list: [null, 'a'] }])).toBe(true);
    expect(await readRenderCache(dir, 'k1')).toBeUndefined();
    expect(await readRenderCache(dir, 'k3')).toEqual([{ value: 1.5, list: [null, 'a'] }]);
  });

  it('prunes entries unused for 7 days, then the least recently used beyond the size bound, and dead temporary files', async () => {
    const dir = join(await tempDir('platform-gen-render-cache-'), 'render');
    const now = Date.now();
    const day = 24 * 60 * 60 * 1000;
    const ages: Record<string, number> = { fresh: 0, day: 1, week: 6, stale: 8 };
    for (const [name, age] of Object.entries(ages)) {
      await writeRenderCache(dir, name, [{ data: 'x'.repeat(1000) }]);
      const when = new Date(now - age * day);
      await utimes(join(dir, `${name}.json`), when, when);
    }
    await writeFile(join(dir, 'dead.json.1.abc.tmp'), '{');
    await utimes(join(dir, 'dead.json.1.abc.tmp'), new Date(now - day), new Date(now - day));
    await writeFile(join(dir, 'live.json.1.abc.tmp'), '{');

    await pruneRenderCache(dir, { now });
    expect(await entries(dir)).toEqual(['day.json', 'fresh.json', 'week.json']);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual(['live.json.1.abc.tmp']);

    const size = (await stat(join(dir, 'fresh.json'))).size;
    await pruneRenderCache(dir, { now, maxBytes: 2 * size });
    expect(await entries(dir)).toEqual(['day.json', 'fresh.json']);

    // A hit marks an entry used: it outlives an entry written later but not read since.
    await writeRenderCache(dir, 'newer', [{ data: 'x'.repeat(1000) }]);
    await utimes(join(dir, 'newer.json'), new Date(now - 1000), new Date(now - 1000));
    await readRenderCache(dir, 'day');
    await pruneRenderCache(dir, { maxBytes: 2 * size });
    expect(await entries(dir)).toEqual(['day.json', 'fresh.json']);
  });

  it('identifies the real tools by the hash of their binaries', () => {
    const helm = runTool.identity('helm');
    expect(helm).toMatch(/^helm:[0-9a-f]{64}$/);
    expect(runTool.identity('helm')).toBe(helm);
    expect(runTool.identity('kubectl')).toMatch(/^kubectl:[0-9a-f]{64}$/);
    expect(runTool.identity('kubectl')).not.toBe(helm.replace('helm', 'kubectl'));
  });
});
