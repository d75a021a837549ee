/**
 * `platform-gen bootstrap` end to end on a copy of the example repository, with the real helm rendering a
 * tiny fixture chart (test/fixtures/bootstrap/argo-cd) and @kubernetes/client-node talking HTTP.
 *
 * No real Kubernetes API server can run here: the cluster is a local HTTP stand-in (node:http on
 * 127.0.0.1) that answers what client-node needs (discovery, server-side apply PATCH, GET of a CRD) and
 * records every request. It checks what is sent, in which order and how; it does not validate objects the
 * way an API server would, run admission, or start Argo CD.
 */
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyBootstrapPlan, loadClusterTarget } from '../src/bootstrap/apply.js';
import { planBootstrap } from '../src/bootstrap/plan.js';
import { bootstrapCommand } from '../src/commands/bootstrap.js';
import { createSealedRepo, type SealedRepo } from './sealed-repo.js';
import { removeTempRepos, runInProcess, type TempRepo } from './temp-repo.js';

const FIXTURE_CHART = join(import.meta.dirname, 'fixtures/bootstrap/argo-cd');
/** Looks like an age identity (HRP and Bech32 alphabet), is not one: for the plan's unit-level cases. */
const FAKE_IDENTITY = `AGE-SECRET-KEY-1${'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'.repeat(2).slice(0, 58)}`;
const FAKE_AGE_KEY = `# created: 2026-01-01T00:00:00Z\n# public key: age1testrecipient\n${FAKE_IDENTITY}\n`;
/**
 * The cluster identity of the current test's repository (a real age key: bootstrap decrypts the phase-1
 * secrets with it), and the file holding it. Set by setup().
 */
let IDENTITY = FAKE_IDENTITY;
let AGE_KEY = FAKE_AGE_KEY;
const APPLY_CONTENT_TYPE = 'application/apply-patch+yaml';

// ---------------------------------------------------------------------------------------------------------
// The stand-in for the Kubernetes API server.

interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

interface Failure {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly message: string;
}

interface StandIn {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Applied objects by request path. */
  readonly objects: Map<string, Record<string, unknown>>;
  /** Answer this request with an error Status instead. */
  fail: Failure | undefined;
  /** Whether GET of an applied CRD reports it Established. */
  established: boolean;
  patches(): RecordedRequest[];
  close(): Promise<void>;
}

type ResourceRow = readonly [plural: string, kind: string, namespaced: boolean];

const BUILT_IN: Record<string, readonly ResourceRow[]> = {
  v1: [
    ['namespaces', 'Namespace', false],
    ['secrets', 'Secret', true],
    ['serviceaccounts', 'ServiceAccount', true],
    ['configmaps', 'ConfigMap', true],
    ['services', 'Service', true],
  ],
  'apps/v1': [['deployments', 'Deployment', true]],
  'apiextensions.k8s.io/v1': [['customresourcedefinitions', 'CustomResourceDefinition', false]],
};
const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/';

