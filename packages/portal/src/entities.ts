/**
 * The Backstage catalog as entity objects, from the same model as everything else:
 *
 *   Group  per team (named after its Keycloak group) + the admin and auditor groups   groups.yaml
 *   User   per team member, once however many teams list them                          users.yaml
 *   Domain / System per catalog entry of the platform definition                       domains.yaml, systems.yaml
 *   Resource per namespace + a Component per workload source                           namespace-<ns>.yaml
 *   Location per shard, listing the shard's other files (see shards.ts)                 index-<shard>.yaml
 *
 * Groups carry the exact Keycloak group names, and Users the Keycloak usernames and e-mail addresses, so
 * Backstage's sign-in (which matches the e-mail) and its ownership (which follows memberOf) agree with Keycloak.
 */
import { createHash } from 'node:crypto';
import {
  compareStrings,
  type NamespaceModel,
  PlatformError,
  type PlatformModel,
  standardMetadata,
  type TeamDefinition,
} from '@platform-gen/core';
import { CATALOG_KINDS, type CatalogKind } from './catalog-kinds.js';
import { CATALOG_FILES, catalogConfigMapName, namespaceCatalogFile, PLATFORM_SHARD } from './layout.js';

export interface EntityLink {
  readonly url: string;
  readonly title: string;
}

export interface EntityMetadata {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly links?: readonly EntityLink[];
}

/** One catalog entity (envelope apiVersion, kind, metadata, spec); every entity lives in the default namespace. */
export interface CatalogEntity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: EntityMetadata;
  readonly spec: Readonly<Record<string, unknown>>;
}

/** One file of the catalog: a name that is also its ConfigMap key, the definition it comes from, its entities. */
export interface CatalogFile {
  readonly name: string;
  readonly source: string;
  readonly entities: readonly CatalogEntity[];
}

/** Annotations platform-gen puts on entities (besides the source one every generated object carries). */
export const ENTITY_ANNOTATIONS = {
  /** The Backstage Kubernetes plugin's namespace annotation. */
  kubernetesNamespace: 'backstage.io/kubernetes-namespace',
  /** The Argo CD plugin's link from a Component to its Application. */
  argocdAppName: 'argocd/app-name',
  repoURL: 'platform-gen.io/repo-url',
  repoPath: 'platform-gen.io/repo-path',
  targetRevision: 'platform-gen.io/target-revision',
} as const;

export const RESOURCE_TYPE_NAMESPACE = 'kubernetes-namespace';

/** Longest entity name Backstage accepts. */
const MAX_NAME_LENGTH = 63;

/** `<kind>:<name>` in the default namespace, e.g. `group:team-payments`. */
export function entityRef(kind: CatalogKind, name: string): string {
  return `${kind.toLowerCase()}:${name}`;
}

/** The Argo CD Application of a workload source, named as argo-apps names it (`workload--<ns>--<source>`). */
export function workloadApplicationName(namespace: string, source: string): string {
  return `workload--${namespace}--${source}`;
}

/**
 * `<ns>.<source>`: neither part can contain a `.`, so the name is unique. Past 63 characters the namespace
 * part is cut and followed by a hash of the full name (the Component's title keeps both parts).
 */
export function componentName(namespace: string, source: string): string {
  const full = `${namespace}.${source}`;
  if (full.length <= MAX_NAME_LENGTH) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const head = namespace.slice(0, MAX_NAME_LENGTH - source.length - hash.length - 2).replace(/[-_.]+$/, '');
  return `${head}-${hash}.${source}`;
}

interface MetadataOptions {
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly links?: readonly EntityLink[];
}

function metadata(model: PlatformModel, source: string, name: string, options: MetadataOptions = {}): EntityMetadata {
  const standard = standardMetadata(model, source);
  return {
    name,
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.description === undefined ? {} : { description: options.description }),
    labels: standard.labels,
    annotations: { ...standard.annotations, ...options.annotations },
    ...(options.links === undefined || options.links.length === 0 ? {} : { links: options.links }),
  };
}

