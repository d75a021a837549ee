/**
 * Validation: JSON Schema per file, then the rules that span fields and files. Pure: takes what the
 * loader read, returns every issue at once and, only when there is no error, the model.
 */

import { checkFormatVersion } from './format-version.js';
import type { NamespaceDefinition } from './generated/namespace.js';
import type { PlatformDefinition } from './generated/platform.js';
import type { SecretsDefinition } from './generated/secrets.js';
import { compareStrings, formatFieldPath, hasErrors, type Issue, issue } from './issues.js';
import type { LoadedDefinitions } from './load-definitions.js';
import type { NamespaceModel, PlatformModel } from './model.js';
import { getReservedReason, reservedNamespaceList } from './names.js';
import { describeValue, validateAgainstSchema } from './schema-validate.js';
import { PLATFORM_VAULT_PREFIX } from './tenancy.js';
import { checkBootstrapInventory } from './validate-bootstrap.js';
import { checkCatalog, checkNamespaceSystem, declaredSystems } from './validate-catalog.js';
import { checkProse } from './validate-text.js';
import { isUnderPrefix, prefixesOverlap } from './vault-paths.js';

export interface ValidationResult {
  readonly issues: readonly Issue[];
  /** Present only when no issue is an error. */
  readonly model: PlatformModel | undefined;
}

interface CheckedNamespace {
  folder: string;
  dir: string;
  file: string;
  definition: NamespaceDefinition | undefined;
  secretsFile: string | undefined;
  secrets: SecretsDefinition | undefined;
}

export function validateDefinitions(loaded: LoadedDefinitions): ValidationResult {
  const issues: Issue[] = [...loaded.issues, ...checkProse(loaded)];

  let platform: PlatformDefinition | undefined;
  if (loaded.platform !== undefined) {
    // Before anything else, and whatever the schema says: an old or new format explains the other problems.
    issues.push(...checkFormatVersion(loaded.platform.data, loaded.platform.file));
    const found = validateAgainstSchema('platform', loaded.platform.data, loaded.platform.file);
    issues.push(...found);
    if (found.length === 0) {
      platform = loaded.platform.data as PlatformDefinition;
      issues.push(...checkPlatform(platform, loaded.platform.file));
    }
  }

  const namespaces: CheckedNamespace[] = loaded.namespaces.map((folder) => {
    const checked: CheckedNamespace = {
      folder: folder.folder,
      dir: folder.dir,
      file: folder.namespace?.file ?? `${folder.dir}/namespace.ts`,
      definition: undefined,
      secretsFile: folder.secrets?.file,
      secrets: undefined,
    };
    if (folder.namespace !== undefined) {
      const found = validateAgainstSchema('namespace', folder.namespace.data, folder.namespace.file);
      issues.push(...found);
      if (found.length === 0) checked.definition = folder.namespace.data as NamespaceDefinition;
    }
    if (folder.secrets !== undefined) {
      const found = validateAgainstSchema('secrets', folder.secrets.data, folder.secrets.file);
      issues.push(...found);
      if (found.length === 0) checked.secrets = folder.secrets.data as SecretsDefinition;
    }
    return checked;
  });

  issues.push(...checkNamespaces(namespaces, platform));
  for (const ns of namespaces) issues.push(...checkSecrets(ns));

  if (hasErrors(issues) || platform === undefined || loaded.platform === undefined) {
    return { issues, model: undefined };
  }
  const model: PlatformModel = {
    platformFile: loaded.platform.file,
    platform,
    namespaces: [...namespaces]
      .sort((a, b) => compareStrings(a.folder, b.folder))
      .map(
        (ns): NamespaceModel => ({
          name: ns.folder,
          dir: ns.dir,
          file: ns.file,
          // Present: an absent or invalid definition is an error, and there is none.
          definition: ns.definition as NamespaceDefinition,
          secretsFile: ns.secretsFile,
          secrets: ns.secrets?.secrets ?? [],
        }),
      ),
  };
  return { issues, model };
}

