/**
 * docs/generated/access-matrix.md: who can reach what, for auditors who have Git and nothing else. Every cell
 * is read back from the objects the other generators produce for the same model (AppProjects, RoleBindings,
 * Vault policies and roles, Grafana's values), never derived a second time, so the page cannot disagree with
 * what Argo CD applies.
 */
import { argoAppsGenerator } from '@platform-gen/argo-apps';
import {
  argocdValues,
  grafanaOrganizations,
  grafanaValues,
  lokiDatasources,
  orgMapping,
} from '@platform-gen/charts-gen';
import {
  type Artifact,
  esoVaultRoleName,
  markdownCell,
  markdownCode,
  type NamespaceModel,
  type PlatformModel,
  platformEsoPaths,
} from '@platform-gen/core';
import { rbacArtifact } from '@platform-gen/tenant-baseline';
import { vaultConfigGenerator } from '@platform-gen/vault-config';

export const ACCESS_MATRIX_PATH = 'docs/generated/access-matrix.md';

type Doc = Record<string, unknown>;

function documents(artifacts: readonly Artifact[]): Doc[] {
  return artifacts.flatMap((a) => (a.documents ?? []) as Doc[]);
}

interface ProjectRole {
  readonly project: string;
  readonly role: string;
  readonly groups: readonly string[];
  readonly policies: readonly string[];
  /** A Set: a team's project lists every namespace of the team, and each namespace's row looks itself up. */
  readonly destinations: ReadonlySet<string>;
}

function projectRoles(model: PlatformModel): ProjectRole[] {
  const projects = documents(argoAppsGenerator.generate(model)).filter((d) => d.kind === 'AppProject');
  return projects.flatMap((project) => {
    const name = String((project.metadata as Doc).name);
    const spec = project.spec as { roles?: Doc[]; destinations?: { namespace: string }[] };
    return (spec.roles ?? []).map((role) => ({
      project: name,
      role: String(role.name),
      groups: (role.groups as string[] | undefined) ?? [],
      policies: (role.policies as string[] | undefined) ?? [],
      destinations: new Set((spec.destinations ?? []).map((d) => d.namespace)),
    }));
  });
}

interface VaultAccess {
  readonly policy: string;
  readonly rules: readonly { path: string; capabilities: readonly string[] }[];
  readonly boundTo: string;
}

function vaultAccess(artifacts: readonly Artifact[]): Map<string, VaultAccess> {
  const policies = new Map<string, { path: string; capabilities: string[] }[]>();
  const roles = new Map<string, Doc>();
  for (const doc of documents(artifacts)) {
    if (Array.isArray(doc.rules))
      policies.set(String(doc.name), doc.rules as { path: string; capabilities: string[] }[]);
    else if (doc.role !== undefined) roles.set(String(doc.name), doc.role as Doc);
  }
  const access = new Map<string, VaultAccess>();
  for (const [name, role] of roles) {
    const accounts = (role.bound_service_account_names as string[] | undefined) ?? [];
    const namespaces = (role.bound_service_account_namespaces as string[] | undefined) ?? [];
    const policy = ((role.token_policies as string[] | undefined) ?? [])[0] ?? '';
    access.set(name, {
      policy,
      rules: policies.get(policy) ?? [],
      boundTo: namespaces.flatMap((ns) => accounts.map((sa) => `${ns}/${sa}`)).join(', '),
    });
  }
  return access;
}

interface GrafanaView {
  readonly allowedGroups: readonly string[];
  readonly roleMapping: string;
  /** Datasource name → the Loki tenants it reads (a Set: a team's datasource lists every namespace of the team). */
  readonly lokiTenants: ReadonlyMap<string, ReadonlySet<string>>;
  /** Team → its Grafana organization's Loki datasource (absent: no namespaces, no datasource). */
  readonly teamOrgs: ReadonlyMap<string, string | undefined>;
  readonly orgMapping: string;
}

