/**
 * The semantic validation rules (validate.ts and its helpers), per definition file they check, with one line
 * each: what `platform-gen explain` lists for a definition and the files generated from it. A test keeps the
 * codes equal to those validate.ts emits. Schema rules (unknown field, wrong type, ...) apply to every
 * definition and are listed once, as SCHEMA_RULES.
 */
import type { DefinitionKind } from './define.js';

export interface DefinitionRule {
  readonly code: string;
  readonly definition: DefinitionKind;
  readonly rule: string;
}

export const SCHEMA_RULES: readonly Omit<DefinitionRule, 'definition'>[] = [
  { code: 'E_UNKNOWN_FIELD', rule: 'every field is one the JSON Schema of the definition declares' },
  { code: 'E_MISSING_FIELD', rule: 'every required field is present' },
  { code: 'E_WRONG_TYPE', rule: 'every value has the type the schema gives it' },
  { code: 'E_VALUE_NOT_ALLOWED', rule: 'names, paths and enumerations match their patterns and allowed values' },
  { code: 'E_LIST_INVALID', rule: 'lists have no duplicates and respect their length limits' },
  {
    code: 'E_TEXT_HIDDEN_CHAR',
    rule: 'prose holds no character that changes how text looks (control, bidi, zero-width)',
  },
];

export const DEFINITION_RULES: readonly DefinitionRule[] = [
  { code: 'E_GROUP_DUPLICATE', definition: 'platform', rule: 'admin, auditor and team groups are all distinct' },
  { code: 'E_TEAM_DUPLICATE', definition: 'platform', rule: 'each team is declared once' },
  { code: 'E_CODEOWNER_TEAM_UNKNOWN', definition: 'platform', rule: 'git.codeowners.teams names declared teams only' },
  {
    code: 'E_FORMAT_OUTDATED',
    definition: 'platform',
    rule: 'formatVersion is the current format (older: run platform-gen migrate)',
  },
  { code: 'E_FORMAT_TOO_NEW', definition: 'platform', rule: 'formatVersion is not newer than this platform-gen' },
  {
    code: 'E_SECRET_KEY_INVALID',
    definition: 'platform',
    rule: "bootstrap secret keys are valid file names: not '.', '..' or starting with '..'",
  },
  { code: 'E_MEMBER_DUPLICATE', definition: 'platform', rule: 'each member is listed once in a team' },
  { code: 'E_CATALOG_DUPLICATE', definition: 'platform', rule: 'catalog domains and systems are declared once' },
  { code: 'E_CATALOG_OWNER_UNKNOWN', definition: 'platform', rule: 'catalog entries are owned by a declared team' },
  { code: 'E_CATALOG_DOMAIN_UNKNOWN', definition: 'platform', rule: 'each system belongs to a declared domain' },
  { code: 'E_SOPS_RECIPIENT_DUPLICATE', definition: 'platform', rule: 'each age recipient is listed once' },
  { code: 'E_BOOTSTRAP_SECRET_DUPLICATE', definition: 'platform', rule: 'each bootstrap secret is declared once' },
  {
    code: 'E_BOOTSTRAP_SECRET_NAME_RESERVED',
    definition: 'platform',
    rule: 'bootstrap secret names never take the handover-seed prefix',
  },
  {
    code: 'E_BOOTSTRAP_SECRET_NAMESPACE',
    definition: 'platform',
    rule: 'bootstrap secrets serve platform namespaces only, the one their consumer reads',
  },
  {
    code: 'E_BOOTSTRAP_SECRET_UNDECLARED',
    definition: 'platform',
    rule: 'every Secret a component reads before Vault serves it is in the inventory',
  },
  {
    code: 'E_BOOTSTRAP_SECRET_KEYS',
    definition: 'platform',
    rule: 'a bootstrap secret lists every key its consumer reads',
  },
  {
    code: 'E_BOOTSTRAP_SECRET_PHASE',
    definition: 'platform',
    rule: 'a bootstrap secret is declared for the phase it is read in',
  },
  {
    code: 'E_BOOTSTRAP_VAULT_PATH_DUPLICATE',
    definition: 'platform',
    rule: 'each handed-over secret has its own Vault path',
  },
  {
    code: 'E_BOOTSTRAP_HANDOVER_ARGOCD',
    definition: 'platform',
    rule: "nothing read in Argo CD's namespace is handed over to Vault",
  },
  { code: 'E_BOOTSTRAP_HANDOVER_TOO_EARLY', definition: 'platform', rule: 'a secret read before phase 4 stays in Git' },
  {
    code: 'E_BOOTSTRAP_HANDOVER_PATH',
    definition: 'platform',
    rule: 'a secret read from Vault is handed over to that path',
  },
  {
    code: 'E_BOOTSTRAP_HANDOVER_REQUIRED',
    definition: 'platform',
    rule: 'Keycloak client secrets read from Vault are handed over to Vault',
  },
  {
    code: 'E_NS_RESERVED',
    definition: 'namespace',
    rule: "a tenant never takes a Kubernetes or platform namespace's name",
  },
  { code: 'E_NS_FOLDER_MISMATCH', definition: 'namespace', rule: 'the name equals the folder namespaces/<name>/' },
  { code: 'E_NS_DUPLICATE', definition: 'namespace', rule: 'each namespace is defined once' },
  { code: 'E_NS_TEAM_UNKNOWN', definition: 'namespace', rule: 'the owning team is declared in platform/platform.ts' },
  { code: 'E_SOURCE_DUPLICATE', definition: 'namespace', rule: 'each workload source is declared once' },
  { code: 'E_NS_INGRESS_DUPLICATE', definition: 'namespace', rule: 'each ingress source namespace is listed once' },
  {
    code: 'E_NS_PREFIX_RESERVED',
    definition: 'namespace',
    rule: 'approved Vault prefixes stay out of the platform prefix',
  },
  { code: 'E_NS_PREFIX_NESTED', definition: 'namespace', rule: "a namespace's approved prefixes do not overlap" },
  {
    code: 'E_NS_PREFIX_OVERLAP',
    definition: 'namespace',
    rule: "approved prefixes never overlap another namespace's",
  },
  { code: 'E_NS_SYSTEM_UNKNOWN', definition: 'namespace', rule: "the system is declared in the platform's catalog" },
  { code: 'E_SECRET_DUPLICATE', definition: 'secrets', rule: 'each secret is requested once' },
  {
    code: 'E_SECRET_OUTSIDE_PREFIX',
    definition: 'secrets',
    rule: "every Vault key lies under one of the namespace's approved prefixes (a team cannot widen its access)",
  },
];

/** The rules that check a definition of `kind`: its own, then the schema's. */
export function rulesForDefinition(kind: DefinitionKind): readonly Omit<DefinitionRule, 'definition'>[] {
  return [...DEFINITION_RULES.filter((r) => r.definition === kind), ...SCHEMA_RULES];
}