async function startStandIn(): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, Record<string, unknown>>();

  /** Custom resources are served only once their CRD was applied, as on a real API server. */
  const served = (groupVersion: string): ResourceRow[] | undefined => {
    const builtIn = BUILT_IN[groupVersion];
    if (builtIn !== undefined) return [...builtIn];
    const rows: ResourceRow[] = [];
    for (const [path, object] of objects) {
      if (!path.startsWith(CRD_PATH)) continue;
      const spec = object.spec as { group: string; names: { kind: string; plural: string }; scope: string };
      const versions = (object.spec as { versions: { name: string }[] }).versions;
      for (const version of versions) {
        if (`${spec.group}/${version.name}` === groupVersion) {
          rows.push([spec.names.plural, spec.names.kind, spec.scope === 'Namespaced']);
        }
      }
    }
    return rows.length === 0 ? undefined : rows;
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const status = (res: ServerResponse, code: number, message: string, reason: string) =>
    send(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    requests.push({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body: text === '' ? undefined : JSON.parse(text),
    });
    const fail = standIn.fail;
    if (fail !== undefined && fail.method === method && fail.path === path) {
      status(res, fail.status, fail.message, fail.status === 422 ? 'Invalid' : 'InternalError');
      return;
    }

    if (method === 'GET' && path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    if (method === 'GET' && path === '/apis') {
      const groupVersions = [...Object.keys(BUILT_IN).filter((gv) => gv.includes('/')), 'argoproj.io/v1alpha1'];
      const groups = groupVersions
        .filter((gv) => served(gv) !== undefined)
        .map((gv) => {
          const [name, version] = gv.split('/');
          return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
        });
      return send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(path);
    if (method === 'GET' && discovery !== null) {
      const groupVersion = discovery[1] ?? discovery[2] ?? '';
      const rows = served(groupVersion);
      if (rows === undefined) return status(res, 404, 'the server could not find the requested resource', 'NotFound');
      return send(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion,
        resources: rows.map(([name, kind, namespaced]) => ({
          name,
          singularName: kind.toLowerCase(),
          namespaced,
          kind,
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        })),
      });
    }
    if (method === 'PATCH') {
      const object = JSON.parse(text) as Record<string, unknown>;
      objects.set(path, object);
      return send(res, 200, object);
    }
    if (method === 'GET' && path.startsWith(CRD_PATH)) {
      const crd = objects.get(path);
      if (crd === undefined)
        return status(res, 404, `customresourcedefinitions "${path.slice(CRD_PATH.length)}" not found`, 'NotFound');
      const conditions = [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts' },
        { type: 'Established', status: standIn.established ? 'True' : 'False', reason: 'Installing' },
      ];
      return send(res, 200, { ...crd, status: { conditions } });
    }
    return status(res, 404, `the stand-in does not serve ${method} ${path}`, 'NotFound');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => status(res, 500, String(error), 'InternalError'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const standIn: StandIn = {
    url: `http://127.0.0.1:${port}`,
    requests,
    objects,
    fail: undefined,
    established: true,
    patches: () => requests.filter((r) => r.method === 'PATCH'),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return standIn;
}

/**
 * A kubeconfig (JSON is YAML) with two contexts, both pointing at the stand-in. client-node refuses a plain
 * http:// server unless the cluster skips TLS verification, which is all it means here: there is no TLS.
 */
function kubeconfigFor(standIn: StandIn): string {
  const cluster = { server: standIn.url, 'insecure-skip-tls-verify': true };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'stand-in', cluster },
      { name: 'stand-in-b', cluster },
    ],
    users: [{ name: 'tester', user: { token: 'stand-in-token' } }],
    contexts: [
      { name: 'stand-in', context: { cluster: 'stand-in', user: 'tester' } },
      { name: 'other-stand-in', context: { cluster: 'stand-in-b', user: 'tester' } },
    ],
    'current-context': 'other-stand-in',
  });
}

// ---------------------------------------------------------------------------------------------------------

let standIn: StandIn;

beforeAll(async () => {
  standIn = await startStandIn();
});
afterAll(async () => {
  await standIn.close();
});
afterEach(async () => {
  standIn.requests.length = 0;
  standIn.objects.clear();
  standIn.fail = undefined;
  standIn.established = true;
  await removeTempRepos();
});

interface Setup {
  readonly repo: TempRepo;
  readonly sealed: SealedRepo;
  readonly args: (...extra: string[]) => string[];
}

/** A repository sealed for keys the test holds (and so generated afresh), the stand-in's kubeconfig, the args. */
async function setup(ageKey?: string): Promise<Setup> {
  const sealed = await createSealedRepo();
  const { repo } = sealed;
  IDENTITY = sealed.cluster.identity;
  AGE_KEY = await readFile(sealed.cluster.file, 'utf8');
  const key = await repo.writeOutside('keys.txt', ageKey ?? AGE_KEY);
  const kubeconfig = await repo.writeOutside('kubeconfig.yaml', kubeconfigFor(standIn));
  return {
    repo,
    sealed,
    args: (...extra) => [
      'bootstrap',
      '--context',
      'stand-in',
      '--age-key',
      key,
      '--kubeconfig',
      kubeconfig,
      '--chart',
      FIXTURE_CHART,
      ...extra,
    ],
  };
}

const line = (r: RecordedRequest) => `${r.method} ${r.path}`;
const bodyOf = (r: RecordedRequest | undefined) => r?.body as { metadata: { name: string }; [key: string]: unknown };

