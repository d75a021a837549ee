/**
 * A namespace's External Secrets wiring: every object validates against the upstream schemas, and the
 * ServiceAccount, the SecretStore and each ExternalSecret say exactly what the platform and the team asked.
 */
import { fileURLToPath } from 'node:url';
import {
  ExternalSecret,
  type IExternalSecret,
} from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { type ISecretStore, SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import {
  type Artifact,
  loadDefinitions,
  mergeOutputs,
  type NamespaceModel,
  type PlatformModel,
  validateDefinitions,
} from '@platform-gen/core';
import { type IServiceAccount, ServiceAccount } from 'kubernetes-models/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { esoStoresGenerator } from './index.js';
import { esoDir, externalSecretArtifact, secretStoreArtifact, serviceAccountArtifact } from './stores.js';

const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

type KubeObject = Readonly<Record<string, unknown>>;
type Loaded = Parameters<typeof validateDefinitions>[0];

const VALIDATORS: Readonly<Record<string, (object: unknown) => void>> = {
  'v1/ServiceAccount': (o) => new ServiceAccount(o as never).validate(),
  'external-secrets.io/v1/SecretStore': (o) => new SecretStore(o as never).validate(),
  'external-secrets.io/v1/ExternalSecret': (o) => new ExternalSecret(o as never).validate(),
};

function typeOf(object: KubeObject): string {
  return `${String(object.apiVersion)}/${String(object.kind)}`;
}

function validateUpstream(object: KubeObject): void {
  const validate = VALIDATORS[typeOf(object)];
  if (validate === undefined) throw new Error(`no upstream schema for ${typeOf(object)}`);
  validate(object);
}

function documentsOf(artifact: Artifact): KubeObject[] {
  expect(artifact.documents, artifact.path).toBeDefined();
  return (artifact.documents ?? []) as KubeObject[];
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

let loaded: Loaded;
let model: PlatformModel;

beforeAll(async () => {
  loaded = await loadDefinitions(WORKSPACE_ROOT);
  const validated = validateDefinitions(loaded);
  expect(validated.issues).toEqual([]);
  if (validated.model === undefined) throw new Error('the example definitions are invalid');
  model = validated.model;
});

function exampleNamespace(name: string): NamespaceModel {
  const ns = model.namespaces.find((n) => n.name === name);
  if (ns === undefined) throw new Error(`no namespace ${name} in the example`);
  return ns;
}

function withVault(change: Partial<PlatformModel['platform']['vault']>): PlatformModel {
  return { ...model, platform: { ...model.platform, vault: { ...model.platform.vault, ...change } } };
}

function storeOf(ns: NamespaceModel, m: PlatformModel = model): ISecretStore {
  return only(documentsOf(secretStoreArtifact(m, ns))) as unknown as ISecretStore;
}

function externalSecretOf(ns: NamespaceModel, name: string): IExternalSecret {
  const secret = ns.secrets.find((s) => s.name === name);
  if (secret === undefined) throw new Error(`no secret ${name} in ${ns.name}`);
  return only(documentsOf(externalSecretArtifact(model, ns, secret))) as unknown as IExternalSecret;
}

const REMOTE_REF_DEFAULTS = { conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' };

describe('the wiring of the example validates against the upstream schemas', () => {
  it('writes a ServiceAccount, a SecretStore and one ExternalSecret per secret, all owned by the generator', () => {
    const artifacts = esoStoresGenerator.generate(model);
    expect(() =>
      mergeOutputs([{ generator: esoStoresGenerator.name, owns: esoStoresGenerator.owns, artifacts }]),
    ).not.toThrow();
    expect(artifacts.map((a) => a.path)).toEqual([
      'kubernetes/namespaces/payments-api/external-secrets/service-account.yaml',
      'kubernetes/namespaces/payments-api/external-secrets/secret-store.yaml',
      'kubernetes/namespaces/payments-api/external-secrets/external-secret-db-credentials.yaml',
      'kubernetes/namespaces/payments-api/external-secrets/external-secret-psp-api-key.yaml',
      'kubernetes/namespaces/payments-batch/external-secrets/service-account.yaml',
      'kubernetes/namespaces/payments-batch/external-secrets/secret-store.yaml',
      'kubernetes/namespaces/payments-batch/external-secrets/external-secret-settlement-sftp.yaml',
      'kubernetes/namespaces/storefront-web/external-secrets/service-account.yaml',
      'kubernetes/namespaces/storefront-web/external-secrets/secret-store.yaml',
      'kubernetes/namespaces/storefront-web/external-secrets/external-secret-session-key.yaml',
      'kubernetes/platform-secrets/kustomization.yaml',
      'kubernetes/platform-secrets/backstage.yaml',
      'kubernetes/platform-secrets/grafana.yaml',
      'kubernetes/platform-secrets/keycloak.yaml',
    ]);
    expect(esoDir('x')).toBe('kubernetes/namespaces/x/external-secrets/');
  });

  it('every object is valid (kubernetes-models, @kubernetes-models/external-secrets)', () => {
    const objects = esoStoresGenerator
      .generate(model)
      .filter((a) => !a.path.endsWith('/kustomization.yaml'))
      .flatMap(documentsOf);
    expect(new Set(objects.map(typeOf))).toEqual(new Set(Object.keys(VALIDATORS)));
    for (const object of objects) {
      expect(() => validateUpstream(object), `${typeOf(object)} ${JSON.stringify(object.metadata)}`).not.toThrow();
    }
  });

  it('a store with caBundle and its own server is valid too', () => {
    const m = withVault({ caBundle: 'LS0tLS1CRUdJTg==', server: 'https://vault.example.com:8200' });
    for (const ns of m.namespaces) expect(() => validateUpstream(storeOf(ns, m) as never)).not.toThrow();
  });

  it('the content of each file is exactly its documents', () => {
    for (const artifact of esoStoresGenerator.generate(model)) {
      const parsed = parseAllDocuments(artifact.content).map((d) => d.toJS() as unknown);
      expect(parsed, artifact.path).toEqual(artifact.documents);
    }
  });

  it('negative control: broken objects fail validation, so the check is not vacuous', () => {
    const ns = exampleNamespace('payments-api');
    const store = storeOf(ns) as unknown as KubeObject;
    const vault = storeOf(ns).spec?.provider?.vault;
    if (vault === undefined) throw new Error('no vault provider');
    const broken = (v: Record<string, unknown>) => ({ ...store, spec: { provider: { vault: { ...vault, ...v } } } });
    expect(() => validateUpstream(broken({ version: 'v3' }))).toThrow(/version/);
    expect(() =>
      validateUpstream(
        broken({ auth: { kubernetes: { ...vault.auth?.kubernetes, serviceAccountRef: { audiences: 'vault' } } } }),
      ),
    ).toThrow();
    const secret = externalSecretOf(ns, 'db-credentials') as unknown as KubeObject;
    const spec = secret.spec as Record<string, unknown>;
    expect(() => validateUpstream({ ...secret, spec: { ...spec, refreshInterval: 5 } })).toThrow(/refreshInterval/);
    expect(() => validateUpstream({ ...secret, spec: { ...spec, target: { creationPolicy: 'Sometimes' } } })).toThrow(
      /creationPolicy/,
    );
    expect(() =>
      validateUpstream({
        ...secret,
        spec: { ...spec, data: [{ secretKey: 'x', remoteRef: { key: 'k', decodingStrategy: 'Rot13' } }] },
      }),
    ).toThrow(/decodingStrategy/);
  });
});

describe('the ESO ServiceAccount', () => {
  it('is eso-vault in the namespace and mounts no token', () => {
    for (const ns of model.namespaces) {
      const artifact = serviceAccountArtifact(model, ns);
      expect(artifact.path).toBe(`kubernetes/namespaces/${ns.name}/external-secrets/service-account.yaml`);
      expect(artifact.source).toBe(ns.dir);
      const account = only(documentsOf(artifact)) as unknown as IServiceAccount;
      expect(account.apiVersion).toBe('v1');
      expect(account.kind).toBe('ServiceAccount');
      expect(account.metadata).toMatchObject({ name: 'eso-vault', namespace: ns.name });
      expect(account.automountServiceAccountToken).toBe(false);
    }
  });
});

describe('the SecretStore', () => {
  it('reads the KV v2 mount as the namespace own Vault role, through its own ServiceAccount', () => {
    const store = storeOf(exampleNamespace('payments-api'));
    expect(store.apiVersion).toBe('external-secrets.io/v1');
    expect(store.kind).toBe('SecretStore');
    expect(store.metadata).toEqual({
      name: 'vault',
      namespace: 'payments-api',
      labels: { 'app.kubernetes.io/managed-by': 'platform-gen', 'app.kubernetes.io/part-of': 'example' },
      annotations: { 'platform-gen.io/source': 'namespaces/payments-api/namespace.ts' },
    });
    expect(store.spec).toEqual({
      provider: {
        vault: {
          server: 'https://vault.vault.svc:8200',
          path: 'secret',
          version: 'v2',
          auth: {
            kubernetes: {
              mountPath: 'kubernetes',
              role: 'eso-payments-api',
              serviceAccountRef: { name: 'eso-vault', audiences: ['vault'] },
            },
          },
        },
      },
    });
  });

  it('uses each namespace own role, never a shared one, and no serviceAccountRef.namespace', () => {
    for (const ns of model.namespaces) {
      const kubernetes = storeOf(ns).spec?.provider?.vault?.auth?.kubernetes;
      expect(kubernetes?.role).toBe(`eso-${ns.name}`);
      expect(kubernetes?.serviceAccountRef).not.toHaveProperty('namespace');
      expect(storeOf(ns).metadata?.namespace).toBe(ns.name);
    }
  });

  it('follows the platform: mount only as path (never data/), audience, auth mount, server', () => {
    const m = withVault({
      kvMount: 'tenants',
      kubernetesAuthMount: 'k8s-prod',
      audience: 'vault-prod',
      server: 'http://vault.internal:8200',
    });
    const vault = storeOf(exampleNamespace('storefront-web'), m).spec?.provider?.vault;
    expect(vault?.path).toBe('tenants');
    expect(vault?.server).toBe('http://vault.internal:8200');
    expect(vault?.auth?.kubernetes?.mountPath).toBe('k8s-prod');
    expect(vault?.auth?.kubernetes?.serviceAccountRef).toEqual({ name: 'eso-vault', audiences: ['vault-prod'] });
  });

  it('has a caBundle only when the platform sets one', () => {
    expect(storeOf(exampleNamespace('payments-api')).spec?.provider?.vault).not.toHaveProperty('caBundle');
    const m = withVault({ caBundle: 'LS0tLS1CRUdJTg==' });
    expect(storeOf(exampleNamespace('payments-api'), m).spec?.provider?.vault?.caBundle).toBe('LS0tLS1CRUdJTg==');
  });
});

describe('the ExternalSecrets', () => {
  it('copies the listed properties into data[], each with the remoteRef defaults', () => {
    const secret = externalSecretOf(exampleNamespace('payments-api'), 'db-credentials');
    expect(secret.apiVersion).toBe('external-secrets.io/v1');
    expect(secret.kind).toBe('ExternalSecret');
    expect(secret.metadata).toMatchObject({
      name: 'db-credentials',
      namespace: 'payments-api',
      annotations: { 'platform-gen.io/source': 'namespaces/payments-api/secrets.ts' },
    });
    expect(secret.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: 'vault' },
      target: { name: 'db-credentials', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [
        { secretKey: 'username', remoteRef: { key: 'payments/api/db', property: 'username', ...REMOTE_REF_DEFAULTS } },
        { secretKey: 'password', remoteRef: { key: 'payments/api/db', property: 'password', ...REMOTE_REF_DEFAULTS } },
      ],
    });
  });

  it('extracts every field with dataFrom when no property is listed, keeping the refreshInterval asked for', () => {
    const secret = externalSecretOf(exampleNamespace('payments-api'), 'psp-api-key');
    expect(secret.spec).toEqual({
      refreshInterval: '15m',
      secretStoreRef: { kind: 'SecretStore', name: 'vault' },
      target: { name: 'psp-api-key', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      dataFrom: [{ extract: { key: 'payments/api/psp', ...REMOTE_REF_DEFAULTS } }],
    });
    expect(secret.spec).not.toHaveProperty('data');
  });

  it('refreshes every hour by default', () => {
    const ns = exampleNamespace('payments-batch');
    expect(ns.secrets[0]?.refreshInterval).toBeUndefined();
    expect(externalSecretOf(ns, 'settlement-sftp').spec?.refreshInterval).toBe('1h');
  });

  it('always reads through the namespace store, owns its Secret and keeps it when Vault loses the value', () => {
    for (const ns of model.namespaces) {
      for (const request of ns.secrets) {
        const artifact = externalSecretArtifact(model, ns, request);
        expect(artifact.path).toBe(
          `kubernetes/namespaces/${ns.name}/external-secrets/external-secret-${request.name}.yaml`,
        );
        expect(artifact.source).toBe(ns.secretsFile);
        const secret = only(documentsOf(artifact)) as unknown as IExternalSecret;
        expect(secret.metadata?.namespace).toBe(ns.name);
        expect(secret.spec?.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'vault' });
        expect(secret.spec?.target).toEqual({ name: request.name, creationPolicy: 'Owner', deletionPolicy: 'Retain' });
        expect(secret.spec).not.toHaveProperty('dataFrom.0.find');
        const refs = [
          ...(secret.spec?.data ?? []).map((d) => d.remoteRef),
          ...(secret.spec?.dataFrom ?? []).map((d) => d.extract),
        ];
        expect(refs.length).toBeGreaterThan(0);
        for (const ref of refs) expect(ref).toMatchObject({ key: request.key, ...REMOTE_REF_DEFAULTS });
      }
    }
  });

  it('takes the folder as source when a secret comes without a secrets file', () => {
    const ns: NamespaceModel = { ...exampleNamespace('payments-batch'), secretsFile: undefined };
    const request = ns.secrets[0];
    if (request === undefined) throw new Error('no secret');
    expect(externalSecretArtifact(model, ns, request).source).toBe('namespaces/payments-batch');
  });

  // Regression (was a bug): packages/core/schemas/secrets.schema.json (SecretRequest.properties items, pattern ^[-._a-zA-Z0-9]+$)
  // accepts '.', '..' and keys starting with '..', which Kubernetes rejects as Secret data keys
  // (apimachinery IsConfigMapKey). eso-stores turns such a property into `secretKey: ..data`, so the
  // definitions validate and generate, and ESO then fails to create the Secret in the cluster.
  // Reproduction: namespaces/payments-api/secrets.ts with properties: ['..data'] -> `platform-gen validate` exits 0.
  it('rejects a property that is not a valid Kubernetes Secret key (..data)', () => {
    const folders = loaded.namespaces.map((folder) =>
      folder.folder === 'payments-api' && folder.secrets !== undefined
        ? {
            ...folder,
            secrets: {
              ...folder.secrets,
              data: { secrets: [{ name: 'db-credentials', key: 'payments/api/db', properties: ['..data'] }] },
            },
          }
        : folder,
    );
    const validated = validateDefinitions({ ...loaded, namespaces: folders });
    expect(validated.issues.map((i) => i.file)).toContain('namespaces/payments-api/secrets.ts');
  });
});
