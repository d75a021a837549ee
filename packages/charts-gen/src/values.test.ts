/**
 * The values platform-gen writes for every chart: each file is exactly the YAML of its typed object, parses
 * the same under YAML 1.2 and 1.1 (Helm), validates against its JSON Schema, and holds the settings the
 * platform depends on (no local admin, no Dex, secrets only by reference, Vault's seal and NetworkPolicy, …),
 * for the example model and for variants of it.
 */
import { readFileSync } from 'node:fs';
import { parse as parseHcl } from '@cdktf/hcl2json';
import {
  type Artifact,
  COMPONENTS,
  chartValuesPath,
  IMAGES,
  KEYCLOAK_CLIENTS_SECRET,
  PLATFORM_SECRETS,
  PlatformError,
  type PlatformModel,
  toYamlDocuments,
  type VaultDefinition,
} from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { assertNoTemplateSyntax, chartsGenerator } from './generator.js';
import { VALUES_SCHEMAS } from './schemas.js';

const LOCAL_CHART = COMPONENTS.keycloakConfig.source.path;
const LOCAL_VALUES = `${LOCAL_CHART}/values.yaml`;

// biome-ignore lint/suspicious/noExplicitAny: values are walked by path; the schemas and toEqual check their shape.
type Values = any;
type Seal = VaultDefinition['seal'];

