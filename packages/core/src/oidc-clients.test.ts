/**
 * The platform's OIDC clients in Keycloak: which there are, their redirect URIs (derived from the platform
 * domain), which are public (Argo CD, with PKCE: no secret anywhere) and which confidential, with a secret
 * that is a bootstrap secret of the example inventory handed over to Vault, and the environment variable
 * keycloak-config-cli reads each secret from.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { handsOverToVault, requiredBootstrapSecrets } from './bootstrap-secrets.js';
import type { PlatformModel } from './model.js';
import { clientSecretEnv, KEYCLOAK_CLIENTS_SECRET, type OidcClient, oidcClients } from './oidc-clients.js';
import { PLATFORM_SECRETS } from './platform-secrets.js';
import { loadExampleModel, TEST_PLATFORM } from './testing.js';

let model: PlatformModel;

beforeAll(async () => {
  model = await loadExampleModel();
});

function client(clientId: string, platform = model.platform): OidcClient {
  const found = oidcClients(platform).find((c) => c.clientId === clientId);
  if (found === undefined) throw new Error(`no OIDC client ${clientId}`);
  return found;
}

describe('the OIDC clients of the example', () => {
  it('are four: argocd, vault, grafana, backstage, each named after its service', () => {
    const clients = oidcClients(model.platform);
    expect(clients.map((c) => c.clientId)).toEqual(['argocd', 'vault', 'grafana', 'backstage']);
    for (const c of clients) expect(c.service, c.clientId).toBe(c.clientId);
    expect(clients.map((c) => c.scopes)).toEqual(Array(4).fill(['profile', 'email', 'groups']));
  });

  it('redirect to the services’ hosts under the platform domain (and the CLIs’ loopback ports)', () => {
    expect(Object.fromEntries(oidcClients(model.platform).map((c) => [c.clientId, c.redirectUris]))).toEqual({
      argocd: [
        'https://argocd.platform.example.com/auth/callback',
        'https://argocd.platform.example.com/pkce/verify',
        'http://localhost:8085/auth/callback',
      ],
      vault: [
        'https://vault.platform.example.com/ui/vault/auth/oidc/oidc/callback',
        'http://localhost:8250/oidc/callback',
      ],
      grafana: ['https://grafana.platform.example.com/login/generic_oauth'],
      backstage: ['https://backstage.platform.example.com/api/auth/oidc/handler/frame'],
    });
  });

  it('Keycloak requires PKCE where the consumer sends a code challenge: Argo CD and Grafana', () => {
    expect(oidcClients(model.platform).map((c) => [c.clientId, c.pkce])).toEqual([
      ['argocd', true],
      ['vault', false],
      ['grafana', true],
      ['backstage', false],
    ]);
    // A public client has no secret: PKCE is what ties its authorization code to the login that asked for it.
    for (const c of oidcClients(model.platform).filter((x) => x.public)) expect(c.pkce, c.clientId).toBe(true);
  });

  it('Argo CD is public (PKCE): no secret, so nothing for Git or Vault to hold', () => {
    const argocd = client('argocd');
    expect(argocd.public).toBe(true);
    expect(argocd).not.toHaveProperty('secret');
    expect(Object.values(PLATFORM_SECRETS).map((s) => s.name)).not.toContain('argocd-oidc');
    expect(model.platform.bootstrapSecrets.map((s) => s.name)).not.toContain('argocd-oidc');
  });

  it('the others are confidential, each with the key of a bootstrap secret the example hands over to Vault', () => {
    const confidential = oidcClients(model.platform).filter((c) => !c.public);
    expect(confidential.map((c) => ({ clientId: c.clientId, ref: c.secret?.ref.name, key: c.secret?.key }))).toEqual([
      { clientId: 'vault', ref: 'vault-oidc', key: 'client-secret' },
      { clientId: 'grafana', ref: 'grafana-oidc', key: 'client-secret' },
      { clientId: 'backstage', ref: 'backstage-oidc', key: 'AUTH_OIDC_CLIENT_SECRET' },
    ]);
    const required = requiredBootstrapSecrets(model.platform).map((r) => r.ref.name);
    for (const c of confidential) {
      const ref = c.secret?.ref;
      expect(ref, c.clientId).toBeDefined();
      // Required, so validation insists it is declared; declared in the example and handed over to Vault.
      expect(required, c.clientId).toContain(ref?.name);
      const declared = model.platform.bootstrapSecrets.find((s) => s.name === ref?.name);
      expect(declared && handsOverToVault(declared), c.clientId).toBe(true);
      expect(declared?.namespace, c.clientId).toBe(ref?.namespace);
      // The key is one the consumer reads and the inventory declares.
      expect(ref?.keys, c.clientId).toContain(c.secret?.key);
      expect(declared?.keys, c.clientId).toContain(c.secret?.key);
    }
    expect(
      model.platform.bootstrapSecrets
        .filter((s) => confidential.some((c) => c.secret?.ref.name === s.name))
        .map((s) => (handsOverToVault(s) ? s.handover.path : 'none')),
    ).toEqual(['platform/oidc/vault', 'platform/grafana/oidc', 'platform/backstage/oidc']);
  });
});

describe('redirect URIs follow the platform domain', () => {
  it('on another domain every https URI moves with it; the loopback URIs stay', () => {
    const platform = { ...TEST_PLATFORM, domain: 'apps.acme.io' };
    const uris = oidcClients(platform).flatMap((c) => c.redirectUris);
    expect(uris.filter((u) => u.startsWith('https://'))).toEqual([
      'https://argocd.apps.acme.io/auth/callback',
      'https://argocd.apps.acme.io/pkce/verify',
      'https://vault.apps.acme.io/ui/vault/auth/oidc/oidc/callback',
      'https://grafana.apps.acme.io/login/generic_oauth',
      'https://backstage.apps.acme.io/api/auth/oidc/handler/frame',
    ]);
    expect(uris.filter((u) => !u.startsWith('https://'))).toEqual([
      'http://localhost:8085/auth/callback',
      'http://localhost:8250/oidc/callback',
    ]);
    expect(uris.join(' ')).not.toContain('platform.example.com');
  });
});

describe('clientSecretEnv', () => {
  it('names the variable keycloak-config-cli reads each secret from: <CLIENT>_CLIENT_SECRET', () => {
    expect(oidcClients(model.platform).map(clientSecretEnv)).toEqual([
      'ARGOCD_CLIENT_SECRET',
      'VAULT_CLIENT_SECRET',
      'GRAFANA_CLIENT_SECRET',
      'BACKSTAGE_CLIENT_SECRET',
    ]);
  });

  it('upper-cases the client id and turns what a variable name cannot hold into _', () => {
    const named = (clientId: string) => clientSecretEnv({ ...client('grafana'), clientId });
    expect(named('my-portal.v2')).toBe('MY_PORTAL_V2_CLIENT_SECRET');
    expect(named('grafana')).toBe('GRAFANA_CLIENT_SECRET');
  });

  it('the clients’ secrets live in one Secret of Keycloak’s namespace: keycloak-clients', () => {
    expect(KEYCLOAK_CLIENTS_SECRET).toBe('keycloak-clients');
  });
});
