/**
 * Prometheus (kube-prometheus-stack without its Grafana), Loki (one multi-tenant binary behind the gateway)
 * and Grafana (sign-in through Keycloak, Prometheus as its datasource).
 */
import {
  COMPONENTS,
  ingressTlsSecret,
  oidcIssuer,
  PLATFORM_SECRETS,
  type PlatformModel,
  serviceHost,
} from '@platform-gen/core';
import type { GrafanaValues } from '../generated/grafana-values.js';
import type { LokiValues } from '../generated/loki-values.js';
import type { PrometheusValues } from '../generated/prometheus-values.js';
import { OIDC_CLIENT_IDS } from './argocd.js';

const PROMETHEUS_FULLNAME = 'prometheus';

/** Prometheus' Service: `<fullname>-prometheus` in the monitoring namespace. */
export function prometheusUrl(): string {
  return `http://${PROMETHEUS_FULLNAME}-prometheus.${COMPONENTS.prometheus.namespace}.svc:9090`;
}

export function prometheusValues(): PrometheusValues {
  return {
    fullnameOverride: PROMETHEUS_FULLNAME,
    crds: { enabled: true },
    grafana: { enabled: false, forceDeployDashboards: true },
    prometheus: {
      prometheusSpec: {
        retention: '15d',
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
      },
    },
  };
}

const off = { enabled: false };

export function lokiValues(): LokiValues {
  return {
    deploymentMode: 'Monolithic',
    loki: {
      auth_enabled: true,
      commonConfig: { replication_factor: 1 },
      storage: { type: 'filesystem' },
      schemaConfig: {
        configs: [
          {
            from: '2026-01-01',
            store: 'tsdb',
            object_store: 'filesystem',
            schema: 'v13',
            index: { prefix: 'loki_index_', period: '24h' },
          },
        ],
      },
    },
    singleBinary: { replicas: 1 },
    read: { replicas: 0 },
    write: { replicas: 0 },
    backend: { replicas: 0 },
    gateway: { enabled: true },
    chunksCache: off,
    resultsCache: off,
    lokiCanary: off,
    test: off,
  };
}

/** JMESPath from the token's groups to a Grafana role: admins administer, everyone else views. */
function roleMapping(adminGroup: string): string {
  return `contains(groups[*], '${adminGroup}') && 'Admin' || 'Viewer'`;
}

export function grafanaValues(model: PlatformModel): GrafanaValues {
  const { platform } = model;
  const { identity } = platform;
  const host = serviceHost(platform, 'grafana');
  const oidc = `${oidcIssuer(platform)}/protocol/openid-connect`;
  const admin = PLATFORM_SECRETS.grafanaAdmin;
  const client = PLATFORM_SECRETS.grafanaOidc;
  const groups = [...new Set([identity.adminGroup, identity.auditorGroup, ...platform.teams.map((t) => t.group)])];
  return {
    'grafana.ini': {
      server: { root_url: `https://${host}` },
      auth: { disable_login_form: true },
      'auth.generic_oauth': {
        enabled: true,
        name: 'Keycloak',
        allow_sign_up: true,
        client_id: OIDC_CLIENT_IDS.grafana,
        scopes: 'openid email profile groups',
        auth_url: `${oidc}/auth`,
        token_url: `${oidc}/token`,
        api_url: `${oidc}/userinfo`,
        use_pkce: true,
        groups_attribute_path: 'groups',
        allowed_groups: groups.join(' '),
        role_attribute_path: roleMapping(identity.adminGroup),
        role_attribute_strict: true,
      },
    },
    assertNoLeakedSecrets: true,
    admin: { existingSecret: admin.name, userKey: admin.keys[0], passwordKey: admin.keys[1] },
    envValueFrom: {
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: client.name, key: client.keys[0] } },
    },
    datasources: {
      'datasources.yaml': {
        apiVersion: 1,
        datasources: [
          { name: 'Prometheus', type: 'prometheus', access: 'proxy', url: prometheusUrl(), isDefault: true },
        ],
      },
    },
    sidecar: {
      dashboards: { enabled: true, label: 'grafana_dashboard', searchNamespace: COMPONENTS.prometheus.namespace },
    },
    persistence: { enabled: false },
    ingress: {
      enabled: true,
      hosts: [host],
      tls: [{ hosts: [host], secretName: ingressTlsSecret('grafana') }],
    },
  };
}