function checkPlatform(platform: PlatformDefinition, file: string): Issue[] {
  const issues: Issue[] = [];
  const { adminGroup, auditorGroup } = platform.identity;
  if (adminGroup === auditorGroup) {
    issues.push(
      issue({
        code: 'E_GROUP_DUPLICATE',
        file,
        path: 'identity.auditorGroup',
        message: `identity.auditorGroup ${describeValue(auditorGroup)} is the same group as identity.adminGroup`,
        hint: 'auditors are read-only and admins are not: give them different Keycloak groups',
      }),
    );
  }
  const teamNames = new Map<string, number>();
  const groups = new Map<string, string>([
    [adminGroup, 'identity.adminGroup'],
    [auditorGroup, 'identity.auditorGroup'],
  ]);
  platform.teams.forEach((team, i) => {
    const first = teamNames.get(team.name);
    if (first === undefined) teamNames.set(team.name, i);
    else {
      issues.push(
        issue({
          code: 'E_TEAM_DUPLICATE',
          file,
          path: `teams[${i}].name`,
          message: `team ${describeValue(team.name)} is declared twice (also teams[${first}])`,
          hint: 'give every team a unique name, or merge the two entries',
        }),
      );
    }
    const owner = groups.get(team.group);
    if (owner === undefined) groups.set(team.group, `teams[${i}].group`);
    else {
      issues.push(
        issue({
          code: 'E_GROUP_DUPLICATE',
          file,
          path: `teams[${i}].group`,
          message: `group ${describeValue(team.group)} of team ${describeValue(team.name)} is already used by ${owner}`,
          hint: 'each team needs its own Keycloak group, distinct from the admin and auditor groups',
        }),
      );
    }
  });
  for (const name of Object.keys(platform.git.codeowners?.teams ?? {})) {
    if (teamNames.has(name)) continue;
    issues.push(
      issue({
        code: 'E_CODEOWNER_TEAM_UNKNOWN',
        file,
        path: formatFieldPath(['git', 'codeowners', 'teams', name]),
        message: `git.codeowners.teams names team ${describeValue(name)}, which is not declared under teams, so its handle would own nothing`,
        hint: `use one of the declared team names (${[...teamNames.keys()].join(', ')}), or remove the entry`,
      }),
    );
  }
  issues.push(...checkBootstrapInventory(platform, file));
  issues.push(...checkCatalog(platform, file));
  issues.push(...checkBootstrapKeyNames(platform, file));
  return issues;
}

