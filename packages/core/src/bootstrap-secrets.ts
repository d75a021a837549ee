/**
 * The bootstrap secret inventory (platform definition `bootstrapSecrets`) and the phase model's secret
 * authority (RFC-SECOPS-0001 §3.3): where each sealed file lives, which Kubernetes Secret it holds, who is
 * authoritative for each secret in each phase. Generators, validation, the checker, `platform-gen seal`,
 * `secrets` and `bootstrap` all read these, so the names can never drift apart.
 */
import { COMPONENTS, type Phase } from './components.js';
import type { BootstrapSecret, PlatformDefinition } from './generated/platform.js';
import { compareStrings } from './issues.js';
import type { PlatformModel } from './model.js';
import { PLATFORM_NAMESPACES } from './names.js';
import { clientSecretEnv, KEYCLOAK_CLIENTS_SECRET, type OidcClient, oidcClients } from './oidc-clients.js';
import { PLATFORM_SECRETS, type PlatformSecretRef } from './platform-secrets.js';

/** Folder the bootstrap-secrets Application renders (phase 2). */
export const BOOTSTRAP_DIR = `${COMPONENTS.bootstrapSecrets.source.path}/`;
/** Sealed files: written by `platform-gen seal`, never by `generate` (their values never pass through it). */
export const SEALED_DIR = `${BOOTSTRAP_DIR}secrets/`;
/** The KSOPS generator and the kustomization that uses it. */
export const KSOPS_GENERATOR_FILE = `${BOOTSTRAP_DIR}ksops.yaml`;
export const BOOTSTRAP_KUSTOMIZATION = `${BOOTSTRAP_DIR}kustomization.yaml`;
export const BOOTSTRAP_NAMESPACES_FILE = `${BOOTSTRAP_DIR}namespaces.yaml`;
/** `.sops.yaml` at the repository root: what the real `sops` CLI encrypts with (encryption only). */
export const SOPS_CONFIG_FILE = '.sops.yaml';
/** The one encryption rule of every sealed file: only Secret values; names and labels stay reviewable. */
export const SEALED_ENCRYPTED_REGEX = '^(data|stringData)$';
/** Seeds of secrets handed over to Vault live in Vault's namespace under this prefix, for the handover Job only. */
export const SEED_PREFIX = 'bootstrap-';
/** Label on every sealed Secret naming its inventory entry. */
export const BOOTSTRAP_SECRET_LABEL = 'platform-gen.io/bootstrap-secret';

/** Repository-relative path of a secret's sealed file. */
export function sealedFilePath(name: string): string {
  return `${SEALED_DIR}${name}.sops.yaml`;
}

/** A bootstrap secret handed over to Vault at `handover.path`. */
export type HandedOverSecret = BootstrapSecret & { handover: { to: 'vault'; path: string } };

export function handsOverToVault(secret: BootstrapSecret): secret is HandedOverSecret {
  return secret.handover.to === 'vault';
}

/**
 * The Kubernetes Secret a sealed file holds. Without handover it is the consumer's own Secret. With a
 * handover it is a seed in Vault's namespace, read only by the handover Job: the consumer's Secret is then
 * written by ESO from Vault (phase 4), so Git and Vault never both write the same Secret.
 */
export function sealedSecretTarget(secret: BootstrapSecret): { name: string; namespace: string } {
  return handsOverToVault(secret)
    ? { name: `${SEED_PREFIX}${secret.name}`, namespace: PLATFORM_NAMESPACES.vault }
    : { name: secret.name, namespace: secret.namespace };
}

/** True when ESO materializes the consumer's Secret from Vault in phase 4 (handover, read in phase 4). */
export function servedByEso(secret: BootstrapSecret): secret is HandedOverSecret {
  return handsOverToVault(secret) && secret.phase === 4;
}

/**
 * The plaintext manifest `platform-gen seal` encrypts: clear-text metadata, values under `stringData`.
 * `values` never leave the process except encrypted.
 */
export function sealedManifest(
  platform: PlatformDefinition,
  platformFile: string,
  secret: BootstrapSecret,
  values: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const target = sealedSecretTarget(secret);
  const labels = {
    'app.kubernetes.io/managed-by': 'platform-gen',
    'app.kubernetes.io/part-of': platform.name,
    [BOOTSTRAP_SECRET_LABEL]: secret.name,
    ...(handsOverToVault(secret) ? {} : (secret.labels ?? {})),
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: target.name,
      namespace: target.namespace,
      labels,
      annotations: { 'platform-gen.io/source': platformFile },
    },
    type: handsOverToVault(secret) ? 'Opaque' : (secret.type ?? 'Opaque'),
    stringData: Object.fromEntries(secret.keys.map((key) => [key, values[key] ?? ''])),
  };
}

