/**
 * Fixtures for tests across the workspace (`@platform-gen/core/testing`), so a schema change is one edit
 * here instead of one in every test.
 */
import { fileURLToPath } from 'node:url';
import { requiredBootstrapSecrets } from './bootstrap-secrets.js';
import type { BootstrapSecret, PlatformDefinition, VaultDefinition } from './generated/platform.js';
import { loadDefinitions } from './load-definitions.js';
import type { PlatformModel } from './model.js';
import { validateDefinitions } from './validate.js';

/** Root of this workspace, which holds the example platform. */
export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The example platform's model, loaded and validated; throws with the issues if the example is invalid. */
export async function loadExampleModel(): Promise<PlatformModel> {
  const validated = validateDefinitions(await loadDefinitions(WORKSPACE_ROOT));
  if (validated.model === undefined || validated.issues.length > 0) {
    throw new Error(`the example definitions are invalid:\n${validated.issues.map((i) => i.message).join('\n')}`);
  }
  return validated.model;
}

/** Shaped like a base64 public PGP key; not a real key. */
export const TEST_RECOVERY_KEY = 'QUFB'.repeat(30);

export const TEST_VAULT: VaultDefinition = {
  kvMount: 'secret',
  kubernetesAuthMount: 'kubernetes',
  audience: 'vault',
  seal: { type: 'awskms', region: 'eu-central-1', kmsKeyId: 'alias/test-vault-unseal' },
  recovery: { pgpKeys: [TEST_RECOVERY_KEY], threshold: 1 },
};

/** A throwaway age recipient for tests (its identity was never kept); platforms in tests seal nothing with it. */
export const TEST_SOPS: PlatformDefinition['sops'] = {
  recipients: [
    {
      name: 'offline-recovery',
      recipient: 'age1pe80l2vujw33mv0pkt8wwkgra406yg68w0lmr9aaf7wmyz5czvqsql9836',
      holder: 'tests',
    },
  ],
};

/**
 * An inventory declaring exactly what `requiredBootstrapSecrets` asks of a platform with TEST_VAULT: phase 4
 * secrets handed over to Vault, earlier ones kept in Git. Tests that never seal still validate with it.
 */
export const TEST_BOOTSTRAP_SECRETS: PlatformDefinition['bootstrapSecrets'] = requiredBootstrapSecrets({
  vault: TEST_VAULT,
} as PlatformDefinition).map((required) => ({
  name: required.ref.name,
  namespace: required.ref.namespace,
  keys: [...required.ref.keys] as [string, ...string[]],
  phase: required.phase,
  consumer: required.ref.consumer,
  suppliedBy: 'tests',
  handover:
    required.vaultOnly !== undefined
      ? { to: 'vault' as const, path: required.vaultOnly.path }
      : required.phase === 4
        ? { to: 'vault' as const, path: `platform/${required.ref.namespace}/${required.ref.name}` }
        : { to: 'none' as const, reason: 'read before Vault exists' },
}));

/** A complete, valid platform definition for tests that build models by hand (no file behind it). */
export const TEST_PLATFORM: PlatformDefinition = {
  formatVersion: 2,
  name: 'example',
  domain: 'platform.example.com',
  git: { repoURL: 'https://git.example.com/platform.git', targetRevision: 'main' },
  cluster: { name: 'in-cluster', server: 'https://kubernetes.default.svc', kubeVersion: '1.33.0' },
  identity: { realm: 'platform', adminGroup: 'platform-admins', auditorGroup: 'platform-auditors' },
  vault: TEST_VAULT,
  sops: TEST_SOPS,
  bootstrapSecrets: TEST_BOOTSTRAP_SECRETS,
  teams: [{ name: 'payments', group: 'team-payments' }],
};

/** Two age recipients whose identities nobody kept (the example's), for tests that compare recipient sets. */
export const TEST_RECIPIENTS = {
  alice: 'age1pe80l2vujw33mv0pkt8wwkgra406yg68w0lmr9aaf7wmyz5czvqsql9836',
  bob: 'age1cpaelldkrvahhu255m2psfjfxzuv6w28puuy47ccpzvtkua005zsxtx5hq',
} as const;

/** A bootstrap secret kept in Git (sealed as the consumer's own Secret). */
export const TEST_DIRECT_SECRET: BootstrapSecret = {
  name: 'argocd-oidc',
  namespace: 'argocd',
  keys: ['clientSecret'],
  phase: 1,
  consumer: 'argocd-server',
  suppliedBy: 'tests',
  handover: { to: 'none', reason: 'Argo CD has no Vault identity' },
};

/** A bootstrap secret handed over to Vault (sealed as a seed in Vault's namespace). */
export const TEST_SEED_SECRET: BootstrapSecret = {
  name: 'keycloak-admin',
  namespace: 'keycloak',
  keys: ['username', 'password'],
  phase: 4,
  consumer: 'keycloak',
  suppliedBy: 'tests',
  handover: { to: 'vault', path: 'platform/keycloak/admin' },
};

/** A value shaped as SOPS encrypts it (AES-256-GCM data, 32-byte IV, 16-byte tag, type); nothing decrypts it. */
export function testEncValue(data: string, type = 'str'): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64('i'.repeat(32))},tag:${b64('t'.repeat(16))},type:${type}]`;
}
