/** Backstage: sign-in through Keycloak, the client secret from an ESO-made Secret, no database of its own. */
import { ingressTlsSecret, oidcIssuer, PLATFORM_SECRETS, type PlatformModel, serviceHost } from '@platform-gen/core';
import type { BackstageValues } from '../generated/backstage-values.js';
import { OIDC_CLIENT_IDS } from './argocd.js';

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
          // The catalog is read from Git on start: nothing to keep, so the pod is replaceable.
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
                signIn: { resolvers: [{ resolver: 'emailMatchingUserEntityProfileEmail' }] },
              },
            },
          },
        },
        catalog: { locations: [] },
      },
      extraEnvVarsSecrets: [secret.name],
    },
    ingress: { enabled: true, host, tls: { enabled: true, secretName: ingressTlsSecret('backstage') } },
    postgresql: { enabled: false },
  };
}