/** Platform namespace → its handed-over secrets ESO serves there (phase 4), sorted by namespace. */
export function esoServedByNamespace(platform: PlatformDefinition): [string, HandedOverSecret[]][] {
  const byNamespace = new Map<string, HandedOverSecret[]>();
  for (const secret of platform.bootstrapSecrets.filter(servedByEso)) {
    byNamespace.set(secret.namespace, [...(byNamespace.get(secret.namespace) ?? []), secret]);
  }
  return [...byNamespace.entries()].sort(([a], [b]) => compareStrings(a, b));
}

/** Namespaces the bootstrap Application creates: where sealed Secrets and ESO-served Secrets land, but Argo CD's. */
export function bootstrapNamespaces(platform: PlatformDefinition): string[] {
  const namespaces = new Set<string>();
  for (const secret of platform.bootstrapSecrets) {
    namespaces.add(sealedSecretTarget(secret).namespace);
    if (servedByEso(secret)) namespaces.add(secret.namespace);
  }
  namespaces.delete(PLATFORM_NAMESPACES.argocd);
  return [...namespaces].sort();
}

/** Who is authoritative for a secret in a phase (RFC-SECOPS-0001 §3.3). Kubernetes never is. */
export type Authority = 'offline root' | 'Git (SOPS)' | 'Vault';

export interface LedgerRow {
  readonly secret: string;
  readonly namespace: string;
  readonly consumer: string;
  readonly suppliedBy: string;
  /** Authority in phases 0..4. */
  readonly authority: readonly [Authority, Authority, Authority, Authority, Authority];
  /** Where the value lives in Kubernetes (copies, never authoritative). */
  readonly copies: readonly string[];
  /** How authority moves, in one line. */
  readonly handover: string;
}

/** The authority ledger: per secret, its one authority in each phase. */
export function authorityLedger(platform: PlatformDefinition): LedgerRow[] {
  const { kvMount } = platform.vault;
  const ageKey: LedgerRow = {
    secret: PLATFORM_SECRETS.sopsAge.name,
    namespace: PLATFORM_SECRETS.sopsAge.namespace,
    consumer: PLATFORM_SECRETS.sopsAge.consumer,
    suppliedBy: 'platform-gen bootstrap --age-key, from the cluster identity held offline',
    authority: ['offline root', 'offline root', 'offline root', 'offline root', 'offline root'],
    copies: [`Secret ${PLATFORM_SECRETS.sopsAge.namespace}/${PLATFORM_SECRETS.sopsAge.name}`],
    handover: 'never: it decrypts Git, so neither Git nor Vault can hold it',
  };
  const rows = platform.bootstrapSecrets.map((secret): LedgerRow => {
    const target = sealedSecretTarget(secret);
    const before = (phase: Phase): Authority => (phase === 0 ? 'offline root' : 'Git (SOPS)');
    const vault = handsOverToVault(secret);
    const authority = ([0, 1, 2, 3, 4] as const).map((phase): Authority => {
      if (phase >= 3 && vault) return 'Vault';
      return before(phase);
    }) as unknown as LedgerRow['authority'];
    const copies = [`Secret ${target.namespace}/${target.name} (from ${sealedFilePath(secret.name)})`];
    if (servedByEso(secret)) copies.push(`Secret ${secret.namespace}/${secret.name} (ExternalSecret, from Vault)`);
    const client = keycloakClientSecrets(platform).find((c) => c.client.secret?.ref.name === secret.name);
    if (client !== undefined) {
      copies.push(
        `Secret ${PLATFORM_NAMESPACES.keycloak}/${KEYCLOAK_CLIENTS_SECRET} key ${clientSecretEnv(client.client)} (ExternalSecret, from Vault)`,
      );
    }
    return {
      secret: secret.name,
      namespace: secret.namespace,
      consumer: secret.consumer,
      suppliedBy: secret.suppliedBy,
      authority,
      copies,
      handover: vault
        ? `phase 3: copied once into ${kvMount}/${secret.handover.path} if absent; never overwritten from Git, never copied back`
        : `never: ${secret.handover.to === 'none' ? secret.handover.reason : ''}`,
    };
  });
  return [ageKey, ...rows];
}

