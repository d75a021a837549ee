/**
 * What a team can reach, read back from the generated files (not from the definitions): the Vault paths
 * its namespaces' Vault roles may read, the namespaces and permissions its Kubernetes group is bound to,
 * its Argo CD projects and their Applications, the ExternalSecrets in its namespaces, the network policies
 * around them, its Grafana organization's Loki tenants and its Keycloak group. The no-escalation property
 * tests compare this reach before and after a team's edit.
 *
 * Every file is parsed as the system that reads it would: YAML with `yaml`, Vault policies with HashiCorp's
 * HCL parser (`@cdktf/hcl2json`), Vault roles and Grafana datasources as JSON.
 */
import { createRequire } from 'node:module';
import type { Artifact } from '@platform-gen/core';
import { parseAllDocuments } from 'yaml';

type HclParse = (file: string, text: string) => Promise<Record<string, unknown>>;
// The CLI package does not depend on the parser itself; core does (it parses hand-written policies), so
// resolve it from there rather than add a second copy of the WASM module.
const { parse: parseHcl } = createRequire(new URL('../../core/package.json', import.meta.url))('@cdktf/hcl2json') as {
  parse: HclParse;
};

/** Who the team is, in each system: the team name, its Keycloak group, the group Kubernetes sees. */
export interface Principal {
  readonly team: string;
  readonly group: string;
  readonly kubernetesGroup: string;
}

export interface ExternalSecretReach {
  /** `<namespace>/<name>` of the ExternalSecret. */
  readonly id: string;
  /** Folder of the file holding it (`kubernetes/namespaces/<ns>/...`). */
  readonly file: string;
  readonly namespace: string;
  /** The Kubernetes Secret ESO writes (in the ExternalSecret's namespace). */
  readonly target: string;
  /** `<kind>/<name>` of the store it reads through. */
  readonly store: string;
  /** Vault keys it names (`data[].remoteRef.key`, `dataFrom[].extract.key`). */
  readonly keys: readonly string[];
  /** True when it searches Vault (`dataFrom[].find`) instead of naming keys. */
  readonly searches: boolean;
}

export interface VaultRule {
  readonly path: string;
  readonly capabilities: readonly string[];
}

export interface Reach {
  /** `<role>: <service accounts>@<namespaces> -> <policies>`, for every Vault role bound to one of the team's namespaces. */
  readonly vaultRoles: readonly string[];
  /** `<policy> <capability> <path>`, for every rule of every policy those roles (or the team's Vault group) get. */
  readonly vault: readonly string[];
  /** Namespaces where a RoleBinding names the team's group. */
  readonly namespaces: readonly string[];
  /** `<namespace|*> <apiGroup>/<resource>[:<resourceName>] <verb>` from every Role or ClusterRole bound to the group. */
  readonly permissions: readonly string[];
  /** Argo CD: each project whose roles name the group, with destinations, sources, kinds and role policies. */
  readonly argo: readonly string[];
  /** Applications of those projects: `<name> <repoURL> <path> -> <server> <namespace>`. */
  readonly applications: readonly string[];
  /** NetworkPolicies of the team's namespaces: `<ns>/<name> <spec as JSON>`. */
  readonly network: readonly string[];
  /** `<namespace> <store name> -> <role>` for each SecretStore in the team's namespaces. */
  readonly stores: readonly string[];
  readonly externalSecrets: readonly ExternalSecretReach[];
  /** Grafana organization(s) of the team, and the Loki tenants their datasource sends as X-Scope-OrgID. */
  readonly grafana: readonly string[];
  /** The team group's entry in the Keycloak realm, as JSON. */
  readonly keycloak: readonly string[];
}

/** Every rule of a policy, parsed by HashiCorp's HCL parser; cached by text, since most runs repeat files. */
const policyCache = new Map<string, Promise<VaultRule[]>>();

export function parsePolicy(file: string, text: string): Promise<VaultRule[]> {
  let parsed = policyCache.get(text);
  if (parsed === undefined) {
    parsed = parseHcl(file, text).then((json) => {
      const rules: VaultRule[] = [];
      for (const [path, blocks] of Object.entries((json.path ?? {}) as Record<string, unknown>)) {
        for (const block of Array.isArray(blocks) ? blocks : [blocks]) {
          const capabilities = (block as { capabilities?: unknown }).capabilities;
          if (!Array.isArray(capabilities)) throw new Error(`${file}: path ${path} has no capabilities list`);
          rules.push({ path, capabilities: capabilities.map(String) });
        }
      }
      return rules;
    });
    policyCache.set(text, parsed);
  }
  return parsed;
}

