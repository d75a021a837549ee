/**
 * The platform invariants on hand-built repository views: for each rule, a view that passes and views
 * that break it in one way, each reported with its code, file, line and field path.
 */
import { describe, expect, it } from 'vitest';
import type { PlatformDefinition } from '../generated/platform.js';
import type { Issue } from '../issues.js';
import type { NamespaceModel, PlatformModel } from '../model.js';
import type { RepoObject, RepoView } from '../repo-view.js';
import { eso1 } from './eso-1.js';
import { checkInvariants, INVARIANTS } from './index.js';
import { iso1 } from './iso-1.js';
import { sec2 } from './sec-2.js';

function namespace(name: string, approvedPrefixes: string[]): NamespaceModel {
  const dir = `namespaces/${name}`;
  return {
    name,
    dir,
    file: `${dir}/namespace.ts`,
    definition: { name, team: 'alpha', vault: { approvedPrefixes } },
    secretsFile: undefined,
    secrets: [],
  };
}

const MODEL: PlatformModel = {
  platformFile: 'platform/platform.ts',
  // The invariants read only the namespaces and vault.audience: the rest of the platform (e.g. how Vault
  // unseals) does not matter here, hence the assertion rather than a complete definition.
  platform: {
    formatVersion: 2,
    name: 'example',
    domain: 'platform.example.com',
    git: { repoURL: 'https://git.example.com/platform.git', targetRevision: 'main' },
    cluster: { name: 'in-cluster', server: 'https://kubernetes.default.svc', kubeVersion: '1.33.0' },
    identity: { realm: 'platform', adminGroup: 'admins', auditorGroup: 'auditors', kubernetesGroupPrefix: 'oidc:' },
    vault: { kvMount: 'secret', kubernetesAuthMount: 'kubernetes', audience: 'vault' },
    sops: { recipients: [] },
    bootstrapSecrets: [],
    teams: [{ name: 'alpha', group: 'team-alpha' }],
  } as unknown as PlatformDefinition,
  namespaces: [namespace('team-a', ['team-a/app', 'shared/team-a']), namespace('team-b', ['team-b'])],
};

type Obj = Record<string, unknown>;

function entry(file: string, object: Obj, line = 1, generated = false): RepoObject {
  return { file, line, generated, object };
}

function view(...objects: RepoObject[]): RepoView {
  return { model: MODEL, objects };
}

function check(...objects: RepoObject[]): Issue[] {
  return checkInvariants(view(...objects));
}

/** The issues' code, file, line and path, for exact comparison. */
function where(issues: readonly Issue[]): { code: string; file: string; line: number | undefined; path: string }[] {
  return issues.map((i) => ({ code: i.code, file: i.file, line: i.line, path: i.path }));
}

const ESO = 'external-secrets.io/v1';
const A = 'kubernetes/namespaces/team-a/';
const ESO_DIR = `${A}external-secrets/`;

function meta(name: string, namespace?: string): Obj {
  return namespace === undefined ? { name } : { name, namespace };
}

function serviceAccount(namespace: string | undefined, name = 'eso-vault'): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(name, namespace),
    automountServiceAccountToken: false,
  };
}

function secretStore(namespace: string | undefined, serviceAccountRef?: Obj, name = 'vault'): Obj {
  return {
    apiVersion: ESO,
    kind: 'SecretStore',
    metadata: meta(name, namespace),
    spec: {
      provider: {
        vault: {
          server: 'https://vault.vault.svc:8200',
          path: 'secret',
          version: 'v2',
          auth: {
            kubernetes: {
              mountPath: 'kubernetes',
              role: `eso-${namespace ?? 'x'}`,
              ...(serviceAccountRef === undefined ? {} : { serviceAccountRef }),
            },
          },
        },
      },
    },
  };
}

const OWN_ACCOUNT = { name: 'eso-vault', audiences: ['vault'] };

