/**
 * The platform's own Secrets after the handover (phase 4): for each platform namespace whose bootstrap
 * secrets were handed over to Vault, its own ESO ServiceAccount and SecretStore, and one ExternalSecret per
 * secret writing the Secret its consumer reads. One file per namespace under kubernetes/platform-secrets/,
 * listed by a kustomization (empty when nothing is handed over), rendered by the platform-secrets Application.
 */
import {
  type Artifact,
  COMPONENTS,
  esoServedByNamespace,
  KINDS,
  type PlatformModel,
  yamlArtifact,
} from '@platform-gen/core';
import { externalSecret, secretStore, serviceAccount } from './stores.js';

export const PLATFORM_SECRETS_DIR = `${COMPONENTS.platformSecrets.source.path}/`;

export function platformSecretsArtifacts(model: PlatformModel): Artifact[] {
  const source = model.platformFile;
  const served = esoServedByNamespace(model.platform);
  const files = served.map(([namespace, secrets]) =>
    yamlArtifact(`${PLATFORM_SECRETS_DIR}${namespace}.yaml`, source, [
      serviceAccount(model, namespace, source),
      secretStore(model, namespace, source),
      ...secrets.map((secret) =>
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
    ]),
  );
  const kustomization = yamlArtifact(`${PLATFORM_SECRETS_DIR}kustomization.yaml`, source, [
    { ...KINDS.Kustomization, resources: served.map(([namespace]) => `${namespace}.yaml`) },
  ]);
  return [kustomization, ...files];
}
