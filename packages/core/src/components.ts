/**
 * The platform's own components: where each runs, in which phase and at which place inside the phase it
 * comes up, and what its Application deploys (an upstream chart at a pinned version, a local chart, or a
 * folder of manifests). One place: upgrading a chart is one line here plus `pnpm generate`.
 * Versions and repositories: ../shared/reference/README.md (checked against each chart's Chart.yaml).
 */
import { PLATFORM_NAMESPACES } from './names.js';

/** Phases of RFC-SECOPS-0001 §3 (DESIGN.md §5). */
export type Phase = 0 | 1 | 2 | 3 | 4;

export interface UpstreamChart {
  readonly type: 'chart';
  /** Helm repository URL (Argo CD `repoURL`). */
  readonly repoURL: string;
  readonly chart: string;
  readonly version: string;
}

/** A chart in this repository (`charts/<name>/`), rendered by Argo CD with its own values.yaml. */
export interface LocalChart {
  readonly type: 'local-chart';
  readonly path: string;
}

/** A folder of manifests in this repository (plain or kustomize). */
export interface ManifestFolder {
  readonly type: 'manifests';
  readonly path: string;
}

export type ComponentSource = UpstreamChart | LocalChart | ManifestFolder;

export interface ComponentSpec {
  /** Application name, and the Helm release name for charts. */
  readonly name: string;
  readonly namespace: string;
  readonly phase: Phase;
  /** Position inside the phase (0-9): the Application's sync wave is 10 × phase + order. */
  readonly order: number;
  /** What the component is, in one line (docs, Application annotations). */
  readonly description: string;
  readonly source: ComponentSource;
  /** CRDs over the 256 KiB last-applied annotation limit: apply server-side. */
  readonly serverSideApply?: boolean;
  /**
   * API groups whose CRDs this component installs: an Application rendering such objects must sync after it
   * (PHS-1). Argo CD's own group is not listed: the bootstrap command installs it before any Application.
   */
  readonly providesApiGroups?: readonly string[];
}

/**
 * Waves inside phase 4, in one place: ESO's CRDs first, then the tenant baselines that use them,
 * then the services, and the teams' workloads last.
 */
export const PHASE4_ORDER = {
  externalSecrets: 0,
  tenantBaselines: 1,
  platformSecrets: 1,
  prometheus: 2,
  keycloak: 2,
  loki: 3,
  alloy: 3,
  keycloakConfig: 3,
  backstageCatalog: 3,
  grafana: 4,
  backstage: 4,
  grafanaConfig: 5,
  workloads: 9,
} as const;

