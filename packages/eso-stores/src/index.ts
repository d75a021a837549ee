import { ESO_SUBDIR, type Generator, OUTPUT_DIRS } from '@platform-gen/core';
import { externalSecretArtifact, secretStoreArtifact, serviceAccountArtifact } from './stores.js';

/** One ESO ServiceAccount, one SecretStore and the ExternalSecrets of every namespace. */
export const esoStoresGenerator: Generator = {
  name: '@platform-gen/eso-stores',
  owns: [`${OUTPUT_DIRS.namespaces}*/${ESO_SUBDIR}`],
  generate: (model) =>
    model.namespaces.flatMap((ns) => [
      serviceAccountArtifact(model, ns),
      secretStoreArtifact(model, ns),
      ...ns.secrets.map((secret) => externalSecretArtifact(model, ns, secret)),
    ]),
};
