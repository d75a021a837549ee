/**
 * Kubernetes Secrets the platform's components read, by name, in one place. Values files and manifests
 * only ever name these Secrets; their values never pass through platform-gen. Who supplies each one:
 * the bootstrap command (the age identity), SOPS bootstrap files (phase 2), or ESO from Vault (phase 4).
 */
import { PLATFORM_NAMESPACES } from './names.js';

export interface PlatformSecretRef {
  readonly name: string;
  readonly namespace: string;
  /** Keys the consumer reads. */
  readonly keys: readonly string[];
  /** Who reads it, for docs. */
  readonly consumer: string;
}

export const PLATFORM_SECRETS = {
  /** The age identity KSOPS decrypts with: the single input that does not come from Git. */
  sopsAge: {
    name: 'sops-age',
    namespace: PLATFORM_NAMESPACES.argocd,
    keys: ['keys.txt'],
    consumer: 'argocd-repo-server (KSOPS)',
  },
  vaultTls: {
    name: 'vault-tls',
    namespace: PLATFORM_NAMESPACES.vault,
    keys: ['tls.crt', 'tls.key', 'ca.crt'],
    consumer: 'vault (listener and raft peers)',
  },
  /** Only with the transit seal: the token of the unsealing Vault. */
  vaultTransitToken: {
    name: 'vault-seal-transit',
    namespace: PLATFORM_NAMESPACES.vault,
    keys: ['token'],
    consumer: 'vault (transit auto-unseal)',
  },
  /** Vault's own OIDC client secret: handed over into Vault, read there by the configurer (no Secret afterwards). */
  vaultOidc: {
    name: 'vault-oidc',
    namespace: PLATFORM_NAMESPACES.vault,
    keys: ['client-secret'],
    consumer: 'vault-configure (human login through Keycloak)',
  },
  keycloakAdmin: {
    name: 'keycloak-admin',
    namespace: PLATFORM_NAMESPACES.keycloak,
    keys: ['username', 'password'],
    consumer: 'keycloak (bootstrap admin), keycloak-config',
  },
  keycloakDatabase: {
    name: 'keycloak-db',
    namespace: PLATFORM_NAMESPACES.keycloak,
    keys: ['password'],
    consumer: 'keycloak',
  },
  grafanaAdmin: {
    name: 'grafana-admin',
    namespace: PLATFORM_NAMESPACES.grafana,
    keys: ['admin-user', 'admin-password'],
    consumer: 'grafana (break-glass admin)',
  },
  grafanaOidc: {
    name: 'grafana-oidc',
    namespace: PLATFORM_NAMESPACES.grafana,
    keys: ['client-secret'],
    consumer: 'grafana',
  },
  backstageOidc: {
    name: 'backstage-oidc',
    namespace: PLATFORM_NAMESPACES.backstage,
    keys: ['AUTH_OIDC_CLIENT_SECRET'],
    consumer: 'backstage',
  },
} as const satisfies Record<string, PlatformSecretRef>;

/** Ingress TLS certificates are Secrets named after the service (issued by the cluster's certificate controller). */
export function ingressTlsSecret(service: string): string {
  return `${service}-tls`;
}
