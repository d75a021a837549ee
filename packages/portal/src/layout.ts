/**
 * The catalog's layout: its folder, the ConfigMap kustomize makes of it, and the names of its files.
 */
import { COMPONENTS } from '@platform-gen/core';

/** `kubernetes/backstage-catalog/`: the folder the backstage-catalog Application renders. */
export const CATALOG_DIR = `${COMPONENTS.backstageCatalog.source.path}/`;

/**
 * The ConfigMap kustomize makes of the entity files, in Backstage's namespace. Its name is the component's:
 * Backstage's values (charts-gen) mount it by that name, which is why kustomize adds no hash suffix.
 */
export const CATALOG_CONFIG_MAP = COMPONENTS.backstageCatalog.name;
export const CATALOG_NAMESPACE = COMPONENTS.backstageCatalog.namespace;

/** The Location entity Backstage's app-config registers; it lists every other file as a relative target. */
export const CATALOG_ROOT_FILE = 'all.yaml';

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