function teamOrThrow(model: PlatformModel, name: string): TeamDefinition {
  const team = model.platform.teams.find((t) => t.name === name);
  if (team === undefined) {
    throw new PlatformError('E_CATALOG_TEAM_UNKNOWN', `the catalog refers to team "${name}", which is not declared`);
  }
  return team;
}

/** `group:<the team's Keycloak group>`: what every owner field holds. */
function ownerRef(model: PlatformModel, team: string): string {
  return entityRef('Group', teamOrThrow(model, team).group);
}

function groupEntities(model: PlatformModel): CatalogEntity[] {
  const { platform, platformFile } = model;
  const platformGroup = (name: string, displayName: string, description: string): CatalogEntity => ({
    ...CATALOG_KINDS.Group,
    metadata: metadata(model, platformFile, name, { description }),
    spec: { type: 'team', profile: { displayName }, children: [], members: [] },
  });
  return [
    platformGroup(
      platform.identity.adminGroup,
      'Platform admins',
      'Administrators of the platform (identity.adminGroup)',
    ),
    platformGroup(
      platform.identity.auditorGroup,
      'Platform auditors',
      'Read-only auditors of the platform (identity.auditorGroup)',
    ),
    ...platform.teams.map((team) => ({
      ...CATALOG_KINDS.Group,
      metadata: metadata(model, platformFile, team.group, { description: team.description }),
      spec: {
        type: 'team',
        profile: { displayName: team.name },
        children: [],
        members: (team.members ?? []).map((m) => entityRef('User', m.username)),
      },
    })),
  ];
}

interface Person {
  displayName: string | undefined;
  email: string | undefined;
  readonly groups: string[];
}

/** One User per username, member of every team that lists it; a profile field is the first one given. */
function userEntities(model: PlatformModel): CatalogEntity[] {
  const people = new Map<string, Person>();
  for (const team of model.platform.teams) {
    for (const member of team.members ?? []) {
      const person = people.get(member.username) ?? { displayName: undefined, email: undefined, groups: [] };
      person.displayName ??= member.displayName;
      person.email ??= member.email;
      if (!person.groups.includes(team.group)) person.groups.push(team.group);
      people.set(member.username, person);
    }
  }
  return [...people.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([username, person]) => ({
      ...CATALOG_KINDS.User,
      metadata: metadata(model, model.platformFile, username),
      spec: {
        profile: {
          ...(person.displayName === undefined ? {} : { displayName: person.displayName }),
          ...(person.email === undefined ? {} : { email: person.email }),
        },
        memberOf: person.groups.map((group) => entityRef('Group', group)),
      },
    }));
}

function domainEntities(model: PlatformModel): CatalogEntity[] {
  return (model.platform.catalog?.domains ?? []).map((domain) => ({
    ...CATALOG_KINDS.Domain,
    metadata: metadata(model, model.platformFile, domain.name, { description: domain.description }),
    spec: { owner: ownerRef(model, domain.owner) },
  }));
}

function systemEntities(model: PlatformModel): CatalogEntity[] {
  return (model.platform.catalog?.systems ?? []).map((system) => ({
    ...CATALOG_KINDS.System,
    metadata: metadata(model, model.platformFile, system.name, { description: system.description }),
    spec: {
      owner: ownerRef(model, system.owner),
      ...(system.domain === undefined ? {} : { domain: entityRef('Domain', system.domain) }),
    },
  }));
}

