/**
 * Keycloak (codecentric keycloakx): the upstream image behind an ingress, PostgreSQL for state, the bootstrap
 * admin from a Secret; and keycloak-config, the local chart that applies the realm as code: groups, the groups
 * claim and the platform's OIDC clients.
 */
import {
  COMPONENTS,
  clientSecretEnv,
  IMAGES,
  ingressTlsSecret,
  KEYCLOAK_CLIENTS_SECRET,
  keycloakClientSecrets,
  type OidcClient,
  oidcClients,
  PLATFORM_SECRETS,
  type PlatformDefinition,
  PlatformError,
  type PlatformModel,
  type PlatformService,
  serviceHost,
  toYaml,
} from '@platform-gen/core';
import type { KeycloakConfigValues, RealmClient, RealmRepresentation } from '../generated/keycloak-config-values.js';
import type { KeycloakValues } from '../generated/keycloak-values.js';

/** keycloakx names its objects after this; the HTTP Service is `<name>-http`. */
const FULLNAME = 'keycloak';

/** Where Keycloak keeps its state. The database is provided to the platform, not part of it. */
export const KEYCLOAK_DATABASE = {
  hostname: `keycloak-db.${COMPONENTS.keycloak.namespace}.svc`,
  port: 5432,
  database: 'keycloak',
  username: 'keycloak',
} as const;

/** Keycloak's HTTP Service inside the cluster. */
export function keycloakInternalUrl(): string {
  return `http://${FULLNAME}-http.${COMPONENTS.keycloak.namespace}.svc`;
}

