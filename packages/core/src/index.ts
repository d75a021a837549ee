export { BOOKKEEPING_OWNS, GITATTRIBUTES_FILE, MANIFEST_FILE, parseManifest } from './bookkeeping.js';
export {
  type ApprovedVaultPaths,
  type Authority,
  approvedVaultPaths,
  authorityLedger,
  BOOTSTRAP_DIR,
  BOOTSTRAP_KUSTOMIZATION,
  BOOTSTRAP_NAMESPACES_FILE,
  BOOTSTRAP_SECRET_LABEL,
  bootstrapNamespaces,
  esoServedByNamespace,
  type HandedOverSecret,
  handsOverToVault,
  type KeycloakClientSecret,
  KSOPS_GENERATOR_FILE,
  keycloakClientSecrets,
  type LedgerRow,
  platformEsoPaths,
  type RequiredSecret,
  requiredBootstrapSecrets,
  SEALED_DIR,
  SEALED_ENCRYPTED_REGEX,
  SEED_PREFIX,
  SOPS_CONFIG_FILE,
  sealedFilePath,
  sealedManifest,
  sealedSecretTarget,
  servedByEso,
  VAULT_OIDC_PATH,
} from './bootstrap-secrets.js';
export {
  COMPONENTS,
  type ComponentKey,
  type ComponentSource,
  type ComponentSpec,
  componentList,
  getUpstreamChart,
  type LocalChart,
  type ManifestFolder,
  PHASE4_ORDER,
  type Phase,
  type UpstreamChart,
} from './components.js';
export { type DefinitionKind, defineNamespace, definePlatform, defineSecrets, getDefinitionKind } from './define.js';
export { DEFINITION_RULES, type DefinitionRule, rulesForDefinition, SCHEMA_RULES } from './definition-rules.js';
export { type DeletedNamespace, deletedNamespaces, deleteGuardIssues } from './delete-guard.js';
export {
  type ChangeKind,
  type DiffGroup,
  diffCounts,
  diffGenerations,
  type FileChange,
  type GenerationDiff,
  type GenerationFiles,
  type GroupRef,
  groupOf,
  isEmptyDiff,
  type ObjectChange,
  sourceOf,
  type VaultChange,
  vaultFileKind,
} from './diff/generation-diff.js';
export { diffFields, type FieldChange } from './diff/object-diff.js';
export {
  groupTitle,
  renderDiffMarkdown,
  renderDiffSummary,
  renderDiffText,
  summarizeDiff,
  VAULT_FLAG,
} from './diff/render-diff.js';
export {
  type Artifact,
  type FileSet,
  GENERATED_MARKER,
  type Generator,
  type GeneratorOutput,
  hasGeneratedHeader,
  headerFor,
  headerLine,
  isOwnedBy,
  isSafeOutputPath,
  mergeOutputs,
  type OutputFile,
  oncePerModel,
  renderFile,
  type SchemaTypes,
  yamlArtifact,
} from './file-set.js';
export { CURRENT_FORMAT_VERSION, checkFormatVersion, UNVERSIONED_FORMAT } from './format-version.js';
export type { NamespaceDefinition, NamespaceVault } from './generated/namespace.js';
export type {
  AgeRecipient,
  BootstrapSecret,
  ClusterDefinition,
  GitRepository,
  IdentityDefinition,
  PlatformDefinition,
  TeamDefinition,
  VaultDefinition,
} from './generated/platform.js';
export type { SecretRequest, SecretsDefinition } from './generated/secrets.js';
export {
  CAPABILITIES,
  type Capability,
  type HclAttribute,
  type HclBlock,
  type HclBody,
  HclEmitError,
  type HclValue,
  hclBody,
  hclString,
  type PolicyRule,
  policyToHcl,
} from './hcl.js';
export { oidcIssuer, type PlatformService, serviceHost } from './hostnames.js';
export { APP_OF_APPS_PROJECT } from './invariants/apps.js';
export { INVARIANT_SCOPES, type InvariantScope, invariantsFor } from './invariants/coverage.js';
export { checkInvariants, INVARIANTS, type Invariant } from './invariants/index.js';
export {
  compareStrings,
  type Excerpt,
  type FieldPath,
  formatFieldPath,
  hasErrors,
  type Issue,
  issue,
  PathConflictError,
  PlatformError,
  printable,
  type Severity,
  sortIssues,
} from './issues.js';
export { CLUSTER_SCOPED_KINDS, KINDS, type KindName } from './kinds.js';
export { ANNOTATIONS, LABEL_PREFIX, LABELS, MANAGED_BY, standardMetadata } from './labels.js';
export { chartValuesPath, ESO_SUBDIR, namespaceOutputDir, OUTPUT_DIRS } from './layout.js';
export { loadDefinitions, NAMESPACES_DIR, PLATFORM_FILE } from './load-definitions.js';
export { markdownCell, markdownCode } from './markdown.js';
export { DEFAULT_POD_SECURITY, DEFAULT_REFRESH_INTERVAL, type NamespaceModel, type PlatformModel } from './model.js';
export { getReservedReason, PLATFORM_NAMESPACES } from './names.js';
export { clientSecretEnv, KEYCLOAK_CLIENTS_SECRET, type OidcClient, oidcClients } from './oidc-clients.js';
export { allOwnedPrefixes, generateFileSet, loadModel, type PipelineResult, runPipeline } from './pipeline.js';
export { ingressTlsSecret, PLATFORM_SECRETS, type PlatformSecretRef } from './platform-secrets.js';
export {
  acquireRepoLock,
  holdsRepoLock,
  LOCK_FILE,
  type LockHolder,
  RepoLockedError,
  withRepoLock,
} from './repo-lock.js';
export { buildRepoView, type RepoObject, type RepoView, readRepoTexts } from './repo-view.js';
export { ENC_VALUE, plaintextValues, type SealedFileState, type SealedStatus, sealedStatus } from './sealed-state.js';
export {
  SECRET_DETECTORS,
  SECRET_SCAN_ALLOWLIST,
  type SecretFinding,
  type SecretKind,
  scanText,
  secretScanIssues,
} from './secret-scan.js';
export {
  DEFAULT_CONTAINER_LIMITS,
  DEFAULT_QUOTA,
  DEFAULT_VAULT_SERVER,
  ESO_SERVICE_ACCOUNT,
  esoVaultRoleName,
  MANAGED_VAULT_NAME_PREFIXES,
  PLATFORM_VAULT_PREFIX,
  SECRET_STORE_NAME,
} from './tenancy.js';
export { validateDefinitions } from './validate.js';
export { isUnderPrefix } from './vault-paths.js';
export { IMAGES } from './versions.js';
export {
  applyPlan,
  type Drift,
  formatDrift,
  planWrite,
  TEMP_DIR,
  type WritePlan,
  WriteRefusedError,
  writeFileAtomically,
} from './write-files.js';
export { toYaml, toYamlDocuments } from './yaml.js';
