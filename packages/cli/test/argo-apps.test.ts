/**
 * The Argo CD rules over the repository as Argo CD will see it (GIT-1, APP-1, APP-2, APP-3, LAY-1, PHS-1),
 * through the real pipeline: `validate` and `generate` render every in-repo source with the real
 * `kubectl kustomize` and `helm template`. The example passes every rule; each failing case adds
 * hand-written files to a copy of it, breaks exactly one rule, and must be reported with that rule's code
 * and the file to fix, while `generate` writes nothing.
 */
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  createTempRepo,
  diffSnapshots,
  parseReport,
  type ReportedIssue,
  removeTempRepos,
  type TempRepo,
} from './temp-repo.js';

afterEach(removeTempRepos);

const PLATFORM_REPO = 'https://git.example.com/platform/platform.git';
const PLATFORM_APPS = 'kubernetes/argocd-apps/platform/';
const TENANT_APPS = 'kubernetes/argocd-apps/tenants/';

/** What the checker reads of an Application. */
interface HandWritten {
  readonly name: string;
  readonly phase: string;
  readonly wave: string;
  readonly project: string;
  readonly path: string;
  /** Destination namespace. */
  readonly namespace: string;
  readonly repoURL?: string;
  /** metadata.namespace; Argo CD's namespace unless the manifest sits in a tenant folder. */
  readonly home?: string;
}

function application(o: HandWritten): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${o.name}
  namespace: ${o.home ?? 'argocd'}
  labels:
    platform-gen.io/phase: "${o.phase}"
  annotations:
    argocd.argoproj.io/sync-wave: "${o.wave}"
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: ${o.project}
  source:
    repoURL: ${o.repoURL ?? PLATFORM_REPO}
    targetRevision: main
    path: ${o.path}
  destination:
    server: https://kubernetes.default.svc
    namespace: ${o.namespace}
`;
}

function configMap(name: string, namespace: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${namespace}
data:
  greeting: hello
`;
}

/**
 * A well-formed platform component written by hand: phase 4, wave 45 (after ESO and Prometheus, whose APIs
 * it does not use anyway), project platform, its own folder, a platform namespace. The passing case
 * below proves it breaks no rule, so each failing case differs from it by the one thing it tests.
 */
const EXTRA: HandWritten = {
  name: 'extra',
  phase: '4',
  wave: '45',
  project: 'platform',
  path: 'kubernetes/extra',
  namespace: 'monitoring',
};
const EXTRA_APP = `${PLATFORM_APPS}extra.yaml`;
const EXTRA_CONFIG = 'kubernetes/extra/config.yaml';

async function addExtra(repo: TempRepo, app: HandWritten = EXTRA, file = EXTRA_APP): Promise<void> {
  await repo.write(file, application(app));
  await repo.write(EXTRA_CONFIG, configMap('extra', 'monitoring'));
}

/**
 * Runs `validate` and `generate`: both exit 1 and write nothing, and the report holds exactly `codes`
 * in exactly `files`. Returns the issues `validate` reported.
 */
async function expectRejected(
  repo: TempRepo,
  codes: readonly string[],
  files: readonly string[],
): Promise<ReportedIssue[]> {
  let reported: ReportedIssue[] = [];
  for (const command of ['validate', 'generate'] as const) {
    const before = await repo.snapshot();
    const result = await repo.run([command]);
    expect(result.code, `${command} must fail; it said: ${result.out}${result.err}`).toBe(1);
    expect(result.out).toBe('');
    expect(diffSnapshots(before, await repo.snapshot()), `${command} must not write`).toEqual([]);
    if (command === 'generate') expect(result.err).toContain('Nothing was written.\n');
    const { issues } = parseReport(result.err);
    expect(new Set(issues.map((i) => i.code)), result.err).toEqual(new Set(codes));
    expect(new Set(issues.map((i) => i.file)), result.err).toEqual(new Set(files));
    for (const issue of issues) expect(issue.severity).toBe('error');
    if (command === 'validate') reported = issues;
  }
  return reported;
}

async function expectValid(repo: TempRepo): Promise<void> {
  const before = await repo.snapshot();
  const validated = await repo.run(['validate']);
  expect(validated.code, validated.err).toBe(0);
  expect(validated.err).toBe('');
  const generated = await repo.run(['generate']);
  expect(generated.code, generated.err).toBe(0);
  expect(generated.out).toMatch(/^platform-gen: 0 files written, \d+ unchanged, 0 deleted\.\n$/);
  expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
}

