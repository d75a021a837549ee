import { approvedVaultPaths } from '../bootstrap-secrets.js';
import type { Issue } from '../issues.js';
import { ESO_SERVICE_ACCOUNT, esoVaultRoleName } from '../tenancy.js';
import { fileFinding } from './finding.js';
import type { Invariant } from './index.js';
import { ESO_POLICY_PREFIX, explainEsoRule } from './vault-rules.js';

function exactly(value: unknown, expected: string): boolean {
  return Array.isArray(value) && value.length === 1 && value[0] === expected;
}

/**
 * ISO-2: each namespace's Vault role binds exactly its own ServiceAccount and namespace to exactly its
 * own policy; the policy grants only read/list on the namespace's approved paths.
 */
export const iso2: Invariant = {
  id: 'ISO-2',
  rule: "Each namespace's Vault role binds exactly its own ServiceAccount and namespace to exactly its own policy; the policy grants only read/list on its approved paths.",
  check(view) {
    const issues: Issue[] = [];
    const { kvMount, audience } = view.model.platform.vault;
    const approvedByRole = new Map(
      [...approvedVaultPaths(view.model)].map(([ns, approved]) => [esoVaultRoleName(ns), { ns, approved }] as const),
    );
    for (const role of view.roles ?? []) {
      if (!role.name.startsWith(ESO_POLICY_PREFIX)) continue;
      const owner = approvedByRole.get(role.name);
      const fix = 'ESO roles are generated from namespace definitions: remove the hand-written role or fix its binding';
      if (owner === undefined) {
        issues.push(fileFinding('ISO-2', role.file, '', `role ${role.name} belongs to no defined namespace`, fix));
        continue;
      }
      const checks: [string, boolean, string][] = [
        [
          'bound_service_account_names',
          exactly(role.role.bound_service_account_names, ESO_SERVICE_ACCOUNT),
          `exactly [${ESO_SERVICE_ACCOUNT}]`,
        ],
        [
          'bound_service_account_namespaces',
          exactly(role.role.bound_service_account_namespaces, owner.ns),
          `exactly [${owner.ns}]`,
        ],
        ['token_policies', exactly(role.role.token_policies, role.name), `exactly [${role.name}]`],
        ['audience', role.role.audience === audience, `"${audience}"`],
      ];
      for (const [field, ok, expected] of checks) {
        if (!ok) {
          issues.push(
            fileFinding(
              'ISO-2',
              role.file,
              field,
              `role ${role.name}: ${field} is ${JSON.stringify(role.role[field])}, must be ${expected}`,
              fix,
            ),
          );
        }
      }
    }
    for (const policy of view.policies ?? []) {
      if (!policy.name.startsWith(ESO_POLICY_PREFIX)) continue;
      const approved = approvedByRole.get(policy.name)?.approved ?? { paths: [], exact: false };
      policy.rules.forEach((rule) => {
        const reason = explainEsoRule(rule, kvMount, approved.paths, approved.exact);
        if (reason !== undefined) {
          issues.push(
            fileFinding(
              'ISO-2',
              policy.file,
              `path["${rule.path}"]`,
              `policy ${policy.name}: path "${rule.path}" ${reason}`,
              "an ESO policy reads only its namespace's approved prefixes; it is generated from namespace.ts",
              policy.lines.get(rule.path),
            ),
          );
        }
      });
    }
    return issues;
  },
};
