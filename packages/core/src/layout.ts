/**
 * Every output folder name, in one place. Generators build paths from these, never from literals.
 */
export const OUTPUT_DIRS = {
  /** One folder per tenant namespace: its baseline and its External Secrets wiring. */
  namespaces: 'kubernetes/namespaces/',
  /** Vault's configuration (policies, roles, init and configurer Jobs), applied by Argo CD in phase 3. */
  vaultConfig: 'kubernetes/vault-config/',
} as const;

/** `kubernetes/namespaces/<ns>/` */
export function namespaceOutputDir(namespace: string): string {
  return `${OUTPUT_DIRS.namespaces}${namespace}/`;
}

/** Folder of a namespace's External Secrets wiring, owned by eso-stores. */
export const ESO_SUBDIR = 'external-secrets/';
