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
export function serviceAccount(model: PlatformModel, namespace: string, source: string) {
  return {
    ...KINDS.ServiceAccount,
    metadata: { name: ESO_SERVICE_ACCOUNT, namespace, ...standardMetadata(model, source) },
    automountServiceAccountToken: false,
  };
}

export function serviceAccountArtifact(model: PlatformModel, ns: NamespaceModel): Artifact {
  return yamlArtifact(`${esoDir(ns.name)}service-account.yaml`, ns.dir, [serviceAccount(model, ns.name, ns.file)]);
}

export function secretStoreArtifact(model: PlatformModel, ns: NamespaceModel): Artifact {
  return yamlArtifact(`${esoDir(ns.name)}secret-store.yaml`, ns.dir, [secretStore(model, ns.name, ns.file)]);
}

/** The namespace's only SecretStore: Vault KV v2 at the mount, Kubernetes auth as the namespace's own role. */
export function secretStore(model: PlatformModel, namespace: string, source: string) {
  const vault = model.platform.vault;
  return {
    ...KINDS.SecretStore,
    metadata: { name: SECRET_STORE_NAME, namespace, ...standardMetadata(model, source) },
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
              role: esoVaultRoleName(namespace),
              serviceAccountRef: { name: ESO_SERVICE_ACCOUNT, audiences: [vault.audience] },
            },
          },
        },
      },
    },
  };
}

/** The remoteRef defaults the API server would add, written out so Argo CD shows the object in sync. */
const REMOTE_REF_DEFAULTS = {
  conversionStrategy: 'Default',
  decodingStrategy: 'None',
  metadataPolicy: 'None',
} as const;

export function externalSecretArtifact(model: PlatformModel, ns: NamespaceModel, secret: SecretRequest): Artifact {
  const source = ns.secretsFile ?? ns.dir;
  return yamlArtifact(`${esoDir(ns.name)}external-secret-${secret.name}.yaml`, source, [
    externalSecret(model, ns.name, source, secret),
  ]);
}

/** One key of the written Secret, read from one property of one Vault secret. */
export interface SecretEntry {
  readonly secretKey: string;
  readonly key: string;
  readonly property: string;
}

/** An ExternalSecret gathering properties of several Vault secrets into one Secret (e.g. Keycloak's client secrets). */
export function externalSecretFromEntries(
  model: PlatformModel,
  namespace: string,
  source: string,
  name: string,
  entries: readonly SecretEntry[],
) {
  return {
    ...KINDS.ExternalSecret,
    metadata: { name, namespace, ...standardMetadata(model, source) },
    spec: {
      refreshInterval: DEFAULT_REFRESH_INTERVAL,
      secretStoreRef: { kind: KINDS.SecretStore.kind, name: SECRET_STORE_NAME },
      target: { name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: entries.map((entry) => ({
        secretKey: entry.secretKey,
        remoteRef: { key: entry.key, property: entry.property, ...REMOTE_REF_DEFAULTS },
      })),
    },
  };
}

/** What the written Secret carries besides its data (type, labels). */
export interface SecretShape {
  readonly type?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** An ExternalSecret reading `secret.key` through the namespace's store, writing a Secret of `shape`. */
export function externalSecret(
  model: PlatformModel,
  namespace: string,
  source: string,
  secret: SecretRequest,
  shape?: SecretShape,
) {
  const fields =
    secret.properties === undefined
      ? { dataFrom: [{ extract: { key: secret.key, ...REMOTE_REF_DEFAULTS } }] }
      : {
          data: secret.properties.map((property) => ({
            secretKey: property,
            remoteRef: { key: secret.key, property, ...REMOTE_REF_DEFAULTS },
          })),
        };
  return {
    ...KINDS.ExternalSecret,
    metadata: { name: secret.name, namespace, ...standardMetadata(model, source) },
    spec: {
      refreshInterval: secret.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
      secretStoreRef: { kind: KINDS.SecretStore.kind, name: SECRET_STORE_NAME },
      target: {
        name: secret.name,
        // Owner: the Secret goes with its ExternalSecret. Retain: if Vault loses the value or is down,
        // the last good Secret stays (Vault failure domain: existing Secrets remain usable).
        creationPolicy: 'Owner',
        deletionPolicy: 'Retain',
        ...(shape === undefined ? {} : { template: secretTemplate(shape) }),
      },
      ...fields,
    },
  };
}

/** A template that only shapes the Secret (no template.data: every value passes through), with the API defaults. */
function secretTemplate(shape: SecretShape) {
  return {
    engineVersion: 'v2',
    mergePolicy: 'Replace',
    ...(shape.type === undefined ? {} : { type: shape.type }),
    ...(shape.labels === undefined ? {} : { metadata: { labels: { ...shape.labels } } }),
  };
}