/** A Secret a component reads, with the phase its consumer first needs it in. */
export interface RequiredSecret {
  readonly ref: PlatformSecretRef;
  readonly phase: Phase;
  /** Only Vault's own configurer reads it, straight from Vault (no Kubernetes Secret after the handover). */
  readonly vaultOnly?: { readonly path: string };
}

/** Vault's OIDC client secret: the configurer reads it from Vault (`<kv>/platform/oidc/vault`) to enable human login. */
export const VAULT_OIDC_PATH = 'platform/oidc/vault';

/**
 * Secrets the generated components read that no controller creates: each must be in the inventory.
 * Depends on settings: Vault's TLS only over https, the transit token only with the transit seal.
 */
export function requiredBootstrapSecrets(platform: PlatformDefinition): RequiredSecret[] {
  const server = platform.vault.server ?? 'https://';
  const required: RequiredSecret[] = [
    { ref: PLATFORM_SECRETS.keycloakAdmin, phase: COMPONENTS.keycloak.phase },
    { ref: PLATFORM_SECRETS.keycloakDatabase, phase: COMPONENTS.keycloak.phase },
    { ref: PLATFORM_SECRETS.grafanaAdmin, phase: COMPONENTS.grafana.phase },
    { ref: PLATFORM_SECRETS.grafanaOidc, phase: COMPONENTS.grafana.phase },
    { ref: PLATFORM_SECRETS.backstageOidc, phase: COMPONENTS.backstage.phase },
    { ref: PLATFORM_SECRETS.vaultOidc, phase: COMPONENTS.vaultConfig.phase, vaultOnly: { path: VAULT_OIDC_PATH } },
  ];
  if (server.startsWith('https://')) required.push({ ref: PLATFORM_SECRETS.vaultTls, phase: COMPONENTS.vault.phase });
  if (platform.vault.seal.type === 'transit') {
    required.push({ ref: PLATFORM_SECRETS.vaultTransitToken, phase: COMPONENTS.vault.phase });
  }
  return required;
}

/** A confidential OIDC client's secret as keycloak-config-cli reads it: from Vault, at the handover path. */
export interface KeycloakClientSecret {
  readonly client: OidcClient;
  readonly path: string;
  readonly key: string;
}

/**
 * Keycloak must know each confidential client's secret too: ESO reads it from Vault (where the handover put
 * it) into one Secret in Keycloak's namespace. Clients whose secret is not handed over are left out
 * (validation refuses that).
 */
export function keycloakClientSecrets(platform: PlatformDefinition): KeycloakClientSecret[] {
  const found: KeycloakClientSecret[] = [];
  for (const client of oidcClients(platform)) {
    if (client.secret === undefined) continue;
    const declared = platform.bootstrapSecrets.find((s) => s.name === client.secret?.ref.name);
    if (declared === undefined || !handsOverToVault(declared)) continue;
    found.push({ client, path: declared.handover.path, key: client.secret.key });
  }
  return found;
}

/**
 * Every platform namespace with its own SecretStore, and the exact Vault paths its ESO role reads: the
 * handed-over secrets served there, and for Keycloak's namespace the confidential clients' secrets.
 */
export function platformEsoPaths(platform: PlatformDefinition): [string, string[]][] {
  const paths = new Map<string, Set<string>>();
  const add = (ns: string, path: string) => paths.set(ns, (paths.get(ns) ?? new Set()).add(path));
  for (const [ns, secrets] of esoServedByNamespace(platform)) for (const s of secrets) add(ns, s.handover.path);
  for (const { path } of keycloakClientSecrets(platform)) add(PLATFORM_NAMESPACES.keycloak, path);
  return [...paths.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([ns, set]) => [ns, [...set].sort()]);
}

/** What a namespace's ESO role may read: a tenant's approved prefixes (and below), or exact paths. */
export interface ApprovedVaultPaths {
  readonly paths: readonly string[];
  /** True for a platform namespace: exactly its handed-over paths, nothing below them. */
  readonly exact: boolean;
}

/**
 * Vault paths each namespace's ESO role may read: a tenant's approved prefixes, and for a platform
 * namespace exactly the paths its bootstrap secrets were handed over to. ISO-1 and ISO-2 check against it.
 */
export function approvedVaultPaths(model: PlatformModel): Map<string, ApprovedVaultPaths> {
  return new Map<string, ApprovedVaultPaths>([
    ...platformEsoPaths(model.platform).map(([ns, paths]) => [ns, { paths, exact: true }] as const),
    ...model.namespaces.map((ns) => [ns.name, { paths: ns.definition.vault.approvedPrefixes, exact: false }] as const),
  ]);
}
