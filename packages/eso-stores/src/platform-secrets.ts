/**
 * The platform's own Secrets after the handover (phase 4): for each platform namespace whose bootstrap
 * secrets were handed over to Vault, its own ESO ServiceAccount and SecretStore, and one ExternalSecret per
 * secret writing the Secret its consumer reads. One file per namespace under kubernetes/platform-secrets/,
 * listed by a kustomization (empty when nothing is handed over), rendered by the platform-secrets Application.
 */
import {
  type Artifact,
  COMPONENTS,
  clientSecretEnv,
  esoServedByNamespace,
  KEYCLOAK_CLIENTS_SECRET,
  KINDS,
  keycloakClientSecrets,
  PLATFORM_NAMESPACES,
  type PlatformModel,
  platformEsoPaths,
  yamlArtifact,
} from '@platform-gen/core';
import { externalSecret, externalSecretFromEntries, secretStore, serviceAccount } from './stores.js';

export const PLATFORM_SECRETS_DIR = `${COMPONENTS.platformSecrets.source.path}/`;

export function platformSecretsArtifacts(model: PlatformModel): Artifact[] {
  const source = model.platformFile;
  const served = new Map(esoServedByNamespace(model.platform));
  const clients = keycloakClientSecrets(model.platform);
  const namespaces = platformEsoPaths(model.platform).map(([namespace]) => namespace);
  const files = namespaces.map((namespace) =>
    yamlArtifact(`${PLATFORM_SECRETS_DIR}${namespace}.yaml`, source, [
      serviceAccount(model, namespace, source),
      secretStore(model, namespace, source),
      ...(served.get(namespace) ?? []).map((secret) =>
        externalSecret(
          model,
          namespace,
          source,
          { name: secret.name, key: secret.handover.path },
          secret.type === undefined && secret.labels === undefined
            ? undefined
            : {
                ...(secret.type === undefined ? {} : { type: secret.type }),
                ...(secret.labels === undefined ? {} : { labels: secret.labels }),
              },
        ),
      ),
      // keycloak-config-cli sets each confidential client's secret from this Secret ($(env:<CLIENT>_CLIENT_SECRET)).
      ...(namespace === PLATFORM_NAMESPACES.keycloak && clients.length > 0
        ? [
            externalSecretFromEntries(
              model,
              namespace,
              source,
              KEYCLOAK_CLIENTS_SECRET,
              clients.map((c) => ({ secretKey: clientSecretEnv(c.client), key: c.path, property: c.key })),
            ),
          ]
        : []),
    ]),
  );
  const kustomization = yamlArtifact(`${PLATFORM_SECRETS_DIR}kustomization.yaml`, source, [
    { ...KINDS.Kustomization, resources: namespaces.map((namespace) => `${namespace}.yaml`) },
  ]);
  return [kustomization, ...files];
}