const SEALS: Readonly<Record<Seal['type'], Seal>> = {
  awskms: { type: 'awskms', region: 'eu-west-1', kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd' },
  gcpckms: { type: 'gcpckms', project: 'acme-prod', region: 'europe-west3', keyRing: 'vault', cryptoKey: 'unseal' },
  azurekeyvault: {
    type: 'azurekeyvault',
    tenantId: '00000000-0000-0000-0000-000000000000',
    vaultName: 'acme-kv',
    keyName: 'vault-unseal',
  },
  transit: {
    type: 'transit',
    address: 'https://vault.outer.example.com:8200',
    mountPath: 'transit/',
    keyName: 'autounseal',
  },
};

/** The seal block each seal type must produce, as HashiCorp's HCL parser reads it back. */
const SEAL_HCL: Readonly<Record<Seal['type'], unknown>> = {
  awskms: { awskms: [{ region: 'eu-west-1', kms_key_id: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd' }] },
  gcpckms: {
    gcpckms: [{ project: 'acme-prod', region: 'europe-west3', key_ring: 'vault', crypto_key: 'unseal' }],
  },
  azurekeyvault: {
    azurekeyvault: [
      { tenant_id: '00000000-0000-0000-0000-000000000000', vault_name: 'acme-kv', key_name: 'vault-unseal' },
    ],
  },
  // No token: it comes from VAULT_TOKEN, set from a Secret.
  transit: {
    transit: [{ address: 'https://vault.outer.example.com:8200', mount_path: 'transit/', key_name: 'autounseal' }],
  },
};

let model: PlatformModel;
let artifacts: readonly Artifact[];
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  model = await loadExampleModel();
  artifacts = chartsGenerator.generate(model);

  // Our annotations (the chart version a schema was checked against; maps whose keys the chart passes on
  // unchecked) mean nothing to validation; every other unknown keyword is an error (strict).
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addVocabulary(['x-chart', 'x-passthrough']);
  for (const s of VALUES_SCHEMAS) validators.set(valuesPathOf(s.component), ajv.compile(s.schema));
});

function valuesPathOf(component: keyof typeof COMPONENTS): string {
  return component === 'keycloakConfig' ? LOCAL_VALUES : chartValuesPath(COMPONENTS[component].name);
}

function withVault(base: PlatformModel, vault: Partial<VaultDefinition>): PlatformModel {
  return { ...base, platform: { ...base.platform, vault: { ...base.platform.vault, ...vault } } };
}

function withIdentity(base: PlatformModel, identity: Partial<PlatformModel['platform']['identity']>): PlatformModel {
  return { ...base, platform: { ...base.platform, identity: { ...base.platform.identity, ...identity } } };
}

function artifactAt(list: readonly Artifact[], path: string): Artifact {
  const found = list.find((a) => a.path === path);
  if (found === undefined) throw new Error(`no artifact ${path}`);
  return found;
}

/** The one document of a values file, as generated. */
function valuesIn(list: readonly Artifact[], component: keyof typeof COMPONENTS): Values {
  const documents = artifactAt(list, valuesPathOf(component)).documents;
  expect(documents).toHaveLength(1);
  return documents?.[0];
}

const values = (component: keyof typeof COMPONENTS): Values => valuesIn(artifacts, component);

const valuesArtifacts = (list: readonly Artifact[]) => list.filter((a) => a.path.endsWith('/values.yaml'));

/** Every values file parses (YAML 1.2 and, as Helm reads it, 1.1) to its object and validates against its schema. */
function expectValidValues(list: readonly Artifact[]): void {
  const files = valuesArtifacts(list);
  expect(files.map((a) => a.path).sort()).toEqual([...validators.keys()].sort());
  for (const file of files) {
    const parsed = parseYaml(file.content);
    expect(parsed, file.path).toEqual(file.documents?.[0]);
    expect(parseYaml(file.content, { version: '1.1' }), `${file.path} under YAML 1.1`).toEqual(parsed);
    const validate = validators.get(file.path);
    if (validate === undefined) throw new Error(`no schema for ${file.path}`);
    expect(validate(parsed) ? [] : validate.errors, file.path).toEqual([]);
  }
}

async function vaultHcl(list: readonly Artifact[]): Promise<Record<string, unknown>> {
  return parseHcl('vault.hcl', valuesIn(list, 'vault').server.ha.raft.config);
}

describe('charts/ files', () => {
  it('are the values of every chart, the whole local chart and the folder README', () => {
    expect(artifacts.map((a) => a.path).sort()).toEqual(
      [
        ...[
          'argocd',
          'vault',
          'external-secrets',
          'keycloak',
          'backstage',
          'prometheus',
          'loki',
          'grafana',
          'alloy',
        ].map((name) => `charts/${name}/values.yaml`),
        `${LOCAL_CHART}/Chart.yaml`,
        `${LOCAL_CHART}/values.yaml`,
        `${LOCAL_CHART}/values.schema.json`,
        `${LOCAL_CHART}/templates/configmap.yaml`,
        `${LOCAL_CHART}/templates/job.yaml`,
        'charts/README.md',
      ].sort(),
    );
    for (const a of artifacts) expect(a.source, a.path).toBe(model.platformFile);
  });

  it('hold exactly the serialization of their documents', () => {
    const yamlFiles = artifacts.filter((a) => a.documents !== undefined);
    expect(yamlFiles.map((a) => a.path).sort()).toEqual(
      [...valuesArtifacts(artifacts).map((a) => a.path), `${LOCAL_CHART}/Chart.yaml`].sort(),
    );
    for (const a of yamlFiles) {
      const documents = a.documents ?? [];
      expect(a.content, a.path).toBe(toYamlDocuments(documents));
      expect(
        parseAllDocuments(a.content).map((d) => d.toJS()),
        a.path,
      ).toEqual(documents);
    }
  });

  it('copy the local chart templates byte for byte and its schema without platform-gen keywords', () => {
    for (const name of ['configmap.yaml', 'job.yaml']) {
      const asset = readFileSync(new URL(`../local-charts/keycloak-config/templates/${name}`, import.meta.url), 'utf8');
      expect(artifactAt(artifacts, `${LOCAL_CHART}/templates/${name}`).content).toBe(asset);
    }
    const schema = VALUES_SCHEMAS.find((s) => s.component === 'keycloakConfig')?.schema ?? {};
    const { $id: _id, 'x-chart': _chart, ...forHelm } = schema;
    expect(JSON.parse(artifactAt(artifacts, `${LOCAL_CHART}/values.schema.json`).content)).toEqual(forHelm);
  });

  it('write a v2 Chart.yaml for the local chart', () => {
    expect(artifactAt(artifacts, `${LOCAL_CHART}/Chart.yaml`).documents).toEqual([
      {
        apiVersion: 'v2',
        name: 'keycloak-config',
        description: 'Applies the platform realm to Keycloak with keycloak-config-cli',
        type: 'application',
        version: '1.0.0',
        appVersion: IMAGES.keycloakConfigCli.tag.split('-')[0],
        kubeVersion: '>=1.25.0-0',
      },
    ]);
  });

  it('are the same bytes on every run and leave the model untouched', () => {
    const before = structuredClone(model);
    const again = chartsGenerator.generate(model);
    expect(again.map((a) => [a.path, a.content])).toEqual(artifacts.map((a) => [a.path, a.content]));
    expect(model).toEqual(before);
  });
});

describe('values schemas', () => {
  it('accept the values of the example model', () => {
    expectValidValues(artifacts);
  });

  it.each(Object.keys(SEALS) as Seal['type'][])('accept the values with a %s seal, over https and http', (type) => {
    for (const server of ['https://vault.vault.svc:8200', 'http://vault.vault.svc:8200']) {
      expectValidValues(chartsGenerator.generate(withVault(model, { seal: SEALS[type], server })));
    }
  });

  it('reject a value of the wrong type, a value out of its enum and an unknown key', () => {
    const argocd = validators.get(valuesPathOf('argocd'));
    const vault = validators.get(valuesPathOf('vault'));
    const keycloakConfig = validators.get(LOCAL_VALUES);
    if (argocd === undefined || vault === undefined || keycloakConfig === undefined) throw new Error('no validator');

    const wrongType = structuredClone(values('vault'));
    wrongType.server.ha.replicas = '3';
    expect(vault(wrongType)).toBe(false);
    expect(vault.errors?.map((e) => [e.instancePath, e.keyword])).toEqual([['/server/ha/replicas', 'type']]);

    const notInEnum = structuredClone(values('argocd'));
    notInEnum.configs.cm['admin.enabled'] = false;
    expect(argocd(notInEnum)).toBe(false);
    expect(argocd.errors?.map((e) => [e.instancePath, e.keyword])).toEqual([['/configs/cm/admin.enabled', 'enum']]);

    const unknownKey = structuredClone(values('argocd'));
    unknownKey.dex.enabledd = true;
    expect(argocd(unknownKey)).toBe(false);
    expect(argocd.errors?.map((e) => [e.instancePath, e.keyword])).toEqual([['/dex', 'additionalProperties']]);

    const realmNumber = { ...values('keycloakConfig'), realm: 5 };
    expect(keycloakConfig(realmNumber)).toBe(false);
    expect(keycloakConfig.errors?.map((e) => [e.instancePath, e.keyword])).toEqual([['/realm', 'type']]);

    // The control: the unmodified values still pass.
    expect(vault(values('vault'))).toBe(true);
    expect(argocd(values('argocd'))).toBe(true);
  });
});

describe('Argo CD values', () => {
  it('turn off Dex, the local admin and the web terminal, and track by annotation', () => {
    const argocd = values('argocd');
    expect(argocd.dex).toEqual({ enabled: false });
    expect(argocd.global).toEqual({ domain: `argocd.${model.platform.domain}` });
    const cm = argocd.configs.cm;
    expect([cm['admin.enabled'], cm['exec.enabled'], cm['application.resourceTrackingMethod']]).toEqual([
      'false',
      'false',
      'annotation',
    ]);
  });

  it('run KSOPS in the repo-server with the age key from the sops-age Secret', () => {
    const { configs, repoServer } = values('argocd');
    const sopsAge = PLATFORM_SECRETS.sopsAge;
    expect(configs.cm['kustomize.buildOptions'].split(' ').sort()).toEqual(['--enable-alpha-plugins', '--enable-exec']);

    expect(repoServer.initContainers).toEqual([
      {
        name: 'install-ksops',
        image: IMAGES.ksops,
        command: ['/usr/local/bin/ksops', 'install', '--with-kustomize', '/custom-tools'],
        volumeMounts: [{ name: 'custom-tools', mountPath: '/custom-tools' }],
      },
    ]);
    expect(repoServer.volumes).toEqual([
      { name: 'custom-tools', emptyDir: {} },
      { name: sopsAge.name, secret: { secretName: sopsAge.name } },
    ]);
    const ageMount = repoServer.volumeMounts.find((m: Values) => m.name === sopsAge.name);
    expect(ageMount).toEqual({ name: sopsAge.name, mountPath: '/home/argocd/.config/sops/age', readOnly: true });
    expect(repoServer.volumeMounts.find((m: Values) => m.name === 'custom-tools')).toEqual({
      name: 'custom-tools',
      mountPath: '/usr/local/bin/ksops',
      subPath: 'ksops',
    });
    // The key file is one key of the mounted Secret.
    expect(repoServer.env).toEqual([{ name: 'SOPS_AGE_KEY_FILE', value: `${ageMount.mountPath}/${sopsAge.keys[0]}` }]);
  });

  it('check an Application by the health it reports', () => {
    const lua: string = values('argocd').configs.cm['resource.customizations.health.argoproj.io_Application'];
    expect(lua.startsWith('local hs = {')).toBe(true);
    expect(lua.trimEnd().endsWith('return hs')).toBe(true);
    expect(lua).toContain('obj.status.health.status');
    expect(lua).toContain('hs.status = obj.status.health.status');
    expect(lua).toContain('"Progressing"');
    // Every `if … then` is closed; no `{{`, no tabs to confuse the YAML block.
    const words = lua.match(/\b(if|then|end)\b/g) ?? [];
    expect(words.filter((w) => w === 'if').length).toBe(words.filter((w) => w === 'end').length);
    expect(words.filter((w) => w === 'if').length).toBe(words.filter((w) => w === 'then').length);
    expect(lua).not.toContain('\t');
  });

  it('give admins role:admin and auditors role:readonly, and nobody anything by default', () => {
    const { rbac } = values('argocd').configs;
    expect(rbac['policy.default']).toBe('');
    expect(rbac.scopes).toBe('[groups]');
    expect(rbac['policy.csv'].split('\n').filter((line: string) => line !== '')).toEqual([
      'g, platform-admins, role:admin',
      'g, platform-auditors, role:readonly',
    ]);
  });

  it('sign in through the Keycloak realm as a public client with PKCE: no client secret, not even a reference', () => {
    const argocd = values('argocd');
    const oidc = parseYaml(argocd.configs.cm['oidc.config']);
    expect(oidc).toEqual({
      name: 'Keycloak',
      issuer: `https://keycloak.${model.platform.domain}/realms/${model.platform.identity.realm}`,
      clientID: 'argocd',
      enablePKCEAuthentication: true,
      requestedScopes: ['openid', 'profile', 'email', 'groups'],
    });
    expect(oidc.issuer).toBe('https://keycloak.platform.example.com/realms/platform');
    // The client is public (core/oidc-clients.ts): Argo CD's values name no OIDC Secret anywhere.
    expect(oidc).not.toHaveProperty('clientSecret');
    expect(JSON.stringify(argocd)).not.toContain('argocd-oidc');
  });
});

describe('Vault values', () => {
  it('turn off the injector, the CSI provider and the ingress, and run HA raft with three replicas and audit storage', () => {
    const vault = values('vault');
    expect([vault.injector, vault.csi, vault.server.ingress]).toEqual([
      { enabled: false },
      { enabled: false },
      { enabled: false },
    ]);
    const { ha, auditStorage, dataStorage } = vault.server;
    expect({ enabled: ha.enabled, replicas: ha.replicas, raft: ha.raft.enabled, setNodeId: ha.raft.setNodeId }).toEqual(
      { enabled: true, replicas: 3, raft: true, setNodeId: true },
    );
    expect(auditStorage).toEqual({ enabled: true, size: '10Gi' });
    expect(dataStorage).toEqual({ enabled: true, size: '10Gi' });
  });

  it("admit only ESO's controller, the vault-init and vault-configure Jobs, and Vault's peers", () => {
    expect(values('vault').server.networkPolicy).toEqual({
      enabled: true,
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'external-secrets' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'external-secrets' } },
            },
            { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vault-init' } } },
            { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vault-configure' } } },
          ],
          ports: [{ protocol: 'TCP', port: 8200 }],
        },
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vault' } } }],
          ports: [
            { protocol: 'TCP', port: 8200 },
            { protocol: 'TCP', port: 8201 },
          ],
        },
      ],
    });
  });

  it('write a server config that parses with the HCL parser: TLS listener, raft joins over https, the seal', async () => {
    const hcl = await vaultHcl(artifacts);
    const tls = '/vault/userconfig/vault-tls';
    expect(hcl).toEqual({
      ui: true,
      listener: {
        tcp: [
          {
            address: '[::]:8200',
            cluster_address: '[::]:8201',
            tls_cert_file: `${tls}/tls.crt`,
            tls_key_file: `${tls}/tls.key`,
          },
        ],
      },
      storage: {
        raft: [
          {
            path: '/vault/data',
            retry_join: [0, 1, 2].map((i) => ({
              leader_api_addr: `https://vault-${i}.vault-internal:8200`,
              leader_ca_cert_file: `${tls}/ca.crt`,
            })),
          },
        ],
      },
      service_registration: { kubernetes: [{}] },
      seal: {
        awskms: [{ region: 'eu-central-1', kms_key_id: 'alias/example-platform-vault-unseal' }],
      },
    });
    const vault = values('vault');
    expect(vault.global).toEqual({ tlsDisable: false });
    expect(vault.server.volumes).toEqual([{ name: 'vault-tls', secret: { secretName: 'vault-tls' } }]);
    expect(vault.server.volumeMounts).toEqual([{ name: 'vault-tls', mountPath: tls, readOnly: true }]);
  });

  it('serve plain http, without TLS files, when vault.server is http://', async () => {
    const list = chartsGenerator.generate(withVault(model, { server: 'http://vault.vault.svc:8200' }));
    const hcl = (await vaultHcl(list)) as Values;
    expect(hcl.listener).toEqual({
      tcp: [{ address: '[::]:8200', cluster_address: '[::]:8201', tls_disable: true }],
    });
    expect(hcl.storage.raft[0].retry_join).toEqual(
      [0, 1, 2].map((i) => ({ leader_api_addr: `http://vault-${i}.vault-internal:8200` })),
    );
    const vault = valuesIn(list, 'vault');
    expect(vault.global).toEqual({ tlsDisable: true });
    expect([vault.server.volumes, vault.server.volumeMounts]).toEqual([[], []]);
  });

  it.each(Object.keys(SEALS) as Seal['type'][])('write the %s seal block, and nothing secret', async (type) => {
    const list = chartsGenerator.generate(withVault(model, { seal: SEALS[type] }));
    const hcl = (await vaultHcl(list)) as Values;
    expect(hcl.seal).toEqual(SEAL_HCL[type]);
    const vault = valuesIn(list, 'vault');
    expect(vault.server.ha.raft.config).not.toMatch(/token/i);
    expect(vault.server.extraSecretEnvironmentVars).toEqual(
      type === 'transit'
        ? [
            {
              envName: 'VAULT_TOKEN',
              secretName: PLATFORM_SECRETS.vaultTransitToken.name,
              secretKey: PLATFORM_SECRETS.vaultTransitToken.keys[0],
            },
          ]
        : [],
    );
  });

  it('escape seal values: a quote and a newline cannot open another block', async () => {
    const kmsKeyId = 'alias/x"\n}\nseal "transit" {\naddress = "http://evil"';
    const list = chartsGenerator.generate(
      withVault(model, { seal: { type: 'awskms', region: 'eu-west-1', kmsKeyId } }),
    );
    expect(((await vaultHcl(list)) as Values).seal).toEqual({
      awskms: [{ region: 'eu-west-1', kms_key_id: kmsKeyId }],
    });
  });
});

