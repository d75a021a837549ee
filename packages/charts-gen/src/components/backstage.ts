/**
 * Backstage: sign-in through Keycloak, the client secret from an ESO-made Secret, no database of its own, and
 * the catalog that @platform-gen/portal generates, mounted from its ConfigMap.
 */
import {
  COMPONENTS,
  ingressTlsSecret,
  oidcIssuer,
  PLATFORM_SECRETS,
  type PlatformModel,
  serviceHost,
} from '@platform-gen/core';
import type { BackstageValues } from '../generated/backstage-values.js';
import { OIDC_CLIENT_IDS } from './argocd.js';

/**
 * The generated catalog as Backstage reads it. The ConfigMap is the one kustomize makes in
 * kubernetes/backstage-catalog/ (named after the component, without hash suffix, in Backstage's namespace);
 * `root` is the key of its Location entity, which lists the other keys relative to itself. Both must stay
 * equal to @platform-gen/portal's CATALOG_CONFIG_MAP and CATALOG_ROOT_FILE (the CLI's backstage-catalog test
 * checks the generated repository).
 */
export const CATALOG_MOUNT = {
  configMap: COMPONENTS.backstageCatalog.name,
  volume: 'backstage-catalog',
  path: '/catalog',
  root: 'all.yaml',
} as const;

/** What anyone may register from any other location: Backstage's own default. */
export const CATALOG_GLOBAL_KINDS = ['Component', 'API', 'Location'] as const;

/**
 * What the generated catalog brings. Groups and Users only from there: a registered file that declared a
 * Group named like a Keycloak group, or a User with someone's e-mail, would change who owns what and who
 * signs in as whom. Backstage checks these rules against the origin location, so they cover every file the
 * root Location lists.
 */
export const CATALOG_GENERATED_KINDS = [
  'Group',
  'User',
  'Domain',
  'System',
  'Resource',
  'Component',
  'Location',
] as const;

export function backstageValues(model: PlatformModel): BackstageValues {
  const { platform } = model;
  const host = serviceHost(platform, 'backstage');
  const url = `https://${host}`;
  const secret = PLATFORM_SECRETS.backstageOidc;
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
          locations: [
            {
              type: 'file',
              target: `${CATALOG_MOUNT.path}/${CATALOG_MOUNT.root}`,
              rules: [{ allow: [...CATALOG_GENERATED_KINDS] }],
            },
          ],
        },
      },
      extraEnvVarsSecrets: [secret.name],
      // A whole-volume mount, not subPath: the kubelet updates its files when the ConfigMap changes, and the
      // catalog's processing loop picks the change up without a restart.
      extraVolumes: [{ name: CATALOG_MOUNT.volume, configMap: { name: CATALOG_MOUNT.configMap } }],
      extraVolumeMounts: [{ name: CATALOG_MOUNT.volume, mountPath: CATALOG_MOUNT.path, readOnly: true }],
    },
    ingress: { enabled: true, host, tls: { enabled: true, secretName: ingressTlsSecret('backstage') } },
    postgresql: { enabled: false },
  };
}
