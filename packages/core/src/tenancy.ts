/**
 * Names and defaults that tie a tenant namespace's pieces together: the ESO ServiceAccount and store the
 * namespace gets, the Vault role and policy they use, and the baseline's defaults. Generators on both
 * sides (Kubernetes and Vault) import these, so the names can never drift apart.
 */

/** ServiceAccount ESO uses to authenticate the namespace's SecretStore to Vault. One per namespace. */
export const ESO_SERVICE_ACCOUNT = 'eso-vault';

/** The namespace's only SecretStore. */
export const SECRET_STORE_NAME = 'vault';

/** Vault Kubernetes-auth role and ACL policy of a namespace's ESO ServiceAccount. */
export function esoVaultRoleName(namespace: string): string {
  return `eso-${namespace}`;
}

export const DEFAULT_VAULT_SERVER = 'https://vault.vault.svc:8200';

/** ResourceQuota defaults, overridable per namespace (`quota`). */
export const DEFAULT_QUOTA = {
  requestsCpu: '4',
  requestsMemory: '8Gi',
  limitsCpu: '8',
  limitsMemory: '16Gi',
  requestsStorage: '100Gi',
  pods: 50,
  services: 20,
  persistentVolumeClaims: 10,
} as const;

/** LimitRange container defaults, overridable per namespace (`limits`). */
export const DEFAULT_CONTAINER_LIMITS = {
  defaultRequestCpu: '100m',
  defaultRequestMemory: '128Mi',
  defaultLimitCpu: '500m',
  defaultLimitMemory: '512Mi',
} as const;

/** Vault paths (first segment inside the KV mount) reserved for the platform's own secrets. */
export const PLATFORM_VAULT_PREFIX = 'platform';

/** Vault policies and roles named like this are managed by platform-gen: the configurer deletes undeclared ones. */
export const MANAGED_VAULT_NAME_PREFIXES = ['eso-', 'platform-'] as const;
