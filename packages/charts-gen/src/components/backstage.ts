/**
 * Backstage: sign-in through Keycloak, the client secret from an ESO-made Secret, no database of its own, and
 * the catalog that @platform-gen/portal generates, projected from its shards' ConfigMaps.
 */
import { ingressTlsSecret, oidcIssuer, PLATFORM_SECRETS, type PlatformModel, serviceHost } from '@platform-gen/core';
import { type CatalogShard, catalogShards } from '@platform-gen/portal';
import type { BackstageValues } from '../generated/backstage-values.js';
import { OIDC_CLIENT_IDS } from './argocd.js';

/**
 * The generated catalog as Backstage reads it: every shard's ConfigMap (@platform-gen/portal's catalog, made by
 * kustomize in kubernetes/backstage-catalog/, in Backstage's namespace) projected into one folder, and each
 * shard's Location registered as a `file` location.
 */
export const CATALOG_MOUNT = {
  volume: 'backstage-catalog',
  path: '/catalog',
} as const;

/** What anyone may register from any other location: Backstage's own default. */
export const CATALOG_GLOBAL_KINDS = ['Component', 'API', 'Location'] as const;

/**
 * One location per shard, allowed the kinds the shard holds. Groups and Users only from the platform shard: a
 * registered file that declared a Group named like a Keycloak group, or a User with someone's e-mail, would
 * change who owns what and who signs in as whom. Backstage checks a location's rules against the entity's origin
 * location, so they cover every file the shard's Location lists.
 */
function catalogLocations(shards: readonly CatalogShard[]) {
  return shards.map((shard) => ({
    type: 'file' as const,
    target: `${CATALOG_MOUNT.path}/${shard.index}`,
    rules: [{ allow: [...shard.kinds] }],
  }));
}

export function backstageValues(model: PlatformModel): BackstageValues {
  const { platform } = model;
  const host = serviceHost(platform, 'backstage');
  const url = `https://${host}`;
  const secret = PLATFORM_SECRETS.backstageOidc;
  const shards = catalogShards(model);
  return {
    backstage: {
      appConfig: {
        app: { title: `${platform.name} developer portal`, baseUrl: url },
        backend: {
          baseUrl: url,
          cors: { origin: url },
          // The catalog is read from the mounted ConfigMap on start: nothing to keep, so the pod is replaceable.
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        auth: {
          environment: 'production',
          providers: {
            oidc: {
              production: {
                metadataUrl: `${oidcIssuer(platform)}/.well-known/openid-configuration`,
                clientId: OIDC_CLIENT_IDS.backstage,
                // Backstage substitutes ${VAR} from the environment; the Secret is mounted as env.
                clientSecret: `\${${secret.keys[0]}}`,
                prompt: 'auto',
                // Finds the User entity whose profile.email is the token's e-mail: the generated Users carry the
                // members' e-mail addresses, so a member declared without one cannot sign in.
                signIn: { resolvers: [{ resolver: 'emailMatchingUserEntityProfileEmail' }] },
              },
            },
          },
        },
        catalog: {
          // Set, not left to the image: an image's app-config.yaml often allows more, and lists example locations
          // (Backstage replaces arrays from later config files, so these win).
          rules: [{ allow: [...CATALOG_GLOBAL_KINDS] }],
          locations: catalogLocations(shards),
        },
      },
      extraEnvVarsSecrets: [secret.name],
      // One projected volume, not one volume per shard: every shard's keys in one folder, which the kubelet
      // rewrites in one atomic swap. A whole-volume mount, not subPath: the files follow the ConfigMaps without a
      // restart, and the catalog's processing loop picks them up. A new shard changes these values, and so
      // rolls the pod; the backstage-catalog Application syncs before this one, so its ConfigMap exists.
      extraVolumes: [
        {
          name: CATALOG_MOUNT.volume,
          projected: { sources: shards.map((shard) => ({ configMap: { name: shard.configMap } })) },
        },
      ],
      extraVolumeMounts: [{ name: CATALOG_MOUNT.volume, mountPath: CATALOG_MOUNT.path, readOnly: true }],
    },
    ingress: { enabled: true, host, tls: { enabled: true, secretName: ingressTlsSecret('backstage') } },
    postgresql: { enabled: false },
  };
}
