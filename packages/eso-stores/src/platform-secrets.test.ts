/**
 * The platform's own Secrets after the handover (phase 4), as generated from the example: per platform
 * namespace one ServiceAccount, one SecretStore on the namespace's own Vault role, and one ExternalSecret per
 * handed-over secret writing the Secret the consumer reads; in Keycloak's namespace also one ExternalSecret
 * gathering the confidential OIDC clients' secrets for keycloak-config-cli. Checked against the upstream
 * schemas, the invariants and the real `kubectl kustomize`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  ExternalSecret,
  type IExternalSecret,
} from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { type ISecretStore, SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import {
  type Artifact,
  approvedVaultPaths,
  type BootstrapSecret,
  checkInvariants,
  clientSecretEnv,
  KEYCLOAK_CLIENTS_SECRET,
  oidcClients,
  type PlatformModel,
  type RepoObject,
  renderFile,
} from '@platform-gen/core';
import { runTool } from '@platform-gen/core/real-tools';
import { loadExampleModel } from '@platform-gen/core/testing';
import { ServiceAccount } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { PLATFORM_SECRETS_DIR, platformSecretsArtifacts } from './platform-secrets.js';

type Obj = Record<string, unknown>;

const DIR = 'kubernetes/platform-secrets/';
const REMOTE_REF_DEFAULTS = { conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' };

let model: PlatformModel;
let artifacts: readonly Artifact[];

beforeAll(async () => {
  model = await loadExampleModel();
  artifacts = platformSecretsArtifacts(model);
});

function documentsOf(list: readonly Artifact[], path: string): Obj[] {
  const found = list.find((a) => a.path === path);
  if (found?.documents === undefined) throw new Error(`no artifact ${path} with documents`);
  return found.documents as Obj[];
}

const ofKind = (documents: readonly Obj[], kind: string) => documents.filter((d) => d.kind === kind);

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

function declared(name: string): BootstrapSecret {
  const secret = model.platform.bootstrapSecrets.find((s) => s.name === name);
  if (secret === undefined) throw new Error(`no bootstrap secret ${name} in the example`);
  return secret;
}

/** The example's inventory with `change` applied to one entry. */
function withSecret(name: string, change: (secret: BootstrapSecret) => BootstrapSecret): PlatformModel {
  declared(name);
  return {
    ...model,
    platform: {
      ...model.platform,
      bootstrapSecrets: model.platform.bootstrapSecrets.map((s) => (s.name === name ? change(s) : s)),
    },
  };
}

const SERVED = {
  backstage: ['backstage-oidc'],
  grafana: ['grafana-admin', 'grafana-oidc'],
  keycloak: ['keycloak-admin', 'keycloak-db'],
} as const;

/** ExternalSecrets beside the served ones: Keycloak's copy of the confidential clients' secrets. */
const CLIENTS: Readonly<Record<string, readonly string[]>> = { keycloak: ['keycloak-clients'] };

