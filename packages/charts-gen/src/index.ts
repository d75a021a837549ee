export { alloyValues } from './components/alloy.js';
export { APPLICATION_HEALTH_LUA, argocdValues, OIDC_CLIENT_IDS } from './components/argocd.js';
export { backstageValues } from './components/backstage.js';
export { externalSecretsValues } from './components/external-secrets.js';
export { keycloakConfigValues, keycloakValues, realm } from './components/keycloak.js';
export {
  type GrafanaOrganization,
  grafanaOrganizations,
  grafanaValues,
  lokiDatasources,
  lokiValues,
  MAIN_ORG_ID,
  orgMapping,
  prometheusValues,
} from './components/observability.js';
export { VAULT_CLIENT_JOBS, vaultServerConfig, vaultValues } from './components/vault.js';
export { assertNoTemplateSyntax, chartsGenerator, UPSTREAM_VALUES } from './generator.js';
export { helmSchema } from './local-charts.js';
export { VALUES_SCHEMAS, type ValuesSchema, valuesSchemaOrThrow } from './schemas.js';
