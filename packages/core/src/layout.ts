/**
 * Every output folder name, in one place. Generators build paths from these, never from literals.
 */
export const OUTPUT_DIRS = {
  /** One folder per tenant namespace: its baseline and its External Secrets wiring. */
  namespaces: 'kubernetes/namespaces/',
  /** Vault's configuration (policies, roles, init and configurer Jobs), applied by Argo CD in phase 3. */
  vaultConfig: 'kubernetes/vault-config/',
  /** Argo CD: the root, the app-of-apps Applications, one Application per responsibility, AppProjects. */
  argoApps: 'kubernetes/argocd-apps/',
  /** Helm values of the upstream charts (and local charts), one folder per component. */
  charts: 'charts/',
} as const;

/** `kubernetes/namespaces/<ns>/` */
export function namespaceOutputDir(namespace: string): string {
  return `${OUTPUT_DIRS.namespaces}${namespace}/`;
}

/** Folder of a namespace's External Secrets wiring, owned by eso-stores. */
export const ESO_SUBDIR = 'external-secrets/';

/** `charts/<component>/values.yaml`: what the component's Application passes to its upstream chart. */
export function chartValuesPath(component: string): string {
  return `${OUTPUT_DIRS.charts}${component}/values.yaml`;
}