describe('External Secrets values', () => {
  it('turn off PushSecret and every cluster-wide kind, their reconcilers and RBAC aggregation', () => {
    const eso = values('externalSecrets');
    expect(eso.crds).toEqual({
      createClusterExternalSecret: false,
      createClusterSecretStore: false,
      createClusterGenerator: false,
      createClusterPushSecret: false,
      createPushSecret: false,
    });
    expect(
      Object.fromEntries(Object.entries(eso).filter(([key]) => key.startsWith('process'))) as Record<string, boolean>,
    ).toEqual({
      processClusterExternalSecret: false,
      processClusterStore: false,
      processPushSecret: false,
      processClusterPushSecret: false,
    });
    expect(eso.rbac).toEqual({ aggregateToEdit: false, aggregateToAdmin: false });
    expect(eso.installCRDs).toBe(true);
  });
});

describe('Keycloak values', () => {
  it('serve at /, behind the proxy, with the database password from its Secret', () => {
    const keycloak = values('keycloak');
    expect(keycloak.http).toEqual({ relativePath: '/' });
    expect(keycloak.database).toEqual({
      vendor: 'postgres',
      hostname: 'keycloak-db.keycloak.svc',
      port: 5432,
      database: 'keycloak',
      username: 'keycloak',
      existingSecret: PLATFORM_SECRETS.keycloakDatabase.name,
      existingSecretKey: PLATFORM_SECRETS.keycloakDatabase.keys[0],
    });
  });

  it('pass extraEnv as a YAML string of env vars, the bootstrap admin from a Secret', () => {
    const extraEnv = values('keycloak').extraEnv;
    expect(typeof extraEnv).toBe('string');
    const env = parseYaml(extraEnv);
    expect(Array.isArray(env)).toBe(true);
    const admin = PLATFORM_SECRETS.keycloakAdmin;
    expect(env).toEqual([
      { name: 'KC_HOSTNAME', value: `https://keycloak.${model.platform.domain}` },
      { name: 'KC_HTTP_ENABLED', value: 'true' },
      { name: 'KC_HEALTH_ENABLED', value: 'true' },
      {
        name: 'KC_BOOTSTRAP_ADMIN_USERNAME',
        valueFrom: { secretKeyRef: { name: admin.name, key: admin.keys[0] } },
      },
      {
        name: 'KC_BOOTSTRAP_ADMIN_PASSWORD',
        valueFrom: { secretKeyRef: { name: admin.name, key: admin.keys[1] } },
      },
    ]);
  });
});

