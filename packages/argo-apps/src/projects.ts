/**
 * AppProjects: who may deploy what where. The app-of-apps project may only hold Applications and
 * AppProjects in the Argo CD namespace; the platform project only the platform's namespaces; each team
 * project only its own namespaces, no cluster-scoped kind, no Argo CD, RBAC, quota, network or ESO object.
 */
import {
  APP_OF_APPS_PROJECT,
  componentList,
  getUpstreamChart,
  KINDS,
  PLATFORM_NAMESPACES,
  type PlatformModel,
  standardMetadata,
} from '@platform-gen/core';

export const PROJECTS = {
  root: APP_OF_APPS_PROJECT,
  platform: 'platform',
  tenants: 'tenant-baselines',
} as const;

export function teamProject(team: string): string {
  return `team-${team}`;
}

/** Namespaced kinds a team's own sources may never create: they belong to the platform. */
const TEAM_FORBIDDEN_KINDS = [
  { group: 'argoproj.io', kind: '*' },
  { group: 'rbac.authorization.k8s.io', kind: '*' },
  { group: 'external-secrets.io', kind: '*' },
  { group: 'generators.external-secrets.io', kind: '*' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: '', kind: 'ResourceQuota' },
  { group: '', kind: 'LimitRange' },
  { group: '', kind: 'ServiceAccount' },
  { group: '', kind: 'Secret' },
];

/** Cluster-scoped kinds the platform's charts install. */
const PLATFORM_CLUSTER_KINDS = [
  { group: '', kind: 'Namespace' },
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
  { group: 'scheduling.k8s.io', kind: 'PriorityClass' },
];

export function projectDocuments(model: PlatformModel): unknown[] {
  const { platform } = model;
  const server = platform.cluster.server;
  const meta = (name: string) => ({
    name,
    namespace: PLATFORM_NAMESPACES.argocd,
    ...standardMetadata(model, model.platformFile),
    // Deleting a project that Applications still use is blocked until they are gone.
    finalizers: ['resources-finalizer.argocd.argoproj.io'],
  });
  const auditorRole = (project: string) => ({
    name: 'auditor',
    description: 'Read-only: applications, their resources and logs',
    policies: [
      `p, proj:${project}:auditor, applications, get, ${project}/*, allow`,
      `p, proj:${project}:auditor, logs, get, ${project}/*, allow`,
    ],
    groups: [platform.identity.auditorGroup],
  });
  const chartRepos = [
    ...new Set(
      componentList().flatMap((c) => {
        const chart = getUpstreamChart(c);
        return chart === undefined ? [] : [chart.repoURL];
      }),
    ),
  ];

  const documents: unknown[] = [
    {
      ...KINDS.AppProject,
      // The built-in default project allows everything: empty it, so an Application without a project can do nothing.
      metadata: {
        name: 'default',
        namespace: PLATFORM_NAMESPACES.argocd,
        ...standardMetadata(model, model.platformFile),
      },
      spec: {
        description: 'Locked: every Application names its own project',
        sourceRepos: [],
        destinations: [],
        clusterResourceWhitelist: [],
        namespaceResourceBlacklist: [{ group: '*', kind: '*' }],
      },
    },
    {
      ...KINDS.AppProject,
      metadata: meta(PROJECTS.root),
      spec: {
        description: 'The root and the app-of-apps Applications: Applications and AppProjects only',
        sourceRepos: [platform.git.repoURL],
        destinations: [{ server, namespace: PLATFORM_NAMESPACES.argocd }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: [
          { group: 'argoproj.io', kind: 'Application' },
          { group: 'argoproj.io', kind: 'AppProject' },
        ],
        roles: [auditorRole(PROJECTS.root)],
      },
    },
    {
      ...KINDS.AppProject,
      metadata: meta(PROJECTS.platform),
      spec: {
        description: "The platform's own components, in the platform's own namespaces",
        sourceRepos: [platform.git.repoURL, ...chartRepos].sort(),
        destinations: [...new Set(componentList().map((c) => c.namespace))]
          .sort()
          .map((namespace) => ({ server, namespace })),
        clusterResourceWhitelist: PLATFORM_CLUSTER_KINDS,
        roles: [auditorRole(PROJECTS.platform)],
      },
    },
    {
      ...KINDS.AppProject,
      metadata: meta(PROJECTS.tenants),
      spec: {
        description: "Each tenant namespace's baseline: namespace, quota, network policies, RBAC, ESO wiring",
        sourceRepos: [platform.git.repoURL],
        destinations: model.namespaces.map((ns) => ({ server, namespace: ns.name })),
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
        roles: [auditorRole(PROJECTS.tenants)],
      },
    },
  ];

  for (const team of platform.teams) {
    const namespaces = model.namespaces.filter((ns) => ns.definition.team === team.name);
    const repos = [...new Set(namespaces.flatMap((ns) => (ns.definition.sources ?? []).map((s) => s.repoURL)))].sort();
    const project = teamProject(team.name);
    documents.push({
      ...KINDS.AppProject,
      metadata: meta(project),
      spec: {
        description: `Workloads of team ${team.name}, in its own namespaces only`,
        sourceRepos: repos,
        destinations: namespaces.map((ns) => ({ server, namespace: ns.name })),
        // Empty: no cluster-scoped kind at all.
        clusterResourceWhitelist: [],
        namespaceResourceBlacklist: TEAM_FORBIDDEN_KINDS,
        roles: [
          {
            name: 'developer',
            description: `Members of ${team.group}: see and sync their applications`,
            policies: [
              `p, proj:${project}:developer, applications, get, ${project}/*, allow`,
              `p, proj:${project}:developer, applications, sync, ${project}/*, allow`,
              `p, proj:${project}:developer, logs, get, ${project}/*, allow`,
            ],
            groups: [team.group],
          },
          auditorRole(project),
        ],
      },
    });
  }
  return documents;
}
