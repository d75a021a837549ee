/**
 * Keycloak (codecentric keycloakx): the upstream image behind an ingress, PostgreSQL for state, the bootstrap
 * admin from a Secret; and keycloak-config, the local chart that applies the realm as code.
 */
import {
  COMPONENTS,
  IMAGES,
  ingressTlsSecret,
  PLATFORM_SECRETS,
  type PlatformModel,
  serviceHost,
  toYaml,
} from '@platform-gen/core';
import type { KeycloakConfigValues, RealmRepresentation } from '../generated/keycloak-config-values.js';
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

/**
 * The realm: the platform's groups (admins, auditors, one per team) and a `groups` claim with plain group
 * names (no full path), which Argo CD, Vault and Grafana match exactly. OIDC clients join it in issue #8.
 */
export function realm(model: PlatformModel): RealmRepresentation {
  const { identity, teams } = model.platform;
  const groups = [identity.adminGroup, identity.auditorGroup, ...teams.map((t) => t.group)];
  return {
    realm: identity.realm,
    enabled: true,
    displayName: model.platform.name,
    groups: [...new Set(groups)].map((name) => ({ name })),
    clientScopes: [
      {
        name: 'groups',
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
  };
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
    },
    realm: realm(model),
  };
}