describe('kubernetes/platform-secrets/ of the example', () => {
  it('has one file per platform namespace ESO serves, and a kustomization listing exactly them', () => {
    expect(PLATFORM_SECRETS_DIR).toBe(DIR);
    expect(artifacts.map((a) => a.path)).toEqual([
      `${DIR}kustomization.yaml`,
      `${DIR}backstage.yaml`,
      `${DIR}grafana.yaml`,
      `${DIR}keycloak.yaml`,
    ]);
    expect(only(documentsOf(artifacts, `${DIR}kustomization.yaml`))).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['backstage.yaml', 'grafana.yaml', 'keycloak.yaml'],
    });
    for (const a of artifacts) expect(a.source, a.path).toBe(model.platformFile);
  });

  it.each(Object.entries(SERVED))(
    '%s.yaml: one ServiceAccount, one SecretStore on role eso-<ns>, one ExternalSecret per served secret (and keycloak-clients)',
    (namespace, names) => {
      const documents = documentsOf(artifacts, `${DIR}${namespace}.yaml`);
      const clients = CLIENTS[namespace] ?? [];
      expect(documents.map((d) => d.kind)).toEqual([
        'ServiceAccount',
        'SecretStore',
        ...[...names, ...clients].map(() => 'ExternalSecret'),
      ]);
      for (const d of documents) expect((d.metadata as { namespace: string }).namespace).toBe(namespace);

      const account = only(ofKind(documents, 'ServiceAccount'));
      expect((account.metadata as { name: string }).name).toBe('eso-vault');
      expect(account.automountServiceAccountToken).toBe(false);

      const store = only(ofKind(documents, 'SecretStore')) as unknown as ISecretStore;
      expect(store.metadata?.name).toBe('vault');
      expect(store.spec?.provider?.vault).toEqual({
        server: 'https://vault.vault.svc:8200',
        path: model.platform.vault.kvMount,
        version: 'v2',
        auth: {
          kubernetes: {
            mountPath: model.platform.vault.kubernetesAuthMount,
            role: `eso-${namespace}`,
            serviceAccountRef: { name: 'eso-vault', audiences: [model.platform.vault.audience] },
          },
        },
      });

      const externalSecrets = ofKind(documents, 'ExternalSecret') as unknown as IExternalSecret[];
      expect(externalSecrets.map((e) => e.metadata?.name)).toEqual([...names, ...clients]);
      // keycloak-clients is checked on its own below.
      for (const externalSecret of externalSecrets.slice(0, names.length)) {
        const secret = declared(String(externalSecret.metadata?.name));
        if (secret.handover.to !== 'vault') throw new Error(`${secret.name} is not handed over`);
        expect(externalSecret.spec).toEqual({
          refreshInterval: '1h',
          secretStoreRef: { kind: 'SecretStore', name: 'vault' },
          // The Secret the consumer reads, by its own name; the example declares no labels or type for these.
          target: { name: secret.name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
          dataFrom: [{ extract: { key: secret.handover.path, ...REMOTE_REF_DEFAULTS } }],
        });
      }
    },
  );

  it('every object validates against the upstream schemas (kubernetes-models, @kubernetes-models/external-secrets)', () => {
    const objects = artifacts
      .filter((a) => !a.path.endsWith('kustomization.yaml'))
      .flatMap((a) => a.documents as Obj[]);
    // A ServiceAccount and a SecretStore per namespace, five served secrets, and keycloak-clients.
    expect(objects).toHaveLength(3 * 2 + 5 + 1);
    for (const object of objects) {
      const validate = () => {
        if (object.kind === 'ServiceAccount') new ServiceAccount(object as never).validate();
        else if (object.kind === 'SecretStore') new SecretStore(object as never).validate();
        else if (object.kind === 'ExternalSecret') new ExternalSecret(object as never).validate();
        else throw new Error(`unexpected kind ${String(object.kind)}`);
      };
      expect(validate, JSON.stringify(object.metadata)).not.toThrow();
    }
  });

  it('serves nothing kept in Git (handover none) and nothing read in phase 3 (vault-oidc, read from Vault itself)', () => {
    const targets = artifacts
      .flatMap((a) => (a.documents ?? []) as Obj[])
      .filter((d) => d.kind === 'ExternalSecret')
      .map((d) => (d.spec as { target: { name: string } }).target.name);
    const kept = model.platform.bootstrapSecrets.filter((s) => s.handover.to === 'none').map((s) => s.name);
    expect(kept).toEqual(['argocd-repo', 'vault-tls']);
    for (const name of [...kept, 'vault-oidc']) expect(targets, name).not.toContain(name);
    expect(declared('vault-oidc')).toMatchObject({ phase: 3, handover: { to: 'vault' } });
    expect(artifacts.some((a) => a.path.includes('vault') || a.path.includes('argocd'))).toBe(false);
    expect(targets.sort()).toEqual([...Object.values(SERVED).flat(), ...Object.values(CLIENTS).flat()].sort());
  });

  it('the content of each file is exactly its documents', () => {
    for (const a of artifacts) {
      expect(
        parseAllDocuments(a.content).map((d) => d.toJS() as unknown),
        a.path,
      ).toEqual(a.documents);
    }
  });

  it('passes every invariant (ISO-1: each namespace reads only its handover paths)', () => {
    const objects: RepoObject[] = artifacts
      .filter((a) => !a.path.endsWith('kustomization.yaml'))
      .flatMap((a) => (a.documents as Obj[]).map((object) => ({ file: a.path, line: 1, generated: true, object })));
    expect(checkInvariants({ model, objects })).toEqual([]);
  });

  it('negative control: an ExternalSecret reading another namespace’s handover path is ISO-1', () => {
    const objects: RepoObject[] = documentsOf(artifacts, `${DIR}grafana.yaml`).map((object) => ({
      file: `${DIR}grafana.yaml`,
      line: 1,
      generated: true,
      object:
        object.kind === 'ExternalSecret'
          ? {
              ...object,
              spec: { ...(object.spec as Obj), dataFrom: [{ extract: { key: 'platform/keycloak/admin' } }] },
            }
          : object,
    }));
    const issues = checkInvariants({ model, objects });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['E_ISO1', 'spec.dataFrom[0].extract.key'],
      ['E_ISO1', 'spec.dataFrom[0].extract.key'],
    ]);
    expect(issues[0]?.message).toContain('platform/grafana/admin, platform/grafana/oidc');
  });

  it('a platform namespace reads exactly its handover paths: a key below one is ISO-1 too', () => {
    const objects: RepoObject[] = documentsOf(artifacts, `${DIR}grafana.yaml`).map((object) => ({
      file: `${DIR}grafana.yaml`,
      line: 1,
      generated: true,
      object:
        object.kind === 'ExternalSecret' && (object.metadata as { name: string }).name === 'grafana-admin'
          ? {
              ...object,
              spec: { ...(object.spec as Obj), dataFrom: [{ extract: { key: 'platform/grafana/admin/deeper' } }] },
            }
          : object,
    }));
    const issues = checkInvariants({ model, objects });
    expect(issues.map((i) => [i.code, i.path])).toEqual([['E_ISO1', 'spec.dataFrom[0].extract.key']]);
  });
});

