/** External Secrets: namespaced SecretStores only, no PushSecret, no cluster-wide kinds, no RBAC aggregation into edit/admin. */
import type { ExternalSecretsValues } from '../generated/external-secrets-values.js';

export function externalSecretsValues(): ExternalSecretsValues {
  return {
    installCRDs: true,
    crds: {
      createClusterExternalSecret: false,
      createClusterSecretStore: false,
      createClusterGenerator: false,
      createClusterPushSecret: false,
      createPushSecret: false,
    },
    // Removing a CRD does not stop its reconciler: switch both off.
    processClusterExternalSecret: false,
    processClusterStore: false,
    processPushSecret: false,
    processClusterPushSecret: false,
    rbac: { aggregateToEdit: false, aggregateToAdmin: false },
  };
}
