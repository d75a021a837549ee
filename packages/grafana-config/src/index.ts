import type { Generator } from '@platform-gen/core';
import { GRAFANA_CONFIG_DIR, grafanaConfigArtifacts } from './manifests.js';

export { CURL_IMAGE, datasourceBody, GRAFANA_CONFIG_DIR, ORG_MARKER } from './manifests.js';
export { CONFIGURE_SCRIPT } from './script.js';

/** Grafana's team organizations under kubernetes/grafana-config/, applied by Argo CD after Grafana (phase 4). */
export const grafanaConfigGenerator: Generator = {
  name: '@platform-gen/grafana-config',
  owns: [GRAFANA_CONFIG_DIR],
  generate: grafanaConfigArtifacts,
};