function externalSecret(namespace: string | undefined, spec: Obj, name = 'db'): Obj {
  return {
    apiVersion: ESO,
    kind: 'ExternalSecret',
    metadata: meta(name, namespace),
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: 'vault' },
      target: { name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      ...spec,
    },
  };
}

const remote = (key: unknown, property = 'password') => ({ secretKey: property, remoteRef: { key, property } });

function podSpec(extra: Obj = {}): Obj {
  return {
    containers: [
      {
        name: 'app',
        image: 'registry.example.com/app:1.0',
        env: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        ],
      },
    ],
    ...extra,
  };
}

/** The env list of the first container of a pod spec made by `podSpec`, to add variables to. */
function envOf(spec: Obj): Obj[] {
  const env = (spec.containers as Obj[])[0]?.env;
  if (!Array.isArray(env)) throw new Error('the pod spec has no env');
  return env as Obj[];
}

function deployment(namespace: string | undefined, template: { annotations?: Obj; spec?: Obj } = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('api', namespace),
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: {
          labels: { app: 'api' },
          ...(template.annotations === undefined ? {} : { annotations: template.annotations }),
        },
        spec: template.spec ?? podSpec(),
      },
    },
  };
}

function networkPolicy(namespace: string | undefined, egress: unknown[], name = 'allow-egress'): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(name, namespace),
    spec: { podSelector: {}, policyTypes: ['Egress'], egress },
  };
}

const byName = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

/** A tenant namespace as platform-gen generates it, plus a well-behaved hand-written app. */
function healthyNamespace(): RepoObject[] {
  return [
    entry(`${ESO_DIR}service-account.yaml`, serviceAccount('team-a'), 2, true),
    entry(`${ESO_DIR}secret-store.yaml`, secretStore('team-a', OWN_ACCOUNT), 2, true),
    entry(
      `${ESO_DIR}external-secret-db.yaml`,
      externalSecret('team-a', { data: [remote('team-a/app/db', 'username'), remote('shared/team-a/db')] }),
      2,
      true,
    ),
    entry(
      `${ESO_DIR}external-secret-all.yaml`,
      externalSecret('team-a', { dataFrom: [{ extract: { key: 'team-a/app' } }] }, 'all'),
      2,
      true,
    ),
    entry(`${A}network-policies.yaml`, networkPolicy('team-a', [{ to: [{ podSelector: {} }] }], 'same'), 2, true),
    entry(
      `${A}network-policies.yaml`,
      networkPolicy('team-a', [
        {
          to: [{ namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }],
        },
      ]),
      20,
      true,
    ),
    entry(`${ESO_DIR.replace('team-a', 'team-b')}service-account.yaml`, serviceAccount('team-b'), 2, true),
    entry(`${ESO_DIR.replace('team-a', 'team-b')}secret-store.yaml`, secretStore('team-b', OWN_ACCOUNT), 2, true),
    entry(`${A}app.yaml`, deployment(undefined), 1),
    entry('kubernetes/apps/api.yaml', deployment('team-b'), 1),
    entry('kubernetes/cluster/role.yaml', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'x' },
    }),
  ];
}

describe('the invariants', () => {
  it('are all of DESIGN.md §6, SEC-1 included (issue #7), each with its rule', () => {
    expect(INVARIANTS.map((i) => i.id)).toEqual([
      'GIT-1',
      'APP-1',
      'APP-2',
      'APP-3',
      'LAY-1',
      'ISO-1',
      'ISO-2',
      'ESO-1',
      'SEC-1',
      'SEC-2',
      'VLT-1',
      'PHS-1',
    ]);
    for (const invariant of INVARIANTS) expect(invariant.rule.length).toBeGreaterThan(10);
  });

  it('find nothing in a healthy repository', () => {
    expect(check(...healthyNamespace())).toEqual([]);
    expect(check()).toEqual([]);
  });

  it('run only the invariants asked for', () => {
    const push = entry('kubernetes/apps/push.yaml', {
      apiVersion: 'external-secrets.io/v1alpha1',
      kind: 'PushSecret',
      metadata: meta('p', 'team-a'),
    });
    expect(checkInvariants(view(push), [iso1, sec2])).toEqual([]);
    expect(where(checkInvariants(view(push), [eso1]))).toHaveLength(1);
  });
});