const texts = (issues: readonly ReportedIssue[]) => issues.map((i) => i.text);

describe('passing cases', () => {
  it('the example repository passes every Argo CD rule: validate exits 0 and generate writes nothing', async () => {
    await expectValid(await createTempRepo());
  });

  it('a well-formed hand-written Application in platform/ with a folder of its own passes every rule', async () => {
    const repo = await createTempRepo();
    // It is a real Argo CD Application, not just something the checker happens to accept.
    expect(() => new Application(parse(application(EXTRA)) as never).validate()).not.toThrow();
    await addExtra(repo);
    await expectValid(repo);
    expect(await repo.exists(EXTRA_APP)).toBe(true);
  });
});

describe('APP-1: only app-of-apps render Applications', () => {
  it('an Application manifest in a tenant folder makes its baseline Application E_APP1 (Applications and other objects)', async () => {
    const repo = await createTempRepo();
    // Valid in itself (the team's project, repository and namespace): only where it sits is wrong.
    await repo.write(
      'kubernetes/namespaces/payments-api/sneaky-app.yaml',
      application({
        name: 'sneaky',
        phase: '4',
        wave: '48',
        project: 'team-payments',
        repoURL: 'https://git.example.com/payments/payments-api.git',
        path: 'deploy/sneaky',
        namespace: 'payments-api',
        home: 'payments-api',
      }),
    );
    const issues = await expectRejected(repo, ['E_APP1'], [`${TENANT_APPS}tenant--payments-api.yaml`]);
    expect(texts(issues)).toEqual([
      expect.stringMatching(
        /^spec\.source\.path: APP-1: Application tenant--payments-api: renders Applications\/AppProjects \(sneaky\) and other objects/,
      ),
    ]);
  });

  it('a component Application (project platform) whose folder holds only an Application is E_APP1', async () => {
    const repo = await createTempRepo();
    // "extra" is no app-of-apps (not in platform-root), yet it would deploy the Application "inner".
    await repo.write(EXTRA_APP, application({ ...EXTRA, namespace: 'argocd' }));
    await repo.write(
      'kubernetes/extra/inner-app.yaml',
      application({ ...EXTRA, name: 'inner', path: 'kubernetes/inner', wave: '46' }),
    );
    await repo.write('kubernetes/inner/config.yaml', configMap('inner', 'monitoring'));
    const issues = await expectRejected(repo, ['E_APP1'], [EXTRA_APP]);
    expect(texts(issues)[0]).toMatch(/^spec\.source\.path: APP-1: Application extra: /);
  });
});

