/**
 * The catalog entities of the example and of variants of it: each is a valid entity by the descriptor format's
 * rules and by Backstage's own validators (@backstage/catalog-model, what the catalog backend runs), every
 * reference resolves to an entity generated here, Groups and Users match the teams (and so Keycloak), names
 * follow a team rename, and any string of a definition comes back from the YAML byte for byte.
 */
import {
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  type Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  type KindValidator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { argoAppsGenerator } from '@platform-gen/argo-apps';
import type { NamespaceModel, PlatformModel, TeamDefinition } from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CATALOG_KINDS } from './catalog-kinds.js';
import {
  type CatalogEntity,
  type CatalogFile,
  componentName,
  ENTITY_ANNOTATIONS,
  RESOURCE_TYPE_NAMESPACE,
} from './entities.js';
import { catalogArtifacts } from './generator.js';
import { CATALOG_FILES, catalogConfigMapName, PLATFORM_SHARD, shardIndexFile } from './layout.js';
import { catalogFiles, catalogShards } from './shards.js';

let model: PlatformModel;

beforeAll(async () => {
  model = await loadExampleModel();
});

const entitiesOf = (files: readonly CatalogFile[]) => files.flatMap((f) => f.entities);
const ofKind = (entities: readonly CatalogEntity[], kind: string) => entities.filter((e) => e.kind === kind);
const spec = (entity: CatalogEntity) => entity.spec as Record<string, unknown>;

