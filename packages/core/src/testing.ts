/**
 * Fixtures for tests across the workspace (`@platform-gen/core/testing`), so a schema change is one edit
 * here instead of one in every test.
 */
import { fileURLToPath } from 'node:url';
import type { VaultDefinition } from './generated/platform.js';
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