function secretEnv(name: string, secret: string, key: string) {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

export function keycloakValues(model: PlatformModel): KeycloakValues {
  const host = serviceHost(model.platform, 'keycloak');
  const admin = PLATFORM_SECRETS.keycloakAdmin;
  const db = PLATFORM_SECRETS.keycloakDatabase;
  return {
    fullnameOverride: FULLNAME,
    command: ['/opt/keycloak/bin/kc.sh', 'start'],
    http: { relativePath: '/' },
    proxy: { enabled: true, mode: 'xforwarded' },
    database: {
      vendor: 'postgres',
      ...KEYCLOAK_DATABASE,
      existingSecret: db.name,
      existingSecretKey: db.keys[0],
    },
    extraEnv: toYaml([
      { name: 'KC_HOSTNAME', value: `https://${host}` },
      { name: 'KC_HTTP_ENABLED', value: 'true' },
      { name: 'KC_HEALTH_ENABLED', value: 'true' },
      secretEnv('KC_BOOTSTRAP_ADMIN_USERNAME', admin.name, admin.keys[0]),
      secretEnv('KC_BOOTSTRAP_ADMIN_PASSWORD', admin.name, admin.keys[1]),
    ]),
    ingress: {
      enabled: true,
      rules: [{ host, paths: [{ path: '/', pathType: 'Prefix' }] }],
      tls: [{ hosts: [host], secretName: ingressTlsSecret('keycloak') }],
    },
  };
}

/** The realm's own client scope carrying the `groups` claim; every client has it by default. */
const GROUPS_SCOPE = 'groups';

/**
 * Keycloak's built-in default scopes of an OpenID Connect client (26.x). Listing `defaultClientScopes` replaces
 * them (Keycloak on create, keycloak-config-cli on update), so they are listed too: `basic` carries `sub`,
 * `web-origins` the allowed CORS origins, `roles` and `acr` their claims, `profile` and `email` what every
 * consumer asks for.
 */
const BUILT_IN_DEFAULT_SCOPES = ['acr', 'basic', 'email', 'profile', 'roles', 'web-origins'] as const;

/** What Keycloak's consent screen and admin console call each consumer. */
const CLIENT_NAMES: Readonly<Record<PlatformService, string>> = {
  argocd: 'Argo CD',
  vault: 'Vault',
  keycloak: 'Keycloak',
  grafana: 'Grafana',
  backstage: 'Backstage',
};

/**
 * keycloak-config-cli runs the realm file through Apache Commons Text's StringSubstitutor before parsing it
 * (IMPORT_VARSUBSTITUTION_ENABLED): `$(prefix:…)` is replaced (env, file, url, dns, script, …; values are
 * substituted recursively) and `$$(` is the escape; afterwards `$${javascript:…}` is a script, refused unless
 * script evaluation is enabled. Only our own secret references may use that syntax.
 */
const SUBSTITUTION_SYNTAX = /\$\(|\$\$\{/;

/** `$(env:<NAME>)`: keycloak-config-cli sets a confidential client's secret from the Job's environment. */
function secretReference(client: OidcClient): string {
  return `$(env:${clientSecretEnv(client)})`;
}

function realmClient(platform: PlatformDefinition, client: OidcClient, handedOver: ReadonlySet<string>): RealmClient {
  if (!client.public && !handedOver.has(client.clientId)) {
    // Validation refuses a confidential client whose secret is not handed over to Vault (E_BOOTSTRAP_HANDOVER_REQUIRED).
    throw new PlatformError(
      'E_KEYCLOAK_CLIENT_SECRET',
      `Keycloak client ${client.clientId} is confidential, but no key of Secret ${KEYCLOAK_CLIENTS_SECRET} holds its secret: hand its bootstrap secret over to Vault`,
    );
  }
  return {
    clientId: client.clientId,
    name: CLIENT_NAMES[client.service],
    protocol: 'openid-connect',
    enabled: true,
    publicClient: client.public,
    ...(client.public ? {} : { secret: secretReference(client) }),
    standardFlowEnabled: true,
    directAccessGrantsEnabled: false,
    implicitFlowEnabled: false,
    serviceAccountsEnabled: false,
    redirectUris: [...client.redirectUris],
    webOrigins: [`https://${serviceHost(platform, client.service)}`],
    // PKCE required where the consumer is configured to send it (core/oidc-clients.ts); a required challenge a
    // consumer does not send is refused ("Missing parameter: code_challenge_method").
    // "+": a post-logout redirect may go wherever a login redirect may.
    attributes: {
      ...(client.pkce ? { 'pkce.code.challenge.method': 'S256' } : {}),
      'post.logout.redirect.uris': '+',
    },
    defaultClientScopes: [...new Set([...BUILT_IN_DEFAULT_SCOPES, ...client.scopes, GROUPS_SCOPE])].sort(),
    // No consumer asks for an optional scope; listing none makes a created and an updated client end up alike.
    optionalClientScopes: [],
  };
}

/**
 * Refuses any string (or key) of the realm that keycloak-config-cli would substitute or run, except the secret
 * references at `allowed` (path → exact value). Definitions cannot produce one today (names are DNS labels),
 * but the realm is written from admin definitions, and a `$(file:…)` or `$(env:…)` there would read the Job's
 * file system or its secrets into Keycloak.
 */
function assertNoSubstitution(value: unknown, allowed: ReadonlyMap<string, string>, path = 'realm'): void {
  if (typeof value === 'string') {
    if (allowed.get(path) === value || !SUBSTITUTION_SYNTAX.test(value)) return;
    throw new PlatformError(
      'E_REALM_SUBSTITUTION',
      `${COMPONENTS.keycloakConfig.source.path}/values.yaml: ${path} is ${JSON.stringify(value)}, which contains "$(" or "$\${": keycloak-config-cli would substitute or run it before reading the realm; remove it from the definition`,
    );
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) assertNoSubstitution(item, allowed, `${path}[${i}]`);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      assertNoSubstitution(key, allowed, `${path} key`);
      assertNoSubstitution(item, allowed, `${path}.${key}`);
    }
  }
}

/**
 * The realm: the platform's groups (admins, auditors, one per team), a `groups` claim with plain group names
 * (no full path), which Argo CD, Vault and Grafana match exactly, and one OIDC client per consumer
 * (core/oidc-clients.ts), confidential ones with their secret only as a reference.
 */
export function realm(model: PlatformModel): RealmRepresentation {
  const { platform } = model;
  const { identity, teams } = platform;
  const groups = [identity.adminGroup, identity.auditorGroup, ...teams.map((t) => t.group)];
  const handedOver = new Set(keycloakClientSecrets(platform).map((s) => s.client.clientId));
  const clients = oidcClients(platform).map((client) => realmClient(platform, client, handedOver));
  const result: RealmRepresentation = {
    realm: identity.realm,
    enabled: true,
    displayName: platform.name,
    groups: [...new Set(groups)].map((name) => ({ name })),
    clientScopes: [
      {
        name: GROUPS_SCOPE,
        protocol: 'openid-connect',
        attributes: { 'include.in.token.scope': 'true' },
        protocolMappers: [
          {
            name: 'groups',
            protocol: 'openid-connect',
            protocolMapper: 'oidc-group-membership-mapper',
            config: {
              'claim.name': 'groups',
              'full.path': 'false',
              'id.token.claim': 'true',
              'access.token.claim': 'true',
              'userinfo.token.claim': 'true',
            },
          },
        ],
      },
    ],
    clients,
  };
  const references = new Map<string, string>();
  for (const [i, client] of clients.entries()) {
    if (client.secret !== undefined) references.set(`realm.clients[${i}].secret`, client.secret);
  }
  assertNoSubstitution(result, references);
  return result;
}

export function keycloakConfigValues(model: PlatformModel): KeycloakConfigValues {
  const admin = PLATFORM_SECRETS.keycloakAdmin;
  return {
    image: { ...IMAGES.keycloakConfigCli },
    keycloak: {
      url: keycloakInternalUrl(),
      adminSecret: admin.name,
      usernameKey: admin.keys[0],
      passwordKey: admin.keys[1],
      availabilityTimeout: '300s',
      clientsSecret: KEYCLOAK_CLIENTS_SECRET,
    },
    realm: realm(model),
  };
}