describe('ISO-1: one store and one ESO ServiceAccount per namespace, no cluster store, no cross-namespace reference', () => {
  it('reports a ClusterSecretStore and a ClusterExternalSecret at their kind', () => {
    const issues = check(
      entry(
        'kubernetes/platform/stores.yaml',
        { apiVersion: ESO, kind: 'ClusterSecretStore', metadata: meta('shared') },
        5,
      ),
      entry(
        'kubernetes/platform/stores.yaml',
        { apiVersion: 'external-secrets.io/v1beta1', kind: 'ClusterExternalSecret', metadata: meta('all') },
        30,
      ),
    );
    expect(where(issues)).toEqual([
      { code: 'E_ISO1', file: 'kubernetes/platform/stores.yaml', line: 5, path: 'kind' },
      { code: 'E_ISO1', file: 'kubernetes/platform/stores.yaml', line: 30, path: 'kind' },
    ]);
    expect(issues[0]?.message).toMatch(/^ISO-1: ClusterSecretStore shared: is cluster-wide/);
    expect(issues[0]?.severity).toBe('error');
    expect(issues[0]?.hint).not.toBe('');
  });

  it('ignores a kind of the same name in another API group', () => {
    expect(
      check(
        entry('kubernetes/x.yaml', { apiVersion: 'example.com/v1', kind: 'ClusterSecretStore', metadata: meta('x') }),
      ),
    ).toEqual([]);
  });

  it('reports a second SecretStore in a namespace, at the second one', () => {
    const issues = check(
      ...healthyNamespace(),
      entry(`${A}extra-store.yaml`, secretStore(undefined, OWN_ACCOUNT, 'other'), 3),
    );
    expect(where(issues)).toEqual([{ code: 'E_ISO1', file: `${A}extra-store.yaml`, line: 3, path: 'metadata.name' }]);
    expect(issues[0]?.message).toContain(
      `second SecretStore in namespace "team-a" (the first is in ${ESO_DIR}secret-store.yaml)`,
    );
  });

  it('reports a second eso-vault ServiceAccount in a namespace, wherever its file is', () => {
    const issues = check(...healthyNamespace(), entry('kubernetes/apps/accounts.yaml', serviceAccount('team-a'), 12));
    expect(where(issues)).toEqual([
      { code: 'E_ISO1', file: 'kubernetes/apps/accounts.yaml', line: 12, path: 'metadata.name' },
    ]);
    expect(issues[0]?.message).toContain('second ESO ServiceAccount in namespace "team-a"');
  });

  it('accepts one eso-vault ServiceAccount and one store in each of several namespaces, and other ServiceAccounts', () => {
    expect(
      check(
        ...healthyNamespace(),
        entry('kubernetes/apps/accounts.yaml', serviceAccount('team-a', 'worker'), 1),
        entry('kubernetes/apps/accounts.yaml', serviceAccount('apps'), 8),
      ),
    ).toEqual([]);
  });

  it('reports a SecretStore without serviceAccountRef or with another ServiceAccount', () => {
    const path = 'spec.provider.vault.auth.kubernetes.serviceAccountRef.name';
    expect(where(check(entry(`${ESO_DIR}secret-store.yaml`, secretStore('team-a'), 2)))).toEqual([
      { code: 'E_ISO1', file: `${ESO_DIR}secret-store.yaml`, line: 2, path },
    ]);
    expect(where(check(entry('kubernetes/apps/store.yaml', secretStore('apps', { name: 'default' }), 4)))).toEqual([
      { code: 'E_ISO1', file: 'kubernetes/apps/store.yaml', line: 4, path },
    ]);
    const tokenStore = secretStore('apps');
    (tokenStore.spec as { provider: { vault: Obj } }).provider.vault.auth = {
      tokenSecretRef: { name: 'root', key: 't' },
    };
    expect(where(check(entry('kubernetes/apps/store.yaml', tokenStore, 4)))).toEqual([
      { code: 'E_ISO1', file: 'kubernetes/apps/store.yaml', line: 4, path },
    ]);
  });

  it('reports a serviceAccountRef in another namespace, and accepts its own namespace spelled out', () => {
    expect(
      where(
        check(entry(`${ESO_DIR}secret-store.yaml`, secretStore('team-a', { ...OWN_ACCOUNT, namespace: 'team-b' }), 2)),
      ),
    ).toEqual([
      {
        code: 'E_ISO1',
        file: `${ESO_DIR}secret-store.yaml`,
        line: 2,
        path: 'spec.provider.vault.auth.kubernetes.serviceAccountRef.namespace',
      },
    ]);
    expect(
      check(entry(`${ESO_DIR}secret-store.yaml`, secretStore('team-a', { ...OWN_ACCOUNT, namespace: 'team-a' }), 2)),
    ).toEqual([]);
  });

  it('reports an ExternalSecret reading through a ClusterSecretStore', () => {
    const secret = externalSecret('team-a', {
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'shared' },
      data: [remote('team-a/app/db')],
    });
    const issues = check(entry(`${A}secret.yaml`, secret, 7));
    expect(where(issues)).toEqual([
      { code: 'E_ISO1', file: `${A}secret.yaml`, line: 7, path: 'spec.secretStoreRef.kind' },
    ]);
    expect(issues[0]?.message).toContain('reads through a ClusterSecretStore');
  });

  it('accepts an ExternalSecret whose secretStoreRef leaves the kind to its SecretStore default', () => {
    expect(
      check(
        entry(
          `${A}secret.yaml`,
          externalSecret('team-a', { secretStoreRef: { name: 'vault' }, data: [remote('team-a/app/db')] }),
        ),
      ),
    ).toEqual([]);
  });

  it('reports each key outside the namespace approved prefixes, segment-wise', () => {
    const secret = externalSecret('team-a', {
      data: [
        remote('team-a/app/db'),
        remote('team-b/db'),
        remote('team-a/application'),
        remote('team-a'),
        { secretKey: 'x', remoteRef: { property: 'x' } },
      ],
      dataFrom: [{ extract: { key: 'team-a/app' } }, { extract: { key: 'shared/team-b' } }],
    });
    const issues = check(entry(`${A}secret.yaml`, secret, 4));
    expect(where(issues)).toEqual(
      [
        'spec.data[1].remoteRef.key',
        'spec.data[2].remoteRef.key',
        'spec.data[3].remoteRef.key',
        'spec.data[4].remoteRef.key',
        'spec.dataFrom[1].extract.key',
      ].map((path) => ({ code: 'E_ISO1', file: `${A}secret.yaml`, line: 4, path })),
    );
    expect(issues[0]?.message).toContain(
      'reads Vault key "team-b/db", outside the prefixes approved for its namespace (team-a/app, shared/team-a)',
    );
  });

  it('reports every key of an ExternalSecret in a namespace with no approved prefix (not a tenant)', () => {
    const issues = check(
      entry('kubernetes/apps/secret.yaml', externalSecret('apps', { data: [remote('apps/db')] }), 2),
    );
    expect(where(issues)).toEqual([
      { code: 'E_ISO1', file: 'kubernetes/apps/secret.yaml', line: 2, path: 'spec.data[0].remoteRef.key' },
    ]);
    expect(issues[0]?.message).toContain('(none)');
  });

  it('reports dataFrom.find, which searches Vault instead of naming a key', () => {
    const secret = externalSecret('team-a', {
      dataFrom: [{ extract: { key: 'team-a/app' } }, { find: { path: 'team-a', name: { regexp: '.*' } } }],
    });
    expect(where(check(entry(`${A}secret.yaml`, secret, 9)))).toEqual([
      { code: 'E_ISO1', file: `${A}secret.yaml`, line: 9, path: 'spec.dataFrom[1].find' },
    ]);
  });

  it('reports an object in kubernetes/namespaces/<a>/ that targets namespace b', () => {
    const issues = check(entry(`${A}app.yaml`, deployment('team-b'), 11));
    expect(where(issues)).toEqual([{ code: 'E_ISO1', file: `${A}app.yaml`, line: 11, path: 'metadata.namespace' }]);
    expect(issues[0]?.message).toContain('lives under kubernetes/namespaces/team-a/ but targets namespace "team-b"');
  });

  it('reports an ESO object of namespace b in the folder of a once per rule it breaks', () => {
    // The store lands in team-b (its metadata.namespace): it is misplaced, and team-b's second store.
    const issues = check(...healthyNamespace(), entry(`${A}store.yaml`, secretStore('team-b', OWN_ACCOUNT), 2));
    expect(where(issues)).toEqual([
      { code: 'E_ISO1', file: `${A}store.yaml`, line: 2, path: 'metadata.namespace' },
      { code: 'E_ISO1', file: `${A}store.yaml`, line: 2, path: 'metadata.name' },
    ]);
  });

  it('accepts an object of the folder without metadata.namespace (Argo CD puts it there)', () => {
    expect(
      check(
        entry(`${A}app.yaml`, deployment(undefined)),
        entry(`${A}cm.yaml`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('c', 'team-a') }),
      ),
    ).toEqual([]);
  });

  // Regression (was a bug): iso-1.ts checkExternalSecret only reads spec.secretStoreRef.kind. ESO v1 also lets each data[] entry
  // (and dataFrom[] entry) choose its own store with sourceRef.storeRef, e.g. a ClusterSecretStore, so
  // `data: [{ secretKey, remoteRef, sourceRef: { storeRef: { kind: ClusterSecretStore, name: shared } } }]`
  // reads through a cluster-wide store and no ISO-1 issue is reported.
  it('reports data[].sourceRef.storeRef of kind ClusterSecretStore', () => {
    const secret = externalSecret('team-a', {
      data: [{ ...remote('team-a/app/db'), sourceRef: { storeRef: { kind: 'ClusterSecretStore', name: 'shared' } } }],
    });
    expect(where(check(entry(`${A}secret.yaml`, secret, 3)))).toEqual([
      { code: 'E_ISO1', file: `${A}secret.yaml`, line: 3, path: 'spec.data[0].sourceRef.storeRef' },
    ]);
  });

  // Regression (was a bug): iso-1.ts only checks an ExternalSecret (and a SecretStore) when namespaceOf(entry) is defined
  // (`isEso(entry, 'ExternalSecret') && namespace !== undefined`). A hand-written ExternalSecret outside
  // kubernetes/namespaces/ without metadata.namespace (Argo CD applies it in its Application's destination)
  // is therefore not checked at all: its ClusterSecretStore reference and its keys pass unreported.
  it('checks an ExternalSecret that has no namespace outside the namespace folders', () => {
    const secret = externalSecret(undefined, {
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'shared' },
      data: [remote('team-b/db')],
    });
    const issues = check(entry('kubernetes/apps/secret.yaml', secret, 1));
    expect(issues.map((i) => i.path)).toContain('spec.secretStoreRef.kind');
  });
});

