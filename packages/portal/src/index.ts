export { CATALOG_KINDS, type CatalogKind } from './catalog-kinds.js';
export {
  type CatalogEntity,
  type CatalogFile,
  catalogFiles,
  componentName,
  ENTITY_ANNOTATIONS,
  type EntityLink,
  type EntityMetadata,
  entityRef,
  RESOURCE_TYPE_NAMESPACE,
  workloadApplicationName,
} from './entities.js';
export { CATALOG_KUSTOMIZATION, CATALOG_SIZE_LIMIT, catalogArtifacts, portalGenerator } from './generator.js';
export {
  CATALOG_CONFIG_MAP,
  CATALOG_DIR,
  CATALOG_FILES,
  CATALOG_NAMESPACE,
  CATALOG_ROOT_FILE,
  namespaceCatalogFile,
} from './layout.js';
