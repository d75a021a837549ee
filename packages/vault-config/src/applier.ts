/**
 * Packages Vault's configuration for Argo CD: a kustomization in kubernetes/vault-config/ whose
 * ConfigMap holds the reviewable policy and role files and the scripts, and two Sync-hook Jobs running
 * the official Vault CLI: init (wave 1, does something once per cluster) and configure (wave 2, every
 * sync). They are not PreSync hooks: their ServiceAccount and ConfigMaps (wave 0) must exist first.
 */
import {
  type Artifact,
  DEFAULT_VAULT_SERVER,
  handsOverToVault,
  IMAGES,
  KINDS,
  LABELS,
  MANAGED_BY,
  OUTPUT_DIRS,
  oidcIssuer,
  PLATFORM_NAMESPACES,
  type PlatformModel,
  policyToHcl,
  sealedSecretTarget,
  standardMetadata,
  yamlArtifact,
} from '@platform-gen/core';
import type { NamedPolicy } from './policies.js';
import { CONFIGURER_SERVICE_ACCOUNT, type NamedRole, oidcRole } from './roles.js';
import { CONFIGURE_SCRIPT, INIT_SCRIPT } from './scripts.js';

export const VAULT_CONFIG_DIR = OUTPUT_DIRS.vaultConfig;
const FILES = `${VAULT_CONFIG_DIR}files/`;
const CONFIG_MAP = 'vault-config-files';
const RECOVERY_KEYS_MAP = 'vault-recovery-keys';

export function policyFile(policy: NamedPolicy): Artifact {
  return {
    path: `${FILES}policy-${policy.name}.hcl`,
    source: policy.source,
    content: policyToHcl(policy.rules),
    documents: [{ name: policy.name, rules: policy.rules }],
  };
}

export function roleFile(role: NamedRole): Artifact {
  return {
    path: `${FILES}role-${role.name}.json`,
    source: role.source,
    content: `${JSON.stringify(role.role, null, 2)}\n`,
    documents: [{ name: role.name, role: role.role }],
  };
}

interface ApplierInput {
  readonly model: PlatformModel;
  readonly policies: readonly NamedPolicy[];
  readonly roles: readonly NamedRole[];
}

/** Everything under kubernetes/vault-config/ besides the policy and role files. */
export function applierArtifacts({ model, policies, roles }: ApplierInput): Artifact[] {
  const source = model.platformFile;
  const { platform } = model;
  const groups = [
    { group: platform.identity.adminGroup, policy: 'platform-admin' },
    { group: platform.identity.auditorGroup, policy: 'platform-auditor' },
  ];
  const caFile = platform.vault.caBundle === undefined ? [] : ['vault-ca.crt'];
  const seeds: Seed[] = platform.bootstrapSecrets.filter(handsOverToVault).map((secret) => ({
    name: secret.name,
    secret: sealedSecretTarget(secret).name,
    path: secret.handover.path,
  }));
  const files = [
    'init.sh',
    'configure.sh',
    'oidc-role-default.json',
    ...caFile,
    ...policies.map((p) => `policy-${p.name}.hcl`),
    ...roles.map((r) => `role-${r.name}.json`),
    ...groups.map((g) => `group-${g.group}.policies`),
    ...seeds.map((seed) => `handover-${seed.name}.path`),
  ];
  const artifacts: Artifact[] = [
    { path: `${FILES}init.sh`, source, content: INIT_SCRIPT },
    { path: `${FILES}configure.sh`, source, content: CONFIGURE_SCRIPT },
    { path: `${FILES}oidc-role-default.json`, source, content: `${JSON.stringify(oidcRole(model), null, 2)}\n` },
    ...groups.map((g) => ({ path: `${FILES}group-${g.group}.policies`, source, content: `${g.policy}\n` })),
    // The handover target of each seed, one path per file (the script reads it; the seed's keys are its files).
    ...seeds.map((seed) => ({ path: `${FILES}handover-${seed.name}.path`, source, content: `${seed.path}\n` })),
  ];
  if (platform.vault.caBundle !== undefined) {
    artifacts.push({
      path: `${FILES}vault-ca.crt`,
      source,
      content: Buffer.from(platform.vault.caBundle, 'base64').toString('utf8'),
    });
  }

  const kustomization = {
    ...KINDS.Kustomization,
    namespace: PLATFORM_NAMESPACES.vault,
    resources: ['service-account.yaml', 'recovery-keys.yaml', 'init-job.yaml', 'configure-job.yaml'],
    configMapGenerator: [{ name: CONFIG_MAP, files: files.map((f) => `files/${f}`) }],
  };
  artifacts.push(yamlArtifact(`${VAULT_CONFIG_DIR}kustomization.yaml`, source, [kustomization]));

  const meta = (name: string) => ({ name, namespace: PLATFORM_NAMESPACES.vault, ...standardMetadata(model, source) });
  artifacts.push(
    yamlArtifact(`${VAULT_CONFIG_DIR}service-account.yaml`, source, [
      { ...KINDS.ServiceAccount, metadata: meta(CONFIGURER_SERVICE_ACCOUNT), automountServiceAccountToken: false },
    ]),
  );
  // Public keys only; Vault encrypts each recovery share to one of them at init.
  const binaryData = Object.fromEntries(platform.vault.recovery.pgpKeys.map((key, i) => [`key-${i + 1}.gpg`, key]));
  artifacts.push(
    yamlArtifact(`${VAULT_CONFIG_DIR}recovery-keys.yaml`, source, [
      { ...KINDS.ConfigMap, metadata: meta(RECOVERY_KEYS_MAP), binaryData },
    ]),
  );

  const env = [
    { name: 'VAULT_ADDR', value: platform.vault.server ?? DEFAULT_VAULT_SERVER },
    ...(platform.vault.caBundle === undefined ? [] : [{ name: 'VAULT_CACERT', value: '/config/vault-ca.crt' }]),
    { name: 'KV_MOUNT', value: platform.vault.kvMount },
    { name: 'K8S_AUTH_MOUNT', value: platform.vault.kubernetesAuthMount },
    { name: 'OIDC_DISCOVERY_URL', value: oidcIssuer(platform) },
  ];
  const recovery = platform.vault.recovery;
  const initEnv = [
    ...env,
    { name: 'RECOVERY_SHARES', value: String(recovery.pgpKeys.length) },
    { name: 'RECOVERY_THRESHOLD', value: String(recovery.threshold) },
    { name: 'RECOVERY_KEYS', value: recovery.pgpKeys.map((_, i) => `/recovery/key-${i + 1}.gpg`).join(',') },
  ];
  artifacts.push(
    yamlArtifact(`${VAULT_CONFIG_DIR}init-job.yaml`, source, [
      hookJob(model, 'vault-init', 1, 'init.sh', initEnv, true, []),
    ]),
    yamlArtifact(`${VAULT_CONFIG_DIR}configure-job.yaml`, source, [
      hookJob(model, 'vault-configure', 2, 'configure.sh', env, false, seeds),
    ]),
  );
  return artifacts;
}