describe('ESO-1: ESO only reads', () => {
  it('accepts ExternalSecrets and stores', () => {
    expect(eso1.check(view(...healthyNamespace()))).toEqual([]);
  });

  it('reports a PushSecret and a ClusterPushSecret at their kind', () => {
    const issues = check(
      entry(
        'kubernetes/apps/push.yaml',
        { apiVersion: 'external-secrets.io/v1alpha1', kind: 'PushSecret', metadata: meta('push-db', 'team-a') },
        1,
      ),
      entry(
        'kubernetes/apps/push.yaml',
        { apiVersion: 'external-secrets.io/v1alpha1', kind: 'ClusterPushSecret', metadata: meta('push-all') },
        14,
      ),
      entry(`${A}push.yaml`, { apiVersion: 'external-secrets.io/v1', kind: 'PushSecret', metadata: meta('again') }, 3),
    );
    expect(where(issues)).toEqual([
      { code: 'E_ESO1', file: 'kubernetes/apps/push.yaml', line: 1, path: 'kind' },
      { code: 'E_ESO1', file: 'kubernetes/apps/push.yaml', line: 14, path: 'kind' },
      { code: 'E_ESO1', file: `${A}push.yaml`, line: 3, path: 'kind' },
    ]);
    expect(issues[0]?.message).toMatch(/^ESO-1: PushSecret push-db: writes Kubernetes Secrets back/);
    expect(issues[1]?.message).toMatch(/^ESO-1: ClusterPushSecret push-all:/);
  });

  it('ignores a PushSecret of another API group', () => {
    expect(
      check(
        entry('kubernetes/x.yaml', { apiVersion: 'example.com/v1', kind: 'PushSecret', metadata: meta('x', 'apps') }),
      ),
    ).toEqual([]);
  });
});

