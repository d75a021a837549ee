import {
  type Artifact,
  checkInvariants,
  DEFAULT_CONTAINER_LIMITS,
  DEFAULT_QUOTA,
  mergeOutputs,
  type NamespaceDefinition,
  type NamespaceModel,
  type PlatformModel,
  type RepoObject,
} from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import { type INetworkPolicy, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { type IRole, type IRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  type ILimitRange,
  type INamespace,
  type IResourceQuota,
  type IServiceAccount,
  LimitRange,
  Namespace,
  ResourceQuota,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  defaultServiceAccountArtifact,
  limitRangeArtifact,
  networkPoliciesArtifact,
  rbacArtifact,
  resourceQuotaArtifact,
} from './baseline.js';
import { tenantBaselineGenerator } from './index.js';
import { namespaceArtifact } from './namespace.js';

type KubeObject = Readonly<Record<string, unknown>>;

/** `new X(object).validate()` for every kind the baseline writes, keyed by `apiVersion/kind`. */
const VALIDATORS: Readonly<Record<string, (object: unknown) => void>> = {
  'v1/Namespace': (o) => new Namespace(o as never).validate(),
  'v1/ServiceAccount': (o) => new ServiceAccount(o as never).validate(),
  'v1/ResourceQuota': (o) => new ResourceQuota(o as never).validate(),
  'v1/LimitRange': (o) => new LimitRange(o as never).validate(),
  'networking.k8s.io/v1/NetworkPolicy': (o) => new NetworkPolicy(o as never).validate(),
  'rbac.authorization.k8s.io/v1/Role': (o) => new Role(o as never).validate(),
  'rbac.authorization.k8s.io/v1/RoleBinding': (o) => new RoleBinding(o as never).validate(),
};

function typeOf(object: KubeObject): string {
  return `${String(object.apiVersion)}/${String(object.kind)}`;
}

/** Validates against the upstream schema of the object's kind; throws when invalid or of an unknown kind. */
function validateUpstream(object: KubeObject): void {
  const validate = VALIDATORS[typeOf(object)];
  if (validate === undefined) throw new Error(`no upstream schema for ${typeOf(object)}`);
  validate(object);
}

function documentsOf(artifact: Artifact): KubeObject[] {
  expect(artifact.documents, artifact.path).toBeDefined();
  return (artifact.documents ?? []) as KubeObject[];
}

function allDocuments(artifacts: readonly Artifact[]): KubeObject[] {
  return artifacts.flatMap(documentsOf);
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

let model: PlatformModel;

beforeAll(async () => {
  model = await loadExampleModel();
});

function exampleNamespace(name: string): NamespaceModel {
  const ns = model.namespaces.find((n) => n.name === name);
  if (ns === undefined) throw new Error(`no namespace ${name} in the example`);
  return ns;
}

/** payments-api with its definition changed by `change`. */
function variant(change: (definition: NamespaceDefinition) => NamespaceDefinition): NamespaceModel {
  const ns = exampleNamespace('payments-api');
  return { ...ns, definition: change(ns.definition) };
}

/** The example model with its platform changed by `change`. */
function withPlatform(change: (platform: PlatformModel['platform']) => PlatformModel['platform']): PlatformModel {
  return { ...model, platform: change(model.platform) };
}

function policies(ns: NamespaceModel, m: PlatformModel = model): INetworkPolicy[] {
  return documentsOf(networkPoliciesArtifact(m, ns)) as unknown as INetworkPolicy[];
}

function policyNamed(ns: NamespaceModel, name: string): INetworkPolicy {
  return only(policies(ns).filter((p) => p.metadata?.name === name));
}

/** Variants exercising every optional setting of a namespace definition. */
function variants(): NamespaceModel[] {
  return [
    ...model.namespaces,
    variant((d) => ({ ...d, podSecurity: 'baseline' })),
    variant((d) => ({ ...d, podSecurity: 'privileged' })),
    variant((d) => {
      const { description: _, ...rest } = d;
      return rest;
    }),
    variant((d) => ({ ...d, quota: { requestsCpu: '500m', pods: 7, persistentVolumeClaims: 0 } })),
    variant((d) => ({ ...d, limits: { defaultLimitCpu: '2', defaultRequestMemory: '64Mi' } })),
    variant((d) => ({
      ...d,
      network: {
        allowMonitoring: false,
        ingressFrom: [{ namespace: 'ingress-nginx', ports: [80, 443] }, { namespace: 'storefront-web' }],
      },
    })),
  ];
}

describe('the baseline of the example validates against the upstream Kubernetes schemas', () => {
  it('writes six files per namespace, every one owned by the generator', () => {
    const artifacts = tenantBaselineGenerator.generate(model);
    expect(artifacts).toHaveLength(6 * model.namespaces.length);
    expect(() =>
      mergeOutputs([{ generator: tenantBaselineGenerator.name, owns: tenantBaselineGenerator.owns, artifacts }]),
    ).not.toThrow();
    for (const ns of model.namespaces) {
      expect(
        artifacts.filter((a) => a.path.startsWith(`kubernetes/namespaces/${ns.name}/`)).map((a) => a.path),
      ).toEqual(
        [
          'namespace.yaml',
          'resource-quota.yaml',
          'limit-range.yaml',
          'network-policies.yaml',
          'rbac.yaml',
          'default-service-account.yaml',
        ].map((file) => `kubernetes/namespaces/${ns.name}/${file}`),
      );
    }
  });

  it('every object of the example is valid (kubernetes-models)', () => {
    const objects = allDocuments(tenantBaselineGenerator.generate(model));
    expect(new Set(objects.map(typeOf))).toEqual(new Set(Object.keys(VALIDATORS)));
    for (const object of objects) {
      expect(() => validateUpstream(object), `${typeOf(object)} ${JSON.stringify(object.metadata)}`).not.toThrow();
    }
  });

  it('every object of every variant of a definition is valid too', () => {
    for (const ns of variants()) {
      const objects = allDocuments(tenantBaselineGenerator.generate({ ...model, namespaces: [ns] }));
      expect(objects.length).toBeGreaterThan(6);
      for (const object of objects) expect(() => validateUpstream(object), typeOf(object)).not.toThrow();
    }
  });

  it('the content of each file is exactly its documents', () => {
    for (const artifact of tenantBaselineGenerator.generate(model)) {
      const parsed = parseAllDocuments(artifact.content).map((d) => d.toJS() as unknown);
      expect(parsed, artifact.path).toEqual(artifact.documents);
    }
  });

  it('negative control: broken objects fail validation, so the check is not vacuous', () => {
    const ns = exampleNamespace('payments-api');
    const [policy] = policies(ns);
    const [role, binding] = documentsOf(rbacArtifact(model, ns));
    const [namespace] = documentsOf(namespaceArtifact(model, ns));
    if (policy === undefined || role === undefined || binding === undefined || namespace === undefined) {
      throw new Error('missing documents');
    }
    expect(() => validateUpstream({ ...policy, spec: { ...policy.spec, policyTypes: 'Ingress' } })).toThrow();
    expect(() =>
      validateUpstream({
        ...policy,
        spec: { podSelector: {}, egress: [{ ports: [{ protocol: 'UDP', port: true }] }] },
      }),
    ).toThrow(/port/);
    const { roleRef: _, ...withoutRoleRef } = binding;
    expect(() => validateUpstream(withoutRoleRef)).toThrow(/roleRef/);
    expect(() => validateUpstream({ ...role, rules: [{ apiGroups: [''], resources: ['pods'] }] })).toThrow(/verbs/);
    expect(() => validateUpstream({ ...namespace, metadata: { name: 'x', labels: { pods: 50 } } })).toThrow();
    expect(() => validateUpstream({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).toThrow(
      /no upstream schema/,
    );
  });
});

describe('common metadata', () => {
  it('every namespaced object lands in its namespace and carries the ownership labels and source', () => {
    for (const ns of model.namespaces) {
      const objects = allDocuments(tenantBaselineGenerator.generate({ ...model, namespaces: [ns] }));
      for (const object of objects) {
        const metadata = object.metadata as INamespace['metadata'];
        if (object.kind === 'Namespace') expect(metadata?.namespace).toBeUndefined();
        else expect(metadata?.namespace).toBe(ns.name);
        expect(metadata?.labels).toMatchObject({
          'app.kubernetes.io/managed-by': 'platform-gen',
          'app.kubernetes.io/part-of': 'example',
        });
        expect(metadata?.annotations?.['platform-gen.io/source']).toBe(ns.file);
      }
    }
  });
});

describe('Namespace and Pod Security', () => {
  function namespaceOf(ns: NamespaceModel): INamespace {
    return only(documentsOf(namespaceArtifact(model, ns))) as unknown as INamespace;
  }

  it('is restricted by default, enforced at the latest version, audited and warned', () => {
    const ns = exampleNamespace('payments-api');
    expect(ns.definition.podSecurity).toBeUndefined();
    const namespace = namespaceOf(ns);
    expect(namespace.metadata?.name).toBe('payments-api');
    expect(namespace.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'platform-gen',
      'app.kubernetes.io/part-of': 'example',
      'platform-gen.io/tenant': 'payments-api',
      'platform-gen.io/team': 'payments',
      // The example's payments-api sets no observability: Prometheus reads it.
      'platform-gen.io/scrape': 'true',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(namespace.metadata?.annotations).toEqual({
      'platform-gen.io/source': 'namespaces/payments-api/namespace.ts',
      'argocd.argoproj.io/sync-options': 'Delete=confirm,Prune=confirm',
      'platform-gen.io/description': 'Public payments API',
    });
  });

  it.each(['restricted', 'baseline', 'privileged'] as const)('follows podSecurity: %s', (level) => {
    const labels = namespaceOf(variant((d) => ({ ...d, podSecurity: level }))).metadata?.labels ?? {};
    expect(labels['pod-security.kubernetes.io/enforce']).toBe(level);
    expect(labels['pod-security.kubernetes.io/audit']).toBe(level);
    expect(labels['pod-security.kubernetes.io/warn']).toBe(level);
    expect(labels['pod-security.kubernetes.io/enforce-version']).toBe('latest');
  });

  it('has no description annotation when the definition has no description', () => {
    const ns = variant((d) => {
      const { description: _, ...rest } = d;
      return rest;
    });
    expect(namespaceOf(ns).metadata?.annotations).toEqual({
      'platform-gen.io/source': 'namespaces/payments-api/namespace.ts',
      'argocd.argoproj.io/sync-options': 'Delete=confirm,Prune=confirm',
    });
  });
});

describe('ResourceQuota', () => {
  function hardOf(ns: NamespaceModel): Record<string, unknown> {
    const quota = only(documentsOf(resourceQuotaArtifact(model, ns))) as unknown as IResourceQuota;
    expect(quota.metadata?.name).toBe('tenant-quota');
    return { ...quota.spec?.hard };
  }

  it('takes the platform defaults', () => {
    expect(DEFAULT_QUOTA).toEqual({
      requestsCpu: '4',
      requestsMemory: '8Gi',
      limitsCpu: '8',
      limitsMemory: '16Gi',
      requestsStorage: '100Gi',
      pods: 50,
      services: 20,
      persistentVolumeClaims: 10,
    });
    expect(hardOf(exampleNamespace('payments-api'))).toEqual({
      'requests.cpu': '4',
      'requests.memory': '8Gi',
      'limits.cpu': '8',
      'limits.memory': '16Gi',
      'requests.storage': '100Gi',
      pods: '50',
      services: '20',
      persistentvolumeclaims: '10',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
  });

  it('overrides only the fields the definition sets; counts are strings; no LoadBalancer or NodePort ever', () => {
    const hard = hardOf(
      variant((d) => ({
        ...d,
        quota: { requestsCpu: '500m', limitsMemory: '1Gi', pods: 7, persistentVolumeClaims: 0 },
      })),
    );
    expect(hard).toEqual({
      'requests.cpu': '500m',
      'requests.memory': '8Gi',
      'limits.cpu': '8',
      'limits.memory': '1Gi',
      'requests.storage': '100Gi',
      pods: '7',
      services: '20',
      persistentvolumeclaims: '0',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
    const all = hardOf(
      variant((d) => ({
        ...d,
        quota: {
          requestsCpu: '1',
          requestsMemory: '2Gi',
          limitsCpu: '3',
          limitsMemory: '4Gi',
          requestsStorage: '5Gi',
          pods: 6,
          services: 7,
          persistentVolumeClaims: 8,
        },
      })),
    );
    expect(all).toMatchObject({ 'requests.storage': '5Gi', services: '7', 'services.loadbalancers': '0' });
  });
});

describe('LimitRange', () => {
  function limitsOf(ns: NamespaceModel): unknown {
    const range = only(documentsOf(limitRangeArtifact(model, ns))) as unknown as ILimitRange;
    expect(range.metadata?.name).toBe('container-defaults');
    return range.spec?.limits;
  }

  it('gives containers the default requests and limits', () => {
    expect(DEFAULT_CONTAINER_LIMITS).toEqual({
      defaultRequestCpu: '100m',
      defaultRequestMemory: '128Mi',
      defaultLimitCpu: '500m',
      defaultLimitMemory: '512Mi',
    });
    expect(limitsOf(exampleNamespace('payments-api'))).toEqual([
      {
        type: 'Container',
        default: { cpu: '500m', memory: '512Mi' },
        defaultRequest: { cpu: '100m', memory: '128Mi' },
      },
    ]);
  });

  it('overrides only the fields the definition sets', () => {
    expect(
      limitsOf(variant((d) => ({ ...d, limits: { defaultLimitCpu: '2', defaultRequestMemory: '64Mi' } }))),
    ).toEqual([
      { type: 'Container', default: { cpu: '2', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '64Mi' } },
    ]);
  });
});

describe('NetworkPolicies', () => {
  const byName = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

  it('denies everything both ways by default', () => {
    const deny = policyNamed(exampleNamespace('payments-api'), 'default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('allows DNS egress only to kube-dns in kube-system, on 53 UDP and TCP', () => {
    const dns = policyNamed(exampleNamespace('payments-api'), 'allow-dns');
    expect(dns.spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });

  it('allows traffic inside the namespace', () => {
    expect(policyNamed(exampleNamespace('payments-api'), 'allow-same-namespace').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
  });

  it('has no egress rule, in any variant, that selects all namespaces, the vault namespace or an IP block', () => {
    for (const ns of variants()) {
      const egressRules = policies(ns).flatMap((p) => p.spec?.egress ?? []);
      expect(egressRules.length).toBeGreaterThan(0);
      for (const rule of egressRules) {
        expect(rule.to, 'an egress rule without `to` reaches every destination').toBeDefined();
        expect(rule.to?.length).toBeGreaterThan(0);
        for (const peer of rule.to ?? []) {
          expect(peer.ipBlock).toBeUndefined();
          if (peer.namespaceSelector !== undefined) {
            expect(peer.namespaceSelector.matchExpressions).toBeUndefined();
            expect(peer.namespaceSelector).toEqual(byName('kube-system'));
          } else {
            expect(peer.podSelector, 'a peer without namespaceSelector stays in the namespace').toBeDefined();
          }
          expect(JSON.stringify(peer)).not.toMatch(/"vault"/);
        }
      }
    }
  });

  it('passes the platform invariants (SEC-2 egress) in every variant', () => {
    for (const ns of variants()) {
      const objects: RepoObject[] = allDocuments(tenantBaselineGenerator.generate({ ...model, namespaces: [ns] })).map(
        (object) => ({ file: `kubernetes/namespaces/${ns.name}/x.yaml`, line: 1, generated: true, object }),
      );
      expect(checkInvariants({ model: { ...model, namespaces: [ns] }, objects })).toEqual([]);
    }
  });

  it('lets monitoring in by default, on every port', () => {
    const ns = exampleNamespace('payments-api');
    expect(policies(ns).map((p) => p.metadata?.name)).toEqual([
      'default-deny',
      'allow-dns',
      'allow-same-namespace',
      'allow-ingress-from-monitoring',
    ]);
    expect(policyNamed(ns, 'allow-ingress-from-monitoring').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: byName('monitoring') }] }],
    });
    const explicit = variant((d) => ({ ...d, network: { allowMonitoring: true } }));
    expect(policies(explicit).map((p) => p.metadata?.name)).toContain('allow-ingress-from-monitoring');
  });

  it('allowMonitoring: false removes the monitoring rule', () => {
    const ns = variant((d) => ({ ...d, network: { allowMonitoring: false } }));
    expect(policies(ns).map((p) => p.metadata?.name)).toEqual(['default-deny', 'allow-dns', 'allow-same-namespace']);
    expect(JSON.stringify(policies(ns))).not.toContain('monitoring');
  });

  it('ingressFrom without ports opens every port, with ports only those (TCP)', () => {
    const ns = variant((d) => ({
      ...d,
      network: { ingressFrom: [{ namespace: 'ingress-nginx', ports: [80, 443] }, { namespace: 'storefront-web' }] },
    }));
    expect(policies(ns).map((p) => p.metadata?.name)).toEqual([
      'default-deny',
      'allow-dns',
      'allow-same-namespace',
      'allow-ingress-from-monitoring',
      'allow-ingress-from-ingress-nginx',
      'allow-ingress-from-storefront-web',
    ]);
    expect(policyNamed(ns, 'allow-ingress-from-ingress-nginx').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: byName('ingress-nginx') }],
          ports: [
            { protocol: 'TCP', port: 80 },
            { protocol: 'TCP', port: 443 },
          ],
        },
      ],
    });
    const open = policyNamed(ns, 'allow-ingress-from-storefront-web');
    expect(open.spec?.ingress).toEqual([{ from: [{ namespaceSelector: byName('storefront-web') }] }]);
    expect(open.spec?.ingress?.[0]).not.toHaveProperty('ports');
    expect(open.spec?.policyTypes).toEqual(['Ingress']);
    expect(open.spec?.egress).toBeUndefined();
  });

  // Regression (was a bug): baseline.ts networkPoliciesArtifact names each ingress policy `allow-ingress-from-<namespace>`
  // without de-duplicating: `ingressFrom: [{ namespace: 'monitoring', ports: [9090] }]` with the default
  // allowMonitoring (true) writes two NetworkPolicies named allow-ingress-from-monitoring into the same
  // file, and the schema/validation accept it (same for a namespace listed twice in ingressFrom). Argo CD
  // then sees one resource twice and applies only one of them (here: which ports are open is undefined).
  it('names every NetworkPolicy of a namespace uniquely (ingressFrom naming monitoring)', () => {
    const ns = variant((d) => ({ ...d, network: { ingressFrom: [{ namespace: 'monitoring', ports: [9090] }] } }));
    const names = policies(ns).map((p) => p.metadata?.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('team RBAC', () => {
  function rbacOf(ns: NamespaceModel, m: PlatformModel = model): { role: IRole; binding: IRoleBinding } {
    const [role, binding, ...rest] = documentsOf(rbacArtifact(m, ns));
    expect(rest).toEqual([]);
    return { role: role as unknown as IRole, binding: binding as unknown as IRoleBinding };
  }

  /** True when one of the rules grants `verb` on `resource` of `group` (wildcards included). */
  function allows(role: IRole, group: string, resource: string, verb: string): boolean {
    return (role.rules ?? []).some(
      (rule) =>
        (rule.apiGroups ?? []).some((g) => g === group || g === '*') &&
        (rule.resources ?? []).some((r) => r === resource || r === '*') &&
        rule.verbs.some((v) => v === verb || v === '*'),
    );
  }

  const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

  it('binds the team-developer Role to the team Keycloak group, with the platform group prefix', () => {
    for (const [name, group] of [
      ['payments-api', 'oidc:team-payments'],
      ['payments-batch', 'oidc:team-payments'],
      ['storefront-web', 'oidc:team-storefront'],
    ] as const) {
      const { role, binding } = rbacOf(exampleNamespace(name));
      expect(role.metadata?.name).toBe('team-developer');
      expect(binding.metadata?.name).toBe('team-developer');
      expect(binding.metadata?.namespace).toBe(name);
      expect(binding.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: group }]);
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'team-developer' });
    }
  });

  it('uses the bare group when the platform has no kubernetesGroupPrefix', () => {
    const m = withPlatform((p) => {
      const { kubernetesGroupPrefix: _, ...identity } = p.identity;
      return { ...p, identity };
    });
    expect(rbacOf(exampleNamespace('storefront-web'), m).binding.subjects).toEqual([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'team-storefront' },
    ]);
  });

  it('grants nothing on secrets, pushsecrets, cluster stores or RBAC, and secretstores only read-only', () => {
    const { role } = rbacOf(exampleNamespace('payments-api'));
    const json = JSON.stringify(role.rules);
    expect(json).not.toContain('*');
    for (const verb of ALL_VERBS) {
      expect(allows(role, '', 'secrets', verb), `secrets ${verb}`).toBe(false);
      for (const resource of ['pushsecrets', 'clusterpushsecrets', 'clustersecretstores', 'clusterexternalsecrets']) {
        expect(allows(role, 'external-secrets.io', resource, verb), `${resource} ${verb}`).toBe(false);
      }
      for (const resource of ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']) {
        expect(allows(role, 'rbac.authorization.k8s.io', resource, verb), `${resource} ${verb}`).toBe(false);
      }
      expect(allows(role, '', 'serviceaccounts/token', verb)).toBe(false);
      expect(allows(role, '', 'pods/exec', verb)).toBe(false);
    }
    for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection']) {
      expect(allows(role, 'external-secrets.io', 'secretstores', verb), `secretstores ${verb}`).toBe(false);
      expect(allows(role, 'external-secrets.io', 'externalsecrets', verb), `externalsecrets ${verb}`).toBe(false);
    }
    for (const verb of ['get', 'list', 'watch']) {
      expect(allows(role, 'external-secrets.io', 'secretstores', verb)).toBe(true);
      expect(allows(role, 'external-secrets.io', 'externalsecrets', verb)).toBe(true);
    }
    expect(json).not.toMatch(/escalate|bind|impersonate/);
    expect((role.rules ?? []).flatMap((r) => r.apiGroups ?? [])).not.toContain('rbac.authorization.k8s.io');
  });

  it('lets the team run its workloads', () => {
    const { role } = rbacOf(exampleNamespace('payments-api'));
    for (const [group, resource] of [
      ['', 'pods'],
      ['', 'services'],
      ['', 'configmaps'],
      ['apps', 'deployments'],
      ['batch', 'cronjobs'],
      ['networking.k8s.io', 'ingresses'],
    ] as const) {
      for (const verb of ['get', 'create', 'update', 'delete']) expect(allows(role, group, resource, verb)).toBe(true);
    }
    expect(allows(role, '', 'pods/log', 'get')).toBe(true);
    expect(allows(role, '', 'pods/log', 'create')).toBe(false);
  });
});

describe('default ServiceAccount', () => {
  it('mounts no token', () => {
    for (const ns of model.namespaces) {
      const account = only(documentsOf(defaultServiceAccountArtifact(model, ns))) as unknown as IServiceAccount;
      expect(account.metadata).toMatchObject({ name: 'default', namespace: ns.name });
      expect(account.automountServiceAccountToken).toBe(false);
    }
  });
});