describe('APP-2: no object in two Applications, no nested source paths', () => {
  it("an Application whose source path lies inside a tenant baseline's folder is E_APP2", async () => {
    const repo = await createTempRepo();
    const file = `${PLATFORM_APPS}nested.yaml`;
    await repo.write(
      file,
      application({ ...EXTRA, name: 'nested', path: 'kubernetes/namespaces/payments-api/external-secrets' }),
    );
    const issues = await expectRejected(repo, ['E_APP2'], [file]);
    expect(texts(issues)).toContain(
      'spec.source.path: APP-2: Application nested: source path kubernetes/namespaces/payments-api/external-secrets lies inside kubernetes/namespaces/payments-api, the path of Application "tenant--payments-api"',
    );
  });

  it("an Application nested in vault-config's kustomize folder is E_APP2 even though it renders no object of it", async () => {
    const repo = await createTempRepo();
    const file = `${PLATFORM_APPS}nested.yaml`;
    await repo.write(
      file,
      application({
        ...EXTRA,
        name: 'nested',
        phase: '3',
        wave: '32',
        path: 'kubernetes/vault-config/files',
        namespace: 'vault',
      }),
    );
    const issues = await expectRejected(repo, ['E_APP2'], [file]);
    expect(texts(issues)).toEqual([
      'spec.source.path: APP-2: Application nested: source path kubernetes/vault-config/files lies inside kubernetes/vault-config, the path of Application "vault-config"',
    ]);
  });

  it('a hand-written manifest repeating an object a tenant baseline renders is E_APP2 on the second Application', async () => {
    const repo = await createTempRepo();
    await addExtra(repo);
    // The tenant's ResourceQuota again, in the folder of "extra".
    await repo.write(
      'kubernetes/extra/quota.yaml',
      (await repo.read('kubernetes/namespaces/payments-api/resource-quota.yaml')).replace(/^#.*\n/, ''),
    );
    const issues = await expectRejected(repo, ['E_APP2'], [EXTRA_APP]);
    expect(texts(issues)).toEqual([
      'spec.source.path: APP-2: Application extra: renders ResourceQuota tenant-quota, which Application "tenant--payments-api" renders too',
    ]);
  });

  it('a cluster-scoped object (a tenant Namespace) rendered by a second Application is E_APP2', async () => {
    const repo = await createTempRepo();
    await addExtra(repo);
    // Cluster-scoped: the two Applications' destination namespaces do not make them two objects.
    await repo.write(
      'kubernetes/extra/namespace.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments-api\n',
    );
    const issues = await expectRejected(repo, ['E_APP2'], [EXTRA_APP]);
    expect(texts(issues)).toEqual([
      'spec.source.path: APP-2: Application extra: renders Namespace payments-api, which Application "tenant--payments-api" renders too',
    ]);
  });

  it("a hand-written Application reusing a generated Application's name (vault) is refused", async () => {
    const repo = await createTempRepo();
    // Two manifests of Application argocd/vault in platform/: Argo CD would apply one of them, silently.
    await addExtra(repo, { ...EXTRA, name: 'vault' });
    const { issues } = parseReport((await repo.run(['validate'])).err);
    // One Application per responsibility (APP-1), or one object rendered twice (APP-2): either names it.
    const code = issues[0]?.code ?? 'no issue at all';
    expect(['E_APP1', 'E_APP2']).toContain(code);
    await expectRejected(repo, [code], [EXTRA_APP]);
  });
});

describe('APP-3: every Application in a project that allows it', () => {
  it('a team Application naming the platform project is E_APP3 for the repository and the namespace', async () => {
    const repo = await createTempRepo();
    const file = `${TENANT_APPS}rogue.yaml`;
    await repo.write(
      file,
      application({
        name: 'rogue',
        phase: '4',
        wave: '49',
        project: 'platform',
        repoURL: 'https://git.example.com/payments/payments-api.git',
        path: 'deploy/production',
        namespace: 'payments-api',
      }),
    );
    const issues = await expectRejected(repo, ['E_APP3'], [file]);
    expect(texts(issues).sort()).toEqual([
      'spec.destination.namespace: APP-3: Application rogue: deploys to namespace "payments-api", which project "platform" does not allow',
      'spec.source.repoURL: APP-3: Application rogue: reads https://git.example.com/payments/payments-api.git, which project "platform" does not allow',
    ]);
  });

  it('a team Application naming a project no AppProject defines is E_APP3', async () => {
    const repo = await createTempRepo();
    const file = `${TENANT_APPS}rogue.yaml`;
    await repo.write(
      file,
      application({
        name: 'rogue',
        phase: '4',
        wave: '49',
        project: 'team-nobody',
        repoURL: 'https://git.example.com/payments/payments-api.git',
        path: 'deploy/production',
        namespace: 'payments-api',
      }),
    );
    const issues = await expectRejected(repo, ['E_APP3'], [file]);
    expect(texts(issues)).toEqual([
      'spec.project: APP-3: Application rogue: names project "team-nobody", which no AppProject in the repository defines',
    ]);
  });
});

describe('LAY-1: charts installed by an Application, manifests under kubernetes/', () => {
  it('a chart under charts/ that no Application installs is E_LAY1 at its Chart.yaml', async () => {
    const repo = await createTempRepo();
    await repo.write('charts/orphan/Chart.yaml', 'apiVersion: v2\nname: orphan\nversion: 0.1.0\n');
    await repo.write('charts/orphan/templates/configmap.yaml', configMap('orphan', '{{ .Release.Namespace }}'));
    const issues = await expectRejected(repo, ['E_LAY1'], ['charts/orphan/Chart.yaml']);
    expect(issues.map(({ line, text }) => ({ line, text }))).toEqual([
      { line: 1, text: 'LAY-1: chart charts/orphan is installed by no Applications' },
    ]);
  });

  it('an Application deploying a folder outside kubernetes/ and charts/ is E_LAY1', async () => {
    const repo = await createTempRepo();
    await repo.write(EXTRA_APP, application({ ...EXTRA, path: 'platform' }));
    const issues = await expectRejected(repo, ['E_LAY1'], [EXTRA_APP]);
    expect(texts(issues)).toEqual([
      'spec.source.path: LAY-1: Application extra: deploys platform, outside kubernetes/ and charts/',
    ]);
  });
});

describe("PHS-1: waves inside their phase's band", () => {
  it('an Application of phase 1 in sync wave 42 is E_PHS1', async () => {
    const repo = await createTempRepo();
    await addExtra(repo, { ...EXTRA, phase: '1', wave: '42' });
    const issues = await expectRejected(repo, ['E_PHS1'], [EXTRA_APP]);
    expect(texts(issues)).toEqual([
      `metadata.annotations["argocd.argoproj.io/sync-wave"]: PHS-1: Application extra: has sync wave 42 outside phase 1's waves 10-19`,
    ]);
  });
});

describe('GIT-1: everything reachable from the root', () => {
  it('a manifest under kubernetes/unrendered/ that no Application renders is E_GIT1', async () => {
    const repo = await createTempRepo();
    const file = 'kubernetes/unrendered/config.yaml';
    await repo.write(file, configMap('lost', 'monitoring'));
    const issues = await expectRejected(repo, ['E_GIT1'], [file]);
    expect(texts(issues)).toEqual([
      'GIT-1: ConfigMap lost: lives in kubernetes/unrendered/config.yaml, which no Application reachable from the root renders (Argo CD would never apply it)',
    ]);
  });

  it('an Application in a folder no app-of-apps renders (platform/extra/) is E_GIT1 "not reachable", and so is its folder', async () => {
    const repo = await createTempRepo();
    const file = `${PLATFORM_APPS}extra/extra.yaml`;
    await addExtra(repo, EXTRA, file);
    const issues = await expectRejected(repo, ['E_GIT1'], [file, EXTRA_CONFIG]);
    expect(issues.filter((i) => i.file === file).map((i) => i.text)).toContain(
      'metadata.name: GIT-1: Application extra: is not reachable from the root Application',
    );
  });
});

describe('PHS-1: each secret has exactly one authority per phase', () => {
  const ENC =
    'ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]';

  it('a Git copy of a Secret that ESO serves from Vault gives it two authorities: E_PHS1 naming both', async () => {
    const repo = await createTempRepo();
    await addExtra(repo);
    // Encrypted-looking, so SEC-1 has nothing to say: only the second authority is wrong.
    await repo.write(
      'kubernetes/extra/keycloak-admin.yaml',
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: keycloak-admin\n  namespace: keycloak\nstringData:\n  password: ${ENC}\n`,
    );
    const issues = await expectRejected(repo, ['E_PHS1'], ['kubernetes/platform-secrets']);
    expect(texts(issues)).toEqual([
      expect.stringMatching(
        /^PHS-1: Secret keycloak\/keycloak-admin has two authorities: Vault \(ExternalSecret keycloak\/keycloak-admin in kubernetes\/platform-secrets, Application platform-secrets\) and Git \(SOPS\) \(Secret in kubernetes\/extra\/keycloak-admin\.yaml, Application extra\)/,
      ),
    ]);
  });

  it('an ExternalSecret for a Secret that stays in Git (vault-tls) gives it two authorities too', async () => {
    const repo = await createTempRepo();
    await addExtra(repo);
    await repo.write(
      'kubernetes/extra/vault-tls-sync.yaml',
      `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: vault-tls-sync
  namespace: vault
spec:
  secretStoreRef:
    kind: SecretStore
    name: vault
  target:
    name: vault-tls
  dataFrom:
    - extract:
        key: platform/vault/tls
`,
    );
    const result = await repo.run(['validate']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /PHS-1: Secret vault\/vault-tls has two authorities: Git \(SOPS\) \(Secret in kubernetes\/bootstrap, Application bootstrap-secrets\) and Vault \(ExternalSecret vault\/vault-tls-sync in kubernetes\/extra\/vault-tls-sync\.yaml, Application extra\)/,
    );
  });

  it("a Git file for argocd/sops-age, the offline root's key, is E_PHS1", async () => {
    const repo = await createTempRepo();
    await addExtra(repo);
    await repo.write(
      'kubernetes/extra/sops-age.yaml',
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: sops-age\n  namespace: argocd\nstringData:\n  keys.txt: ${ENC}\n`,
    );
    const result = await repo.run(['validate']);
    expect(result.code).toBe(1);
    expect(result.err).toContain("PHS-1: Secret argocd/sops-age is the offline root's age identity");
  });
});