/** The namespace as a Resource, and one Component per workload source deployed into it. */
function namespaceEntities(model: PlatformModel, ns: NamespaceModel): CatalogEntity[] {
  const { definition } = ns;
  const owner = ownerRef(model, definition.team);
  const system = definition.system === undefined ? {} : { system: entityRef('System', definition.system) };
  const resource: CatalogEntity = {
    ...CATALOG_KINDS.Resource,
    metadata: metadata(model, ns.file, ns.name, {
      description: definition.description,
      annotations: { [ENTITY_ANNOTATIONS.kubernetesNamespace]: ns.name },
    }),
    spec: { type: RESOURCE_TYPE_NAMESPACE, owner, ...system },
  };
  const components = (definition.sources ?? []).map(
    (source): CatalogEntity => ({
      ...CATALOG_KINDS.Component,
      metadata: metadata(model, ns.file, componentName(ns.name, source.name), {
        title: `${ns.name}/${source.name}`,
        annotations: {
          [ENTITY_ANNOTATIONS.kubernetesNamespace]: ns.name,
          [ENTITY_ANNOTATIONS.argocdAppName]: workloadApplicationName(ns.name, source.name),
          [ENTITY_ANNOTATIONS.repoURL]: source.repoURL,
          [ENTITY_ANNOTATIONS.repoPath]: source.path,
          [ENTITY_ANNOTATIONS.targetRevision]: source.targetRevision,
        },
        // Only an https clone URL opens in a browser; ssh and scp-like URLs stay in the annotation.
        links: source.repoURL.startsWith('https://')
          ? [{ url: source.repoURL, title: `Source: ${source.path} at ${source.targetRevision}` }]
          : [],
      }),
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner,
        ...system,
        dependsOn: [entityRef('Resource', ns.name)],
      },
    }),
  );
  return [resource, ...components];
}

/** A shard's Location: the shard's other files as targets relative to it, so it resolves wherever it is read. */
export function shardLocation(model: PlatformModel, shard: string, files: readonly string[]): CatalogEntity {
  return {
    ...CATALOG_KINDS.Location,
    metadata: metadata(model, model.platformFile, catalogConfigMapName(shard), {
      description:
        shard === PLATFORM_SHARD
          ? 'The platform-wide part of the catalog platform-gen generates: teams, people, domains, systems'
          : `Namespaces and their workloads, generated by platform-gen (catalog shard ${shard})`,
    }),
    spec: { targets: files.map((file) => `./${file}`) },
  };
}

/** The entity files, without the shards' Locations; files that would hold no entity are left out. */
export interface EntityFiles {
  /** groups.yaml, users.yaml, domains.yaml, systems.yaml: the platform shard's files. */
  readonly platform: readonly CatalogFile[];
  /** One file per namespace, in the model's (sorted) order. */
  readonly namespaces: readonly CatalogFile[];
}

export function entityFiles(model: PlatformModel): EntityFiles {
  const source = model.platformFile;
  const nonEmpty = (file: CatalogFile) => file.entities.length > 0;
  const platform: CatalogFile[] = [
    { name: CATALOG_FILES.groups, source, entities: groupEntities(model) },
    { name: CATALOG_FILES.users, source, entities: userEntities(model) },
    { name: CATALOG_FILES.domains, source, entities: domainEntities(model) },
    { name: CATALOG_FILES.systems, source, entities: systemEntities(model) },
  ].filter(nonEmpty);
  const namespaces = model.namespaces
    .map((ns) => ({ name: namespaceCatalogFile(ns.name), source: ns.file, entities: namespaceEntities(model, ns) }))
    .filter(nonEmpty);
  assertUniqueNames([...platform, ...namespaces]);
  return { platform, namespaces };
}
/** Two entities of one kind with one name would make Backstage drop one of them: a bug here, not a user error. */
function assertUniqueNames(files: readonly CatalogFile[]): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    for (const entity of file.entities) {
      const key = entityRef(entity.kind as CatalogKind, entity.metadata.name);
      const first = seen.get(key);
      if (first !== undefined) {
        throw new PlatformError('E_CATALOG_NAME_CONFLICT', `${key} is generated twice (${first} and ${file.name})`);
      }
      seen.set(key, file.name);
    }
  }
}