export const COMPONENTS = {
  argocd: {
    name: 'argocd',
    namespace: PLATFORM_NAMESPACES.argocd,
    phase: 1,
    order: 0,
    description: 'Argo CD, managing itself after the bootstrap command installed it',
    source: { type: 'chart', repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '10.1.1' },
    serverSideApply: true,
  },
  bootstrapSecrets: {
    name: 'bootstrap-secrets',
    namespace: PLATFORM_NAMESPACES.argocd,
    phase: 2,
    order: 0,
    description: 'SOPS-encrypted bootstrap Secrets, decrypted by KSOPS in the repo-server',
    source: { type: 'manifests', path: 'kubernetes/bootstrap' },
  },
  vault: {
    name: 'vault',
    namespace: PLATFORM_NAMESPACES.vault,
    phase: 3,
    order: 0,
    description: 'Vault, the runtime secret authority',
    source: { type: 'chart', repoURL: 'https://helm.releases.hashicorp.com', chart: 'vault', version: '0.34.1' },
  },
  vaultConfig: {
    name: 'vault-config',
    namespace: PLATFORM_NAMESPACES.vault,
    phase: 3,
    order: 1,
    description: "Vault's policies, roles and auth, applied by the init and configurer Jobs",
    source: { type: 'manifests', path: 'kubernetes/vault-config' },
  },
  externalSecrets: {
    name: 'external-secrets',
    namespace: PLATFORM_NAMESPACES.externalSecrets,
    phase: 4,
    order: PHASE4_ORDER.externalSecrets,
    description: 'External Secrets Operator, the only bridge from Vault into Kubernetes Secrets',
    source: {
      type: 'chart',
      repoURL: 'https://charts.external-secrets.io',
      chart: 'external-secrets',
      version: '2.9.0',
    },
    serverSideApply: true,
    providesApiGroups: ['external-secrets.io', 'generators.external-secrets.io'],
  },
  platformSecrets: {
    name: 'platform-secrets',
    namespace: PLATFORM_NAMESPACES.externalSecrets,
    phase: 4,
    order: PHASE4_ORDER.platformSecrets,
    description: "The platform's own Secrets after the handover: ESO stores and ExternalSecrets reading Vault",
    source: { type: 'manifests', path: 'kubernetes/platform-secrets' },
  },
  prometheus: {
    name: 'prometheus',
    namespace: PLATFORM_NAMESPACES.monitoring,
    phase: 4,
    order: PHASE4_ORDER.prometheus,
    description: 'Prometheus and its operator (kube-prometheus-stack, Grafana disabled)',
    source: {
      type: 'chart',
      repoURL: 'https://prometheus-community.github.io/helm-charts',
      chart: 'kube-prometheus-stack',
      version: '88.5.3',
    },
    serverSideApply: true,
    providesApiGroups: ['monitoring.coreos.com'],
  },
  keycloak: {
    name: 'keycloak',
    namespace: PLATFORM_NAMESPACES.keycloak,
    phase: 4,
    order: PHASE4_ORDER.keycloak,
    description: 'Keycloak, issuing human and service identities',
    source: {
      type: 'chart',
      repoURL: 'https://codecentric.github.io/helm-charts',
      chart: 'keycloakx',
      version: '7.1.11',
    },
  },
  keycloakConfig: {
    name: 'keycloak-config',
    namespace: PLATFORM_NAMESPACES.keycloak,
    phase: 4,
    order: PHASE4_ORDER.keycloakConfig,
    description: 'The realm as code: keycloak-config-cli applies it after Keycloak is up',
    source: { type: 'local-chart', path: 'charts/keycloak-config' },
  },
  loki: {
    name: 'loki',
    namespace: PLATFORM_NAMESPACES.loki,
    phase: 4,
    order: PHASE4_ORDER.loki,
    description: 'Loki, multi-tenant log storage',
    source: {
      type: 'chart',
      repoURL: 'https://grafana-community.github.io/helm-charts',
      chart: 'loki',
      version: '18.11.0',
    },
  },
  alloy: {
    name: 'alloy',
    namespace: PLATFORM_NAMESPACES.loki,
    phase: 4,
    order: PHASE4_ORDER.alloy,
    description: "Grafana Alloy, the log agent: every pod's logs into Loki, one tenant per namespace",
    // 1.10.0: the newest version whose values could be read here (its README table; upstream/alloy.keys.tsv).
    source: { type: 'chart', repoURL: 'https://grafana.github.io/helm-charts', chart: 'alloy', version: '1.10.0' },
  },
  grafana: {
    name: 'grafana',
    namespace: PLATFORM_NAMESPACES.grafana,
    phase: 4,
    order: PHASE4_ORDER.grafana,
    description: 'Grafana, behind Keycloak',
    source: {
      type: 'chart',
      repoURL: 'https://grafana-community.github.io/helm-charts',
      chart: 'grafana',
      version: '12.11.1',
    },
  },
  grafanaConfig: {
    name: 'grafana-config',
    namespace: PLATFORM_NAMESPACES.grafana,
    phase: 4,
    order: PHASE4_ORDER.grafanaConfig,
    description: "Grafana's organizations, one per team, each with its own Loki datasource, applied by a Job",
    source: { type: 'manifests', path: 'kubernetes/grafana-config' },
  },
  backstageCatalog: {
    name: 'backstage-catalog',
    namespace: PLATFORM_NAMESPACES.backstage,
    phase: 4,
    order: PHASE4_ORDER.backstageCatalog,
    description: "The portal's catalog from the definitions: teams, people, domains, systems, namespaces, workloads",
    source: { type: 'manifests', path: 'kubernetes/backstage-catalog' },
  },
  backstage: {
    name: 'backstage',
    namespace: PLATFORM_NAMESPACES.backstage,
    phase: 4,
    order: PHASE4_ORDER.backstage,
    description: 'Backstage, the developer portal',
    source: { type: 'chart', repoURL: 'https://backstage.github.io/charts', chart: 'backstage', version: '2.8.2' },
  },
} as const satisfies Record<string, ComponentSpec>;

export type ComponentKey = keyof typeof COMPONENTS;

/** Every component, in declaration order. */
export function componentList(): readonly ComponentSpec[] {
  return Object.values(COMPONENTS);
}

/** The upstream chart of a component, or undefined for one deployed from this repository. */
export function getUpstreamChart(component: ComponentSpec): UpstreamChart | undefined {
  return component.source.type === 'chart' ? component.source : undefined;
}