describe('keycloak-clients: the confidential clients’ secrets for keycloak-config-cli', () => {
  const FILE = `${DIR}keycloak.yaml`;
  const clientsSecret = (list: readonly Artifact[] = artifacts) => {
    const found = documentsOf(list, FILE).filter(
      (d) => d.kind === 'ExternalSecret' && (d.metadata as { name: string }).name === KEYCLOAK_CLIENTS_SECRET,
    );
    return only(found);
  };
  /** keycloak.yaml as the repository view holds it, `change` applied to keycloak-clients. */
  const keycloakObjects = (change: (object: Obj) => Obj = (o) => o): RepoObject[] =>
    documentsOf(artifacts, FILE).map((object) => ({
      file: FILE,
      line: 1,
      generated: true,
      object: object === clientsSecret() ? change(object) : object,
    }));
  const withKey = (index: number, key: string) => (object: Obj) => {
    const spec = object.spec as { data: { remoteRef: Obj }[] };
    return {
      ...object,
      spec: {
        ...spec,
        data: spec.data.map((d, i) => (i === index ? { ...d, remoteRef: { ...d.remoteRef, key } } : d)),
      },
    };
  };

  it('validates against @kubernetes-models/external-secrets', () => {
    expect(KEYCLOAK_CLIENTS_SECRET).toBe('keycloak-clients');
    const object = clientsSecret();
    expect(() => new ExternalSecret(object as never).validate()).not.toThrow();
    expect(object).toMatchObject({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: {
        name: 'keycloak-clients',
        namespace: 'keycloak',
        labels: { 'app.kubernetes.io/managed-by': 'platform-gen' },
      },
    });
  });

  it('reads exactly the three confidential clients’ secrets, one key each, with the defaults the API server sets', () => {
    expect((clientsSecret() as unknown as IExternalSecret).spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: 'vault' },
      target: { name: 'keycloak-clients', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [
        {
          secretKey: 'VAULT_CLIENT_SECRET',
          remoteRef: { key: 'platform/oidc/vault', property: 'client-secret', ...REMOTE_REF_DEFAULTS },
        },
        {
          secretKey: 'GRAFANA_CLIENT_SECRET',
          remoteRef: { key: 'platform/grafana/oidc', property: 'client-secret', ...REMOTE_REF_DEFAULTS },
        },
        {
          secretKey: 'BACKSTAGE_CLIENT_SECRET',
          remoteRef: { key: 'platform/backstage/oidc', property: 'AUTH_OIDC_CLIENT_SECRET', ...REMOTE_REF_DEFAULTS },
        },
      ],
    });
  });

  it('each entry is a confidential client’s handover path and a key its bootstrap secret declares; Argo CD (public) has none', () => {
    const data = (clientsSecret() as unknown as IExternalSecret).spec?.data ?? [];
    const confidential = oidcClients(model.platform).filter((c) => c.secret !== undefined);
    expect(confidential.map((c) => c.clientId)).toEqual(['vault', 'grafana', 'backstage']);
    expect(data.map((d) => d.secretKey)).toEqual(confidential.map(clientSecretEnv));
    confidential.forEach((client, i) => {
      const secret = declared(client.secret?.ref.name ?? '');
      if (secret.handover.to !== 'vault') throw new Error(`${secret.name} is not handed over`);
      expect(data[i]?.remoteRef?.key, client.clientId).toBe(secret.handover.path);
      expect(secret.keys, client.clientId).toContain(data[i]?.remoteRef?.property);
    });
    expect(data.map((d) => d.secretKey)).not.toContain('ARGOCD_CLIENT_SECRET');
  });

  it('a client whose secret is not handed over is left out (validation refuses it: E_BOOTSTRAP_HANDOVER_REQUIRED)', () => {
    const kept = withSecret('grafana-oidc', (s) => ({ ...s, handover: { to: 'none', reason: 'tests' } }));
    const data = (clientsSecret(platformSecretsArtifacts(kept)) as unknown as IExternalSecret).spec?.data ?? [];
    expect(data.map((d) => d.secretKey)).toEqual(['VAULT_CLIENT_SECRET', 'BACKSTAGE_CLIENT_SECRET']);
  });

  it('ISO-1 and ISO-2 read the same list: Keycloak’s exact paths are its two secrets and the three clients’', () => {
    const read = [
      ...ofKind(documentsOf(artifacts, FILE), 'ExternalSecret').flatMap((d) => {
        const spec = d.spec as IExternalSecret['spec'];
        return [
          ...(spec?.data ?? []).map((e) => e.remoteRef.key),
          ...(spec?.dataFrom ?? []).map((e) => e.extract?.key ?? ''),
        ];
      }),
    ];
    // ISO-2 checks the eso-keycloak policy against this list (vault-config's tests), ISO-1 the ExternalSecrets.
    expect(approvedVaultPaths(model).get('keycloak')).toEqual({ paths: [...new Set(read)].sort(), exact: true });
    expect(approvedVaultPaths(model).get('keycloak')?.paths).toEqual([
      'platform/backstage/oidc',
      'platform/grafana/oidc',
      'platform/keycloak/admin',
      'platform/keycloak/db',
      'platform/oidc/vault',
    ]);
    expect(checkInvariants({ model, objects: keycloakObjects() })).toEqual([]);
  });

  it('negative control: keycloak-clients reading a secret that is no client’s (grafana’s admin) is ISO-1', () => {
    const issues = checkInvariants({ model, objects: keycloakObjects(withKey(1, 'platform/grafana/admin')) });
    expect(issues.map((i) => [i.code, i.path])).toEqual([['E_ISO1', 'spec.data[1].remoteRef.key']]);
    expect(issues[0]?.message).toContain('"platform/grafana/admin"');
  });

  it('negative control: a key below a client’s path is ISO-1 too (exact paths only)', () => {
    const issues = checkInvariants({ model, objects: keycloakObjects(withKey(0, 'platform/oidc/vault/deeper')) });
    expect(issues.map((i) => [i.code, i.path])).toEqual([['E_ISO1', 'spec.data[0].remoteRef.key']]);
  });

  it('negative control: only Keycloak may read a client’s path Keycloak reads (grafana reading Vault’s is ISO-1)', () => {
    const objects: RepoObject[] = documentsOf(artifacts, `${DIR}grafana.yaml`).map((object) => ({
      file: `${DIR}grafana.yaml`,
      line: 1,
      generated: true,
      object:
        object.kind === 'ExternalSecret' && (object.metadata as { name: string }).name === 'grafana-oidc'
          ? { ...object, spec: { ...(object.spec as Obj), dataFrom: [{ extract: { key: 'platform/oidc/vault' } }] } }
          : object,
    }));
    const issues = checkInvariants({ model, objects });
    expect(issues.map((i) => [i.code, i.path])).toEqual([['E_ISO1', 'spec.dataFrom[0].extract.key']]);
  });
});

