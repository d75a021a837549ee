/**
 * Container images platform-gen's own Jobs and wiring run, pinned in one place (chart versions are in
 * components.ts).
 */
export const IMAGES = {
  /** The official Vault image: its CLI runs the init and configurer Jobs. Matches vault-helm 0.34.1's default. */
  vault: 'hashicorp/vault:2.0.4',
  /** KSOPS, copied into Argo CD's repo-server by an init container (kustomize exec plugin). */
  ksops: 'viaductoss/ksops:v4.5.1',
  /** keycloak-config-cli 6.5.0, built against Keycloak 26.5.5 (the tag names both). */
  keycloakConfigCli: { repository: 'docker.io/adorsys/keycloak-config-cli', tag: '6.5.0-26.5.5' },
} as const;
