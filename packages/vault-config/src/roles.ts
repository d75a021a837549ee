/**
 * Vault auth roles as data: the Kubernetes-auth role of each namespace's ESO ServiceAccount, the
 * configurer's, and the OIDC role humans log in with. Written as JSON the configurer passes to
 * `vault write <path> @<file>`.
 */
import {
  ESO_SERVICE_ACCOUNT,
  esoVaultRoleName,
  type NamespaceModel,
  PLATFORM_NAMESPACES,
  type PlatformModel,
  serviceHost,
} from '@platform-gen/core';
import { CONFIGURER_POLICY } from './policies.js';

export interface KubernetesRole {
  readonly bound_service_account_names: readonly string[];
  readonly bound_service_account_namespaces: readonly string[];
  readonly audience: string;
  readonly alias_name_source: 'serviceaccount_name';
  readonly token_policies: readonly string[];
  readonly token_ttl: string;
  readonly token_max_ttl: string;
}

export interface NamedRole {
  readonly name: string;
  readonly role: KubernetesRole;
  readonly source: string;
}

export const CONFIGURER_ROLE = 'platform-configurer';
export const CONFIGURER_SERVICE_ACCOUNT = 'vault-configurer';

/** Exactly one ServiceAccount in exactly one namespace, exactly one policy, the audience ESO sends, short TTLs. */
export function esoRole(model: PlatformModel, ns: NamespaceModel): NamedRole {
  return esoRoleFor(model, ns.name, ns.file);
}

/** The same binding for any namespace with a SecretStore: a tenant's, or a platform namespace's after the handover. */
export function esoRoleFor(model: PlatformModel, namespace: string, source: string): NamedRole {
  return {
    name: esoVaultRoleName(namespace),
    source,
    role: {
      bound_service_account_names: [ESO_SERVICE_ACCOUNT],
      bound_service_account_namespaces: [namespace],
      audience: model.platform.vault.audience,
      // Stable across re-created ServiceAccounts, and readable in the audit log as <namespace>/eso-vault.
      alias_name_source: 'serviceaccount_name',
      token_policies: [esoVaultRoleName(namespace)],
      token_ttl: '15m',
      token_max_ttl: '30m',
    },
  };
}

/** The configurer Job's own role, in the Vault namespace. Argo CD has no role at all (VLT-1). */
export function configurerRole(model: PlatformModel): NamedRole {
  return {
    name: CONFIGURER_ROLE,
    source: model.platformFile,
    role: {
      bound_service_account_names: [CONFIGURER_SERVICE_ACCOUNT],
      bound_service_account_namespaces: [PLATFORM_NAMESPACES.vault],
      audience: model.platform.vault.audience,
      alias_name_source: 'serviceaccount_name',
      token_policies: [CONFIGURER_POLICY],
      token_ttl: '10m',
      token_max_ttl: '20m',
    },
  };
}

/** The OIDC role humans log in with: groups come from Keycloak's `groups` claim; policies from identity groups. */
export function oidcRole(model: PlatformModel): Record<string, unknown> {
  const vault = serviceHost(model.platform, 'vault');
  return {
    role_type: 'oidc',
    user_claim: 'sub',
    groups_claim: 'groups',
    oidc_scopes: ['openid', 'profile', 'email'],
    bound_audiences: ['vault'],
    allowed_redirect_uris: [`https://${vault}/ui/vault/auth/oidc/oidc/callback`, 'http://localhost:8250/oidc/callback'],
    token_policies: ['default'],
    token_ttl: '1h',
    token_max_ttl: '8h',
  };
}
