export { CATALOG_KINDS, type CatalogKind } from './catalog-kinds.js';
export {
  type CatalogEntity,
  type CatalogFile,
  componentName,
  ENTITY_ANNOTATIONS,
  type EntityFiles,
  type EntityLink,
  type EntityMetadata,
  entityFiles,
  entityRef,
  RESOURCE_TYPE_NAMESPACE,
  workloadApplicationName,
} from './entities.js';
export { CATALOG_KUSTOMIZATION, catalogArtifacts, portalGenerator } from './generator.js';
export {
  CATALOG_DIR,
  CATALOG_FILES,
  CATALOG_NAMESPACE,
  catalogConfigMapName,
  NAMESPACE_SHARD,
  namespaceCatalogFile,
  namespaceShardId,
  PLATFORM_SHARD,
  shardIndexFile,
} from './layout.js';
export {
  appliedDataSize,
  appliedSize,
  CATALOG_SIZE_LIMIT,
  type Catalog,
  type CatalogShard,
  catalogFiles,
  catalogOf,
  catalogShards,
  MAX_SHARD_DEPTH,
  type NamespaceShardPlan,
  planNamespaceShards,
  SHARD_KINDS,
  type ShardUnit,
  shardBits,
} from './shards.js';
