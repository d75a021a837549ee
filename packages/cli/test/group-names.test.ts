/**
 * Group names are defined once, in platform/platform.ts, and every system matching the `groups` claim reads
 * them from there: Keycloak's realm, Argo CD's RBAC and AppProject roles, Vault's external groups, Grafana's
 * sign-in and role mapping, and the tenants' RoleBindings. Renaming a group in the definition and regenerating
 * moves every one of them, and leaves the old name nowhere in the generated files.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { createTempRepo, removeTempRepos, type TempRepo, WORKSPACE_ROOT } from './temp-repo.js';

const PLATFORM = 'platform/platform.ts';
const REALM_VALUES = 'charts/keycloak-config/values.yaml';
const ARGOCD_VALUES = 'charts/argocd/values.yaml';
const GRAFANA_VALUES = 'charts/grafana/values.yaml';
const PROJECTS = 'kubernetes/argocd-apps/root/projects.yaml';
const VAULT_CONFIG = 'kubernetes/vault-config';
const NAMESPACES = 'kubernetes/namespaces';
/** What platform-gen writes outside the definitions (platform/ and namespaces/ are the input). */
const GENERATED_ROOTS = ['charts', 'kubernetes', 'docs/generated', '.platform-gen'];

type Json = Record<string, unknown>;

/** Where each consumer reads a group name, as parsed from the generated files of one repository. */
interface GroupUses {
  readonly realm: string[];
  /** `g, <group>, <role>` lines of argocd-rbac-cm's policy.csv. */
  readonly argocdPolicy: Map<string, string>;
  /** AppProject name → groups of each of its roles. */
  readonly projectRoles: Map<string, Map<string, string[]>>;
  /** Vault external group → the policies attached to it (files/group-<group>.policies, in the ConfigMap). */
  readonly vault: Map<string, string[]>;
  readonly grafanaAllowed: string[];
  /** Groups role_attribute_path maps to Grafana's Admin role. */
  readonly grafanaAdmins: string[];
  /** Tenant namespace → Group subjects of its RoleBindings. */
  readonly roleBindings: Map<string, string[]>;
  readonly kubernetesGroupPrefix: string;
}

async function yamlAt(root: string, path: string): Promise<Json> {
  return parse(await readFile(join(root, path), 'utf8')) as Json;
}

async function documentsAt(root: string, path: string): Promise<Json[]> {
  return parseAllDocuments(await readFile(join(root, path), 'utf8')).map((d) => d.toJS() as Json);
}

async function groupUses(root: string): Promise<GroupUses> {
  const realm = (await yamlAt(root, REALM_VALUES)).realm as { groups: { name: string }[] };

  const argocd = (await yamlAt(root, ARGOCD_VALUES)) as { configs: { rbac: Record<string, string> } };
  const argocdPolicy = new Map<string, string>();
  for (const line of (argocd.configs.rbac['policy.csv'] ?? '').split('\n')) {
    const [kind, subject, role] = line.split(',').map((field) => field.trim());
    if (kind === 'g' && subject !== undefined && role !== undefined) argocdPolicy.set(subject, role);
  }

  const projectRoles = new Map<string, Map<string, string[]>>();
  for (const project of await documentsAt(root, PROJECTS)) {
    if (project.kind !== 'AppProject') continue;
    const { metadata, spec } = project as {
      metadata: { name: string };
      spec: { roles?: { name: string; groups?: string[] }[] };
    };
    projectRoles.set(metadata.name, new Map((spec.roles ?? []).map((r) => [r.name, r.groups ?? []])));
  }

  // The groups configure.sh maps: every files/group-<name>.policies the ConfigMap carries.
  const kustomization = (await yamlAt(root, `${VAULT_CONFIG}/kustomization.yaml`)) as {
    configMapGenerator: { files: string[] }[];
  };
  const vault = new Map<string, string[]>();
  for (const file of kustomization.configMapGenerator.flatMap((g) => g.files)) {
    const group = /^files\/group-(.+)\.policies$/.exec(file)?.[1];
    if (group === undefined) continue;
    const policies = (await readFile(join(root, VAULT_CONFIG, file), 'utf8')).trim();
    vault.set(
      group,
      policies.split(',').map((p) => p.trim()),
    );
  }

  const grafana = (await yamlAt(root, GRAFANA_VALUES)) as {
    'grafana.ini': { 'auth.generic_oauth': { allowed_groups: string; role_attribute_path: string } };
  };
  const oauth = grafana['grafana.ini']['auth.generic_oauth'];
  // JMESPath: contains(groups[*], '<group>') && 'Admin' || …
  const grafanaAdmins = [...oauth.role_attribute_path.matchAll(/contains\(groups\[\*\], '([^']*)'\) && 'Admin'/g)].map(
    (m) => m[1] ?? '',
  );

  const roleBindings = new Map<string, string[]>();
  for (const ns of (await readdir(join(root, NAMESPACES))).sort()) {
    const subjects: string[] = [];
    for (const doc of await documentsAt(root, `${NAMESPACES}/${ns}/rbac.yaml`)) {
      if (doc.kind !== 'RoleBinding') continue;
      for (const s of (doc as { subjects: { kind: string; name: string }[] }).subjects) {
        if (s.kind === 'Group') subjects.push(s.name);
      }
    }
    roleBindings.set(ns, subjects);
  }

  const platform = await readFile(join(root, PLATFORM), 'utf8');
  const kubernetesGroupPrefix = /kubernetesGroupPrefix: '([^']*)'/.exec(platform)?.[1] ?? '';

  return {
    realm: realm.groups.map((g) => g.name),
    argocdPolicy,
    projectRoles,
    vault,
    grafanaAllowed: oauth.allowed_groups.split(' ').filter((g) => g !== ''),
    grafanaAdmins,
    roleBindings,
    kubernetesGroupPrefix,
  };
}

