/**
 * Public hostnames of the platform's services, derived from the platform domain in one place, so
 * redirect URIs, issuer URLs and ingress hosts agree everywhere.
 */
import type { PlatformDefinition } from './generated/platform.js';

export type PlatformService = 'argocd' | 'vault' | 'keycloak' | 'grafana' | 'backstage';

export function serviceHost(platform: PlatformDefinition, service: PlatformService): string {
  return `${service}.${platform.domain}`;
}

/** The OIDC issuer of the platform's Keycloak realm. */
export function oidcIssuer(platform: PlatformDefinition): string {
  return `https://${serviceHost(platform, 'keycloak')}/realms/${platform.identity.realm}`;
}