function entityOrThrow(entities: readonly CatalogEntity[], kind: string, name: string): CatalogEntity {
  const found = entities.find((e) => e.kind === kind && e.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
}

/** The descriptor format's name rule, read strictly: `[a-zA-Z0-9]` runs, one of `-_.` between two runs. */
const ENTITY_NAME = /^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$/;

/** Required spec fields per kind (reference table; `children` and `memberOf` may be empty lists). */
const REQUIRED_SPEC: Readonly<Record<string, readonly string[]>> = {
  Group: ['type', 'children'],
  User: ['memberOf'],
  Domain: ['owner'],
  System: ['owner'],
  Component: ['type', 'lifecycle', 'owner'],
  Resource: ['type', 'owner'],
  Location: ['targets'],
};

/** Shape problems of one entity, empty when it is valid. */
function shapeProblems(entity: CatalogEntity): string[] {
  const problems: string[] = [];
  const where = `${entity.kind}:${entity.metadata.name}`;
  if (entity.apiVersion !== 'backstage.io/v1alpha1') problems.push(`${where}: apiVersion ${entity.apiVersion}`);
  const { name } = entity.metadata;
  if (name.length < 1 || name.length > 63 || !ENTITY_NAME.test(name)) problems.push(`${where}: invalid name`);
  const required = REQUIRED_SPEC[entity.kind];
  if (required === undefined) problems.push(`${where}: unexpected kind`);
  for (const field of required ?? []) {
    const value = spec(entity)[field];
    const ok = Array.isArray(value) ? true : typeof value === 'string' && value !== '';
    if (!ok) problems.push(`${where}: spec.${field} missing`);
  }
  return problems;
}

/** What Backstage's catalog backend checks of every entity it reads: the default policies and the kind's schema. */
const POLICIES = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

const KIND_VALIDATORS: Readonly<Record<string, KindValidator>> = {
  Group: groupEntityV1alpha1Validator,
  User: userEntityV1alpha1Validator,
  Domain: domainEntityV1alpha1Validator,
  System: systemEntityV1alpha1Validator,
  Component: componentEntityV1alpha1Validator,
  Resource: resourceEntityV1alpha1Validator,
  Location: locationEntityV1alpha1Validator,
};

async function expectValidForBackstage(entities: readonly CatalogEntity[]): Promise<void> {
  for (const entity of entities) {
    const copy = structuredClone(entity) as unknown as Entity;
    await expect(POLICIES.enforce(copy), entity.metadata.name).resolves.toBeDefined();
    const validator = KIND_VALIDATORS[entity.kind];
    expect(validator, entity.kind).toBeDefined();
    await expect(validator?.check(copy), `${entity.kind}:${entity.metadata.name}`).resolves.toBe(true);
  }
}

/** The fields holding entity refs, with the kind Backstage assumes when a ref names none. */
const REF_FIELDS: readonly { field: string; defaultKind: string }[] = [
  { field: 'owner', defaultKind: 'Group' },
  { field: 'domain', defaultKind: 'Domain' },
  { field: 'system', defaultKind: 'System' },
  { field: 'memberOf', defaultKind: 'Group' },
  { field: 'members', defaultKind: 'User' },
  { field: 'dependsOn', defaultKind: 'Component' },
  { field: 'children', defaultKind: 'Group' },
];

/** Every ref of every entity as `<kind>:<namespace>/<name>` that names no entity of `entities`. */
function unresolvedRefs(entities: readonly CatalogEntity[]): string[] {
  const known = new Set(
    entities.map((e) => stringifyEntityRef({ kind: e.kind, namespace: 'default', name: e.metadata.name })),
  );
  const unresolved: string[] = [];
  for (const entity of entities) {
    for (const { field, defaultKind } of REF_FIELDS) {
      const value = spec(entity)[field];
      const refs = value === undefined ? [] : Array.isArray(value) ? value : [value];
      for (const ref of refs) {
        const parsed = parseEntityRef(String(ref), { defaultKind, defaultNamespace: 'default' });
        const key = stringifyEntityRef(parsed);
        if (!known.has(key)) unresolved.push(`${entity.kind}:${entity.metadata.name} spec.${field} ${key}`);
      }
    }
  }
  return unresolved;
}

function withTeams(base: PlatformModel, teams: [TeamDefinition, ...TeamDefinition[]]): PlatformModel {
  return { ...base, platform: { ...base.platform, teams } };
}

describe('the example catalog', () => {
  it('holds only entities of the descriptor format, with the required fields of their kind', () => {
    const entities = entitiesOf(catalogFiles(model));
    expect(entities.flatMap(shapeProblems)).toEqual([]);
    expect([...new Set(entities.map((e) => e.kind))].sort()).toEqual(Object.keys(CATALOG_KINDS).sort());
  });

  it("passes Backstage's own entity policies and kind validators", async () => {
    await expectValidForBackstage(entitiesOf(catalogFiles(model)));
  });

  it('refers only to entities it generates', () => {
    expect(unresolvedRefs(entitiesOf(catalogFiles(model)))).toEqual([]);
  });

  it('negative control: the checks above reject a broken entity', async () => {
    const broken: CatalogEntity = {
      ...CATALOG_KINDS.Component,
      metadata: { name: 'not valid!', labels: {}, annotations: {} },
      spec: { type: 'service', owner: 'group:nobody', dependsOn: ['resource:missing'] },
    };
    expect(shapeProblems(broken)).toEqual([
      'Component:not valid!: invalid name',
      'Component:not valid!: spec.lifecycle missing',
    ]);
    expect(unresolvedRefs([broken])).toEqual([
      'Component:not valid! spec.owner group:default/nobody',
      'Component:not valid! spec.dependsOn resource:default/missing',
    ]);
    await expect(POLICIES.enforce(structuredClone(broken) as unknown as Entity)).rejects.toThrow(/name/);
    const named = { ...broken, metadata: { ...broken.metadata, name: 'fine' } };
    await expect(componentEntityV1alpha1Validator.check(named as unknown as Entity)).rejects.toThrow(/lifecycle/);
    expect(shapeProblems({ ...named, metadata: { ...named.metadata, name: 'a--b' } })).toContain(
      'Component:a--b: invalid name',
    );
  });

  it('has one Group per team, named after its Keycloak group, with exactly its members', () => {
    const groups = ofKind(entitiesOf(catalogFiles(model)), 'Group');
    const { identity, teams } = model.platform;
    expect(groups.map((g) => g.metadata.name)).toEqual([
      identity.adminGroup,
      identity.auditorGroup,
      ...teams.map((t) => t.group),
    ]);
    for (const team of teams) {
      const group = entityOrThrow(groups, 'Group', team.group);
      expect(group.spec).toEqual({
        type: 'team',
        profile: { displayName: team.name },
        children: [],
        members: (team.members ?? []).map((m) => `user:${m.username}`),
      });
      expect(group.metadata.description).toBe(team.description);
    }
  });

  it('has one User per member, with the profile that sign-in matches and the groups of its teams', () => {
    const users = ofKind(entitiesOf(catalogFiles(model)), 'User');
    expect(users.map((u) => u.metadata.name)).toEqual(['alice', 'bob', 'carol']);
    expect(entityOrThrow(users, 'User', 'alice').spec).toEqual({
      profile: { displayName: 'Alice Example', email: 'alice@example.com' },
      memberOf: ['group:team-payments'],
    });
    expect(entityOrThrow(users, 'User', 'carol').spec.memberOf).toEqual(['group:team-storefront']);
  });

  it('has the domains and systems of the platform definition, owned by their teams', () => {
    const entities = entitiesOf(catalogFiles(model));
    expect(entityOrThrow(entities, 'Domain', 'commerce').spec).toEqual({ owner: 'group:team-storefront' });
    expect(entityOrThrow(entities, 'System', 'payments').spec).toEqual({
      owner: 'group:team-payments',
      domain: 'domain:commerce',
    });
    expect(entityOrThrow(entities, 'System', 'payments').metadata.description).toBe(
      'Card payments, refunds and settlement',
    );
  });

  it('has a Resource per namespace and a Component per workload source, in one file per namespace', () => {
    const files = catalogFiles(model);
    const apiFile = files.find((f) => f.name === 'namespace-payments-api.yaml');
    expect(apiFile?.source).toBe('namespaces/payments-api/namespace.ts');
    const [resource, component, ...rest] = apiFile?.entities ?? [];
    expect(rest).toEqual([]);
    expect(resource?.kind).toBe('Resource');
    expect(resource?.metadata).toMatchObject({
      name: 'payments-api',
      description: 'Public payments API',
      annotations: {
        'backstage.io/kubernetes-namespace': 'payments-api',
        'platform-gen.io/source': 'namespaces/payments-api/namespace.ts',
      },
    });
    expect(resource?.spec).toEqual({
      type: RESOURCE_TYPE_NAMESPACE,
      owner: 'group:team-payments',
      system: 'system:payments',
    });
    expect(component?.metadata).toMatchObject({
      name: 'payments-api.api',
      title: 'payments-api/api',
      annotations: {
        'argocd/app-name': 'workload--payments-api--api',
        [ENTITY_ANNOTATIONS.repoURL]: 'https://git.example.com/payments/payments-api.git',
        [ENTITY_ANNOTATIONS.repoPath]: 'deploy/production',
        [ENTITY_ANNOTATIONS.targetRevision]: 'main',
      },
      links: [{ url: 'https://git.example.com/payments/payments-api.git', title: 'Source: deploy/production at main' }],
    });
    expect(component?.spec).toEqual({
      type: 'service',
      lifecycle: 'production',
      owner: 'group:team-payments',
      system: 'system:payments',
      dependsOn: ['resource:payments-api'],
    });
    const components = ofKind(entitiesOf(files), 'Component');
    expect(components).toHaveLength(model.namespaces.reduce((n, ns) => n + (ns.definition.sources?.length ?? 0), 0));
  });

  it('names in each Component the Argo CD Application argo-apps generates for the source', () => {
    const applications = new Set(
      argoAppsGenerator
        .generate(model)
        .flatMap((a) => (a.documents ?? []) as { kind?: string; metadata?: { name?: string } }[])
        .filter((d) => d.kind === 'Application')
        .map((d) => d.metadata?.name),
    );
    const components = ofKind(entitiesOf(catalogFiles(model)), 'Component');
    expect(components.length).toBeGreaterThan(0);
    for (const component of components) {
      expect(applications).toContain(component.metadata.annotations[ENTITY_ANNOTATIONS.argocdAppName]);
    }
  });

  it("lists in each shard's Location every other file of the shard, relative to it", () => {
    const shards = catalogShards(model);
    for (const shard of shards) {
      const [index, ...rest] = shard.files;
      expect(index?.name).toBe(shardIndexFile(shard.id));
      expect(index?.entities).toHaveLength(1);
      expect(index?.entities[0]?.kind).toBe('Location');
      expect(index?.entities[0]?.metadata.name).toBe(catalogConfigMapName(shard.id));
      expect(index?.entities[0]?.spec).toEqual({ targets: rest.map((f) => `./${f.name}`) });
    }
    expect(shards.map((s) => s.files.slice(1).map((f) => f.name))).toEqual([
      [CATALOG_FILES.groups, CATALOG_FILES.users, CATALOG_FILES.domains, CATALOG_FILES.systems],
      ['namespace-payments-api.yaml', 'namespace-payments-batch.yaml', 'namespace-storefront-web.yaml'],
    ]);
    // ConfigMap keys: no folder, only [-._a-zA-Z0-9].
    for (const file of catalogFiles(model)) expect(file.name).toMatch(/^[-._a-zA-Z0-9]+$/);
  });

  it('is the same on every run and leaves the model as it was', () => {
    const before = structuredClone(model);
    const first = catalogArtifacts(model);
    expect(catalogArtifacts(model)).toEqual(first);
    expect(model).toEqual(before);
  });
});

describe('variants of the model', () => {
  it('make a member of two teams one User, member of both groups', () => {
    const [payments, storefront] = model.platform.teams;
    if (payments === undefined || storefront === undefined) throw new Error('example teams changed');
    const shared = withTeams(model, [
      payments,
      { ...storefront, members: [...(storefront.members ?? []), { username: 'alice' }] },
    ]);
    const entities = entitiesOf(catalogFiles(shared));
    const users = ofKind(entities, 'User').filter((u) => u.metadata.name === 'alice');
    expect(users).toHaveLength(1);
    expect(users[0]?.spec).toEqual({
      profile: { displayName: 'Alice Example', email: 'alice@example.com' },
      memberOf: ['group:team-payments', 'group:team-storefront'],
    });
    expect(entityOrThrow(entities, 'Group', 'team-storefront').spec.members).toEqual(['user:carol', 'user:alice']);
    expect(unresolvedRefs(entities)).toEqual([]);
  });

  it('follow a team rename into Group names, owners and memberOf', () => {
    const renamed: PlatformModel = {
      ...model,
      platform: {
        ...model.platform,
        teams: model.platform.teams.map((t) =>
          t.name === 'payments' ? { ...t, name: 'billing', group: 'team-billing' } : t,
        ) as [TeamDefinition, ...TeamDefinition[]],
        catalog: {
          domains: model.platform.catalog?.domains ?? [],
          systems: (model.platform.catalog?.systems ?? []).map((s) =>
            s.owner === 'payments' ? { ...s, owner: 'billing' } : s,
          ),
        },
      },
      namespaces: model.namespaces.map(
        (ns): NamespaceModel =>
          ns.definition.team === 'payments' ? { ...ns, definition: { ...ns.definition, team: 'billing' } } : ns,
      ),
    };
    const entities = entitiesOf(catalogFiles(renamed));
    expect(unresolvedRefs(entities)).toEqual([]);
    expect(ofKind(entities, 'Group').map((g) => g.metadata.name)).toContain('team-billing');
    expect(JSON.stringify(entities)).not.toContain('team-payments');
    expect(entityOrThrow(entities, 'User', 'alice').spec.memberOf).toEqual(['group:team-billing']);
    expect(entityOrThrow(entities, 'System', 'payments').spec.owner).toBe('group:team-billing');
    expect(entityOrThrow(entities, 'Resource', 'payments-api').spec.owner).toBe('group:team-billing');
    expect(entityOrThrow(entities, 'Component', 'payments-api.api').spec.owner).toBe('group:team-billing');
  });

  it('leave out the files that would be empty, and the Locations list only the others', () => {
    const bare: PlatformModel = {
      ...model,
      platform: {
        ...model.platform,
        catalog: {},
        teams: model.platform.teams.map(({ members: _members, ...team }) => team) as [
          TeamDefinition,
          ...TeamDefinition[],
        ],
      },
      namespaces: model.namespaces.map(
        (ns): NamespaceModel => ({ ...ns, definition: (({ system: _system, ...rest }) => rest)(ns.definition) }),
      ),
    };
    const files = catalogFiles(bare);
    expect(files.map((f) => f.name)).toEqual([
      shardIndexFile(PLATFORM_SHARD),
      CATALOG_FILES.groups,
      shardIndexFile('ns'),
      'namespace-payments-api.yaml',
      'namespace-payments-batch.yaml',
      'namespace-storefront-web.yaml',
    ]);
    expect(files[0]?.entities[0]?.spec.targets).toEqual([`./${CATALOG_FILES.groups}`]);
    expect(unresolvedRefs(entitiesOf(files))).toEqual([]);
    expect(entitiesOf(files).flatMap(shapeProblems)).toEqual([]);
  });
});

describe('strings from the definitions', () => {
  const HOSTILE = [
    `He said "hi" and 'bye'`,
    'first line\nsecond line\n',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Backstage's config substitution, not a JavaScript template
    '${AUTH_OIDC_CLIENT_SECRET} and $(env:X)',
    '{{ .Values.secret }}',
    'key: value',
    '# not a comment',
    '- a list? no',
    '  padded  ',
    '*alias &anchor !tag %directive @at `tick` | > ',
    '---\n...',
    'yes',
    '0755',
    '\ttab\\backslash\u00e9\u2028',
  ];

  /** A model whose every free-text field holds `text`. */
  function hostileModel(text: string): PlatformModel {
    const { platform } = model;
    return {
      ...model,
      platform: {
        ...platform,
        teams: platform.teams.map((t) => ({
          ...t,
          description: text,
          members: (t.members ?? []).map((m) => ({ ...m, displayName: text })),
        })) as [TeamDefinition, ...TeamDefinition[]],
        catalog: {
          domains: (platform.catalog?.domains ?? []).map((d) => ({ ...d, description: text })),
          systems: (platform.catalog?.systems ?? []).map((s) => ({ ...s, description: text })),
        },
      },
      namespaces: model.namespaces.map((ns) => ({ ...ns, definition: { ...ns.definition, description: text } })),
    };
  }

  /** Every description and displayName read back from the YAML files. */
  function readBack(m: PlatformModel): string[] {
    const texts: string[] = [];
    for (const artifact of catalogArtifacts(m)) {
      for (const document of parseAllDocuments(artifact.content)) {
        expect(document.errors).toEqual([]);
        const entity = document.toJS() as CatalogEntity & { spec: { profile?: { displayName?: string } } };
        if (entity.kind === 'Location' || entity.kind === 'Kustomization') continue;
        if (entity.kind === 'Group' && !m.platform.teams.some((t) => t.group === entity.metadata.name)) continue;
        if (entity.kind === 'User') texts.push(String(entity.spec.profile?.displayName));
        else if (entity.kind !== 'Component') texts.push(String(entity.metadata.description));
      }
    }
    return texts;
  }

  it.each(HOSTILE)('come back byte for byte, in valid entities: %j', async (text) => {
    const hostile = hostileModel(text);
    const texts = readBack(hostile);
    // 2 teams + 3 users + 1 domain + 2 systems + 3 namespaces
    expect(texts).toHaveLength(11);
    expect(texts.every((t) => t === text)).toBe(true);
    await expectValidForBackstage(entitiesOf(catalogFiles(hostile)));
  });

  it('come back byte for byte for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(readBack(hostileModel(text)).every((t) => t === text)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('component names', () => {
  const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  // The namespace schema's source name: no `--`, at most 40 characters.
  const sourceName = fc.stringMatching(/^[a-z0-9]{1,12}(-[a-z0-9]{1,12}){0,3}$/).filter((s) => s.length <= 40);

  it('are valid Backstage names, at most 63 characters, for any namespace and source', () => {
    fc.assert(
      fc.property(dnsLabel, sourceName, (ns, source) => {
        const name = componentName(ns, source);
        expect(name.length).toBeLessThanOrEqual(63);
        // Backstage's own rule (KubernetesValidatorFunctions.isValidObjectName): `--` is allowed, as in namespaces.
        expect(name).toMatch(/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/);
        expect(name.endsWith(`.${source}`)).toBe(true);
      }),
    );
  });

  it('differ for different namespace and source pairs', () => {
    fc.assert(
      fc.property(dnsLabel, sourceName, dnsLabel, sourceName, (ns1, s1, ns2, s2) => {
        fc.pre(ns1 !== ns2 || s1 !== s2);
        expect(componentName(ns1, s1)).not.toBe(componentName(ns2, s2));
      }),
    );
    // The pair that `<ns>-<source>` would confuse.
    expect(componentName('a-b', 'c')).not.toBe(componentName('a', 'b-c'));
  });

  it('are cut with a hash past 63 characters', () => {
    const ns = 'n'.repeat(63);
    const source = 's'.repeat(40);
    const name = componentName(ns, source);
    expect(name).toMatch(/^n{13}-[0-9a-f]{8}\.s{40}$/);
    expect(componentName(`${'n'.repeat(62)}m`, source)).not.toBe(name);
  });
});
