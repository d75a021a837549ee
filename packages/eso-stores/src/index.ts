import { ESO_SUBDIR, type Generator, OUTPUT_DIRS } from '@platform-gen/core';
import { PLATFORM_SECRETS_DIR, platformSecretsArtifacts } from './platform-secrets.js';
import { externalSecretArtifact, secretStoreArtifact, serviceAccountArtifact } from './stores.js';

export { PLATFORM_SECRETS_DIR } from './platform-secrets.js';

/** One ESO ServiceAccount, one SecretStore and the ExternalSecrets of every namespace, tenant or platform. */
export const esoStoresGenerator: Generator = {
  name: '@platform-gen/eso-stores',
  owns: [`${OUTPUT_DIRS.namespaces}*/${ESO_SUBDIR}`, PLATFORM_SECRETS_DIR],
  generate: (model) => [
    ...model.namespaces.flatMap((ns) => [
      serviceAccountArtifact(model, ns),
      secretStoreArtifact(model, ns),
      ...ns.secrets.map((secret) => externalSecretArtifact(model, ns, secret)),
    ]),
    ...platformSecretsArtifacts(model),
  ],
};