function grafanaView(model: PlatformModel): GrafanaView {
  const values = grafanaValues(model) as unknown as Doc;
  const oauth = ((values['grafana.ini'] as Doc | undefined)?.['auth.generic_oauth'] ?? {}) as Doc;
  // A team's Loki datasource lives in the team's own organization; the platform's two in Main Org.
  const lokiTenants = new Map<string, Set<string>>();
  for (const source of lokiDatasources(model)) {
    const header = source.secureJsonData?.httpHeaderValue1;
    lokiTenants.set(source.name, new Set(typeof header === 'string' ? header.split('|') : []));
  }
  return {
    allowedGroups: String(oauth.allowed_groups ?? '')
      .split(' ')
      .filter((g) => g !== ''),
    roleMapping: String(oauth.role_attribute_path ?? ''),
    lokiTenants,
    teamOrgs: new Map(grafanaOrganizations(model).map((o) => [o.name, o.datasource?.name])),
    orgMapping: orgMapping(model),
  };
}

/** `g, <group>, role:<name>` lines of Argo CD's global policy.csv, by group. */
function argocdGlobalRoles(model: PlatformModel): Map<string, string[]> {
  const rbac = ((argocdValues(model) as unknown as Doc).configs as Doc | undefined)?.rbac as Doc | undefined;
  const roles = new Map<string, string[]>();
  for (const line of String(rbac?.['policy.csv'] ?? '').split('\n')) {
    const [kind, subject, role] = line.split(',').map((x) => x.trim());
    if (kind === 'g' && subject !== undefined && role !== undefined)
      roles.set(subject, [...(roles.get(subject) ?? []), role]);
  }
  return roles;
}

/** Vault policies of each Keycloak group (files/group-<group>.policies, applied as external identity groups). */
function vaultGroupPolicies(artifacts: readonly Artifact[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const artifact of artifacts) {
    const match = /\/group-([^/]+)\.policies$/.exec(artifact.path);
    if (match?.[1] === undefined) continue;
    groups.set(
      match[1],
      artifact.content.split(/[\s,]+/).filter((p) => p !== ''),
    );
  }
  return groups;
}

function rbacSubjects(model: PlatformModel, ns: NamespaceModel): string[] {
  return documents([rbacArtifact(model, ns)])
    .filter((d) => d.kind === 'RoleBinding')
    .flatMap((binding) => {
      const role = (binding.roleRef as Doc).name;
      return ((binding.subjects as Doc[] | undefined) ?? []).map(
        (s) => `${String(s.kind)} ${String(s.name)} → Role ${String(role)}`,
      );
    });
}

function rulesText(rules: VaultAccess['rules']): string {
  return rules.map((r) => `${markdownCode(r.path)} ${r.capabilities.join('/')}`).join('<br>') || 'nothing';
}

