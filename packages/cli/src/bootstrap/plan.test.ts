import { describe, expect, it } from 'vitest';
import {
  appliedObjects,
  BootstrapError,
  type BootstrapPlanInput,
  describeObject,
  describeStep,
  planBootstrap,
  redact,
  secretValues,
} from './plan.js';

// A dummy identity (all-zero key material), built at run time so the secret scan never sees one in the source.
const AGE_KEY = `# created: 2026-01-01T00:00:00Z\n# public key: age1example\nAGE-SECRET-KEY-1${'Q'.repeat(58)}\n`;

function crd(kind: string, plural: string) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.argoproj.io` },
    spec: { group: 'argoproj.io', names: { kind, plural }, scope: 'Namespaced' },
  };
}

const SERVICE_ACCOUNT = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'argocd-repo-server' } };
const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' } };
const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'argocd-server', namespace: 'argocd' },
};
const CLUSTER_ROLE = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'argocd' } };
const ROOT = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'root', namespace: 'argocd' },
  spec: { project: 'platform-root' },
};
const ROOT_PROJECT = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: 'platform-root', namespace: 'argocd' },
};
const OTHER_PROJECT = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: 'platform', namespace: 'argocd' },
};
const REPO_SECRET = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'repo-platform', namespace: 'argocd' },
  stringData: { url: 'https://git.example.com/platform/platform.git', password: 'token-value-123' },
};

function input(overrides: Partial<BootstrapPlanInput> = {}): BootstrapPlanInput {
  return {
    namespace: 'argocd',
    // In helm's own order: ServiceAccount and ConfigMap before the CRDs, as `helm template` sorts them.
    rendered: [
      SERVICE_ACCOUNT,
      CONFIG_MAP,
      CLUSTER_ROLE,
      crd('Application', 'applications'),
      crd('AppProject', 'appprojects'),
      DEPLOYMENT,
    ],
    ageKey: AGE_KEY,
    extraObjects: [],
    root: [ROOT],
    rootFolder: [OTHER_PROJECT, ROOT_PROJECT, ROOT],
    ...overrides,
  };
}

describe('planBootstrap', () => {
  it('orders Namespace, CRDs, wait, the rest of the chart, sops-age, extras, wait, the root project, the root', () => {
    const plan = planBootstrap(input({ extraObjects: [REPO_SECRET] }));
    expect(plan.steps.map(describeStep)).toEqual([
      'apply  Namespace argocd',
      'apply  CustomResourceDefinition applications.argoproj.io',
      'apply  CustomResourceDefinition appprojects.argoproj.io',
      'wait   until CustomResourceDefinition applications.argoproj.io, appprojects.argoproj.io are Established',
      'apply  ServiceAccount argocd/argocd-repo-server',
      'apply  ConfigMap argocd/argocd-cm',
      'apply  ClusterRole argocd',
      'apply  Deployment argocd/argocd-server',
      'apply  Secret argocd/sops-age (keys: keys.txt; values not shown)',
      'apply  Secret argocd/repo-platform (keys: password, url; values not shown)',
      'wait   until CustomResourceDefinition appprojects.argoproj.io, applications.argoproj.io are Established',
      'apply  AppProject argocd/platform-root',
      'apply  Application argocd/root',
    ]);
    expect(plan.steps.map((s) => (s.action === 'apply' ? s.origin : s.action))).toEqual([
      'namespace',
      'chart',
      'chart',
      'wait-established',
      'chart',
      'chart',
      'chart',
      'chart',
      'age-key',
      'extra',
      'wait-established',
      'root-project',
      'root',
    ]);
  });

  it('makes the sops-age Secret from PLATFORM_SECRETS.sopsAge: key keys.txt holding the file, base64', () => {
    const secret = appliedObjects(planBootstrap(input())).find((o) => o.kind === 'Secret');
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sops-age', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'platform-gen' } },
      type: 'Opaque',
      data: { 'keys.txt': Buffer.from(AGE_KEY).toString('base64') },
    });
  });

  it('creates the Namespace, labelled, unless the chart renders it (then the rendered one comes first)', () => {
    expect(appliedObjects(planBootstrap(input()))[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'platform-gen' } },
    });
    const rendered = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd', labels: { from: 'chart' } } };
    const crds = [crd('Application', 'applications'), crd('AppProject', 'appprojects')];
    const objects = appliedObjects(planBootstrap(input({ rendered: [CONFIG_MAP, rendered, ...crds] })));
    expect(objects.map(describeObject)).toEqual([
      'Namespace argocd',
      'CustomResourceDefinition applications.argoproj.io',
      'CustomResourceDefinition appprojects.argoproj.io',
      'ConfigMap argocd/argocd-cm',
      'Secret argocd/sops-age',
      'AppProject argocd/platform-root',
      'Application argocd/root',
    ]);
    expect(objects[0]).toEqual(rendered);
  });

  it('gives a namespaced chart object without a namespace the release namespace, as helm install does', () => {
    const objects = appliedObjects(planBootstrap(input()));
    expect(objects.find((o) => o.kind === 'ServiceAccount')?.metadata.namespace).toBe('argocd');
    expect(objects.find((o) => o.kind === 'ClusterRole')?.metadata).toEqual({ name: 'argocd' });
    expect(objects.find((o) => o.kind === 'CustomResourceDefinition')?.metadata.namespace).toBeUndefined();
  });

  it('applies extra objects after sops-age in their own order, and before the root', () => {
    const second = { ...REPO_SECRET, metadata: { name: 'a-first-by-name', namespace: 'argocd' } };
    const names = appliedObjects(planBootstrap(input({ extraObjects: [REPO_SECRET, second] }))).map(
      (o) => o.metadata.name,
    );
    expect(names.slice(names.indexOf('sops-age'))).toEqual([
      'sops-age',
      'repo-platform',
      'a-first-by-name',
      'platform-root',
      'root',
    ]);
  });

  it('leaves out the waits when the chart renders no CRD, and the project when the root uses an undefined default', () => {
    const root = { ...ROOT, apiVersion: 'v1', kind: 'ConfigMap', spec: undefined };
    const plan = planBootstrap(input({ rendered: [CONFIG_MAP], root: [root], rootFolder: [] }));
    expect(plan.steps.map(describeStep)).toEqual([
      'apply  Namespace argocd',
      'apply  ConfigMap argocd/argocd-cm',
      'apply  Secret argocd/sops-age (keys: keys.txt; values not shown)',
      'apply  ConfigMap argocd/root',
    ]);
    const inDefault = { ...ROOT, spec: {} };
    const planned = planBootstrap(input({ root: [inDefault], rootFolder: [inDefault] }));
    expect(appliedObjects(planned).map((o) => o.kind)).not.toContain('AppProject');
  });

  it('does not mutate its input', () => {
    const given = input({ extraObjects: [REPO_SECRET] });
    const before = structuredClone(given);
    const plan = planBootstrap(given);
    expect(given).toEqual(before);
    expect(appliedObjects(plan).find((o) => o.kind === 'ServiceAccount')).not.toBe(SERVICE_ACCOUNT);
  });

  it('is deterministic: the same input gives the same plan', () => {
    expect(planBootstrap(input({ extraObjects: [REPO_SECRET] }))).toEqual(
      planBootstrap(input({ extraObjects: [REPO_SECRET] })),
    );
  });
});

describe('planBootstrap refuses what it cannot place', () => {
  const refusal = (overrides: Partial<BootstrapPlanInput>) => {
    try {
      planBootstrap(input(overrides));
    } catch (error) {
      if (error instanceof BootstrapError) return { code: error.code, message: error.message };
      throw error;
    }
    throw new Error('planBootstrap accepted the input');
  };

  it('a root Application whose CRD the chart did not render', () => {
    expect(refusal({ rendered: [CONFIG_MAP] })).toEqual({
      code: 'E_BOOTSTRAP_NO_CRD',
      message:
        'AppProject argocd/platform-root needs the CustomResourceDefinition of AppProject.argoproj.io, which the Argo CD chart did not render: check crds.install in charts/argocd/values.yaml',
    });
  });

  it('a root Application whose AppProject is not in its folder', () => {
    expect(refusal({ rootFolder: [OTHER_PROJECT, ROOT] }).code).toBe('E_BOOTSTRAP_NO_PROJECT');
    expect(refusal({ rootFolder: [OTHER_PROJECT, ROOT] }).message).toMatch(/AppProject "platform-root"/);
  });

  it('an extra object without a namespace, or without a name', () => {
    const { namespace: _, ...metadata } = REPO_SECRET.metadata;
    expect(refusal({ extraObjects: [{ ...REPO_SECRET, metadata }] })).toEqual({
      code: 'E_BOOTSTRAP_NO_NAMESPACE',
      message: 'extra object 1 (Secret repo-platform) has no metadata.namespace: set the namespace it belongs in',
    });
    expect(refusal({ extraObjects: [{ apiVersion: 'v1', kind: 'Secret', metadata: {} }] }).code).toBe(
      'E_BOOTSTRAP_OBJECT',
    );
    expect(refusal({ extraObjects: [{ metadata: { name: 'x' } }] }).code).toBe('E_BOOTSTRAP_OBJECT');
  });

  it('an object planned twice, e.g. an extra sops-age', () => {
    const duplicate = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops-age', namespace: 'argocd' } };
    expect(refusal({ extraObjects: [duplicate] })).toEqual({
      code: 'E_BOOTSTRAP_DUPLICATE',
      message:
        'Secret argocd/sops-age is planned twice (the second time from extra): each object may come from one place only',
    });
  });
});

describe('secret values never reach the output', () => {
  it('secretValues lists each Secret value encoded, decoded and by line; redact hides them', () => {
    const plan = planBootstrap(input({ extraObjects: [REPO_SECRET] }));
    const values = secretValues(plan);
    const identity = AGE_KEY.split('\n')[2] ?? '';
    expect(values).toContain(AGE_KEY);
    expect(values).toContain(Buffer.from(AGE_KEY).toString('base64'));
    expect(values).toContain(identity);
    expect(values).toContain('token-value-123');
    expect(redact(`invalid value "${identity}" and token-value-123`, values)).toBe(
      'invalid value "[redacted]" and [redacted]',
    );
  });
});
