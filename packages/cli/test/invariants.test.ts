/**
 * Hand-written manifests under kubernetes/ go through the same invariants as generated ones: a raw
 * manifest breaking a platform rule makes `validate` and `generate` fail with its code, file and line,
 * and `generate` then writes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTempRepo,
  diffSnapshots,
  parseReport,
  type ReportedIssue,
  type RunResult,
  removeTempRepos,
  type TempRepo,
} from './temp-repo.js';

afterEach(removeTempRepos);

const PUSH_FILE = 'kubernetes/namespaces/payments-api/push.yaml';
const PUSH_SECRET = `apiVersion: external-secrets.io/v1alpha1
kind: PushSecret
metadata:
  name: push-db
  namespace: payments-api
spec:
  secretStoreRefs:
    - name: vault
      kind: SecretStore
  selector:
    secret:
      name: db-credentials
`;

const API_FILE = 'kubernetes/namespaces/payments-api/api.yaml';
/** Three documents; the third (a Deployment with VAULT_TOKEN) starts after the `---` on line 15. */
const MULTI_DOCUMENT = `# The api of the apps team.
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
  namespace: payments-api
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: payments-api
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments-api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      serviceAccountName: api
      containers:
        - name: api
          image: registry.example.com/api:1.0
          env:
            - name: LOG_LEVEL
              value: info
            - name: VAULT_TOKEN
              valueFrom:
                secretKeyRef:
                  name: vault-token
                  key: token
`;
const THIRD_DOCUMENT_SEPARATOR = 15;

const GOOD_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments-api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db-credentials
                  key: password
`;

/** Runs `command`, asserts it failed and wrote nothing, and returns the parsed report. */
async function expectFailure(
  repo: TempRepo,
  command: 'validate' | 'generate',
): Promise<{ result: RunResult; issues: ReportedIssue[]; headings: Map<string, number> }> {
  const before = await repo.snapshot();
  const result = await repo.run([command]);
  expect(result.code, result.err).toBe(1);
  expect(result.out).toBe('');
  expect(diffSnapshots(before, await repo.snapshot()), `${command} must not write`).toEqual([]);
  if (command === 'generate') expect(result.err).toContain('Nothing was written.\n');
  return { result, ...parseReport(result.err) };
}

describe('a hand-written manifest breaking an invariant', () => {
  it('fails validate and generate with its code, file and line, and generate writes nothing', async () => {
    const repo = await createTempRepo();
    expect(PUSH_SECRET.split('\n')[1]).toBe('kind: PushSecret');
    expect(MULTI_DOCUMENT.split('\n')[THIRD_DOCUMENT_SEPARATOR - 1]).toBe('---');
    await repo.write(PUSH_FILE, PUSH_SECRET);
    await repo.write(API_FILE, MULTI_DOCUMENT);

    for (const command of ['validate', 'generate'] as const) {
      const { result, issues, headings } = await expectFailure(repo, command);
      expect(headings, result.err).toEqual(
        new Map([
          [API_FILE, 1],
          [PUSH_FILE, 1],
        ]),
      );
      expect(issues.map(({ file, line, column, severity, code }) => ({ file, line, column, severity, code }))).toEqual([
        // The document starts at its `---` separator (line 15) or right after it.
        {
          file: API_FILE,
          line: expect.toBeOneOf([THIRD_DOCUMENT_SEPARATOR, THIRD_DOCUMENT_SEPARATOR + 1]),
          column: 1,
          severity: 'error',
          code: 'E_SEC2',
        },
        { file: PUSH_FILE, line: 1, column: 1, severity: 'error', code: 'E_ESO1' },
      ]);
      expect(issues[0]?.text).toMatch(
        /^spec\.template\.spec\.containers\[0\]\.env\[1\]: SEC-2: Deployment api: .*\(VAULT_TOKEN\)/,
      );
      expect(issues[1]?.text).toMatch(/^kind: ESO-1: PushSecret push-db: writes Kubernetes Secrets back/);
      expect(result.err).toContain(`${PUSH_FILE} (1 problem)\n  1:1  error E_ESO1  kind: ESO-1: PushSecret push-db:`);
      expect(result.err).toMatch(/fix: remove it: secrets are written to Vault by their owners/);
      expect(result.err).toContain('2 errors in 2 files.');
    }
  });

  it('reports an object placed in another namespace folder and a second SecretStore of a tenant', async () => {
    const repo = await createTempRepo();
    const store = `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: vault-too