/** Every generated file under GENERATED_ROOTS, repository-relative. */
async function generatedFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const top of GENERATED_ROOTS) {
    for (const entry of await readdir(join(root, top), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(join(entry.parentPath, entry.name).slice(root.length + 1));
    }
  }
  return files.sort();
}

/**
 * Lines of the generated files that name `word` (as a whole name) once every match of `identifiers` is taken
 * out of them: what is left is a use of `word` those patterns do not account for.
 */
async function mentions(root: string, word: string, identifiers: readonly RegExp[] = []): Promise<string[]> {
  const name = new RegExp(`(^|[^a-z0-9-])${word}($|[^a-z0-9-])`);
  const found: string[] = [];
  for (const file of await generatedFiles(root)) {
    const lines = (await readFile(join(root, file), 'utf8')).split('\n');
    for (const [i, line] of lines.entries()) {
      const rest = identifiers.reduce((text, pattern) => text.replace(pattern, ''), line);
      if (name.test(rest)) found.push(`${file}:${i + 1}: ${line.trim()}`);
    }
  }
  return found;
}

/**
 * `team-payments` is also `team-<team name>`, the name of the team's AppProject and Grafana folder, which the
 * group rename leaves alone: these are the places that name those, and nothing else may.
 */
const TEAM_PAYMENTS_IDENTIFIERS: readonly RegExp[] = [
  /proj:team-payments:/g, // project role subjects in AppProject policies
  /team-payments\/\*/g, // project/application objects in those policies
  /^\s*(name|project): team-payments$/g, // AppProject, Application's project
  /^payments \S+ \S+ team-payments$/g, // kubernetes/grafana-config/files/orgs: the team organization's folder uid
  /`team-payments`: developer|team-payments: auditor/g, // docs/generated/access-matrix.md: project roles
  /^team-payments$|\| team-payments \|/g, // docs/generated/argocd-apps.md: the Application's project
];

const union = (...lists: Iterable<string>[]) => [...new Set(lists.flatMap((l) => [...l]))].sort();

