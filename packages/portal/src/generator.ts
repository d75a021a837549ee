/**
 * kubernetes/backstage-catalog/: the entity files, one Location per shard, and a kustomization turning each
 * shard into one ConfigMap, which the backstage-catalog Application applies and Backstage's pod projects into
 * one folder (see charts-gen's backstage values). Kustomize renders only the ConfigMaps: no entity is ever
 * applied to the cluster as an object of its own.
 */
import {
  type Artifact,
  type Generator,
  KINDS,
  type PlatformModel,
  standardMetadata,
  yamlArtifact,
} from '@platform-gen/core';
import { CATALOG_DIR, CATALOG_NAMESPACE } from './layout.js';
import { catalogOf } from './shards.js';

export const CATALOG_KUSTOMIZATION = `${CATALOG_DIR}kustomization.yaml`;

export function catalogArtifacts(model: PlatformModel): Artifact[] {
  const { shards, artifacts } = catalogOf(model);
  const standard = standardMetadata(model, model.platformFile);
  const kustomization = {
    ...KINDS.Kustomization,
    namespace: CATALOG_NAMESPACE,
    configMapGenerator: shards.map((shard) => ({
      name: shard.configMap,
      files: shard.files.map((file) => file.name),
      options: {
        // Backstage's values name the ConfigMaps to project them: a hash suffix would change those names with
        // every catalog change. Without it the projected files update in place, and Backstage re-reads them.
        disableNameSuffixHash: true,
        labels: standard.labels,
        annotations: standard.annotations,
      },
    })),
  };
  return [...artifacts, yamlArtifact(CATALOG_KUSTOMIZATION, model.platformFile, [kustomization])];
}

/** The Backstage catalog from the definitions, under kubernetes/backstage-catalog/. */
export const portalGenerator: Generator = {
  name: '@platform-gen/portal',
  owns: [CATALOG_DIR],
  generate: catalogArtifacts,
};