/** A bootstrap seed the configurer copies into Vault at `path` (phase 3 handover). */
interface Seed {
  /** Inventory name: the mount point /seeds/<name>. */
  readonly name: string;
  /** The seed Secret in Vault's namespace, decrypted by KSOPS from kubernetes/bootstrap/secrets/<name>.sops.yaml. */
  readonly secret: string;
  readonly path: string;
}

/** Seeds are readable by the Job's group only (fsGroup), as files: values never pass through env or argv. */
const SEED_FILE_MODE = 0o440;

function hookJob(
  model: PlatformModel,
  name: string,
  /** Both Jobs are Sync hooks: after the ServiceAccount and ConfigMaps they use (wave 0), init before configure. */
  wave: 1 | 2,
  script: string,
  env: readonly { name: string; value: string }[],
  withRecoveryKeys: boolean,
  seeds: readonly Seed[],
) {
  const meta = standardMetadata(model, model.platformFile);
  return {
    ...KINDS.Job,
    metadata: {
      name,
      namespace: PLATFORM_NAMESPACES.vault,
      labels: meta.labels,
      annotations: {
        ...meta.annotations,
        'argocd.argoproj.io/hook': 'Sync',
        'argocd.argoproj.io/sync-wave': String(wave),
        // Re-created on every sync (a Job's spec is immutable); kept until then for its logs.
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      },
    },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 1800,
      template: {
        metadata: { labels: { [LABELS.managedBy]: MANAGED_BY, 'app.kubernetes.io/name': name } },
        spec: {
          serviceAccountName: CONFIGURER_SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          restartPolicy: 'Never',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 100,
            runAsGroup: 1000,
            ...(seeds.length > 0 ? { fsGroup: 1000 } : {}),
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name,
              image: IMAGES.vault,
              command: ['/bin/sh', `/config/${script}`],
              env,
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              resources: {
                requests: { cpu: '50m', memory: '64Mi' },
                limits: { cpu: '500m', memory: '256Mi' },
              },
              volumeMounts: [
                { name: 'config', mountPath: '/config', readOnly: true },
                { name: 'token', mountPath: '/var/run/secrets/vault', readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
                ...(withRecoveryKeys ? [{ name: 'recovery-keys', mountPath: '/recovery', readOnly: true }] : []),
                ...seeds.map((seed) => ({
                  name: `seed-${seed.name}`,
                  mountPath: `/seeds/${seed.name}`,
                  readOnly: true,
                })),
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: CONFIG_MAP } },
            {
              name: 'token',
              projected: {
                sources: [
                  {
                    serviceAccountToken: {
                      audience: model.platform.vault.audience,
                      expirationSeconds: 600,
                      path: 'token',
                    },
                  },
                ],
              },
            },
            // The root token passes through /tmp during init: memory only, never a disk.
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
            ...(withRecoveryKeys ? [{ name: 'recovery-keys', configMap: { name: RECOVERY_KEYS_MAP } }] : []),
            ...seeds.map((seed) => ({
              name: `seed-${seed.name}`,
              secret: { secretName: seed.secret, defaultMode: SEED_FILE_MODE },
            })),
          ],
        },
      },
    },
  };
}