describe('SEC-2: workloads never talk to Vault', () => {
  it('accepts workloads that read Kubernetes Secrets and unrelated tokens and addresses', () => {
    const spec = podSpec({
      volumes: [
        {
          name: 'aws',
          projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', path: 't' } }] },
        },
        { name: 'db', secret: { secretName: 'db' } },
      ],
    });
    envOf(spec).push({ name: 'UPSTREAM', value: 'https://myvault.example.com/api' });
    expect(
      check(
        entry(
          'kubernetes/apps/api.yaml',
          deployment('apps', { annotations: { 'prometheus.io/scrape': 'true' }, spec }),
        ),
        entry('kubernetes/apps/pod.yaml', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: meta('p', 'apps'),
          spec: podSpec(),
        }),
      ),
    ).toEqual([]);
  });

  it('reports vault.hashicorp.com annotations on the pod template of a Deployment, a CronJob and a Pod', () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta('nightly', 'apps'),
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          spec: { template: { metadata: { annotations: { 'vault.hashicorp.com/role': 'apps' } }, spec: podSpec() } },
        },
      },
    };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...meta('p', 'apps'), annotations: { 'vault.hashicorp.com/agent-inject-secret-db': 'secret/db' } },
      spec: podSpec(),
    };
    const issues = check(
      entry(
        'kubernetes/apps/api.yaml',
        deployment('apps', { annotations: { 'vault.hashicorp.com/agent-inject': 'true', team: 'x' } }),
        2,
      ),
      entry('kubernetes/apps/cron.yaml', cronJob, 3),
      entry('kubernetes/apps/pod.yaml', pod, 4),
    );
    expect(where(issues)).toEqual([
      {
        code: 'E_SEC2',
        file: 'kubernetes/apps/api.yaml',
        line: 2,
        path: 'spec.template.metadata.annotations["vault.hashicorp.com/agent-inject"]',
      },
      {
        code: 'E_SEC2',
        file: 'kubernetes/apps/cron.yaml',
        line: 3,
        path: 'spec.jobTemplate.spec.template.metadata.annotations["vault.hashicorp.com/role"]',
      },
      {
        code: 'E_SEC2',
        file: 'kubernetes/apps/pod.yaml',
        line: 4,
        path: 'metadata.annotations["vault.hashicorp.com/agent-inject-secret-db"]',
      },
    ]);
    expect(issues[0]?.message).toMatch(/^SEC-2: Deployment api: asks the Vault agent injector/);
  });

  it('reports VAULT_TOKEN and VAULT_ADDR in containers, initContainers and ephemeralContainers', () => {
    const spec = podSpec({
      initContainers: [{ name: 'init', image: 'i', env: [{ name: 'VAULT_ADDR', value: 'https://vault.example.com' }] }],
      ephemeralContainers: [{ name: 'debug', image: 'd', env: [{ name: 'VAULT_NAMESPACE', value: 'x' }] }],
    });
    envOf(spec).push({
      name: 'VAULT_TOKEN',
      valueFrom: { secretKeyRef: { name: 'vault-token', key: 'token' } },
    });
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('migrate', 'apps'),
      spec: { template: { spec } },
    };
    const issues = check(entry('kubernetes/apps/job.yaml', job, 6));
    expect(where(issues)).toEqual(
      [
        'spec.template.spec.containers[0].env[2]',
        'spec.template.spec.initContainers[0].env[0]',
        'spec.template.spec.ephemeralContainers[0].env[0]',
      ].map((path) => ({ code: 'E_SEC2', file: 'kubernetes/apps/job.yaml', line: 6, path })),
    );
    expect(issues[0]?.message).toContain('(VAULT_TOKEN)');
  });

  it.each([
    'https://vault.vault.svc:8200',
    'http://vault.vault:8200',
    'vault.vault.svc.cluster.local',
    'https://user@vault.vault.svc',
    'vault.vault',
  ])('reports an env value naming the Vault service: %s', (value) => {
    const spec = podSpec();
    envOf(spec).push({ name: 'SECRETS_URL', value });
    const issues = check(entry('kubernetes/apps/api.yaml', deployment('apps', { spec }), 1));
    expect(where(issues)).toEqual([
      { code: 'E_SEC2', file: 'kubernetes/apps/api.yaml', line: 1, path: 'spec.template.spec.containers[0].env[2]' },
    ]);
  });

  // BUG (gap): sec-2.ts only recognises addresses containing `vault.vault` (the service named vault). The
  // Vault Helm chart also creates vault-active, vault-standby and vault-internal in the vault namespace;
  // `value: https://vault-active.vault.svc:8200` is a Vault address in the workload's environment and passes.
  it('reports an env value naming another service of the vault namespace (vault-active.vault.svc)', () => {
    const spec = podSpec();
    envOf(spec).push({
      name: 'SECRETS_URL',
      value: 'https://vault-active.vault.svc:8200',
    });
    expect(check(entry('kubernetes/apps/api.yaml', deployment('apps', { spec }), 1))).toHaveLength(1);
  });

  it('reports a projected ServiceAccount token with the Vault audience', () => {
    const statefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('db', 'apps'),
      spec: {
        template: {
          spec: podSpec({
            volumes: [
              { name: 'data', emptyDir: {} },
              {
                name: 'token',
                projected: {
                  sources: [
                    { configMap: { name: 'ca' } },
                    { serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'token' } },
                  ],
                },
              },
            ],
          }),
        },
      },
    };
    const issues = check(entry('kubernetes/apps/db.yaml', statefulSet, 8));
    expect(where(issues)).toEqual([
      {
        code: 'E_SEC2',
        file: 'kubernetes/apps/db.yaml',
        line: 8,
        path: 'spec.template.spec.volumes[1].projected.sources[1].serviceAccountToken.audience',
      },
    ]);
    expect(issues[0]?.message).toContain('mounts a token for audience "vault"');
  });

  it('exempts the vault and external-secrets namespaces from the workload and egress checks', () => {
    const spec = podSpec({
      volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { audience: 'vault', path: 't' } }] } }],
    });
    envOf(spec).push({ name: 'VAULT_ADDR', value: 'https://vault.vault.svc:8200' });
    const annotations = { 'vault.hashicorp.com/agent-inject': 'true' };
    const rogue = (namespace: string) => [
      entry(`kubernetes/platform/${namespace}/app.yaml`, deployment(namespace, { annotations, spec })),
      entry(
        `kubernetes/platform/${namespace}/netpol.yaml`,
        networkPolicy(namespace, [{ to: [{ namespaceSelector: {} }] }]),
      ),
    ];
    expect(check(...rogue('vault'), ...rogue('external-secrets'))).toEqual([]);
    // The same objects anywhere else are reported: the exemption is the namespace, not the folder.
    expect(where(check(...rogue('apps'))).map((i) => `${i.code} ${i.path}`)).toEqual([
      'E_SEC2 spec.template.metadata.annotations["vault.hashicorp.com/agent-inject"]',
      'E_SEC2 spec.template.spec.containers[0].env[2]',
      'E_SEC2 spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.audience',
      'E_SEC2 spec.egress[0].to[0].namespaceSelector',
    ]);
  });

  it('ignores kinds that run no pods and pod-like objects of other kinds', () => {
    const config = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('c', 'apps'),
      data: { VAULT_ADDR: 'https://vault.vault.svc' },
    };
    expect(check(entry('kubernetes/apps/c.yaml', config))).toEqual([]);
  });
});

