/**
 * Prometheus (kube-prometheus-stack without its Grafana), Loki (one multi-tenant binary behind the gateway)
 * and Grafana (sign-in through Keycloak, Prometheus and Loki as its datasources), with the tenancy taken from
 * the definitions: which namespaces Prometheus reads, which role each group gets, and one organization per
 * team with its own dashboard folder and a Loki datasource whose tenants are exactly the team's namespaces.
 */
import { createHash } from 'node:crypto';
import {
  COMPONENTS,
  ingressTlsSecret,
  LABEL_PREFIX,
  oidcIssuer,
  PLATFORM_NAMESPACES,
  PLATFORM_SECRETS,
  PlatformError,
  type PlatformModel,
  serviceHost,
} from '@platform-gen/core';
import type { GrafanaDatasource, GrafanaValues } from '../generated/grafana-values.js';
import type { LokiValues } from '../generated/loki-values.js';
import type { PrometheusNamespaceSelector, PrometheusValues } from '../generated/prometheus-values.js';
import { OIDC_CLIENT_IDS } from './argocd.js';

const PROMETHEUS_FULLNAME = 'prometheus';
const LOKI_FULLNAME = 'loki';

/**
 * Namespace label that keeps Prometheus out of a namespace: tenant-baseline sets it to "true" or "false" on
 * every tenant Namespace (from `observability.scrape`); Prometheus skips only the "false" ones.
 * (The same key is spelled in tenant-baseline/src/namespace.ts: it belongs in core's LABELS.)
 */
export const SCRAPE_LABEL = `${LABEL_PREFIX}/scrape`;

/** Loki tenant of Vault's audit log: only the audit datasource names it. No tenant namespace may be called so. */
export const AUDIT_LOG_TENANT = 'platform-audit';

/** Prometheus' Service: `<fullname>-prometheus` in the monitoring namespace. */
export function prometheusUrl(): string {
  return `http://${PROMETHEUS_FULLNAME}-prometheus.${COMPONENTS.prometheus.namespace}.svc:9090`;
}

/** Loki's gateway Service, `<fullname>-gateway` (the chart's loki.gatewayFullname), on its default port 80. */
export function lokiGatewayUrl(): string {
  return `http://${LOKI_FULLNAME}-gateway.${COMPONENTS.loki.namespace}.svc`;
}

/**
 * Every namespace but those labelled scrape "false". NotIn also matches namespaces without the label, so the
 * platform's own namespaces (which tenant-baseline does not label) are read too.
 */
export function scrapeNamespaceSelector(): PrometheusNamespaceSelector {
  return { matchExpressions: [{ key: SCRAPE_LABEL, operator: 'NotIn', values: ['false'] }] };
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
        // ScrapeConfigs too: the chart's default for them is every namespace, which would let an opted-out
        // namespace still be scraped through one.
        serviceMonitorNamespaceSelector: scrapeNamespaceSelector(),
        podMonitorNamespaceSelector: scrapeNamespaceSelector(),
        ruleNamespaceSelector: scrapeNamespaceSelector(),
        probeNamespaceSelector: scrapeNamespaceSelector(),
        scrapeConfigNamespaceSelector: scrapeNamespaceSelector(),
      },
    },
  };
}

const off = { enabled: false };

export function lokiValues(): LokiValues {
  const namespaceNamed = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
  // Grafana's pods carry the grafana chart's app.kubernetes.io/name, its chart name (grafanaValues sets no nameOverride).
  const grafanaPods = { matchLabels: { 'app.kubernetes.io/name': 'grafana' } };
  return {
    fullnameOverride: LOKI_FULLNAME,
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
      // A team's datasource queries all its namespaces at once (X-Scope-OrgID: a|b).
      querier: { multi_tenant_queries_enabled: true },
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
    // The rules sidecar watches ConfigMaps through the Kubernetes API, which the NetworkPolicy below does not let Loki's
    // pods reach; platform-gen provisions no ruler rules.
    sidecar: { rules: { enabled: false } },
    // The chart's own NetworkPolicies (templates/networkpolicy.yaml) select every Loki pod: traffic from pods of Loki's
    // namespace (Alloy, the gateway itself), DNS out, nothing else out; the gateway's http port also from Grafana's
    // pods; the http-metrics port, which on the single binary is the whole Loki API, only from Loki's namespace too
    // (nothing scrapes Loki yet; left empty the chart would open it to every pod).
    networkPolicy: {
      enabled: true,
      ingress: {
        namespaceSelector: namespaceNamed(COMPONENTS.grafana.namespace),
        podSelector: grafanaPods,
      },
      metrics: { namespaceSelector: namespaceNamed(COMPONENTS.loki.namespace) },
    },
  };
}

/**
 * A JMESPath raw string literal for `value`. `'` is escaped; a backslash is refused, because the go-jmespath
 * versions Grafana has shipped disagree on what `\\` means, and a trailing one would swallow the closing
 * quote; control characters are not allowed in raw strings at all.
 */
