/**
 * Vault's desired state as computed from the definitions, and the plan from one state to another:
 * what the configurer will add, change and delete. Reviewers see the same plan the Job carries out.
 */
import { compareStrings, MANAGED_VAULT_NAME_PREFIXES, type PlatformModel, policyToHcl } from '@platform-gen/core';
import { esoPolicy, platformPolicies } from './policies.js';
import { configurerRole, esoRole } from './roles.js';

export interface VaultState {
  /** Policy name → HCL. */
  readonly policies: ReadonlyMap<string, string>;
  /** Kubernetes-auth role name → its parameters as JSON. */
  readonly roles: ReadonlyMap<string, string>;
}

export interface Changes {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
}

export interface VaultPlan {
  readonly policies: Changes;
  readonly roles: Changes;
}

export function desiredVaultState(model: PlatformModel): VaultState {
  const policies = [...platformPolicies(model), ...model.namespaces.map((ns) => esoPolicy(model, ns))];
  const roles = [configurerRole(model), ...model.namespaces.map((ns) => esoRole(model, ns))];
  return {
    policies: new Map(policies.map((p) => [p.name, policyToHcl(p.rules)])),
    roles: new Map(roles.map((r) => [r.name, JSON.stringify(r.role)])),
  };
}

/** True for names the configurer owns (and so may delete). */
export function isManagedVaultName(name: string): boolean {
  return MANAGED_VAULT_NAME_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * What converging `current` to `desired` does. `current` may hold objects platform-gen does not manage
 * (created by hand or another tool): they are never listed as removed.
 */
export function planVaultChanges(current: VaultState, desired: VaultState): VaultPlan {
  return { policies: diff(current.policies, desired.policies), roles: diff(current.roles, desired.roles) };
}

function diff(current: ReadonlyMap<string, string>, desired: ReadonlyMap<string, string>): Changes {
  const sorted = (names: Iterable<string>) => [...names].sort(compareStrings);
  const names = sorted(desired.keys());
  return {
    added: names.filter((n) => !current.has(n)),
    changed: names.filter((n) => current.has(n) && current.get(n) !== desired.get(n)),
    unchanged: names.filter((n) => current.get(n) === desired.get(n)),
    removed: sorted([...current.keys()].filter((n) => !desired.has(n) && isManagedVaultName(n))),
  };
}