function checkNamespaces(namespaces: readonly CheckedNamespace[], platform: PlatformDefinition | undefined): Issue[] {
  const issues: Issue[] = [];
  const byName = new Map<string, CheckedNamespace>();
  const teams = platform === undefined ? undefined : new Set(platform.teams.map((t) => t.name));
  const systems = platform === undefined ? undefined : declaredSystems(platform);

  for (const ns of namespaces) {
    const def = ns.definition;
    if (def === undefined) continue;
    const reserved = getReservedReason(def.name);
    if (reserved !== undefined) {
      issues.push(
        issue({
          code: 'E_NS_RESERVED',
          file: ns.file,
          path: 'name',
          message: `namespace name ${describeValue(def.name)} is reserved: ${reserved}`,
          hint: `choose another name; reserved are ${reservedNamespaceList()}`,
        }),
      );
    }
    if (def.name !== ns.folder) {
      issues.push(
        issue({
          code: 'E_NS_FOLDER_MISMATCH',
          file: ns.file,
          path: 'name',
          message: `name ${describeValue(def.name)} does not match its folder namespaces/${ns.folder}/`,
          hint: `rename the folder to namespaces/${def.name}/ or set name: '${ns.folder}'`,
        }),
      );
    }
    const other = byName.get(def.name);
    if (other === undefined) byName.set(def.name, ns);
    else {
      issues.push(
        issue({
          code: 'E_NS_DUPLICATE',
          file: ns.file,
          path: 'name',
          message: `namespace ${describeValue(def.name)} is also defined in ${other.file}`,
          hint: 'each namespace is defined once; remove or rename one of them',
        }),
      );
    }
    if (platform !== undefined) issues.push(...checkNamespaceSystem(def, ns.file, platform, systems));
    if (teams !== undefined && !teams.has(def.team)) {
      issues.push(
        issue({
          code: 'E_NS_TEAM_UNKNOWN',
          file: ns.file,
          path: 'team',
          message: `team ${describeValue(def.team)} is not declared in platform/platform.ts`,
          hint: `use one of ${[...teams].join(', ')}, or declare the team in platform/platform.ts (teams[])`,
        }),
      );
    }
    (def.sources ?? []).forEach((source, i, all) => {
      const first = all.findIndex((s) => s.name === source.name);
      if (first < i) {
        issues.push(
          issue({
            code: 'E_SOURCE_DUPLICATE',
            file: ns.file,
            path: `sources[${i}].name`,
            message: `workload source ${describeValue(source.name)} is declared twice (also sources[${first}])`,
            hint: 'give every source of a namespace its own name',
          }),
        );
      }
    });
    const sources = def.network?.ingressFrom ?? [];
    sources.forEach((source, i) => {
      const first = sources.findIndex((s) => s.namespace === source.namespace);
      if (first < i) {
        issues.push(
          issue({
            code: 'E_NS_INGRESS_DUPLICATE',
            file: ns.file,
            path: `network.ingressFrom[${i}].namespace`,
            message: `ingress from namespace ${describeValue(source.namespace)} is declared twice (also network.ingressFrom[${first}])`,
            hint: 'declare each source namespace once and list all its ports there',
          }),
        );
      }
    });
    def.vault.approvedPrefixes.forEach((prefix, i) => {
      if (isUnderPrefix(prefix, PLATFORM_VAULT_PREFIX)) {
        issues.push(
          issue({
            code: 'E_NS_PREFIX_RESERVED',
            file: ns.file,
            path: `vault.approvedPrefixes[${i}]`,
            message: `approved prefix ${describeValue(prefix)} lies under "${PLATFORM_VAULT_PREFIX}/", where the platform keeps its own secrets`,
            hint: `choose a prefix outside ${PLATFORM_VAULT_PREFIX}/, e.g. ${ns.folder}/...`,
          }),
        );
      }
      const earlier = def.vault.approvedPrefixes.slice(0, i).findIndex((p) => prefixesOverlap(p, prefix));
      if (earlier >= 0) {
        issues.push(
          issue({
            code: 'E_NS_PREFIX_NESTED',
            file: ns.file,
            path: `vault.approvedPrefixes[${i}]`,
            message: `approved prefix ${describeValue(prefix)} overlaps vault.approvedPrefixes[${earlier}] of the same namespace`,
            hint: 'list each Vault prefix once; a prefix already covers everything below it',
          }),
        );
      }
    });
  }

  // Prefixes of different namespaces never overlap: one namespace's role can never read another's secrets.
  // Each prefix is compared with the earliest earlier prefix of another namespace that overlaps it, found in a
  // trie of path segments (a pair-by-pair comparison is quadratic: 25 s at 10,000 namespaces).
  const claimed = new PrefixClaims<{ prefix: string; ns: CheckedNamespace }>();
  namespaces.forEach((ns, owner) => {
    ns.definition?.vault.approvedPrefixes.forEach((prefix, i) => {
      const clash = claimed.firstOverlap(prefix, owner);
      if (clash !== undefined) {
        issues.push(
          issue({
            code: 'E_NS_PREFIX_OVERLAP',
            file: ns.file,
            path: `vault.approvedPrefixes[${i}]`,
            message: `approved prefix ${describeValue(prefix)} overlaps ${describeValue(clash.prefix)} of namespace ${describeValue(clash.ns.folder)} (${clash.ns.file})`,
            hint: 'give each namespace its own Vault prefixes, e.g. <namespace>/...; a shared secret is copied into each namespace under its own prefix',
          }),
        );
      }
      claimed.add(prefix, owner, { prefix, ns });
    });
  });
  return issues;
}

/**
 * The earliest two claims of a set with different owners: enough to answer "the earliest claim whose owner is
 * not X" for any X.
 */
interface EarliestTwo<T> {
  first: { order: number; owner: number; value: T } | undefined;
  /** The earliest claim whose owner differs from first's. */
  other: { order: number; owner: number; value: T } | undefined;
}

interface TrieNode<T> {
  readonly children: Map<string, TrieNode<T>>;
  /** Claims of exactly this path. */
  readonly here: EarliestTwo<T>;
  /** Claims of this path and every path below it. */
  readonly below: EarliestTwo<T>;
}

/**
 * Vault prefixes claimed by owners, in order. Two paths overlap when one lies under the other segment-wise
 * (isUnderPrefix: `a/b` is under `a`, not under `a/bc`), so the claims overlapping a path are those on the
 * nodes above it and those at or below its own node of a trie of segments. Each node keeps the earliest
 * claims of two different owners, so a query or an insertion costs one walk down the path.
 */
class PrefixClaims<T> {
  private readonly root: TrieNode<T> = PrefixClaims.node();
  private count = 0;

