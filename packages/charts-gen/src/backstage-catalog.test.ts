/**
 * Backstage's values and the generated catalog agree: the volume mounts the ConfigMap that the committed
 * kubernetes/backstage-catalog/ renders to (real `kubectl kustomize`, as Argo CD renders it), in Backstage's
 * own namespace, read-only and as a whole folder; the registered location is a key of that ConfigMap holding
 * the Location of every other key; and only that location may bring Groups and Users.
 */
import { COMPONENTS, type PlatformModel } from '@platform-gen/core';
import { runTool } from '@platform-gen/core/real-tools';
import { loadExampleModel, WORKSPACE_ROOT } from '@platform-gen/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  backstageValues,
  CATALOG_GENERATED_KINDS,
  CATALOG_GLOBAL_KINDS,
  CATALOG_MOUNT,
} from './components/backstage.js';
import type { BackstageValues } from './generated/backstage-values.js';

/** kubectl is unpacked from its npm package the first time. */
const TOOL_TIMEOUT = 120_000;
const CATALOG_FOLDER = COMPONENTS.backstageCatalog.source.path;

interface RenderedObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly data?: Readonly<Record<string, string>>;
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

function catalogConfigMap(): RenderedObject & { data: Readonly<Record<string, string>> } {
  const [configMap, ...rest] = rendered;
  expect(rest).toEqual([]);
  if (configMap?.kind !== 'ConfigMap' || configMap.data === undefined) throw new Error('no ConfigMap rendered');
  return { ...configMap, data: configMap.data };
}

describe('the Backstage catalog in the values', () => {
  it('mounts the ConfigMap the catalog folder renders to, from Backstage’s own namespace', () => {
    const configMap = catalogConfigMap();
    expect(configMap.metadata.name).toBe(CATALOG_MOUNT.configMap);
    // A pod mounts ConfigMaps of its own namespace only.
    expect(configMap.metadata.namespace).toBe(COMPONENTS.backstage.namespace);
    expect(values.backstage.extraVolumes).toEqual([
      { name: CATALOG_MOUNT.volume, configMap: { name: configMap.metadata.name } },
    ]);
  });

  it('mounts it read-only as a whole folder, so the files follow the ConfigMap without a restart', () => {
    expect(values.backstage.extraVolumeMounts).toEqual([
      { name: CATALOG_MOUNT.volume, mountPath: CATALOG_MOUNT.path, readOnly: true },
    ]);
    expect(values.backstage.extraVolumeMounts[0]).not.toHaveProperty('subPath');
  });

  it('registers a key of the ConfigMap under the mount, holding a Location of every other key', () => {
    const { locations } = values.backstage.appConfig.catalog;
    expect(locations).toHaveLength(1);
    const [location] = locations;
    expect(location?.type).toBe('file');
    const mountPath = values.backstage.extraVolumeMounts[0]?.mountPath ?? '';
    expect(location?.target.startsWith(`${mountPath}/`)).toBe(true);
    const key = location?.target.slice(mountPath.length + 1) ?? '';
    const { data } = catalogConfigMap();
    expect(Object.keys(data)).toContain(key);
    const root = parseAllDocuments(data[key] ?? '').map((d) => d.toJS() as Entity);
    expect(root.map((e) => e.kind)).toEqual(['Location']);
    const targets = (root[0]?.spec.targets ?? []).map((t) => t.replace(/^\.\//, ''));
    expect(targets.sort()).toEqual(
      Object.keys(data)
        .filter((k) => k !== key)
        .sort(),
    );
  });

  it('allows the location every kind the catalog holds, and Groups and Users from nowhere else', () => {
    const { rules, locations } = values.backstage.appConfig.catalog;
    const kinds = new Set(
      Object.values(catalogConfigMap().data).flatMap((text) =>
        parseAllDocuments(text).map((d) => (d.toJS() as Entity).kind),
      ),
    );
    expect([...kinds].sort()).toEqual([...CATALOG_GENERATED_KINDS].sort());
    expect(locations[0]?.rules).toEqual([{ allow: [...CATALOG_GENERATED_KINDS] }]);
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
    const users = Object.values(catalogConfigMap().data).flatMap((text) =>
      parseAllDocuments(text)
        .map((d) => d.toJS() as Entity & { spec: { profile?: { email?: string } } })
        .filter((e) => e.kind === 'User'),
    );
    const members = model.platform.teams.flatMap((t) => t.members ?? []);
    expect(users.map((u) => u.spec.profile?.email).sort()).toEqual([...new Set(members.map((m) => m.email))].sort());
  });
});