describe('the shape of the Secret ESO writes', () => {
  const targetOf = (m: PlatformModel, namespace: string, name: string) => {
    const externalSecret = documentsOf(platformSecretsArtifacts(m), `${DIR}${namespace}.yaml`).find(
      (d) => d.kind === 'ExternalSecret' && (d.metadata as { name: string }).name === name,
    );
    if (externalSecret === undefined) throw new Error(`no ExternalSecret ${namespace}/${name}`);
    expect(() => new ExternalSecret(externalSecret as never).validate()).not.toThrow();
    return (externalSecret.spec as { target: Obj }).target;
  };

  it('carries declared labels and type in a template that only shapes the Secret (every value passes through)', () => {
    const m = withSecret('keycloak-admin', (s) => ({
      ...s,
      type: 'kubernetes.io/basic-auth',
      labels: { 'app.kubernetes.io/part-of': 'keycloak' },
    }));
    expect(targetOf(m, 'keycloak', 'keycloak-admin')).toEqual({
      name: 'keycloak-admin',
      creationPolicy: 'Owner',
      deletionPolicy: 'Retain',
      template: {
        engineVersion: 'v2',
        mergePolicy: 'Replace',
        type: 'kubernetes.io/basic-auth',
        metadata: { labels: { 'app.kubernetes.io/part-of': 'keycloak' } },
      },
    });
    // The other secrets keep their template-free target.
    expect(targetOf(m, 'keycloak', 'keycloak-db')).not.toHaveProperty('template');
  });

  it('carries only what is declared: labels without type, type without labels', () => {
    const labelsOnly = withSecret('grafana-oidc', (s) => ({ ...s, labels: { team: 'observability' } }));
    expect(targetOf(labelsOnly, 'grafana', 'grafana-oidc').template).toEqual({
      engineVersion: 'v2',
      mergePolicy: 'Replace',
      metadata: { labels: { team: 'observability' } },
    });
    const typeOnly = withSecret('grafana-oidc', (s) => ({ ...s, type: 'Opaque' }));
    expect(targetOf(typeOnly, 'grafana', 'grafana-oidc').template).toEqual({
      engineVersion: 'v2',
      mergePolicy: 'Replace',
      type: 'Opaque',
    });
  });

  it('has no template when neither labels nor type is declared', () => {
    expect(targetOf(model, 'backstage', 'backstage-oidc')).toEqual({
      name: 'backstage-oidc',
      creationPolicy: 'Owner',
      deletionPolicy: 'Retain',
    });
  });
});

