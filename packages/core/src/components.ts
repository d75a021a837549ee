/**
 * The platform's own components: where each runs, in which phase it comes up, and (for upstream charts)
 * which chart at which version. One place: upgrading a chart is one line here plus `pnpm generate`.
 * Versions and repositories: ../shared/reference/README.md (checked against each chart's Chart.yaml).
 */
import { PLATFORM_NAMESPACES } from './names.js';

/** Phases of RFC-SECOPS-0001 §3 (DESIGN.md §5). */
export type Phase = 0 | 1 | 2 | 3 | 4;

export interface UpstreamChart {
  /** Helm repository URL (Argo CD `repoURL`). */
  readonly repoURL: string;
  readonly chart: string;
  readonly version: string;
}

export interface ComponentSpec {
  readonly name: string;
  readonly namespace: string;
  readonly phase: Phase;
  /** What the component is, in one line (docs, Application annotations). */
  readonly description: string;
  /** The upstream chart, installed by a multi-source Application with values from charts/<name>/values.yaml. */
  readonly chart?: UpstreamChart;
  /** CRDs over the 256 KiB last-applied annotation limit: apply server-side. */
  readonly serverSideApply?: boolean;
}

export const COMPONENTS = {
  argocd: {
    name: 'argocd',
    namespace: PLATFORM_NAMESPACES.argocd,
    phase: 1,
    description: 'Argo CD, managing itself after the bootstrap command installed it',
    chart: { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '10.1.1' },
    serverSideApply: true,
  },
  vault: {
    name: 'vault',
    namespace: PLATFORM_NAMESPACES.vault,
    phase: 3,
    description: 'Vault, the runtime secret authority',
    chart: { repoURL: 'https://helm.releases.hashicorp.com', chart: 'vault', version: '0.34.1' },
  },
  externalSecrets: {
    name: 'external-secrets',
    namespace: PLATFORM_NAMESPACES.externalSecrets,
    phase: 4,
    description: 'External Secrets Operator, the only bridge from Vault into Kubernetes Secrets',
    chart: { repoURL: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.9.0' },
    serverSideApply: true,
  },
  keycloak: {
    name: 'keycloak',
    namespace: PLATFORM_NAMESPACES.keycloak,
    phase: 4,
    description: 'Keycloak, issuing human and service identities',
    chart: { repoURL: 'https://codecentric.github.io/helm-charts', chart: 'keycloakx', version: '7.1.11' },
  },
  backstage: {
    name: 'backstage',
    namespace: PLATFORM_NAMESPACES.backstage,
    phase: 4,
    description: 'Backstage, the developer portal',
    chart: { repoURL: 'https://backstage.github.io/charts', chart: 'backstage', version: '2.8.2' },
  },
  prometheus: {
    name: 'prometheus',
    namespace: PLATFORM_NAMESPACES.monitoring,
    phase: 4,
    description: 'Prometheus and its operator (kube-prometheus-stack, Grafana disabled)',
    chart: {
      repoURL: 'https://prometheus-community.github.io/helm-charts',
      chart: 'kube-prometheus-stack',
      version: '88.5.3',
    },
    serverSideApply: true,
  },
  loki: {
    name: 'loki',
    namespace: PLATFORM_NAMESPACES.loki,
    phase: 4,
    description: 'Loki, with one tenant per namespace',
    chart: { repoURL: 'https://grafana-community.github.io/helm-charts', chart: 'loki', version: '18.11.0' },
  },
  grafana: {
    name: 'grafana',
    namespace: PLATFORM_NAMESPACES.grafana,
    phase: 4,
    description: 'Grafana, behind Keycloak',
    chart: { repoURL: 'https://grafana-community.github.io/helm-charts', chart: 'grafana', version: '12.11.1' },
  },
} as const satisfies Record<string, ComponentSpec>;

export type ComponentKey = keyof typeof COMPONENTS;
