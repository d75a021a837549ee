/**
 * The platform's OIDC clients in Keycloak, in one place: their ids, redirect URIs, whether they are public
 * (PKCE, no secret) and, for confidential ones, the bootstrap secret holding the client secret and the
 * Vault path it is handed over to. Keycloak's realm, each consumer's configuration, and the ESO wiring
 * that gives keycloak-config-cli the secrets all read this list, so they cannot disagree.
 */
import type { PlatformDefinition } from './generated/platform.js';
import { type PlatformService, serviceHost } from './hostnames.js';
import { PLATFORM_SECRETS, type PlatformSecretRef } from './platform-secrets.js';

export interface OidcClient {
  readonly clientId: string;
  readonly service: PlatformService;
  readonly redirectUris: readonly string[];
  /** Public clients (PKCE, no secret) hold nothing Git or Vault must protect. */
  readonly public: boolean;
  /**
   * Keycloak requires PKCE (S256) from this client: only where the consumer is configured to send it (Argo CD's
   * enablePKCEAuthentication, Grafana's use_pkce). Vault's and Backstage's are not required: a login they start
   * without a code challenge would be refused.
   */
  readonly pkce: boolean;
  /** The bootstrap secret and key holding a confidential client's secret (handed over to Vault). */
  readonly secret?: { readonly ref: PlatformSecretRef; readonly key: string };
  /** Scopes the consumer requests beyond `openid`. */
  readonly scopes: readonly string[];
}

export function oidcClients(platform: PlatformDefinition): readonly OidcClient[] {
  const url = (service: PlatformService, path: string) => `https://${serviceHost(platform, service)}${path}`;
  return [
    {
      // Public with PKCE (Argo CD >= 3.1 handles the code flow in the server): no client secret anywhere,
      // and Argo CD needs none of Vault's (VLT-1).
      clientId: 'argocd',
      service: 'argocd',
      redirectUris: [
        url('argocd', '/auth/callback'),
        url('argocd', '/pkce/verify'),
        'http://localhost:8085/auth/callback',
      ],
      public: true,
      pkce: true,
      scopes: ['profile', 'email', 'groups'],
    },
    {
      clientId: 'vault',
      service: 'vault',
      pkce: false,
      redirectUris: [url('vault', '/ui/vault/auth/oidc/oidc/callback'), 'http://localhost:8250/oidc/callback'],
      public: false,
      secret: { ref: PLATFORM_SECRETS.vaultOidc, key: 'client-secret' },
      scopes: ['profile', 'email', 'groups'],
    },
    {
      clientId: 'grafana',
      service: 'grafana',
      pkce: true,
      redirectUris: [url('grafana', '/login/generic_oauth')],
      public: false,
      secret: { ref: PLATFORM_SECRETS.grafanaOidc, key: 'client-secret' },
      scopes: ['profile', 'email', 'groups'],
    },
    {
      clientId: 'backstage',
      service: 'backstage',
      pkce: false,
      redirectUris: [url('backstage', '/api/auth/oidc/handler/frame')],
      public: false,
      secret: { ref: PLATFORM_SECRETS.backstageOidc, key: 'AUTH_OIDC_CLIENT_SECRET' },
      scopes: ['profile', 'email', 'groups'],
    },
  ];
}

/** The environment variable keycloak-config-cli substitutes a client's secret from: `$(env:<NAME>)`. */
export function clientSecretEnv(client: OidcClient): string {
  return `${client.clientId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CLIENT_SECRET`;
}

/** The Secret in Keycloak's namespace holding every confidential client's secret, written by ESO from Vault. */
export const KEYCLOAK_CLIENTS_SECRET = 'keycloak-clients';