describe('other inventories', () => {
  it('with nothing handed over: an empty kustomization and no namespace file', () => {
    const m: PlatformModel = {
      ...model,
      platform: {
        ...model.platform,
        bootstrapSecrets: model.platform.bootstrapSecrets.filter((s) => s.handover.to === 'none'),
      },
    };
    const list = platformSecretsArtifacts(m);
    expect(list.map((a) => a.path)).toEqual([`${DIR}kustomization.yaml`]);
    expect(only(documentsOf(list, `${DIR}kustomization.yaml`))).toMatchObject({ resources: [] });
  });

  it('in the vault namespace: the phase-3 handover (vault-oidc) gets no ExternalSecret, a phase-4 one does', () => {
    expect(platformSecretsArtifacts(model).some((a) => a.path === `${DIR}vault.yaml`)).toBe(false);
    const extra: BootstrapSecret = {
      name: 'vault-plugin-token',
      namespace: 'vault',
      keys: ['token'],
      phase: 4,
      consumer: 'tests',
      suppliedBy: 'tests',
      handover: { to: 'vault', path: 'platform/vault/plugin-token' },
    };
    const m: PlatformModel = {
      ...model,
      platform: { ...model.platform, bootstrapSecrets: [...model.platform.bootstrapSecrets, extra] },
    };
    const list = platformSecretsArtifacts(m);
    expect(only(documentsOf(list, `${DIR}kustomization.yaml`))).toMatchObject({
      resources: ['backstage.yaml', 'grafana.yaml', 'keycloak.yaml', 'vault.yaml'],
    });
    const externalSecrets = ofKind(documentsOf(list, `${DIR}vault.yaml`), 'ExternalSecret');
    expect(externalSecrets.map((d) => (d.metadata as { name: string }).name)).toEqual(['vault-plugin-token']);
  });
});

describe('kubernetes/platform-secrets/ as the real kubectl kustomize renders it', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'platform-secrets-kustomize-'));
    for (const a of artifacts) {
      await mkdir(dirname(join(root, a.path)), { recursive: true });
      await writeFile(join(root, a.path), renderFile(a.path, a.source, a.content));
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('renders every object of the three files, each in its namespace, and no Secret', () => {
    const result = runTool('kubectl', ['kustomize', join(root, DIR)]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const rendered = parseAllDocuments(result.stdout).map((d) => d.toJS() as Obj);
    const key = (o: Obj) => {
      const metadata = o.metadata as { name: string; namespace: string };
      return `${String(o.kind)} ${metadata.namespace}/${metadata.name}`;
    };
    const generated = artifacts
      .filter((a) => !a.path.endsWith('kustomization.yaml'))
      .flatMap((a) => a.documents as Obj[]);
    expect(rendered.map(key).sort()).toEqual(generated.map(key).sort());
    expect(rendered.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});