export function accessMatrixMarkdown(model: PlatformModel): string {
  const { platform } = model;
  const roles = projectRoles(model);
  // Vault's configuration, generated once for both views of it.
  const vaultArtifacts = vaultConfigGenerator.generate(model);
  const vault = vaultAccess(vaultArtifacts);
  const grafana = grafanaView(model);
  const teamOf = new Map(platform.teams.map((t) => [t.name, t]));
  const lines = [
    '# Access matrix',
    '',
    'Who can reach what, read back from the objects this repository makes Argo CD apply. Each tenant namespace',
    'belongs to one team, whose Keycloak group is the exact value of the `groups` claim everywhere below. Teams',
    "never reach Vault: only their namespace's ESO ServiceAccount does, read-only, on the paths listed.",
    '',
    '## Tenant namespaces',
    '',
    '| namespace | team → group | Argo CD project: role (rights) | Kubernetes RBAC | Vault: ESO role → readable paths | Grafana / Loki |',
    '|---|---|---|---|---|---|',
  ];
  for (const ns of model.namespaces) {
    const team = teamOf.get(ns.definition.team);
    const group = team?.group ?? '';
    const argo = roles
      .filter((r) => r.groups.includes(group) && r.destinations.has(ns.name))
      .map((r) => {
        const rights = [
          ...new Set(
            r.policies.map((p) =>
              p
                .split(',')
                .slice(2, 4)
                .map((x) => x.trim())
                .join(' '),
            ),
          ),
        ];
        return `${markdownCode(`${r.project}`)}: ${r.role} (${rights.join(', ')})`;
      });
    const esoRole = esoVaultRoleName(ns.name);
    const access = vault.get(esoRole);
    const teamName = ns.definition.team;
    const teamDatasource = grafana.teamOrgs.get(teamName);
    const loki = [...grafana.lokiTenants.entries()]
      .filter(([name, tenants]) => tenants.has(ns.name) && name !== teamDatasource)
      .map(([name]) => `Main Org. datasource ${markdownCode(name)} (admins, auditors)`);
    const grafanaCell = [
      grafana.allowedGroups.includes(group) ? `${group} signs in` : `${group} cannot sign in`,
      `Loki tenant ${markdownCode(ns.name)}`,
      ...(grafana.teamOrgs.has(teamName)
        ? [
            `org ${markdownCode(teamName)} (${markdownCode(group)} Viewer): ${teamDatasource === undefined ? 'no datasource' : `datasource ${markdownCode(teamDatasource)}`}`,
          ]
        : []),
      ...loki,
    ].join('<br>');
    lines.push(
      `| ${markdownCode(ns.name)} | ${markdownCell(ns.definition.team)} → ${markdownCode(group)} | ${argo.join('<br>') || 'none'} | ${rbacSubjects(model, ns).map(markdownCell).join('<br>')} | ${access === undefined ? 'none' : `${markdownCode(esoRole)} (bound to ${access.boundTo}) →<br>${rulesText(access.rules)}`} | ${grafanaCell} |`,
    );
  }
  lines.push('', '## Platform groups', '', '| group | Argo CD | Vault (OIDC login) | Grafana |', '|---|---|---|---|');
  const globalRoles = argocdGlobalRoles(model);
  const groupPolicies = vaultGroupPolicies(vaultArtifacts);
  for (const group of [platform.identity.adminGroup, platform.identity.auditorGroup]) {
    const argo = [
      ...(globalRoles.get(group) ?? []).map((role) => `policy.csv ${role}`),
      ...roles.filter((r) => r.groups.includes(group)).map((r) => `${r.project}: ${r.role}`),
    ];
    lines.push(
      `| ${markdownCode(group)} | ${markdownCell(argo.join(', ') || 'none')} | ${(groupPolicies.get(group) ?? []).map((p) => `policy ${markdownCode(p)}`).join(', ') || 'none'} | ${grafana.allowedGroups.includes(group) ? 'signs in' : 'cannot sign in'} |`,
    );
  }
  lines.push(
    '',
    `Grafana's role in Main Org. (JMESPath over the groups claim): ${markdownCode(grafana.roleMapping)}.`,
    `Grafana's organizations (org_mapping over the groups claim; Main Org. is id 1): ${markdownCode(grafana.orgMapping)}.`,
    '',
  );
  const platformReads = platformEsoPaths(platform);
  if (platformReads.length > 0) {
    lines.push(
      '## Platform namespaces reading Vault',
      '',
      "After the handover (phase 3) these namespaces get the platform's own secrets from Vault, through their own",
      'SecretStore and ESO role, on exactly these paths (see authority-ledger.md).',
      '',
      '| namespace | ESO role (bound to) | readable paths |',
      '|---|---|---|',
    );
    for (const [ns] of platformReads) {
      const access = vault.get(esoVaultRoleName(ns));
      lines.push(
        `| ${markdownCode(ns)} | ${markdownCode(esoVaultRoleName(ns))} (${access?.boundTo ?? 'none'}) | ${access === undefined ? 'none' : rulesText(access.rules)} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    '## What nobody has',
    '',
    '- Argo CD has no Vault identity (VLT-1); no role binds the argocd namespace.',
    '- No team has Kubernetes rights on Secrets, ServiceAccounts, RBAC, NetworkPolicies or ESO objects (their',
    '  AppProject blacklists those kinds), and no cluster-scoped kind.',
    '- No ESO policy can write (ESO-1); no ClusterSecretStore exists (ISO-1).',
    '',
  );
  return lines.join('\n');
}
