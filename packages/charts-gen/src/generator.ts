/**
 * charts/: the values of every upstream chart (charts/<component>/values.yaml, passed by the component's
 * Application through its `$values` ref) and the local charts, all built by typed builders from the model.
 */
import {
  type Artifact,
  COMPONENTS,
  type ComponentKey,
  chartValuesPath,
  type Generator,
  IMAGES,
  OUTPUT_DIRS,
  PlatformError,
  type PlatformModel,
  yamlArtifact,
} from '@platform-gen/core';
import { alloyValues } from './components/alloy.js';
import { argocdValues } from './components/argocd.js';
import { backstageValues } from './components/backstage.js';
import { externalSecretsValues } from './components/external-secrets.js';
import { keycloakConfigValues, keycloakValues } from './components/keycloak.js';
import { grafanaValues, lokiValues, prometheusValues } from './components/observability.js';
import { vaultValues } from './components/vault.js';
import { type LocalChartSpec, localChartArtifacts, readTemplates } from './local-charts.js';
import { chartsReadme } from './readme.js';
import { GENERATED_TYPES_DIR, VALUES_SCHEMA_TYPES, valuesSchemaOrThrow } from './schemas.js';

type UpstreamKey = Exclude<
  ComponentKey,
  'bootstrapSecrets' | 'vaultConfig' | 'keycloakConfig' | 'platformSecrets' | 'backstageCatalog' | 'grafanaConfig'
>;

/** The builder of each upstream chart's values. */
export const UPSTREAM_VALUES: { readonly [K in UpstreamKey]: (model: PlatformModel) => unknown } = {
  argocd: argocdValues,
  vault: vaultValues,
  externalSecrets: externalSecretsValues,
  keycloak: keycloakValues,
  backstage: backstageValues,
  prometheus: prometheusValues,
  loki: lokiValues,
  alloy: alloyValues,
  grafana: grafanaValues,
};

const KEYCLOAK_CONFIG: LocalChartSpec = {
  source: COMPONENTS.keycloakConfig.source,
  description: 'Applies the platform realm to Keycloak with keycloak-config-cli',
  version: '1.0.0',
  appVersion: IMAGES.keycloakConfigCli.tag.split('-')[0] ?? IMAGES.keycloakConfigCli.tag,
  kubeVersion: '>=1.25.0-0',
};

const KEYCLOAK_CONFIG_TEMPLATES = readTemplates(KEYCLOAK_CONFIG.source);

/**
 * Most charts pass some values through Helm's `tpl`: a `{{` in a value would be executed as a template.
 * Validated definitions cannot produce one; if a builder ever does, that is a bug, caught here.
 */
export function assertNoTemplateSyntax(values: unknown, where: string, path = ''): void {
  if (typeof values === 'string') {
    if (values.includes('{{')) {
      throw new PlatformError(
        'E_VALUES_TEMPLATE',
        `${where}: value at ${path || '(root)'} contains "{{", which Helm's tpl would run`,
      );
    }
  } else if (Array.isArray(values)) {
    for (const [i, v] of values.entries()) assertNoTemplateSyntax(v, where, `${path}[${i}]`);
  } else if (typeof values === 'object' && values !== null) {
    for (const [key, value] of Object.entries(values))
      assertNoTemplateSyntax(value, where, path ? `${path}.${key}` : key);
  }
}

export const chartsGenerator: Generator = {
  name: '@platform-gen/charts-gen',
  owns: [OUTPUT_DIRS.charts, GENERATED_TYPES_DIR],
  schemaTypes: VALUES_SCHEMA_TYPES,
  generate(model) {
    const source = model.platformFile;
    const artifacts: Artifact[] = [];
    for (const [key, build] of Object.entries(UPSTREAM_VALUES) as [UpstreamKey, (m: PlatformModel) => unknown][]) {
      const path = chartValuesPath(COMPONENTS[key].name);
      const values = build(model);
      assertNoTemplateSyntax(values, path);
      artifacts.push(yamlArtifact(path, source, [values]));
    }
    const values = keycloakConfigValues(model);
    assertNoTemplateSyntax(values, KEYCLOAK_CONFIG.source.path);
    artifacts.push(
      ...localChartArtifacts(
        KEYCLOAK_CONFIG,
        KEYCLOAK_CONFIG_TEMPLATES,
        values,
        valuesSchemaOrThrow('keycloakConfig').schema,
        source,
      ),
    );
    artifacts.push(chartsReadme(model));
    return artifacts;
  },
};