export function jmespathLiteral(value: string): string {
  const bad = [...value].find((c) => c === '\\' || (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f');
  if (bad !== undefined) {
    throw new PlatformError(
      'E_JMESPATH_VALUE',
      `cannot quote ${JSON.stringify(value)} for Grafana's role mapping: it contains ${JSON.stringify(bad)}; ` +
        'group names are DNS labels (lower-case letters, digits and "-")',
    );
  }
  return `'${value.replaceAll("'", "\\'")}'`;
}

/**
 * JMESPath from the token's groups to a Grafana role, first match wins: the admin group administers, the
 * auditor group and every team group view (teams do not edit shared dashboards). Anyone else matches nothing,
 * and with role_attribute_strict that means no sign-in.
 */
export function roleAttributePath(adminGroup: string, auditorGroup: string, teamGroups: readonly string[]): string {
  const rules = new Map<string, 'Admin' | 'Viewer'>([[adminGroup, 'Admin']]);
  for (const group of [auditorGroup, ...teamGroups]) if (!rules.has(group)) rules.set(group, 'Viewer');
  return [...rules]
    .map(([group, role]) => `contains(groups[*], ${jmespathLiteral(group)}) && ${jmespathLiteral(role)}`)
    .join(' || ');
}

/** Grafana UIDs: at most 40 of [A-Za-z0-9_-]. Names that would not fit keep a readable head and a hash. */
const UID_MAX = 40;
function boundedName(prefix: string, name: string, max: number): string {
  const whole = `${prefix}${name}`;
  if (whole.length <= max) return whole;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${whole.slice(0, max - hash.length - 1)}-${hash}`;
}

const byName = <T extends { readonly name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

function lokiDatasource(name: string, uid: string, tenants: readonly string[]): GrafanaDatasource {
  return {
    name,
    uid,
    type: 'loki',
    access: 'proxy',
    url: lokiGatewayUrl(),
    isDefault: false,
    editable: false,
    jsonData: { httpHeaderName1: 'X-Scope-OrgID' },
    secureJsonData: { httpHeaderValue1: tenants.join('|') },
  };
}

/** Datasource names the platform keeps for itself: no team may be called like their suffix. */
const PLATFORM_LOKI_DATASOURCES = { platform: 'Loki (platform)', audit: 'Loki (audit)' } as const;

/**
 * The Loki datasources, one tenant per namespace: one per team with exactly the team's namespaces (a team
 * without namespaces has no logs and gets none: an empty X-Scope-OrgID is refused), `Loki (platform)` with
 * every platform and tenant namespace, and `Loki (audit)` with Vault's audit log only.
 */
export function lokiDatasources(model: PlatformModel): GrafanaDatasource[] {
  const tenantNamespaces = model.namespaces.map((ns) => ns.name);
  if (tenantNamespaces.includes(AUDIT_LOG_TENANT)) {
    throw new PlatformError(
      'E_LOKI_TENANT_RESERVED',
      `namespace "${AUDIT_LOG_TENANT}" would write its logs into the Loki tenant of Vault's audit log; rename the namespace`,
    );
  }
  const reserved = new Set<string>(Object.keys(PLATFORM_LOKI_DATASOURCES));
  const teams = [...model.platform.teams].sort(byName).flatMap((team) => {
    if (reserved.has(team.name)) {
      throw new PlatformError(
        'E_GRAFANA_DATASOURCE_NAME',
        `team "${team.name}" would get the datasource "Loki (${team.name})", which the platform keeps for itself; rename the team`,
      );
    }
    const namespaces = model.namespaces
      .filter((ns) => ns.definition.team === team.name)
      .map((ns) => ns.name)
      .sort();
    if (namespaces.length === 0) return [];
    return [lokiDatasource(`Loki (${team.name})`, boundedName('loki-team-', team.name, UID_MAX), namespaces)];
  });
  const platformTenants = [...new Set([...Object.values(PLATFORM_NAMESPACES), ...tenantNamespaces])].sort();
  return [
    ...teams,
    lokiDatasource(PLATFORM_LOKI_DATASOURCES.platform, 'loki-platform', platformTenants),
    lokiDatasource(PLATFORM_LOKI_DATASOURCES.audit, 'loki-audit', [AUDIT_LOG_TENANT]),
  ];
}

/**
 * The datasources Grafana provisions from files, all into `Main Org.` (id 1, provisioning's default), the
 * platform's organization where only the admin and auditor groups are members: Prometheus (metrics of every
 * namespace), `Loki (platform)` and `Loki (audit)`. Grafana OSS has no datasource permissions, so a team's
 * own Loki datasource lives in the team's organization instead, written by the grafana-config Job
 * (`grafanaOrganizations`): provisioning files cannot name an organization that does not exist yet.
 */