describe('the example as committed', () => {
  let uses: GroupUses;

  beforeAll(async () => {
    uses = await groupUses(WORKSPACE_ROOT);
  });

  it("has exactly the realm's groups in Argo CD, Vault and Grafana together", () => {
    const argocd = union(uses.argocdPolicy.keys(), ...[...uses.projectRoles.values()].flatMap((r) => [...r.values()]));
    expect(union(argocd, uses.vault.keys(), uses.grafanaAllowed)).toEqual([...uses.realm].sort());
    expect(uses.realm).toEqual(['platform-admins', 'platform-auditors', 'team-payments', 'team-storefront']);
  });

  it('names team-payments as a group beyond the team-named identifiers, so the grep below can fail', async () => {
    const files = new Set(
      (await mentions(WORKSPACE_ROOT, 'team-payments', TEAM_PAYMENTS_IDENTIFIERS)).map((m) => m.split(':')[0]),
    );
    for (const file of [REALM_VALUES, GRAFANA_VALUES, PROJECTS, `${NAMESPACES}/payments-api/rbac.yaml`]) {
      expect(files).toContain(file);
    }
  });
});

describe('renaming the admin group and a team group in platform/platform.ts', () => {
  let repo: TempRepo;
  let uses: GroupUses;

  beforeAll(async () => {
    repo = await createTempRepo();
    await repo.replace(PLATFORM, "adminGroup: 'platform-admins'", "adminGroup: 'ops-admins'");
    await repo.replace(PLATFORM, "group: 'team-payments'", "group: 'team-billing'");
    const result = await repo.run(['generate']);
    expect(result.code, result.err).toBe(0);
    uses = await groupUses(repo.root);
  }, 60_000);

  afterAll(removeTempRepos);

  it('renames the Keycloak realm groups', () => {
    expect(uses.realm).toEqual(['ops-admins', 'platform-auditors', 'team-billing', 'team-storefront']);
  });

  it("moves Argo CD's policy.csv and the team's AppProject role", () => {
    expect(uses.argocdPolicy).toEqual(
      new Map([
        ['ops-admins', 'role:admin'],
        ['platform-auditors', 'role:readonly'],
      ]),
    );
    // The project is named after the team (payments), not after its group.
    expect(uses.projectRoles.get('team-payments')?.get('developer')).toEqual(['team-billing']);
    expect(uses.projectRoles.get('team-storefront')?.get('developer')).toEqual(['team-storefront']);
    // Every project with roles (all but the emptied `default`) lets the auditors read.
    for (const [project, roles] of uses.projectRoles) {
      if (roles.size > 0) expect(roles.get('auditor'), project).toEqual(['platform-auditors']);
    }
  });

  it("moves Vault's external groups: group-ops-admins.policies replaces group-platform-admins.policies", async () => {
    expect(uses.vault).toEqual(
      new Map([
        ['ops-admins', ['platform-admin']],
        ['platform-auditors', ['platform-auditor']],
      ]),
    );
    expect(await repo.exists(`${VAULT_CONFIG}/files/group-ops-admins.policies`)).toBe(true);
    expect(await repo.exists(`${VAULT_CONFIG}/files/group-platform-admins.policies`)).toBe(false);
  });

  it("moves Grafana's allowed groups and its Admin role mapping", () => {
    expect(uses.grafanaAllowed).toEqual(['ops-admins', 'platform-auditors', 'team-billing', 'team-storefront']);
    expect(uses.grafanaAdmins).toEqual(['ops-admins']);
  });

  it("moves the tenants' RoleBinding subjects, with the Kubernetes group prefix", () => {
    const prefix = uses.kubernetesGroupPrefix;
    expect(prefix).toBe('oidc:');
    expect(uses.roleBindings).toEqual(
      new Map([
        ['payments-api', [`${prefix}team-billing`]],
        ['payments-batch', [`${prefix}team-billing`]],
        ['storefront-web', [`${prefix}team-storefront`]],
      ]),
    );
  });

  it('keeps the realm groups equal to the groups Argo CD, Vault and Grafana match', () => {
    const argocd = union(uses.argocdPolicy.keys(), ...[...uses.projectRoles.values()].flatMap((r) => [...r.values()]));
    expect(union(argocd, uses.vault.keys(), uses.grafanaAllowed)).toEqual([...uses.realm].sort());
  });

  it('leaves the old names in no generated file', async () => {
    expect(await mentions(repo.root, 'platform-admins')).toEqual([]);
    expect(await mentions(repo.root, 'team-payments', TEAM_PAYMENTS_IDENTIFIERS)).toEqual([]);
    expect((await mentions(repo.root, 'team-billing')).length).toBeGreaterThan(0);
  });
});
