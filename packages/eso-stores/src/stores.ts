/**
 * A namespace's External Secrets wiring: its own ESO ServiceAccount, its only SecretStore, and one
 * ExternalSecret per secret the team requested.
 */
import {
  type Artifact,
  DEFAULT_REFRESH_INTERVAL,
  DEFAULT_VAULT_SERVER,
  ESO_SERVICE_ACCOUNT,
  ESO_SUBDIR,
  esoVaultRoleName,
  KINDS,
  type NamespaceModel,
  namespaceOutputDir,
  type PlatformModel,
  SECRET_STORE_NAME,
  type SecretRequest,
  standardMetadata,
  yamlArtifact,
} from '@platform-gen/core';

export function esoDir(namespace: string): string {
  return `${namespaceOutputDir(namespace)}${ESO_SUBDIR}`;
}

/** The ServiceAccount ESO requests short-lived Vault-audience tokens for; it mounts none itself. */
export function serviceAccountArtifact(model: PlatformModel, ns: NamespaceModel): Artifact {
  const account = {
    ...KINDS.ServiceAccount,
    metadata: { name: ESO_SERVICE_ACCOUNT, namespace: ns.name, ...standardMetadata(model, ns.file) },
    automountServiceAccountToken: false,
  };
  return yamlArtifact(`${esoDir(ns.name)}service-account.yaml`, ns.dir, [account]);
}

/** The namespace's only SecretStore: Vault KV v2 at the mount, Kubernetes auth as the namespace's own role. */
export function secretStoreArtifact(model: PlatformModel, ns: NamespaceModel): Artifact {
  const vault = model.platform.vault;
  const store = {
    ...KINDS.SecretStore,
    metadata: { name: SECRET_STORE_NAME, namespace: ns.name, ...standardMetadata(model, ns.file) },
    spec: {
      provider: {
        vault: {
          server: vault.server ?? DEFAULT_VAULT_SERVER,
          // The mount only: ESO inserts data/ for KV v2 itself.
          path: vault.kvMount,
          version: 'v2',
          ...(vault.caBundle === undefined ? {} : { caBundle: vault.caBundle }),
          auth: {
            kubernetes: {
              mountPath: vault.kubernetesAuthMount,
              role: esoVaultRoleName(ns.name),
              serviceAccountRef: { name: ESO_SERVICE_ACCOUNT, audiences: [vault.audience] },
            },
          },
        },
      },
    },
  };
  return yamlArtifact(`${esoDir(ns.name)}secret-store.yaml`, ns.dir, [store]);
}

/** The remoteRef defaults the API server would add, written out so Argo CD shows the object in sync. */
const REMOTE_REF_DEFAULTS = {
  conversionStrategy: 'Default',
  decodingStrategy: 'None',
  metadataPolicy: 'None',
} as const;

export function externalSecretArtifact(model: PlatformModel, ns: NamespaceModel, secret: SecretRequest): Artifact {
  const source = ns.secretsFile ?? ns.dir;
  const fields =
    secret.properties === undefined
      ? { dataFrom: [{ extract: { key: secret.key, ...REMOTE_REF_DEFAULTS } }] }
      : {
          data: secret.properties.map((property) => ({
            secretKey: property,
            remoteRef: { key: secret.key, property, ...REMOTE_REF_DEFAULTS },
          })),
        };
  const externalSecret = {
    ...KINDS.ExternalSecret,
    metadata: { name: secret.name, namespace: ns.name, ...standardMetadata(model, source) },
    spec: {
      refreshInterval: secret.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
      secretStoreRef: { kind: KINDS.SecretStore.kind, name: SECRET_STORE_NAME },
      target: {
        name: secret.name,
        // Owner: the Secret goes with its ExternalSecret. Retain: if Vault loses the value or is down,
        // the last good Secret stays (Vault failure domain: existing Secrets remain usable).
        creationPolicy: 'Owner',
        deletionPolicy: 'Retain',
      },
      ...fields,
    },
  };
  return yamlArtifact(`${esoDir(ns.name)}external-secret-${secret.name}.yaml`, source, [externalSecret]);
}
