/**
 * Container images platform-gen's own Jobs run, pinned in one place. Chart versions join them with the
 * charts generator (issue #6).
 */
export const IMAGES = {
  /** The official Vault image: its CLI runs the init and configurer Jobs. Matches vault-helm 0.34.1's default. */
  vault: 'hashicorp/vault:2.0.4',
} as const;