spec:
  provider:
    vault:
      server: https://vault.vault.svc:8200
      path: secret
      version: v2
      auth:
        kubernetes:
          mountPath: kubernetes
          role: eso-storefront-web
          serviceAccountRef:
            name: eso-vault
            namespace: storefront-web
`;
    await repo.write('kubernetes/namespaces/payments-api/extra-store.yaml', store);
    await repo.write(
      'kubernetes/namespaces/payments-api/app.yaml',
      GOOD_DEPLOYMENT.replace('namespace: payments-api', 'namespace: storefront-web'),
    );
    const { issues } = await expectFailure(repo, 'validate');
    expect(
      issues.map(({ file, line, code, text }) => ({ file, line, code, path: text.slice(0, text.indexOf(':')) })),
    ).toEqual([
      { file: 'kubernetes/namespaces/payments-api/app.yaml', line: 1, code: 'E_ISO1', path: 'metadata.namespace' },
      { file: 'kubernetes/namespaces/payments-api/extra-store.yaml', line: 1, code: 'E_ISO1', path: 'metadata.name' },
      {
        file: 'kubernetes/namespaces/payments-api/extra-store.yaml',
        line: 1,
        code: 'E_ISO1',
        path: 'spec.provider.vault.auth.kubernetes.serviceAccountRef.namespace',
      },
    ]);
    expect(issues[1]?.text).toContain(
      'second SecretStore in namespace "payments-api" (the first is in kubernetes/namespaces/payments-api/external-secrets/secret-store.yaml)',
    );
  });
});

describe('a valid hand-written manifest', () => {
  it('passes validate and generate, which leaves it and every other file alone', async () => {
    const repo = await createTempRepo();
    await repo.write('kubernetes/namespaces/payments-api/payments-api.yaml', GOOD_DEPLOYMENT);
    const before = await repo.snapshot();

    const validated = await repo.run(['validate']);
    expect(validated.code, validated.err).toBe(0);
    expect(validated.err).toBe('');
    expect(validated.out).toMatch(/^platform-gen: valid: 1 platform, 3 namespaces, \d+ generated files\.\n$/);

    const generated = await repo.run(['generate']);
    expect(generated.code, generated.err).toBe(0);
    expect(generated.err).toBe('');
    expect(generated.out).toMatch(/^platform-gen: 0 files written, \d+ unchanged, 0 deleted\.\n$/);
    expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
  });
});

describe('invalid YAML under kubernetes/', () => {
  it('is E_YAML_INVALID at the line of the error, and generate writes nothing', async () => {
    const repo = await createTempRepo();
    const file = 'kubernetes/namespaces/payments-api/broken.yaml';
    // A valid first document, then a second whose key `kind` repeats on line 8.
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n---\napiVersion: v1\nkind: ConfigMap\nkind: Secret\n';
    expect(text.split('\n')[7]).toBe('kind: Secret');
    await repo.write(file, text);
    for (const command of ['validate', 'generate'] as const) {
      const { result, issues, headings } = await expectFailure(repo, command);
      expect(headings, result.err).toEqual(new Map([[file, 1]]));
      expect(issues).toEqual([
        {
          file,
          line: 8,
          column: 1,
          severity: 'error',
          code: 'E_YAML_INVALID',
          text: expect.stringMatching(/^invalid YAML: Map keys must be unique/),
        },
      ]);
      expect(result.err).toContain('fix: fix the YAML; Argo CD could not apply this file either');
    }
  });
});
