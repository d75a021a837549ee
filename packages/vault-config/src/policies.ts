/**
 * Vault ACL policies, as typed rules: one read-only policy per namespace for its ESO role, and the
 * platform's own policies for the configurer, admins and auditors.
 */
import {
  esoVaultRoleName,
  handsOverToVault,
  type NamespaceModel,
  PLATFORM_VAULT_PREFIX,
  type PlatformModel,
  type PolicyRule,
} from '@platform-gen/core';

export interface NamedPolicy {
  readonly name: string;
  readonly rules: readonly PolicyRule[];
  /** Definition the policy comes from. */
  readonly source: string;
}

export const CONFIGURER_POLICY = 'platform-configurer';
export const ADMIN_POLICY = 'platform-admin';
export const AUDITOR_POLICY = 'platform-auditor';

/**
 * ESO may read, for each approved prefix, the secret at the prefix itself and everything below it
 * (`data/`), and list key names there (`metadata/`). Nothing else: no write, no delete, no sys/.
 */
export function esoPolicy(model: PlatformModel, ns: NamespaceModel): NamedPolicy {
  const mount = model.platform.vault.kvMount;
  const rules: PolicyRule[] = [];
  for (const prefix of ns.definition.vault.approvedPrefixes) {
    rules.push({ path: `${mount}/data/${prefix}`, capabilities: ['read'] });
    rules.push({ path: `${mount}/data/${prefix}/*`, capabilities: ['read'] });
  }
  for (const prefix of ns.definition.vault.approvedPrefixes) {
    rules.push({ path: `${mount}/metadata/${prefix}`, capabilities: ['list'] });
    rules.push({ path: `${mount}/metadata/${prefix}/*`, capabilities: ['list'] });
  }
  return { name: esoVaultRoleName(ns.name), rules, source: ns.file };
}

/**
 * ESO in a platform namespace reads exactly the paths its handed-over bootstrap secrets were copied to:
 * no prefix, no glob, no list.
 */
export function platformEsoPolicy(model: PlatformModel, namespace: string, paths: readonly string[]): NamedPolicy {
  const mount = model.platform.vault.kvMount;
  return {
    name: esoVaultRoleName(namespace),
    source: model.platformFile,
    rules: paths.map((path) => ({ path: `${mount}/data/${path}`, capabilities: ['read'] })),
  };
}

/**
 * The phase 3 handover, enforced by Vault itself: `create` without `update` on each handed-over path, so
 * the configurer can write a value only where none exists; `read` on its metadata to see whether one does.
 */
function handoverRules(model: PlatformModel): PolicyRule[] {
  const { kvMount } = model.platform.vault;
  return model.platform.bootstrapSecrets.filter(handsOverToVault).flatMap((secret) => [
    { path: `${kvMount}/data/${secret.handover.path}`, capabilities: ['create'] },
    { path: `${kvMount}/metadata/${secret.handover.path}`, capabilities: ['read'] },
  ]);
}

/**
 * The configurer Job: manages policies, roles, mounts, audit, OIDC and identity groups, and copies the
 * bootstrap seeds into Vault once. Reads no secret data except the platform's OIDC client secret.
 */
function configurerPolicy(model: PlatformModel): NamedPolicy {
  const { kvMount, kubernetesAuthMount } = model.platform.vault;
  const oidcPath = `${kvMount}/data/${PLATFORM_VAULT_PREFIX}/oidc/vault`;
  const handover = handoverRules(model);
  const oidcHandover = handover.find((rule) => rule.path === oidcPath);
  return {
    name: CONFIGURER_POLICY,
    source: model.platformFile,
    rules: [
      { path: 'sys/policies/acl', capabilities: ['list'] },
      { path: 'sys/policies/acl/*', capabilities: ['create', 'read', 'update', 'delete', 'list'] },
      { path: 'sys/mounts', capabilities: ['read'] },
      { path: 'sys/mounts/*', capabilities: ['create', 'read', 'update'] },
      { path: 'sys/auth', capabilities: ['read'] },
      { path: 'sys/auth/*', capabilities: ['create', 'read', 'update', 'sudo'] },
      { path: 'sys/audit', capabilities: ['read', 'sudo'] },
      { path: 'sys/audit/*', capabilities: ['create', 'read', 'update', 'sudo'] },
      { path: `auth/${kubernetesAuthMount}/config`, capabilities: ['create', 'read', 'update'] },
      { path: `auth/${kubernetesAuthMount}/role`, capabilities: ['list'] },
      { path: `auth/${kubernetesAuthMount}/role/*`, capabilities: ['create', 'read', 'update', 'delete', 'list'] },
      { path: 'auth/oidc/config', capabilities: ['create', 'read', 'update'] },
      { path: 'auth/oidc/role/*', capabilities: ['create', 'read', 'update', 'delete', 'list'] },
      { path: 'identity/group', capabilities: ['create', 'update'] },
      { path: 'identity/group/name/*', capabilities: ['create', 'read', 'update'] },
      { path: 'identity/group-alias', capabilities: ['create', 'update'] },
      ...handover.filter((rule) => rule !== oidcHandover),
      { path: oidcPath, capabilities: oidcHandover === undefined ? ['read'] : ['create', 'read'] },
    ],
  };
}

/** Platform admins (Keycloak group): run the platform, write secret values; no root, no audit changes. */
function adminPolicy(model: PlatformModel): NamedPolicy {
  const { kvMount } = model.platform.vault;
  return {
    name: ADMIN_POLICY,
    source: model.platformFile,
    rules: [
      { path: `${kvMount}/data/*`, capabilities: ['create', 'read', 'update', 'patch', 'delete'] },
      { path: `${kvMount}/metadata/*`, capabilities: ['read', 'list', 'delete'] },
      { path: `${kvMount}/delete/*`, capabilities: ['update'] },
      { path: `${kvMount}/undelete/*`, capabilities: ['update'] },
      { path: 'sys/policies/acl', capabilities: ['list'] },
      { path: 'sys/policies/acl/*', capabilities: ['read', 'list'] },
      { path: 'sys/mounts', capabilities: ['read'] },
      { path: 'sys/auth', capabilities: ['read'] },
      { path: 'sys/audit', capabilities: ['read', 'sudo'] },
      { path: 'identity/*', capabilities: ['read', 'list'] },
    ],
  };
}

/** Auditors (Keycloak group): read configuration and audit settings, list key names; never a secret value. */
function auditorPolicy(model: PlatformModel): NamedPolicy {
  const { kvMount, kubernetesAuthMount } = model.platform.vault;
  return {
    name: AUDITOR_POLICY,
    source: model.platformFile,
    rules: [
      { path: `${kvMount}/metadata/*`, capabilities: ['list'] },
      { path: 'sys/policies/acl', capabilities: ['list'] },
      { path: 'sys/policies/acl/*', capabilities: ['read', 'list'] },
      { path: 'sys/mounts', capabilities: ['read'] },
      { path: 'sys/auth', capabilities: ['read'] },
      { path: 'sys/audit', capabilities: ['read', 'sudo'] },
      { path: `auth/${kubernetesAuthMount}/role`, capabilities: ['list'] },
      { path: `auth/${kubernetesAuthMount}/role/*`, capabilities: ['read', 'list'] },
      { path: 'identity/group/name', capabilities: ['list'] },
      { path: 'identity/group/name/*', capabilities: ['read'] },
    ],
  };
}

export function platformPolicies(model: PlatformModel): NamedPolicy[] {
  return [configurerPolicy(model), adminPolicy(model), auditorPolicy(model)];
}
