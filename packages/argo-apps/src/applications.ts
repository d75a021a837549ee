/**
 * The Application tree:
 *
 *   root (applied once by the bootstrap command; manages itself)      kubernetes/argocd-apps/root/
 *   ├── platform-apps (app-of-apps) ─▶ one Application per component  kubernetes/argocd-apps/platform/
 *   └── tenant-apps   (app-of-apps) ─▶ baseline + workloads per ns    kubernetes/argocd-apps/tenants/
 *
 * App-of-apps Applications render only Application and AppProject objects (their project allows nothing
 * else); component Applications never render an Application (APP-1).
 */
import {
  type ComponentSpec,
  chartValuesPath,
  KINDS,
  LABEL_PREFIX,
  type NamespaceModel,
  namespaceOutputDir,
  OUTPUT_DIRS,
  PHASE4_ORDER,
  type Phase,
  PLATFORM_NAMESPACES,
  type PlatformModel,
  standardMetadata,
} from '@platform-gen/core';
import { PROJECTS, teamProject } from './projects.js';
import { waveOf } from './waves.js';

export const ROOT_DIR = `${OUTPUT_DIRS.argoApps}root/`;
export const PLATFORM_APPS_DIR = `${OUTPUT_DIRS.argoApps}platform/`;
export const TENANT_APPS_DIR = `${OUTPUT_DIRS.argoApps}tenants/`;
export const ROOT_APPLICATION = 'root';

/** `tenant--<ns>`: the double dash keeps tenant Applications apart from the platform's. */
export function tenantApplicationName(namespace: string): string {
  return `tenant--${namespace}`;
}

/** `workload--<ns>--<source>`: source names never contain `--` (validated), so every name is unique. */
export function workloadApplicationName(namespace: string, source: string): string {
  return `workload--${namespace}--${source}`;
}

/** Cascade deletion: removing a child Application from Git deletes what it deployed. */
const CASCADE = 'resources-finalizer.argocd.argoproj.io';
export const PHASE_LABEL = `${LABEL_PREFIX}/phase`;

interface AppOptions {
  readonly name: string;
  readonly project: string;
  readonly phase: Phase;
  readonly order: number;
  readonly source: string;
  readonly namespace: string;
  readonly finalizer: boolean;
  readonly syncOptions: readonly string[];
  readonly managedNamespace?: boolean;
  readonly spec: Record<string, unknown>;
}

function application(model: PlatformModel, o: AppOptions) {
  const meta = standardMetadata(model, o.source, { [PHASE_LABEL]: String(o.phase) });
  return {
    ...KINDS.Application,
    metadata: {
      name: o.name,
      namespace: PLATFORM_NAMESPACES.argocd,
      labels: meta.labels,
      annotations: { ...meta.annotations, 'argocd.argoproj.io/sync-wave': String(waveOf(o.phase, o.order)) },
      ...(o.finalizer ? { finalizers: [CASCADE] } : {}),
    },
    spec: {
      project: o.project,
      ...o.spec,
      destination: { server: model.platform.cluster.server, namespace: o.namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        // FailOnSharedResource: an object claimed by two Applications fails the sync (APP-2 at runtime too).
        syncOptions: ['FailOnSharedResource=true', ...o.syncOptions],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
      },
    },
  };
}

/** A source in this repository, at the tracked revision. */
function repoSource(model: PlatformModel, path: string, extra: Record<string, unknown> = {}) {
  return { repoURL: model.platform.git.repoURL, targetRevision: model.platform.git.targetRevision, path, ...extra };
}

function trim(dir: string): string {
  return dir.endsWith('/') ? dir.slice(0, -1) : dir;
}

export function rootApplication(model: PlatformModel) {
  return application(model, {
    name: ROOT_APPLICATION,
    project: PROJECTS.root,
    phase: 1,
    order: 0,
    source: model.platformFile,
    namespace: PLATFORM_NAMESPACES.argocd,
    // Deleting the root must never cascade into the whole platform.
    finalizer: false,
    syncOptions: [],
    spec: { source: repoSource(model, trim(ROOT_DIR)) },
  });
}

export function appOfApps(model: PlatformModel, name: string, dir: string) {
  return application(model, {
    name,
    project: PROJECTS.root,
    phase: 1,
    order: 1,
    source: model.platformFile,
    namespace: PLATFORM_NAMESPACES.argocd,
    finalizer: false,
    syncOptions: [],
    spec: { source: repoSource(model, trim(dir)) },
  });
}

/**
 * A platform component: an upstream chart from its Helm repository with values from this repository
 * through a `ref` source, a local chart under charts/, or a folder of manifests under kubernetes/.
 */
export function componentApplication(model: PlatformModel, component: ComponentSpec) {
  const { source } = component;
  const spec =
    source.type === 'chart'
      ? {
          sources: [
            {
              repoURL: source.repoURL,
              chart: source.chart,
              targetRevision: source.version,
              helm: { releaseName: component.name, valueFiles: [`$values/${chartValuesPath(component.name)}`] },
            },
            { repoURL: model.platform.git.repoURL, targetRevision: model.platform.git.targetRevision, ref: 'values' },
          ],
        }
      : source.type === 'local-chart'
        ? {
            source: repoSource(model, source.path, {
              helm: { releaseName: component.name, valueFiles: ['values.yaml'] },
            }),
          }
        : { source: repoSource(model, source.path) };
  return application(model, {
    name: component.name,
    project: PROJECTS.platform,
    phase: component.phase,
    order: component.order,
    source: model.platformFile,
    namespace: component.namespace,
    finalizer: true,
    syncOptions: ['CreateNamespace=true', ...(component.serverSideApply === true ? ['ServerSideApply=true'] : [])],
    spec,
  });
}

/** A tenant's baseline: its ESO objects need ESO's CRDs, which an earlier wave installs. */
export function tenantBaselineApplication(model: PlatformModel, ns: NamespaceModel) {
  return application(model, {
    name: tenantApplicationName(ns.name),
    project: PROJECTS.tenants,
    phase: 4,
    order: PHASE4_ORDER.tenantBaselines,
    source: ns.file,
    namespace: ns.name,
    finalizer: true,
    syncOptions: ['SkipDryRunOnMissingResource=true'],
    spec: { source: repoSource(model, trim(namespaceOutputDir(ns.name)), { directory: { recurse: true } }) },
  });
}

/** A team's workload source, in the team's project: it can reach only the team's namespaces. */
export function workloadApplication(
  model: PlatformModel,
  ns: NamespaceModel,
  source: NonNullable<NamespaceModel['definition']['sources']>[number],
) {
  return application(model, {
    name: workloadApplicationName(ns.name, source.name),
    project: teamProject(ns.definition.team),
    phase: 4,
    // Last: after ESO, the tenant's baseline and the platform services it may use.
    order: PHASE4_ORDER.workloads,
    source: ns.file,
    namespace: ns.name,
    finalizer: true,
    syncOptions: [],
    spec: { source: { repoURL: source.repoURL, targetRevision: source.targetRevision, path: source.path } },
  });
}