export function grafanaDatasources(model: PlatformModel): GrafanaDatasource[] {
  const prometheus: GrafanaDatasource = {
    name: 'Prometheus',
    uid: 'prometheus',
    type: 'prometheus',
    access: 'proxy',
    url: prometheusUrl(),
    isDefault: true,
    editable: false,
  };
  const platformNames = new Set<string>(Object.values(PLATFORM_LOKI_DATASOURCES));
  const platformLoki = lokiDatasources(model).filter((d) => platformNames.has(d.name));
  return [prometheus, ...platformLoki].sort(byName);
}

/** The platform's own organization, which Grafana creates at its first start. */
export const MAIN_ORG_ID = 1;

/**
 * One Grafana organization per team: named after the team, its members View it, its only datasource is its Loki,
 * and it holds the team's dashboard folder (Main Org. holds none: team members have no role there).
 */
export interface GrafanaOrganization {
  readonly name: string;
  /** The team's Keycloak group: Viewer in this organization. */
  readonly group: string;
  /** The team's folder in this organization, titled after the team: a stable uid within Grafana's 40 characters. */
  readonly folderUid: string;
  /** Absent for a team without namespaces (no logs to read). */
  readonly datasource?: GrafanaDatasource;
}

/** Organization names go into org_mapping (":" separates), URL paths and the Job's line file: DNS labels only. */
const ORG_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function grafanaOrganizations(model: PlatformModel): GrafanaOrganization[] {
  const datasources = new Map(lokiDatasources(model).map((d) => [d.name, d]));
  return [...model.platform.teams].sort(byName).map((team) => {
    if (!ORG_NAME.test(team.name)) {
      throw new PlatformError(
        'E_GRAFANA_ORG_NAME',
        `team "${team.name}" cannot name a Grafana organization: use lower-case letters, digits and "-" (a DNS label)`,
      );
    }
    const datasource = datasources.get(`Loki (${team.name})`);
    return {
      name: team.name,
      group: team.group,
      folderUid: boundedName('team-', team.name, UID_MAX),
      ...(datasource === undefined ? {} : { datasource }),
    };
  });
}

/**
 * generic_oauth `org_mapping` (Grafana >= 11.2 for Generic OAuth, evaluated over `org_attribute_path`): entries
 * `<group>:<org id or name>:<role>`, space-separated. Admins administer Main Org. and every team organization,
 * auditors view all of them (they read everything), each team group views only its own organization. Main Org.
 * is named by id, team organizations by name (their ids are Grafana's to choose).
 */
export function orgMapping(model: PlatformModel): string {
  const { adminGroup, auditorGroup } = model.platform.identity;
  const entries = [`${adminGroup}:${MAIN_ORG_ID}:Admin`, `${auditorGroup}:${MAIN_ORG_ID}:Viewer`];
  for (const org of grafanaOrganizations(model)) {
    entries.push(
      `${adminGroup}:${org.name}:Admin`,
      `${auditorGroup}:${org.name}:Viewer`,
      `${org.group}:${org.name}:Viewer`,
    );
  }
  for (const entry of entries) {
    if (/[\s,]/.test(entry) || entry.split(':').length !== 3) {
      throw new PlatformError(
        'E_GRAFANA_ORG_MAPPING',
        `org_mapping entry ${JSON.stringify(entry)} would not parse; group and team names are DNS labels`,
      );
    }
  }
  return [...new Set(entries)].join(' ');
}

export function grafanaValues(model: PlatformModel): GrafanaValues {
  const { platform } = model;
  const { identity } = platform;
  const host = serviceHost(platform, 'grafana');
  const oidc = `${oidcIssuer(platform)}/protocol/openid-connect`;
  const admin = PLATFORM_SECRETS.grafanaAdmin;
  const client = PLATFORM_SECRETS.grafanaOidc;
  const teamGroups = platform.teams.map((t) => t.group);
  const groups = [...new Set([identity.adminGroup, identity.auditorGroup, ...teamGroups])];
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
        // Main Org. only, and only for admins and auditors: when org_mapping cannot be read (Grafana resolves
        // its org names at start, and with role_attribute_strict one unknown name empties all of it), they
        // still land in Main Org. and team members are refused rather than let into the platform's org.
        role_attribute_path: roleAttributePath(identity.adminGroup, identity.auditorGroup, []),
        role_attribute_strict: true,
        org_attribute_path: 'groups',
        org_mapping: orgMapping(model),
      },
      // Grafana adds every new user to Main Org. before org_mapping runs (grafana/grafana#103095): there with
      // no role, so a team member who lands there can query nothing.
      users: { auto_assign_org_role: 'None' },
    },
    assertNoLeakedSecrets: true,
    admin: { existingSecret: admin.name, userKey: admin.keys[0], passwordKey: admin.keys[1] },
    envValueFrom: {
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: client.name, key: client.keys[0] } },
    },
    datasources: {
      'datasources.yaml': { apiVersion: 1, datasources: grafanaDatasources(model) },
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