/** True when a Vault ACL rule path matches `path` (a trailing `*` is a prefix glob, `+` one segment). */
export function vaultPathMatches(rule: string, path: string): boolean {
  const glob = rule.endsWith('*');
  const ruleSegments = (glob ? rule.slice(0, -1) : rule).split('/');
  const pathSegments = path.split('/');
  for (let i = 0; i < ruleSegments.length; i++) {
    const want = ruleSegments[i] ?? '';
    const have = pathSegments[i];
    if (have === undefined) return false;
    const last = i === ruleSegments.length - 1;
    if (want === '+') continue;
    if (last && glob) return have.startsWith(want);
    if (want !== have) return false;
  }
  return glob || pathSegments.length === ruleSegments.length;
}

/** True when one of the rules grants `capability` on `path` (Vault's deny wins, so a deny anywhere refuses). */
export function vaultAllows(rules: readonly VaultRule[], path: string, capability: string): boolean {
  const matching = rules.filter((r) => vaultPathMatches(r.path, path));
  if (matching.some((r) => r.capabilities.includes('deny'))) return false;
  return matching.some((r) => r.capabilities.includes(capability));
}

type Doc = Record<string, unknown>;

interface Parsed {
  readonly yaml: ReadonlyMap<string, readonly Doc[]>;
  readonly json: ReadonlyMap<string, unknown>;
  readonly text: ReadonlyMap<string, string>;
}

const yamlCache = new Map<string, readonly Doc[]>();

function parseYaml(path: string, content: string): readonly Doc[] {
  let docs = yamlCache.get(content);
  if (docs === undefined) {
    docs = parseAllDocuments(content).map((d) => {
      if (d.errors.length > 0) throw new Error(`${path}: ${d.errors[0]?.message}`);
      return d.toJS() as Doc;
    });
    yamlCache.set(content, docs);
  }
  return docs;
}

function parseArtifacts(artifacts: readonly Artifact[]): Parsed {
  const yaml = new Map<string, readonly Doc[]>();
  const json = new Map<string, unknown>();
  const text = new Map<string, string>();
  for (const a of artifacts) {
    // Helm templates are not YAML until Helm renders them; the local charts' templates hold no team access.
    if (/^charts\/[^/]+\/templates\//.test(a.path)) text.set(a.path, a.content);
    else if (a.path.endsWith('.yaml') || a.path.endsWith('.yml')) yaml.set(a.path, parseYaml(a.path, a.content));
    else if (a.path.endsWith('.json')) json.set(a.path, JSON.parse(a.content));
    else text.set(a.path, a.content);
  }
  return { yaml, json, text };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const rec = (v: unknown): Doc => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Doc) : {});
