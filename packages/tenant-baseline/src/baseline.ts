/**
 * The rest of a tenant's baseline: quota and container defaults, network policies, team RBAC and the
 * `default` ServiceAccount without a token.
 */
import {
  type Artifact,
  DEFAULT_CONTAINER_LIMITS,
  DEFAULT_QUOTA,
  KINDS,
  type NamespaceModel,
  namespaceOutputDir,
  PLATFORM_NAMESPACES,
  type PlatformModel,
  standardMetadata,
  yamlArtifact,
} from '@platform-gen/core';

/** Files of the baseline besides namespace.yaml, each owned by this package. */
export const BASELINE_FILES = [
  'resource-quota.yaml',
  'limit-range.yaml',
  'network-policies.yaml',
  'rbac.yaml',
  'default-service-account.yaml',
] as const;

function meta(model: PlatformModel, ns: NamespaceModel, name: string) {
  return { name, namespace: ns.name, ...standardMetadata(model, ns.file) };
}

export function resourceQuotaArtifact(model: PlatformModel, ns: NamespaceModel): Artifact {
  const q = { ...DEFAULT_QUOTA, ...ns.definition.quota };
  const quota = {
    ...KINDS.ResourceQuota,
    metadata: meta(model, ns, 'tenant-quota'),
    spec: {
      hard: {
        'requests.cpu': q.requestsCpu,
        'requests.memory': q.requestsMemory,
        'limits.cpu': q.limitsCpu,
        'limits.memory': q.limitsMemory,
        'requests.storage': q.requestsStorage,
        pods: String(q.pods),
        services: String(q.services),
        persistentvolumeclaims: String(q.persistentVolumeClaims),
        // A tenant has no business with these: ESO is the only writer of Secrets' data.
        'services.loadbalancers': '0',
        'services.nodeports': '0',
      },
    },
  };
  return yamlArtifact(`${namespaceOutputDir(ns.name)}resource-quota.yaml`, ns.dir, [quota]);
}

export function limitRangeArtifact(model: PlatformModel, ns: NamespaceModel): Artifact {
  const l = { ...DEFAULT_CONTAINER_LIMITS, ...ns.definition.limits };
  const limitRange = {
    ...KINDS.LimitRange,
    metadata: meta(model, ns, 'container-defaults'),
    spec: {
      limits: [
        {
          type: 'Container',
          default: { cpu: l.defaultLimitCpu, memory: l.defaultLimitMemory },
          defaultRequest: { cpu: l.defaultRequestCpu, memory: l.defaultRequestMemory },
        },
      ],
    },
  };
  return yamlArtifact(`${namespaceOutputDir(ns.name)}limit-range.yaml`, ns.dir, [limitRange]);
}

function namespaceSelector(name: string) {
  return { matchLabels: { 'kubernetes.io/metadata.name': name } };
}

/**
 * Default-deny both ways; DNS to kube-system; traffic inside the namespace; ingress only from the
 * namespaces the admin declared (and monitoring). No egress rule can match the Vault namespace (SEC-2).
 */
export function networkPoliciesArtifact(model: PlatformModel, ns: NamespaceModel): Artifact {
  const policy = (name: string, spec: Record<string, unknown>) => ({
    ...KINDS.NetworkPolicy,
    metadata: meta(model, ns, name),
    spec: { podSelector: {}, ...spec },
  });
  const network = ns.definition.network ?? {};
  const policies: unknown[] = [
    policy('default-deny', { policyTypes: ['Ingress', 'Egress'] }),
    policy('allow-dns', {
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: namespaceSelector('kube-system'),
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    policy('allow-same-namespace', {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    }),
  ];
  const declared = network.ingressFrom ?? [];
  // An explicit ingressFrom entry for monitoring (e.g. with ports) replaces the default monitoring rule.
  const monitoringDeclared = declared.some((s) => s.namespace === PLATFORM_NAMESPACES.monitoring);
  const sources = [
    ...(network.allowMonitoring === false || monitoringDeclared ? [] : [{ namespace: PLATFORM_NAMESPACES.monitoring }]),
    ...declared,
  ];
  for (const source of sources) {
    const ports = 'ports' in source && source.ports !== undefined ? source.ports : undefined;
    policies.push(
      policy(`allow-ingress-from-${source.namespace}`, {
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: namespaceSelector(source.namespace) }],
            ...(ports === undefined ? {} : { ports: ports.map((port) => ({ protocol: 'TCP', port })) }),
          },
        ],
      }),
    );
  }
  return yamlArtifact(`${namespaceOutputDir(ns.name)}network-policies.yaml`, ns.dir, policies);
}

/** Workload kinds a team may manage in its namespace. No Secrets, SecretStores, PushSecrets or RBAC. */
const TEAM_RULES = [
  {
    apiGroups: [''],
    resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  // ServiceAccounts are read-only: a team must not be able to change eso-vault or mint its tokens.
  { apiGroups: [''], resources: ['pods/log', 'events', 'serviceaccounts'], verbs: ['get', 'list', 'watch'] },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'statefulsets', 'replicasets'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  {
    apiGroups: ['batch'],
    resources: ['jobs', 'cronjobs'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['ingresses'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  {
    apiGroups: ['autoscaling'],
    resources: ['horizontalpodautoscalers'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  // Read-only view of the secret wiring, so a team can see why a Secret is not ready.
  {
    apiGroups: ['external-secrets.io'],
    resources: ['externalsecrets', 'secretstores'],
    verbs: ['get', 'list', 'watch'],
  },
] as const;

export function rbacArtifact(model: PlatformModel, ns: NamespaceModel): Artifact {
  const team = model.platform.teams.find((t) => t.name === ns.definition.team);
  // Validation guarantees the team exists.
  const group = `${model.platform.identity.kubernetesGroupPrefix ?? ''}${team?.group ?? ns.definition.team}`;
  const role = { ...KINDS.Role, metadata: meta(model, ns, 'team-developer'), rules: TEAM_RULES };
  const binding = {
    ...KINDS.RoleBinding,
    metadata: meta(model, ns, 'team-developer'),
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: group }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'team-developer' },
  };
  return yamlArtifact(`${namespaceOutputDir(ns.name)}rbac.yaml`, ns.dir, [role, binding]);
}

/** The `default` ServiceAccount mounts no token: workloads that need the API opt in on the Pod. */
export function defaultServiceAccountArtifact(model: PlatformModel, ns: NamespaceModel): Artifact {
  const account = {
    ...KINDS.ServiceAccount,
    metadata: meta(model, ns, 'default'),
    automountServiceAccountToken: false,
  };
  return yamlArtifact(`${namespaceOutputDir(ns.name)}default-service-account.yaml`, ns.dir, [account]);
}
