/**
 * kubernetes/backstage-catalog/: the entity files and a kustomization turning them into one ConfigMap,
 * which the backstage-catalog Application applies and Backstage mounts (see charts-gen's backstage values).
 * Kustomize renders only the ConfigMap: no entity is ever applied to the cluster as an object of its own.
 */
import {
  type Artifact,
  COMPONENTS,
  type ComponentSpec,
  type Generator,
  KINDS,
  PlatformError,
  type PlatformModel,
  renderFile,
  standardMetadata,
  yamlArtifact,
} from '@platform-gen/core';
import { catalogFiles } from './entities.js';
import { CATALOG_CONFIG_MAP, CATALOG_DIR, CATALOG_NAMESPACE } from './layout.js';

export const CATALOG_KUSTOMIZATION = `${CATALOG_DIR}kustomization.yaml`;

const KIB = 1024;
const COMPONENT: ComponentSpec = COMPONENTS.backstageCatalog;

/**
 * How much catalog the ConfigMap can carry. Applied client-side (Argo CD's default), kubectl copies the whole
 * object into its last-applied-configuration annotation, and annotations hold at most 256 KiB; applied
 * server-side, the ConfigMap's own 1 MiB limit is what counts. Some room is kept for the metadata.
 */
export const CATALOG_SIZE_LIMIT = (COMPONENT.serverSideApply === true ? 1024 * KIB : 256 * KIB) - 8 * KIB;

/** The ConfigMap's data as kustomize will build it: each file with its header, under its own name. */
function configMapData(artifacts: readonly Artifact[]): Record<string, string> {
  return Object.fromEntries(
    artifacts.map((a) => [a.path.slice(CATALOG_DIR.length), renderFile(a.path, a.source, a.content)]),
  );
}

function assertFits(artifacts: readonly Artifact[]): void {
  const size = Buffer.byteLength(JSON.stringify(configMapData(artifacts)));
  if (size <= CATALOG_SIZE_LIMIT) return;
  const serverSide = COMPONENT.serverSideApply === true;
  throw new PlatformError(
    'E_CATALOG_TOO_LARGE',
    `${CATALOG_DIR}: the Backstage catalog is ${size} bytes, more than the ${CATALOG_SIZE_LIMIT} bytes its ConfigMap ` +
      `${CATALOG_NAMESPACE}/${CATALOG_CONFIG_MAP} can carry when Argo CD applies it ${serverSide ? 'server' : 'client'}-side; ` +
      (serverSide
        ? 'split the catalog or let Backstage read it from Git instead of a ConfigMap'
        : 'set serverSideApply on COMPONENTS.backstageCatalog (packages/core/src/components.ts) to raise the limit to 1 MiB'),
  );
}

export function catalogArtifacts(model: PlatformModel): Artifact[] {
  const files = catalogFiles(model);
  const artifacts = files.map((file) => yamlArtifact(`${CATALOG_DIR}${file.name}`, file.source, file.entities));
  assertFits(artifacts);
  const standard = standardMetadata(model, model.platformFile);
  const kustomization = {
    ...KINDS.Kustomization,
    namespace: CATALOG_NAMESPACE,
    configMapGenerator: [
      {
        name: CATALOG_CONFIG_MAP,
        files: files.map((file) => file.name),
        options: {
          // Backstage's values name the ConfigMap to mount it: a hash suffix would change that name with every
          // catalog change. Without it the mounted files update in place, and Backstage re-reads them.
          disableNameSuffixHash: true,
          labels: standard.labels,
          annotations: standard.annotations,
        },
      },
    ],
  };
  return [...artifacts, yamlArtifact(CATALOG_KUSTOMIZATION, model.platformFile, [kustomization])];
}

/** The Backstage catalog from the definitions, under kubernetes/backstage-catalog/. */
export const portalGenerator: Generator = {
  name: '@platform-gen/portal',
  owns: [CATALOG_DIR],
  generate: catalogArtifacts,
};