  private static node<T>(): TrieNode<T> {
    return {
      children: new Map(),
      here: { first: undefined, other: undefined },
      below: { first: undefined, other: undefined },
    };
  }

  add(path: string, owner: number, value: T): void {
    const claim = { order: this.count++, owner, value };
    let node = this.root;
    for (const segment of path.split('/')) {
      let child = node.children.get(segment);
      if (child === undefined) {
        child = PrefixClaims.node();
        node.children.set(segment, child);
      }
      node = child;
      PrefixClaims.record(node.below, claim);
    }
    PrefixClaims.record(node.here, claim);
  }

  /** The earliest claim by another owner of a path that overlaps `path`, or undefined. */
  firstOverlap(path: string, owner: number): T | undefined {
    let best: { order: number; value: T } | undefined;
    const consider = (set: EarliestTwo<T>) => {
      const found = set.first !== undefined && set.first.owner !== owner ? set.first : set.other;
      if (found !== undefined && found.owner !== owner && (best === undefined || found.order < best.order))
        best = found;
    };
    let node: TrieNode<T> | undefined = this.root;
    const segments = path.split('/');
    for (let i = 0; i < segments.length; i++) {
      node = node.children.get(segments[i] as string);
      if (node === undefined) return best?.value;
      // Above the path: claims of exactly that node; at the path: everything at or below it.
      consider(i === segments.length - 1 ? node.below : node.here);
    }
    return best?.value;
  }

  private static record<T>(set: EarliestTwo<T>, claim: { order: number; owner: number; value: T }): void {
    // Claims arrive in order, so the first of each kind is the earliest.
    if (set.first === undefined) set.first = claim;
    else if (set.other === undefined && claim.owner !== set.first.owner) set.other = claim;
  }
}

function checkSecrets(ns: CheckedNamespace): Issue[] {
  const issues: Issue[] = [];
  const file = ns.secretsFile;
  if (ns.secrets === undefined || file === undefined) return issues;
  const names = new Map<string, number>();
  ns.secrets.secrets.forEach((secret, i) => {
    const first = names.get(secret.name);
    if (first === undefined) names.set(secret.name, i);
    else {
      issues.push(
        issue({
          code: 'E_SECRET_DUPLICATE',
          file,
          path: `secrets[${i}].name`,
          message: `secret ${describeValue(secret.name)} is requested twice (also secrets[${first}])`,
          hint: 'each Kubernetes Secret is requested once; rename one or merge their properties',
        }),
      );
    }
    // Without a valid namespace definition there is nothing to check the key against; its own error is reported.
    const approved = ns.definition?.vault.approvedPrefixes;
    if (approved !== undefined && !approved.some((prefix) => isUnderPrefix(secret.key, prefix))) {
      issues.push(
        issue({
          code: 'E_SECRET_OUTSIDE_PREFIX',
          file,
          path: `secrets[${i}].key`,
          message: `Vault key ${describeValue(secret.key)} is outside the prefixes approved for namespace ${describeValue(ns.folder)}`,
          hint:
            approved.length === 0
              ? `no Vault prefix is approved for this namespace yet: ask a platform admin to add one to ${ns.file} (vault.approvedPrefixes)`
              : `use a key under ${approved.map((p) => `${p}/`).join(' or ')}, or ask a platform admin to approve another prefix in ${ns.file}`,
        }),
      );
    }
  });
  return issues;
}

/**
 * Bootstrap Secret keys become file names where the secret is mounted (/seeds/<name>/<key>): `.`, `..` and
 * names starting with `..` are not valid Secret keys (Kubernetes rejects them) and would point out of the folder.
 */
function checkBootstrapKeyNames(platform: PlatformDefinition, file: string): Issue[] {
  const issues: Issue[] = [];
  platform.bootstrapSecrets.forEach((secret, i) => {
    secret.keys.forEach((key, j) => {
      if (key !== '.' && !key.startsWith('..')) return;
      issues.push(
        issue({
          code: 'E_SECRET_KEY_INVALID',
          file,
          path: `bootstrapSecrets[${i}].keys[${j}]`,
          message: `bootstrapSecrets[${i}].keys[${j}] ${describeValue(key)} is not a valid Secret key: it is '.', '..' or starts with '..'`,
          hint: "use letters, digits, '-', '_' and '.', not '.' or '..' and not starting with '..'",
        }),
      );
    });
  });
  return issues;
}