describe('SEC-2: tenant egress never reaches the Vault namespace', () => {
  const FILE = `${A}egress.yaml`;
  const egressIssues = (egress: unknown[]) => where(check(entry(FILE, networkPolicy('team-a', egress), 5)));
  const at = (path: string) => ({ code: 'E_SEC2', file: FILE, line: 5, path });

  it('accepts egress to named namespaces, pods of the namespace and external ranges', () => {
    expect(
      egressIssues([
        { to: [{ podSelector: {} }] },
        {
          to: [{ namespaceSelector: byName('team-b'), podSelector: { matchLabels: { app: 'api' } } }],
          ports: [{ port: 443 }],
        },
        { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }] },
      ]),
    ).toEqual([]);
  });

  it('reports an egress rule with an empty or missing `to` (every destination)', () => {
    expect(egressIssues([{ to: [] }, { ports: [{ port: 8200 }] }, {}])).toEqual([
      at('spec.egress[0]'),
      at('spec.egress[1]'),
      at('spec.egress[2]'),
    ]);
  });

  it('reports namespaceSelector: {} (every namespace)', () => {
    expect(egressIssues([{ to: [{ podSelector: {} }, { namespaceSelector: {} }] }])).toEqual([
      at('spec.egress[0].to[1].namespaceSelector'),
    ]);
  });

  it('reports a selector naming the vault namespace, with or without a podSelector', () => {
    const issues = check(
      entry(
        FILE,
        networkPolicy('team-a', [
          { to: [{ namespaceSelector: byName('vault') }] },
          { to: [{ namespaceSelector: byName('vault'), podSelector: {} }] },
        ]),
        5,
      ),
    );
    expect(where(issues)).toEqual([
      at('spec.egress[0].to[0].namespaceSelector'),
      at('spec.egress[1].to[0].namespaceSelector'),
    ]);
    expect(issues[0]?.message).toContain('allows egress to the Vault namespace');
  });

  it('reports matchExpressions and selection by any label other than the name', () => {
    const issues = egressIssues([
      {
        to: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['x'] }],
            },
          },
        ],
      },
      { to: [{ namespaceSelector: { matchLabels: { 'platform-gen.io/team': 'alpha' } } }] },
      { to: [{ namespaceSelector: { ...byName('team-b'), matchExpressions: [] } }] },
    ]);
    expect(issues).toEqual([
      at('spec.egress[0].to[0].namespaceSelector'),
      at('spec.egress[1].to[0].namespaceSelector'),
      at('spec.egress[2].to[0].namespaceSelector'),
    ]);
  });

  it('reports ipBlock 0.0.0.0/0 and ::/0, even with exceptions', () => {
    expect(
      egressIssues([
        { to: [{ podSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] },
        { to: [{ ipBlock: { cidr: '::/0' } }] },
      ]),
    ).toEqual([at('spec.egress[0].to[1].ipBlock.cidr'), at('spec.egress[1].to[0].ipBlock.cidr')]);
  });

  it('does not look at ingress rules', () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('in', 'team-a'),
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] },
    };
    expect(check(entry(FILE, policy))).toEqual([]);
  });
});
