/**
 * Fixtures for tests across the workspace (`@platform-gen/core/testing`), so a schema change is one edit
 * here instead of one in every test.
 */
import type { VaultDefinition } from './generated/platform.js';

/** Shaped like a base64 public PGP key; not a real key. */
export const TEST_RECOVERY_KEY = 'QUFB'.repeat(30);

export const TEST_VAULT: VaultDefinition = {
  kvMount: 'secret',
  kubernetesAuthMount: 'kubernetes',
  audience: 'vault',
  seal: { type: 'awskms', region: 'eu-central-1', kmsKeyId: 'alias/test-vault-unseal' },
  recovery: { pgpKeys: [TEST_RECOVERY_KEY], threshold: 1 },
};