describe('keycloak-config values', () => {
  it('name the admin Secret, the clients’ Secret, the image and the realm with every platform group', () => {
    const config = values('keycloakConfig');
    expect(config.image).toEqual({
      repository: IMAGES.keycloakConfigCli.repository,
      tag: IMAGES.keycloakConfigCli.tag,
    });
    expect(config.keycloak).toEqual({
      url: 'http://keycloak-http.keycloak.svc',
      adminSecret: 'keycloak-admin',
      usernameKey: 'username',
      passwordKey: 'password',
      availabilityTimeout: '300s',
      // Written by ESO from Vault (eso-stores): the confidential clients' <CLIENT>_CLIENT_SECRET variables.
      clientsSecret: KEYCLOAK_CLIENTS_SECRET,
    });
    expect(config.keycloak.clientsSecret).toBe('keycloak-clients');
    expect(config.realm.realm).toBe(model.platform.identity.realm);
    expect(config.realm.groups).toEqual([
      { name: 'platform-admins' },
      { name: 'platform-auditors' },
      { name: 'team-payments' },
      { name: 'team-storefront' },
    ]);
    expect(config.realm.clientScopes[0].protocolMappers[0].config).toEqual({
      'claim.name': 'groups',
      'full.path': 'false',
      'id.token.claim': 'true',
      'access.token.claim': 'true',
      'userinfo.token.claim': 'true',
    });
  });
});