const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();
const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The team's reach in the generated files. */
export async function reachOf(artifacts: readonly Artifact[], who: Principal): Promise<Reach> {
  const parsed = parseArtifacts(artifacts);
  const objects = [...parsed.yaml.entries()].flatMap(([file, docs]) => docs.map((object) => ({ file, object })));
  const ofKind = (kind: string) => objects.filter((o) => o.object.kind === kind);
  const meta = (o: Doc) => rec(o.metadata);

  // Kubernetes RBAC: bindings naming the team's group, and the rules of what they bind.
  const isTeam = (subject: unknown) => {
    const s = rec(subject);
    return s.kind === 'Group' && s.name === who.kubernetesGroup;
  };
  const namespaces = new Set<string>();
  const permissions: string[] = [];
  const rulesOf = (role: Doc | undefined, scope: string, ref: string) => {
    if (role === undefined) {
      permissions.push(`${scope} unresolved ${ref}`);
      return;
    }
    for (const rule of list(role.rules).map(rec)) {
      for (const group of list(rule.apiGroups).map(str))
        for (const resource of list(rule.resources).map(str))
          for (const name of rule.resourceNames === undefined ? [''] : list(rule.resourceNames).map(str))
            for (const verb of list(rule.verbs).map(str))
              permissions.push(`${scope} ${group}/${resource}${name === '' ? '' : `:${name}`} ${verb}`);
      for (const url of list(rule.nonResourceURLs).map(str))
        for (const verb of list(rule.verbs).map(str)) permissions.push(`${scope} url:${url} ${verb}`);
    }
  };
  const findRole = (kind: string, name: string, namespace: string | undefined) =>
    ofKind(kind).find(
      (o) => meta(o.object).name === name && (namespace === undefined || meta(o.object).namespace === namespace),
    )?.object;
  for (const { object } of ofKind('RoleBinding')) {
    if (!list(object.subjects).some(isTeam)) continue;
    const namespace = str(meta(object).namespace);
    namespaces.add(namespace);
    const ref = rec(object.roleRef);
    const kind = str(ref.kind);
    rulesOf(
      findRole(kind, str(ref.name), kind === 'Role' ? namespace : undefined),
      namespace,
      `${kind}/${str(ref.name)}`,
    );
  }
  for (const { object } of ofKind('ClusterRoleBinding')) {
    if (!list(object.subjects).some(isTeam)) continue;
    const ref = rec(object.roleRef);
    rulesOf(findRole('ClusterRole', str(ref.name), undefined), '*', `ClusterRole/${str(ref.name)}`);
  }
  const inTeamNamespace = (o: Doc) => namespaces.has(str(meta(o).namespace));

  // Vault: roles bound to a team namespace (any workload there could present that ServiceAccount's token),
  // the policies they attach, and the policies of a Vault group named after the team's group, if any.
  const roles = [...parsed.json.entries()]
    .filter(([path]) => /(^|\/)role-[^/]+\.json$/.test(path))
    .map(([path, role]) => ({ name: baseName(path).slice('role-'.length, -'.json'.length), role: rec(role) }));
  const policyFiles = new Map(
    artifacts
      .filter((a) => a.path.endsWith('.hcl'))
      .map(
        (a) =>
          [
            baseName(a.path)
              .replace(/^policy-/, '')
              .replace(/\.hcl$/, ''),
            a,
          ] as const,
      ),
  );
  const vaultRoles: string[] = [];
  const policies = new Set<string>();
  const rolePolicies = new Map<string, { accounts: string[]; namespaces: string[]; policies: string[] }>();
  for (const { name, role } of roles) {
    const bound = list(role.bound_service_account_namespaces).map(str);
    const accounts = list(role.bound_service_account_names).map(str);
    const attached = list(role.token_policies).map(str);
    rolePolicies.set(name, { accounts, namespaces: bound, policies: attached });
    if (!bound.some((ns) => ns === '*' || namespaces.has(ns))) continue;
    vaultRoles.push(`${name}: ${accounts.join(',')}@${bound.join(',')} -> ${attached.join(',')}`);
    for (const p of attached) policies.add(p);
  }
  const groupPolicies = parsed.text.get(`kubernetes/vault-config/files/group-${who.group}.policies`);
  for (const p of (groupPolicies ?? '').split('\n').filter((l) => l !== '' && !l.startsWith('#'))) policies.add(p);
  const vault: string[] = [];
  for (const name of policies) {
    const file = policyFiles.get(name);
    if (file === undefined) {
      vault.push(`${name} unresolved`);
      continue;
    }
    const rules = await parsePolicy(file.path, file.content);
    for (const rule of rules) for (const c of rule.capabilities) vault.push(`${name} ${c} ${rule.path}`);
  }

  // SecretStores of the team's namespaces: which role each authenticates as, checked against the role's binding.
  const stores: string[] = [];
  for (const { object } of ofKind('SecretStore').filter((o) => inTeamNamespace(o.object))) {
    const namespace = str(meta(object).namespace);
    const auth = rec(rec(rec(rec(rec(object.spec).provider).vault).auth).kubernetes);
    const role = str(auth.role);
    const account = str(rec(auth.serviceAccountRef).name);
    const binding = rolePolicies.get(role);
    const binds = binding?.accounts.includes(account) === true && binding.namespaces.includes(namespace);
    stores.push(`${namespace} ${str(meta(object).name)} -> ${role} as ${account}${binds ? '' : ' (not bound)'}`);
  }

  const externalSecrets: ExternalSecretReach[] = objects
    .filter((o) => o.object.kind === 'ExternalSecret' && (inTeamNamespace(o.object) || teamFolder(o.file, namespaces)))
    .map(({ file, object }) => {
      const spec = rec(object.spec);
      const storeRef = rec(spec.secretStoreRef);
      const dataFrom = list(spec.dataFrom).map(rec);
      return {
        id: `${str(meta(object).namespace)}/${str(meta(object).name)}`,
        file,
        namespace: str(meta(object).namespace),
        target: str(rec(spec.target).name) || str(meta(object).name),
        store: `${str(storeRef.kind) || 'SecretStore'}/${str(storeRef.name)}`,
        keys: [
          ...list(spec.data).map((d) => str(rec(rec(d).remoteRef).key)),
          ...dataFrom.filter((d) => d.extract !== undefined).map((d) => str(rec(d.extract).key)),
        ],
        searches: dataFrom.some((d) => d.find !== undefined),
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // Argo CD: projects whose roles name the team's group.
  const projects = ofKind('AppProject').filter(({ object }) =>
    list(rec(object.spec).roles).some((r) => list(rec(r).groups).includes(who.group)),
  );
  const argo: string[] = [];
  const projectNames = new Set<string>();
  for (const { object } of projects) {
    const name = str(meta(object).name);
    projectNames.add(name);
    const spec = rec(object.spec);
    for (const d of list(spec.destinations).map(rec))
      argo.push(`${name} destination ${str(d.server ?? d.name)} ${str(d.namespace)}`);
    for (const repo of list(spec.sourceRepos)) argo.push(`${name} sourceRepo ${str(repo)}`);
    for (const field of [
      'clusterResourceWhitelist',
      'clusterResourceBlacklist',
      'namespaceResourceWhitelist',
      'namespaceResourceBlacklist',
    ]) {
      if (spec[field] === undefined) argo.push(`${name} ${field} (absent)`);
      for (const k of list(spec[field]).map(rec)) argo.push(`${name} ${field} ${str(k.group)}/${str(k.kind)}`);
    }
    for (const role of list(spec.roles).map(rec)) {
      if (!list(role.groups).includes(who.group)) continue;
      for (const policy of list(role.policies)) argo.push(`${name} role ${str(role.name)} ${str(policy)}`);
    }
  }
  const applications = ofKind('Application')
    .filter(({ object }) => projectNames.has(str(rec(object.spec).project)))
    .map(({ object }) => {
      const spec = rec(object.spec);
      const sources = spec.sources === undefined ? [spec.source] : list(spec.sources);
      const destination = rec(spec.destination);
      return `${str(meta(object).name)} ${sources
        .map(rec)
        .map((s) => `${str(s.repoURL)} ${str(s.path ?? s.chart)}`)
        .join(' + ')} -> ${str(destination.server ?? destination.name)} ${str(destination.namespace)}`;
    });

  const network = ofKind('NetworkPolicy')
    .filter((o) => inTeamNamespace(o.object))
    .map(({ object }) => `${str(meta(object).namespace)}/${str(meta(object).name)} ${JSON.stringify(object.spec)}`);

  // Grafana: the team's organizations (`<team> <datasource uid> <digest> <group>` lines) and their datasources' tenants.
  const grafana: string[] = [];
  const orgs = (parsed.text.get('kubernetes/grafana-config/files/orgs') ?? '').split('\n').filter((l) => l !== '');
  for (const line of orgs) {
    const [team, uid, , group] = line.split(' ');
    if (group !== who.group && team !== who.team) continue;
    grafana.push(`org ${line}`);
    for (const [path, value] of parsed.json) {
      const source = rec(value);
      if (!path.startsWith('kubernetes/grafana-config/') || source.uid !== uid) continue;
      const headers = rec(source.jsonData);
      const values = rec(source.secureJsonData);
      grafana.push(`datasource ${uid} ${str(source.url)}`);
      for (const [key, header] of Object.entries(headers)) {
        const n = /^httpHeaderName(\d+)$/.exec(key)?.[1];
        if (n === undefined) continue;
        grafana.push(`header ${uid} ${str(header)}: ${str(values[`httpHeaderValue${n}`])}`);
      }
    }
  }

  const realm = rec(
    (parsed.yaml.get('charts/keycloak-config/values.yaml') ?? []).map((d) => rec(d.realm)).find((r) => r.groups),
  );
  const keycloak = list(realm.groups)
    .filter((g) => rec(g).name === who.group)
    .map((g) => JSON.stringify(g));

  return {
    vaultRoles: sorted(vaultRoles),
    vault: sorted(vault),
    namespaces: sorted(namespaces),
    permissions: sorted(permissions),
    argo: sorted(argo),
    applications: sorted(applications),
    network: sorted(network),
    stores: sorted(stores),
    externalSecrets,
    grafana: sorted(grafana),
    keycloak: sorted(keycloak),
  };
}

function teamFolder(file: string, namespaces: ReadonlySet<string>): boolean {
  const folder = /^kubernetes\/namespaces\/([^/]+)\//.exec(file)?.[1];
  return folder !== undefined && namespaces.has(folder);
}

/** The policy rules the Vault role named by a namespace's SecretStore carries: what ESO reads with in that namespace. */
export async function storeRules(artifacts: readonly Artifact[], namespace: string): Promise<VaultRule[]> {
  const parsed = parseArtifacts(artifacts);
  const store = (parsed.yaml.get(`kubernetes/namespaces/${namespace}/external-secrets/secret-store.yaml`) ?? [])[0];
  const role = str(rec(rec(rec(rec(rec(store?.spec).provider).vault).auth).kubernetes).role);
  const binding = rec(parsed.json.get(`kubernetes/vault-config/files/role-${role}.json`));
  if (!list(binding.bound_service_account_namespaces).includes(namespace)) return [];
  const rules: VaultRule[] = [];
  for (const name of list(binding.token_policies).map(str)) {
    const file = artifacts.find((a) => a.path === `kubernetes/vault-config/files/policy-${name}.hcl`);
    if (file !== undefined) rules.push(...(await parsePolicy(file.path, file.content)));
  }
  return rules;
}

/** The KV v2 mount a SecretStore reads from (`spec.provider.vault.path`). */
export function storeMount(artifacts: readonly Artifact[], namespace: string): string {
  const file = artifacts.find(
    (a) => a.path === `kubernetes/namespaces/${namespace}/external-secrets/secret-store.yaml`,
  );
  const store = file === undefined ? undefined : parseYaml(file.path, file.content)[0];
  return str(rec(rec(rec(store?.spec).provider).vault).path);
}

/** What the admins approved for one namespace: its prefixes, and the KV mount its store reads from. */
export interface Approved {
  readonly namespace: string;
  readonly prefixes: readonly string[];
  readonly mount: string;
  /** The rules of the namespace's own ESO policy, as generated with an empty secrets.ts. */
  readonly rules: readonly VaultRule[];
}

const COMPARED = [
  'vaultRoles',
  'vault',
  'namespaces',
  'permissions',
  'argo',
  'applications',
  'network',
  'stores',
  'grafana',
  'keycloak',
] as const;

/**
 * Every way `edited` reaches further than (or differently from) `approved`, as readable lines; empty when it
 * does not. ExternalSecrets are the one thing a team's secrets.ts adds: each must sit in the edited
 * namespace, read through that namespace's own store, name keys under its approved prefixes that its own
 * policy lets ESO read, and never search Vault. ExternalSecrets of the team's other namespaces must stay
 * as they were (`unchanged`).
 */
export function escalations(
  approved: Reach,
  edited: Reach,
  ns: Approved,
  unchanged: readonly ExternalSecretReach[],
): string[] {
  const found: string[] = [];
  for (const field of COMPARED) {
    const before = new Set(approved[field]);
    const after = new Set(edited[field]);
    for (const item of after) if (!before.has(item)) found.push(`${field}: gained ${item}`);
    for (const item of before) if (!after.has(item)) found.push(`${field}: lost ${item}`);
  }
  const own = edited.stores.find((s) => s.startsWith(`${ns.namespace} `))?.split(' ')[1];
  const folder = `kubernetes/namespaces/${ns.namespace}/`;
  const touches = (e: ExternalSecretReach) => e.namespace === ns.namespace || e.file.startsWith(folder);
  const others = edited.externalSecrets.filter((e) => !touches(e));
  const expectedOthers = unchanged.filter((e) => !touches(e));
  if (JSON.stringify(others) !== JSON.stringify(expectedOthers)) {
    found.push(`externalSecrets: outside ${ns.namespace} changed: ${others.map((e) => e.id).join(', ')}`);
  }
  for (const e of edited.externalSecrets.filter(touches)) {
    if (e.namespace !== ns.namespace || e.file.slice(0, e.file.lastIndexOf('/') + 1) !== `${folder}external-secrets/`) {
      found.push(`externalSecrets: ${e.id} lives in ${e.file}`);
    }
    if (own === undefined || e.store !== `SecretStore/${own}`)
      found.push(`externalSecrets: ${e.id} reads through ${e.store}`);
    if (e.searches) found.push(`externalSecrets: ${e.id} searches Vault (dataFrom.find)`);
    if (e.keys.length === 0) found.push(`externalSecrets: ${e.id} names no key`);
    for (const key of e.keys) {
      if (!ns.prefixes.some((p) => key === p || key.startsWith(`${p}/`))) {
        found.push(`externalSecrets: ${e.id} key ${key} is outside ${ns.prefixes.join(', ')}`);
      }
      if (!vaultAllows(ns.rules, `${ns.mount}/data/${key}`, 'read')) {
        found.push(`externalSecrets: ${e.id} key ${key} is not readable by the namespace's own policy`);
      }
    }
  }
  return found;
}
