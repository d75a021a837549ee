/**
 * Argo CD: OIDC against Keycloak (no Dex, no local admin), RBAC for admins and auditors, KSOPS in the
 * repo-server for the bootstrap Secrets, and the Application health check app-of-apps waves need.
 */
import { IMAGES, oidcIssuer, PLATFORM_SECRETS, type PlatformModel, serviceHost, toYaml } from '@platform-gen/core';
import type { ArgoCdValues } from '../generated/argocd-values.js';

/**
 * Health of a child Application = the health Argo CD reports for it, Progressing until it reports one.
 * Without it a parent counts children as healthy at once and sync waves between them do not wait.
 */
export const APPLICATION_HEALTH_LUA = `local hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
`;

/** Where the repo-server finds KSOPS and the age identity. */
const SOPS_AGE_DIR = '/home/argocd/.config/sops/age';
const CUSTOM_TOOLS = 'custom-tools';

/** OIDC client ids, one per consumer; Keycloak's clients (issue #8) use the same. */
export const OIDC_CLIENT_IDS = { argocd: 'argocd', grafana: 'grafana', backstage: 'backstage' } as const;

export function argocdValues(model: PlatformModel): ArgoCdValues {
  const { platform } = model;
  const { identity } = platform;
  const sopsAge = PLATFORM_SECRETS.sopsAge;
  return {
    global: { domain: serviceHost(platform, 'argocd') },
    crds: { install: true, keep: true },
    dex: { enabled: false },
    configs: {
      cm: {
        'admin.enabled': 'false',
        'exec.enabled': 'false',
        'application.resourceTrackingMethod': 'annotation',
        'kustomize.buildOptions': '--enable-alpha-plugins --enable-exec',
        'oidc.config': toYaml({
          name: 'Keycloak',
          issuer: oidcIssuer(platform),
          clientID: OIDC_CLIENT_IDS.argocd,
          // A public client with PKCE (core/oidc-clients.ts): no client secret in Git or Vault (VLT-1).
          enablePKCEAuthentication: true,
          requestedScopes: ['openid', 'profile', 'email', 'groups'],
        }),
        'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
      },
      rbac: {
        'policy.default': '',
        // Team groups get their rights from their AppProject's roles (argo-apps), never globally.
        'policy.csv': [`g, ${identity.adminGroup}, role:admin`, `g, ${identity.auditorGroup}, role:readonly`, ''].join(
          '\n',
        ),
        scopes: '[groups]',
        'policy.matchMode': 'glob',
      },
    },
    repoServer: {
      env: [{ name: 'SOPS_AGE_KEY_FILE', value: `${SOPS_AGE_DIR}/${sopsAge.keys[0]}` }],
      volumes: [
        { name: CUSTOM_TOOLS, emptyDir: {} },
        { name: sopsAge.name, secret: { secretName: sopsAge.name } },
      ],
      initContainers: [
        {
          name: 'install-ksops',
          image: IMAGES.ksops,
          command: ['/usr/local/bin/ksops', 'install', '--with-kustomize', `/${CUSTOM_TOOLS}`],
          volumeMounts: [{ name: CUSTOM_TOOLS, mountPath: `/${CUSTOM_TOOLS}` }],
        },
      ],
      // Only ksops is mounted: Argo CD keeps its own, matching kustomize.
      volumeMounts: [
        { name: CUSTOM_TOOLS, mountPath: '/usr/local/bin/ksops', subPath: 'ksops' },
        { name: sopsAge.name, mountPath: SOPS_AGE_DIR, readOnly: true },
      ],
    },
    // tls: the chart serves the certificate from Secret argocd-server-tls.
    server: { ingress: { enabled: true, tls: true } },
  };
}