describe('Grafana values', () => {
  it('refuse leaked secrets and take the client secret and admin only from Secrets', () => {
    const grafana = values('grafana');
    expect(grafana.assertNoLeakedSecrets).toBe(true);
    expect(grafana.envValueFrom).toEqual({
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: {
        secretKeyRef: { name: PLATFORM_SECRETS.grafanaOidc.name, key: PLATFORM_SECRETS.grafanaOidc.keys[0] },
      },
    });
    expect(grafana.admin).toEqual({
      existingSecret: PLATFORM_SECRETS.grafanaAdmin.name,
      userKey: 'admin-user',
      passwordKey: 'admin-password',
    });
    const oauth = grafana['grafana.ini']['auth.generic_oauth'];
    expect(Object.keys(oauth).filter((key) => /secret|password/i.test(key))).toEqual([]);
  });

  it('sign in through the realm only: admins Admin and auditors Viewer in Main Org., team members only in their own organization', () => {
    const grafana = values('grafana');
    const oauth = grafana['grafana.ini']['auth.generic_oauth'];
    const base = 'https://keycloak.platform.example.com/realms/platform/protocol/openid-connect';
    expect([oauth.auth_url, oauth.token_url, oauth.api_url]).toEqual([
      `${base}/auth`,
      `${base}/token`,
      `${base}/userinfo`,
    ]);
    expect(oauth.role_attribute_path).toBe(
      "contains(groups[*], 'platform-admins') && 'Admin' || contains(groups[*], 'platform-auditors') && 'Viewer'",
    );
    // No fallback role: with role_attribute_strict a user in none of these groups cannot sign in.
    expect(oauth.role_attribute_path).not.toMatch(/\|\| 'Viewer'$/);
    expect(oauth.role_attribute_strict).toBe(true);
    expect(oauth.allowed_groups.split(' ')).toEqual([
      'platform-admins',
      'platform-auditors',
      'team-payments',
      'team-storefront',
    ]);
    expect(grafana['grafana.ini'].auth).toEqual({ disable_login_form: true });
  });
});