/** The requests of the example, in order: the plan of src/bootstrap/plan.ts against the fixture chart. */
const EXPECTED_PATCHES = [
  'PATCH /api/v1/namespaces/argocd',
  'PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/appprojects.argoproj.io',
  'PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/applications.argoproj.io',
  'PATCH /api/v1/namespaces/argocd/serviceaccounts/argocd-repo-server',
  'PATCH /api/v1/namespaces/argocd/configmaps/argocd-cm',
  'PATCH /api/v1/namespaces/argocd/services/argocd-repo-server',
  'PATCH /apis/apps/v1/namespaces/argocd/deployments/argocd-repo-server',
  'PATCH /api/v1/namespaces/argocd/secrets/sops-age',
  // The phase-1 bootstrap secret, decrypted with the age key: Argo CD needs it before it can read Git. (Argo CD
  // signs in as a public OIDC client with PKCE: it has no client secret to apply.)
  'PATCH /api/v1/namespaces/argocd/secrets/argocd-repo',
  'PATCH /apis/argoproj.io/v1alpha1/namespaces/argocd/appprojects/platform-root',
  'PATCH /apis/argoproj.io/v1alpha1/namespaces/argocd/applications/root',
];

function expectNoKey(result: { out: string; err: string }) {
  for (const text of [result.out, result.err]) {
    expect(text).not.toContain(IDENTITY);
    expect(text).not.toContain(Buffer.from(AGE_KEY).toString('base64'));
  }
}

