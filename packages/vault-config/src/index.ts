import { type Generator, OUTPUT_DIRS, oncePerModel, platformEsoPaths } from '@platform-gen/core';
import { applierArtifacts, policyFile, roleFile } from './applier.js';
import { esoPolicy, platformEsoPolicy, platformPolicies } from './policies.js';
import { configurerRole, esoRole, esoRoleFor } from './roles.js';

export {
  type Changes,
  desiredVaultState,
  isManagedVaultName,
  planVaultChanges,
  type VaultPlan,
  type VaultState,
} from './state.js';

/** Vault's whole configuration under kubernetes/vault-config/, applied by Argo CD in phase 3. */
export const vaultConfigGenerator: Generator = {
  name: '@platform-gen/vault-config',
  owns: [OUTPUT_DIRS.vaultConfig],
  generate: oncePerModel((model) => {
    const served = platformEsoPaths(model.platform);
    const policies = [
      ...platformPolicies(model),
      ...served.map(([namespace, paths]) => platformEsoPolicy(model, namespace, paths)),
      ...model.namespaces.map((ns) => esoPolicy(model, ns)),
    ];
    const roles = [
      configurerRole(model),
      ...served.map(([namespace]) => esoRoleFor(model, namespace, model.platformFile)),
      ...model.namespaces.map((ns) => esoRole(model, ns)),
    ];
    return [...policies.map(policyFile), ...roles.map(roleFile), ...applierArtifacts({ model, policies, roles })];
  }),
};