describe('Backstage values', () => {
  it('run without PostgreSQL and read the client secret from an env var the Secret sets', () => {
    const backstage = values('backstage');
    expect(backstage.postgresql).toEqual({ enabled: false });
    const oidc = backstage.backstage.appConfig.auth.providers.oidc.production;
    expect(oidc.clientSecret).toMatch(/^\$\{[A-Z_][A-Z0-9_]*\}$/);
    const variable = oidc.clientSecret.slice(2, -1);
    expect(PLATFORM_SECRETS.backstageOidc.keys).toContain(variable);
    expect(backstage.backstage.extraEnvVarsSecrets).toEqual([PLATFORM_SECRETS.backstageOidc.name]);
    expect(oidc.metadataUrl).toBe(
      'https://keycloak.platform.example.com/realms/platform/.well-known/openid-configuration',
    );
  });
});

describe('Loki values', () => {
  it('are multi-tenant', () => {
    expect(values('loki').loki.auth_enabled).toBe(true);
  });
});

describe('Prometheus values', () => {
  it('leave Grafana to its own chart and select monitors from every release', () => {
    const prometheus = values('prometheus');
    expect(prometheus.grafana.enabled).toBe(false);
    const spec = prometheus.prometheus.prometheusSpec;
    expect(Object.fromEntries(Object.entries(spec).filter(([key]) => key.endsWith('NilUsesHelmValues')))).toEqual({
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
      probeSelectorNilUsesHelmValues: false,
      scrapeConfigSelectorNilUsesHelmValues: false,
    });
  });
});