describe('bootstrap against a local HTTP stand-in for the Kubernetes API server (no real cluster runs here)', () => {
  it('applies server-side, in the planned order, and a second run sends the same requests (binary)', async () => {
    const { repo, args } = await setup();
    const first = await repo.runBinary(args());
    expect(first.code, first.err).toBe(0);
    expectNoKey(first);

    const patches = standIn.patches();
    expect(patches.map(line)).toEqual(EXPECTED_PATCHES);
    for (const patch of patches) {
      expect(patch.contentType).toBe(APPLY_CONTENT_TYPE);
      expect(patch.query).toEqual({ fieldManager: 'platform-gen-bootstrap', force: 'true' });
      expect(patch.authorization).toBe('Bearer stand-in-token');
    }
    // The CRDs are polled until Established before the rest, and again before the root's project and the root.
    const crdReads = standIn.requests.map(line).filter((l) => l.startsWith(`GET ${CRD_PATH}`));
    expect(crdReads).toEqual([
      `GET ${CRD_PATH}appprojects.argoproj.io`,
      `GET ${CRD_PATH}applications.argoproj.io`,
      `GET ${CRD_PATH}appprojects.argoproj.io`,
      `GET ${CRD_PATH}applications.argoproj.io`,
    ]);
    const order = standIn.requests.map(line);
    expect(order.indexOf(`GET ${CRD_PATH}applications.argoproj.io`)).toBeLessThan(
      order.indexOf('PATCH /api/v1/namespaces/argocd/serviceaccounts/argocd-repo-server'),
    );

    // Objects go out exactly as rendered: the client's own models would drop these CRD schema fields.
    const application = bodyOf(patches[2]);
    expect(application.spec).toMatchObject({
      versions: [
        {
          schema: {
            openAPIV3Schema: {
              properties: {
                spec: { 'x-kubernetes-preserve-unknown-fields': true, properties: { project: { default: 'default' } } },
              },
            },
          },
        },
      ],
    });
    // The real values file reached helm: the repo-server gets the KSOPS key file and the sops-age volume.
    expect(bodyOf(patches[6]).spec).toMatchObject({
      template: {
        spec: {
          containers: [{ env: [{ name: 'SOPS_AGE_KEY_FILE', value: '/home/argocd/.config/sops/age/keys.txt' }] }],
          volumes: [{ name: 'custom-tools' }, { name: 'sops-age', secret: { secretName: 'sops-age' } }],
        },
      },
    });
    expect(bodyOf(patches[3]).metadata).toMatchObject({ name: 'argocd-repo-server', namespace: 'argocd' });

    const secret = bodyOf(patches[7]);
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sops-age', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'platform-gen' } },
      type: 'Opaque',
      data: { 'keys.txt': Buffer.from(AGE_KEY).toString('base64') },
    });
    expect(bodyOf(patches.at(-1))).toMatchObject({
      kind: 'Application',
      metadata: { name: 'root', namespace: 'argocd' },
      spec: { project: 'platform-root', source: { path: 'kubernetes/argocd-apps/root' } },
    });

    expect(first.out).toContain('  applied  Namespace argocd\n');
    expect(first.out).toContain('  applied  Secret argocd/sops-age\n');
    expect(first.out).toContain(
      '  waited   until CustomResourceDefinition appprojects.argoproj.io, applications.argoproj.io were Established\n',
    );
    expect(first.out.trimEnd().split('\n').at(-2)).toBe('  applied  Application argocd/root');
    expect(first.out).toMatch(/platform-gen: 11 objects applied server-side \(field manager platform-gen-bootstrap\)/);
    // --chart is not the chart the argocd Application installs: said once, as a warning.
    expect(first.err).toMatch(
      /^platform-gen: warning: --chart .* is argo-cd 0\.0\.0-fixture, but the argocd Application installs argo-cd /,
    );

    const requestsOfFirst = standIn.requests.map((r) => ({ ...r }));
    standIn.requests.length = 0;
    const second = await repo.run(args());
    expect(second.code, second.err).toBe(0);
    expectNoKey(second);
    expect(standIn.requests).toEqual(requestsOfFirst);
    expect(second.out).toBe(first.out);
  });

  it('--dry-run prints the plan and the waits, contacts nothing, and shows no Secret value', async () => {
    const { repo, args } = await setup();
    const result = await repo.run(args('--dry-run'));
    expect(result.code, result.err).toBe(0);
    expect(standIn.requests).toEqual([]);
    expectNoKey(result);
    expect(result.out).toBe(
      [
        `platform-gen: bootstrap plan for context stand-in (${standIn.url}); --dry-run: nothing applied`,
        '  apply  Namespace argocd',
        '  apply  CustomResourceDefinition appprojects.argoproj.io',
        '  apply  CustomResourceDefinition applications.argoproj.io',
        '  wait   until CustomResourceDefinition appprojects.argoproj.io, applications.argoproj.io are Established',
        '  apply  ServiceAccount argocd/argocd-repo-server',
        '  apply  ConfigMap argocd/argocd-cm',
        '  apply  Service argocd/argocd-repo-server',
        '  apply  Deployment argocd/argocd-repo-server',
        '  apply  Secret argocd/sops-age (keys: keys.txt; values not shown)',
        '  apply  Secret argocd/argocd-repo (keys: password, type, url, username; values not shown)',
        '  wait   until CustomResourceDefinition appprojects.argoproj.io, applications.argoproj.io are Established',
        '  apply  AppProject argocd/platform-root',
        '  apply  Application argocd/root',
        'platform-gen: 11 objects would be applied server-side (field manager platform-gen-bootstrap). No cluster was contacted.',
        '',
      ].join('\n'),
    );
  });

  it('an unknown --context: exit 1 naming the contexts there are, nothing contacted', async () => {
    const { repo, args } = await setup();
    const result = await repo.run(args().map((a) => (a === 'stand-in' ? 'prod' : a)));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/context "prod" is not in .*kubeconfig\.yaml \(available: stand-in, other-stand-in\)/);
    expect(standIn.requests).toEqual([]);
    expectNoKey(result);
  });

  it('an age key file without an identity: exit 1, nothing contacted, not a word of the file printed', async () => {
    const content = '# created: 2026-01-01\n# note: sentinel-7f3a9c\n\n';
    const { repo, args } = await setup(content);
    const result = await repo.run(args());
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/is not an age identity file: it holds no age identity \(no AGE-SECRET-KEY-1… line\)/);
    expect(`${result.out}${result.err}`).not.toContain('sentinel-7f3a9c');
    expect(standIn.requests).toEqual([]);
  });

  it('a repository that differs from a fresh generation: exit 1, nothing contacted', async () => {
    const { repo, args } = await setup();
    await repo.replace('kubernetes/argocd-apps/root/root.yaml', 'selfHeal: true', 'selfHeal: false');
    const result = await repo.run(args());
    expect(result.code).toBe(1);
    expect(result.err).toContain('  changed  kubernetes/argocd-apps/root/root.yaml\n');
    expect(result.err).toMatch(
      /the repository differs from a fresh generation \(1 file\): run pnpm generate and commit first\. .* No cluster was contacted\./,
    );
    expect(standIn.requests).toEqual([]);
  });

  it.each([
    [
      422,
      'PATCH /apis/apps/v1/namespaces/argocd/deployments/argocd-repo-server',
      'Deployment argocd/argocd-repo-server',
    ],
    [500, 'PATCH /api/v1/namespaces/argocd/secrets/sops-age', 'Secret argocd/sops-age'],
  ])(
    'the API server answering %i on one object: exit 1 with that object and its message, nothing after it',
    async (code, request, object) => {
      const { repo, args } = await setup();
      const [method = '', path = ''] = request.split(' ');
      // A server message may quote what it was sent: the key must still not reach the output.
      const message =
        code === 422 ? 'spec.replicas: Invalid value: -1: must be >= 0' : `etcdserver: request timed out (${IDENTITY})`;
      standIn.fail = { method, path, status: code, message };
      const result = await repo.run(args());
      expect(result.code).toBe(1);
      expect(result.err).toContain(`the API server did not apply ${object}: HTTP ${code}: `);
      expect(result.err).toContain(code === 422 ? message : 'etcdserver: request timed out ([redacted])');
      expect(result.err).toMatch(
        /\d+ of 11 objects were applied; fix the cause and run bootstrap again \(it is idempotent\)/,
      );
      expectNoKey(result);
      const patches = standIn.patches().map(line);
      expect(patches.at(-1)).toBe(request);
      expect(patches).toEqual(EXPECTED_PATCHES.slice(0, EXPECTED_PATCHES.indexOf(request) + 1));
    },
  );

  it('applies extra objects (decrypted bootstrap Secrets) after sops-age and before the root, values unprinted', async () => {
    const { repo, args } = await setup();
    const extra = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'repo-platform',
        namespace: 'argocd',
        labels: { 'argocd.argoproj.io/secret-type': 'repository' },
      },
      stringData: { url: 'https://git.example.com/platform/platform.git', password: 'extra-secret-value-42' },
    };
    const given = args();
    const flag = (name: string) => given[given.indexOf(name) + 1] ?? '';
    for (const dryRun of [true, false]) {
      const out: string[] = [];
      const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), cwd: repo.root };
      const options = {
        context: 'stand-in',
        ageKey: flag('--age-key'),
        kubeconfig: flag('--kubeconfig'),
        chart: FIXTURE_CHART,
        dryRun,
        extraObjects: [extra],
      };
      const code = await bootstrapCommand(repo.root, options, io);
      expect(code, out.join('')).toBe(0);
      expect(out.join('')).not.toContain('extra-secret-value-42');
      expect(out.join('')).toContain(
        dryRun
          ? 'Secret argocd/repo-platform (keys: password, url; values not shown)'
          : 'applied  Secret argocd/repo-platform',
      );
    }
    const patches = standIn.patches().map(line);
    const at = (p: string) => patches.indexOf(p);
    expect(at('PATCH /api/v1/namespaces/argocd/secrets/repo-platform')).toBe(
      at('PATCH /api/v1/namespaces/argocd/secrets/argocd-repo') + 1,
    );
    expect(patches.at(-1)).toBe('PATCH /apis/argoproj.io/v1alpha1/namespaces/argocd/applications/root');
    expect(standIn.objects.get('/api/v1/namespaces/argocd/secrets/repo-platform')).toEqual(extra);
  });

  it('applies the phase-1 bootstrap secrets decrypted from their sealed files (MAC checked), values never printed', async () => {
    const { repo, args, sealed } = await setup();
    const result = await repo.run(args());
    expect(result.code, result.err).toBe(0);
    for (const name of ['argocd-repo']) {
      const applied = standIn.objects.get(`/api/v1/namespaces/argocd/secrets/${name}`) as {
        metadata: { labels: Record<string, string> };
        stringData: Record<string, string>;
        sops?: unknown;
      };
      expect(applied.stringData).toEqual(sealed.values.get(name));
      expect(applied.sops).toBeUndefined();
      for (const value of Object.values(applied.stringData)) expect(result.out + result.err).not.toContain(value);
    }
    const repoSecret = standIn.objects.get('/api/v1/namespaces/argocd/secrets/argocd-repo') as {
      metadata: { labels: Record<string, string> };
    };
    expect(repoSecret.metadata.labels['argocd.argoproj.io/secret-type']).toBe('repository');
    // Secrets handed over to Vault, or read later, are Argo CD's to apply through KSOPS, not bootstrap's.
    expect(standIn.objects.has('/api/v1/namespaces/vault/secrets/bootstrap-keycloak-admin')).toBe(false);
    // Argo CD is a public OIDC client (PKCE): no client secret of its own, sealed or applied.
    expect(sealed.values.has('argocd-oidc')).toBe(false);
    expect(standIn.objects.has('/api/v1/namespaces/argocd/secrets/argocd-oidc')).toBe(false);
  });

  it('an age key that is none of the platform recipients: exit 1, nothing contacted', async () => {
    const { repo, args } = await setup();
    const { generateAgeIdentity } = await import('@platform-gen/sops');
    const stranger = await generateAgeIdentity();
    await writeFile(args()[args().indexOf('--age-key') + 1] ?? '', `${stranger.identity}\n`);
    const result = await repo.run(args());
    expect(result.code).toBe(1);
    expect(result.err).toContain("which is none of the platform's sops.recipients (offline-recovery, cluster)");
    expect(result.err).not.toContain(stranger.identity);
    expect(standIn.requests).toEqual([]);
  });

  it('a tampered phase-1 sealed file: exit 1 naming it, nothing contacted', async () => {
    const { repo, args } = await setup();
    const file = 'kubernetes/bootstrap/secrets/argocd-repo.sops.yaml';
    // Still well-formed (SEC-1 sees nothing), but one ciphertext byte differs: only decryption can tell.
    const text = await repo.read(file);
    const tampered = text.replace(
      /(password: ENC\[AES256_GCM,data:)(.)/,
      (_, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`,
    );
    expect(tampered).not.toBe(text);
    await repo.write(file, tampered);
    const result = await repo.run(args());
    expect(result.code).toBe(1);
    expect(standIn.requests).toEqual([]);
    expect(result.err).toContain(
      'cannot decrypt kubernetes/bootstrap/secrets/argocd-repo.sops.yaml (E_SOPS_VALUE_TAMPERED',
    );
  });

  it('a CRD that never becomes Established: a clear timeout, nothing applied after it', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'applications.argoproj.io' },
      spec: {
        group: 'argoproj.io',
        names: { kind: 'Application', plural: 'applications' },
        scope: 'Namespaced',
        versions: [{ name: 'v1alpha1' }],
      },
    };
    const plan = planBootstrap({
      namespace: 'argocd',
      rendered: [crd, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm' } }],
      ageKey: FAKE_AGE_KEY,
      extraObjects: [],
      root: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'root', namespace: 'argocd' } },
      ],
      rootFolder: [],
    });
    const dir = await mkdtemp(join(tmpdir(), 'platform-gen-bootstrap-'));
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    await writeFile(kubeconfig, kubeconfigFor(standIn));
    const target = await loadClusterTarget({ kubeconfig, context: 'stand-in' });
    standIn.established = false;
    const log: string[] = [];
    await expect(
      applyBootstrapPlan(target, plan, { log: (l) => log.push(l), waitAttempts: 3, waitIntervalMs: 5 }),
    ).rejects.toThrow(
      'timed out waiting for CustomResourceDefinition applications.argoproj.io to be Established (3 reads, 5 ms apart; last: Established is False)',
    );
    expect(standIn.requests.map(line).filter((l) => l.startsWith('GET /apis/apiextensions'))).toHaveLength(4);
    expect(standIn.patches().map(line)).toEqual([
      'PATCH /api/v1/namespaces/argocd',
      `PATCH ${CRD_PATH}applications.argoproj.io`,
    ]);
    expect(log).toEqual(['applied  Namespace argocd', 'applied  CustomResourceDefinition applications.argoproj.io']);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('bootstrap command line', () => {
  it('--context and --age-key are required: a usage error (exit 2)', async () => {
    for (const args of [
      ['bootstrap', '--age-key', 'k.txt'],
      ['bootstrap', '--context', 'x'],
    ]) {
      const result = await runInProcess(import.meta.dirname, args);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/required option '--(context|age-key) <\w+>' not specified/);
    }
  });
});
