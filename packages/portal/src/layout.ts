/**
 * The catalog's layout: its folder, the ConfigMaps kustomize makes of it (one per shard), and the names of its
 * files. Every file is a key of exactly one ConfigMap, and all ConfigMaps are projected into one folder of the
 * Backstage pod, so file names are unique across shards.
 */
import { COMPONENTS } from '@platform-gen/core';

/** `kubernetes/backstage-catalog/`: the folder the backstage-catalog Application renders. */
export const CATALOG_DIR = `${COMPONENTS.backstageCatalog.source.path}/`;

/** Backstage's namespace: a pod mounts ConfigMaps of its own namespace only. */
export const CATALOG_NAMESPACE = COMPONENTS.backstageCatalog.namespace;

/** The shard of the platform-wide entities (Groups, Users, Domains, Systems). */
export const PLATFORM_SHARD = 'platform';

/** Namespace shards are `ns` (all namespaces in one) or `ns-<bits>`: a prefix of the hash of their files' names. */
export const NAMESPACE_SHARD = 'ns';

export function namespaceShardId(bits: string): string {
  return bits === '' ? NAMESPACE_SHARD : `${NAMESPACE_SHARD}-${bits}`;
}

/**
 * The ConfigMap of a shard, e.g. `backstage-catalog-ns-01`: named after the component, without hash suffix
 * (Backstage's values name it in the pod's projected volume). It is also the name of the shard's Location.
 */
export function catalogConfigMapName(shard: string): string {
  return `${COMPONENTS.backstageCatalog.name}-${shard}`;
}

/** The key of a shard's Location entity, which lists the shard's other keys; Backstage's app-config registers it. */
export function shardIndexFile(shard: string): string {
  return `index-${shard}.yaml`;
}

export const CATALOG_FILES = {
  groups: 'groups.yaml',
  users: 'users.yaml',
  domains: 'domains.yaml',
  systems: 'systems.yaml',
} as const;

/** One file per namespace: its Resource and the Components of its workload sources. */
export function namespaceCatalogFile(namespace: string): string {
  return `namespace-${namespace}.yaml`;
}