describe('template syntax', () => {
  function strings(value: unknown): string[] {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
    return [];
  }

  it('appears in no value of any values file', () => {
    for (const file of valuesArtifacts(artifacts)) {
      const documents = file.documents ?? [];
      expect(() => assertNoTemplateSyntax(documents[0], file.path)).not.toThrow();
      expect(
        strings(documents[0]).filter((s) => s.includes('{{')),
        file.path,
      ).toEqual([]);
      expect(file.content, file.path).not.toContain('{{');
    }
  });

  it('is refused with the path of the value that holds it', () => {
    let caught: unknown;
    try {
      assertNoTemplateSyntax({ a: { b: ['ok', 'x {{ .Release.Name }}'] } }, 'charts/x/values.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PlatformError);
    expect((caught as PlatformError).code).toBe('E_VALUES_TEMPLATE');
    expect((caught as PlatformError).message).toBe(
      `charts/x/values.yaml: value at a.b[1] contains "{{", which Helm's tpl would run`,
    );
    expect(() => assertNoTemplateSyntax('{{', 'w')).toThrow('value at (root)');
    expect(() => assertNoTemplateSyntax({ a: '{ {', b: 1, c: null, d: ['}}'] }, 'w')).not.toThrow();
  });

  it('stops generation when the model would put it into values', () => {
    const tainted = { ...model, platform: { ...model.platform, name: 'x{{ .Release.Name }}' } };
    expect(() => chartsGenerator.generate(tainted)).toThrow(
      /charts\/backstage\/values\.yaml: value at .* contains "\{\{"/,
    );
  });
});

describe('group names', () => {
  it('flow from the model into Argo CD RBAC, Grafana role mapping and the realm groups', () => {
    const list = chartsGenerator.generate(withIdentity(model, { adminGroup: 'ops-root', auditorGroup: 'ops-read' }));
    const argocd = valuesIn(list, 'argocd');
    expect(argocd.configs.rbac['policy.csv'].split('\n').filter((line: string) => line !== '')).toEqual([
      'g, ops-root, role:admin',
      'g, ops-read, role:readonly',
    ]);
    const oauth = valuesIn(list, 'grafana')['grafana.ini']['auth.generic_oauth'];
    expect(oauth.role_attribute_path).toBe(
      "contains(groups[*], 'ops-root') && 'Admin' || contains(groups[*], 'ops-read') && 'Viewer'",
    );
    // Team groups get their role in their own organization only.
    expect(oauth.org_mapping.split(' ')).toContain('team-payments:payments:Viewer');
    expect(oauth.org_mapping.split(' ')).toContain('ops-root:1:Admin');
    expect(oauth.role_attribute_path).not.toContain('team-payments');
    expect(oauth.allowed_groups.split(' ')).toEqual(['ops-root', 'ops-read', 'team-payments', 'team-storefront']);
    expect(valuesIn(list, 'keycloakConfig').realm.groups).toEqual([
      { name: 'ops-root' },
      { name: 'ops-read' },
      { name: 'team-payments' },
      { name: 'team-storefront' },
    ]);
    for (const file of valuesArtifacts(list)) {
      expect(file.content, file.path).not.toContain('platform-admins');
      expect(file.content, file.path).not.toContain('platform-auditors');
    }
  });

  it('flow from a changed realm into every issuer', () => {
    const list = chartsGenerator.generate(withIdentity(model, { realm: 'acme' }));
    const issuer = 'https://keycloak.platform.example.com/realms/acme';
    expect(parseYaml(valuesIn(list, 'argocd').configs.cm['oidc.config']).issuer).toBe(issuer);
    expect(valuesIn(list, 'grafana')['grafana.ini']['auth.generic_oauth'].auth_url).toBe(
      `${issuer}/protocol/openid-connect/auth`,
    );
    expect(valuesIn(list, 'keycloakConfig').realm.realm).toBe('acme');
  });
});
