/**
 * The Argo CD rules over the repository as Argo CD will see it: APP-1, APP-2, APP-3, LAY-1, GIT-1
 * (structural part) and PHS-1. They read the Applications and what their in-repo sources render to
 * (repo-view.ts), generated and hand-written alike.
 */
import { componentList } from '../components.js';
import type { Issue } from '../issues.js';
import { LABEL_PREFIX } from '../labels.js';
import { field, kindOf, nameOf, type RepoApplication, type RepoObject } from '../repo-view.js';
import { finding } from './finding.js';
import type { Invariant } from './index.js';
import { secretAuthorityIssues } from './secret-authority.js';

const ARGO_KINDS = new Set(['Application', 'AppProject']);
const ROOT_APPLICATION = 'root';
const PHASE_LABEL = `${LABEL_PREFIX}/phase`;
/** Objects that configure tools, not the cluster. */
const NOT_CLUSTER_OBJECTS = new Set(['Kustomization', 'Component']);

function rendered(app: RepoApplication) {
  return app.renders.flatMap((r) => r.objects);
}

/**
 * The AppProject of the root and the app-of-apps Applications: the only project whose Applications may
 * render Application and AppProject objects (Argo CD enforces it too: the project allows nothing else).
 */
export const APP_OF_APPS_PROJECT = 'platform-root';

/**
 * APP-1: only app-of-apps render Applications and AppProjects, and they render nothing else; every other
 * Application (a component, a tenant baseline, a team workload) renders no Application at all.
 */
export const app1: Invariant = {
  id: 'APP-1',
  rule: 'One Application per responsibility; only app-of-apps render Application/AppProject objects, and nothing else.',
  check(view) {
    const issues: Issue[] = [];
    for (const app of view.applications ?? []) {
      const objects = rendered(app);
      const argo = objects.filter((o) => ARGO_KINDS.has(o.kind));
      const other = objects.filter((o) => !ARGO_KINDS.has(o.kind));
      const names = argo.map((o) => o.name).join(', ');
      if (argo.length > 0 && other.length > 0) {
        issues.push(
          finding(
            'APP-1',
            app.entry,
            'spec.source.path',
            `renders Applications/AppProjects (${names}) and other objects (${other
              .slice(0, 3)
              .map((o) => `${o.kind} ${o.name}`)
              .join(', ')})`,
            'keep app-of-apps folders for Application and AppProject manifests only; move the rest to its own Application',
          ),
        );
      } else if (argo.length > 0 && app.project !== APP_OF_APPS_PROJECT) {
        issues.push(
          finding(
            'APP-1',
            app.entry,
            'spec.source.path',
            `renders Applications/AppProjects (${names}) but is not an app-of-apps (project "${app.project ?? 'default'}")`,
            `only Applications of project ${APP_OF_APPS_PROJECT} may hold Applications; a component Application renders none`,
          ),
        );
      }
    }
    for (const app of view.applications ?? []) {
      for (const render of app.renders) {
        if (render.error === undefined) continue;
        issues.push(
          finding(
            'APP-1',
            app.entry,
            'spec.source.path',
            `${render.tool} could not render ${render.path}: ${render.error}`,
            'fix the source so Argo CD can render it',
          ),
        );
      }
    }
    return issues;
  },
};

function identity(o: { apiVersion: string; kind: string; namespace: string | undefined; name: string }): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}/${o.namespace ?? ''}/${o.name}`;
}

function isUnder(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

interface SourcePath {
  readonly app: RepoApplication;
  readonly path: string;
}

/**
 * Every pair of source paths of two different Applications where one lies in (or is) the other: `inner` the
 * deeper one (the earlier one when equal), in the order of the pairs. Looks up each path's own ancestors
 * instead of comparing every pair, so a platform of 10,000 Applications costs 10,000 lookups per depth.
 */
function nestedPaths(paths: readonly SourcePath[]): { inner: SourcePath; outer: SourcePath }[] {
  const byPath = new Map<string, number[]>();
  paths.forEach(({ path }, i) => {
    const list = byPath.get(path);
    if (list === undefined) byPath.set(path, [i]);
    else list.push(i);
  });
  const pairs: { i: number; j: number; inner: SourcePath; outer: SourcePath }[] = [];
  paths.forEach((a, i) => {
    // Equal paths: each pair once, the earlier as inner (as `isUnder` both ways would say).
    for (const j of byPath.get(a.path) ?? []) {
      const b = paths[j];
      if (j > i && b !== undefined && b.app !== a.app) pairs.push({ i, j, inner: a, outer: b });
    }
    // Proper ancestors: every prefix ending before a '/' (what `isUnder(a.path, parent)` accepts).
    for (let at = a.path.indexOf('/'); at >= 0; at = a.path.indexOf('/', at + 1)) {
      for (const j of byPath.get(a.path.slice(0, at)) ?? []) {
        const b = paths[j];
        if (b !== undefined && b.app !== a.app)
          pairs.push({ i: Math.min(i, j), j: Math.max(i, j), inner: a, outer: b });
      }
    }
  });
  return pairs.sort((x, y) => x.i - y.i || x.j - y.j);
}

/** APP-2: no object is rendered by two Applications; no two Applications' source paths nest. */
export const app2: Invariant = {
  id: 'APP-2',
  rule: "No object is rendered by two Applications; no two Applications' source paths nest.",
  check(view) {
    const issues: Issue[] = [];
    const owners = new Map<string, string>();
    const apps = view.applications ?? [];
    // Applications are objects too: two manifests of one name are one Application in the cluster.
    const seen = new Map<string, RepoApplication>();
    for (const app of apps) {
      const first = seen.get(app.name);
      if (first === undefined) {
        seen.set(app.name, app);
        continue;
      }
      issues.push(
        finding(
          'APP-2',
          app.entry,
          'metadata.name',
          `is also defined in ${first.entry.file}: Argo CD would keep only one of them`,
          'give every Application its own name',
        ),
      );
    }
    for (const app of apps) {
      for (const object of rendered(app)) {
        const key = identity(object);
        const owner = owners.get(key);
        if (owner !== undefined && owner !== app.name) {
          issues.push(
            finding(
              'APP-2',
              app.entry,
              'spec.source.path',
              `renders ${object.kind} ${object.name}, which Application "${owner}" renders too`,
              'each object belongs to exactly one Application: remove it from one of the two sources',
            ),
          );
        } else owners.set(key, app.name);
      }
    }
    for (const { inner, outer } of nestedPaths(
      apps.flatMap((app) => app.renders.map((r) => ({ app, path: r.path }))),
    )) {
      issues.push(
        finding(
          'APP-2',
          inner.app.entry,
          'spec.source.path',
          `source path ${inner.path} lies inside ${outer.path}, the path of Application "${outer.app.name}"`,
          "give every Application a folder of its own, not nested in another Application's folder",
        ),
      );
    }
    return issues;
  },
};

/**
 * Argo CD's globs: `*` matches anything; everything else is literal. Compiled once per list: a team project
 * lists every namespace of the team, and every Application of the team is checked against that list.
 */
function globMatcher(patterns: readonly string[]): (value: string) => boolean {
  const exact = new Set(patterns.filter((pattern) => !pattern.includes('*')));
  const globs = patterns
    .filter((pattern) => pattern.includes('*'))
    .map((pattern) => {
      const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
      return new RegExp(`^${parts.join('.*')}$`);
    });
  return (value) => exact.has(value) || globs.some((glob) => glob.test(value));
}

/** The matchers of a project's sourceRepos and destination namespaces, built once per project. */
function projectMatchers(project: RepoObject): { repo: (url: string) => boolean; namespace: (ns: string) => boolean } {
  const repos = field(project.object, 'spec', 'sourceRepos');
  const destinations = field(project.object, 'spec', 'destinations');
  return {
    repo: globMatcher(Array.isArray(repos) ? repos.map(String) : []),
    namespace: globMatcher(
      Array.isArray(destinations) ? destinations.map((d) => String(field(d, 'namespace') ?? '')) : [],
    ),
  };
}

/** APP-3: every Application's project exists and allows its sources and destination; team projects stay in their namespaces. */
export const app3: Invariant = {
  id: 'APP-3',
  rule: 'Every Application belongs to an AppProject whose sourceRepos and destinations allow it; team projects allow only their own namespace and no cluster-scoped kinds.',
  check(view) {
    const issues: Issue[] = [];
    const projects = new Map<string, RepoObject>();
    for (const entry of view.objects) {
      if (kindOf(entry.object) === 'AppProject') projects.set(nameOf(entry.object), entry);
    }
    const matchers = new Map<RepoObject, ReturnType<typeof projectMatchers>>();
    for (const app of view.applications ?? []) {
      const project = app.project === undefined ? undefined : projects.get(app.project);
      if (project === undefined) {
        issues.push(
          finding(
            'APP-3',
            app.entry,
            'spec.project',
            `names project "${app.project ?? 'default'}", which no AppProject in the repository defines`,
            'use one of the generated projects (platform-root, platform, tenant-baselines, team-<team>)',
          ),
        );
        continue;
      }
      let allowed = matchers.get(project);
      if (allowed === undefined) {
        allowed = projectMatchers(project);
        matchers.set(project, allowed);
      }
      for (const source of app.sources) {
        if (!allowed.repo(source.repoURL)) {
          issues.push(
            finding(
              'APP-3',
              app.entry,
              'spec.source.repoURL',
              `reads ${source.repoURL}, which project "${app.project}" does not allow`,
              `add the repository to the project (admins only), or use the project that owns it`,
            ),
          );
        }
      }
      if (app.destinationNamespace !== undefined && !allowed.namespace(app.destinationNamespace)) {
        issues.push(
          finding(
            'APP-3',
            app.entry,
            'spec.destination.namespace',
            `deploys to namespace "${app.destinationNamespace}", which project "${app.project}" does not allow`,
            "deploy into one of the project's namespaces",
          ),
        );
      }
    }
    for (const team of view.model.platform.teams) {
      const project = projects.get(`team-${team.name}`);
      if (project === undefined) continue;
      const own = new Set(view.model.namespaces.filter((ns) => ns.definition.team === team.name).map((ns) => ns.name));
      const destinations = field(project.object, 'spec', 'destinations');
      for (const destination of Array.isArray(destinations) ? destinations : []) {
        const namespace = String(field(destination, 'namespace') ?? '');
        if (!own.has(namespace)) {
          issues.push(
            finding(
              'APP-3',
              project,
              'spec.destinations',
              `team project allows namespace "${namespace}", which team "${team.name}" does not own`,
              "a team project's destinations are exactly the team's namespaces",
            ),
          );
        }
      }
      const whitelist = field(project.object, 'spec', 'clusterResourceWhitelist');
      if (Array.isArray(whitelist) && whitelist.length > 0) {
        issues.push(
          finding(
            'APP-3',
            project,
            'spec.clusterResourceWhitelist',
            'allows cluster-scoped kinds to a team',
            'leave clusterResourceWhitelist empty in team projects',
          ),
        );
      }
    }
    return issues;
  },
};

/** LAY-1: every local chart under charts/ is installed by an Application; values files named by Applications exist. */
export const lay1: Invariant = {
  id: 'LAY-1',
  rule: 'Raw manifests live under kubernetes/*; every chart under charts/ is installed by an Application and by nothing else.',
  check(view) {
    const issues: Issue[] = [];
    const apps = view.applications ?? [];
    for (const chart of view.localCharts ?? []) {
      const installers = apps.filter((a) => a.renders.some((r) => r.path === chart && r.tool === 'helm'));
      if (installers.length !== 1) {
        issues.push({
          severity: 'error',
          code: 'E_LAY1',
          file: `${chart}/Chart.yaml`,
          line: 1,
          path: '',
          message: `LAY-1: chart ${chart} is installed by ${installers.length === 0 ? 'no' : installers.length} Application${installers.length === 1 ? '' : 's'}`,
          hint: 'every chart in this repository is installed by exactly one Application (or removed)',
        });
      }
    }
    for (const app of apps) {
      for (const source of app.sources) {
        if (source.repoURL === view.model.platform.git.repoURL && source.path !== undefined) {
          if (!isUnder(source.path, 'kubernetes') && !isUnder(source.path, 'charts')) {
            issues.push(
              finding(
                'LAY-1',
                app.entry,
                'spec.source.path',
                `deploys ${source.path}, outside kubernetes/ and charts/`,
                'raw manifests live under kubernetes/<responsibility>/, charts under charts/',
              ),
            );
          }
        }
      }
      for (const missing of app.missingValueFiles) {
        issues.push(
          finding(
            'LAY-1',
            app.entry,
            'spec.sources',
            `names values file ${missing}, which does not exist`,
            'generate it (pnpm generate) or fix the path',
          ),
        );
      }
    }
    return issues;
  },
};

/** GIT-1 (structural): every manifest under kubernetes/ is rendered by an Application reachable from the root. */
export const git1: Invariant = {
  id: 'GIT-1',
  rule: 'Every object in the cluster comes from a file in the repo reachable from the root Application.',
  check(view) {
    const issues: Issue[] = [];
    const apps = view.applications ?? [];
    if (apps.length === 0) return issues;
    const byName = new Map(apps.map((a) => [a.name, a]));
    const root = byName.get(ROOT_APPLICATION);
    if (root === undefined) {
      return [
        {
          severity: 'error',
          code: 'E_GIT1',
          file: 'kubernetes/argocd-apps/root/root.yaml',
          line: 1,
          path: '',
          message: `GIT-1: no Application named "${ROOT_APPLICATION}": nothing is reachable`,
          hint: 'the root Application is generated from platform/platform.ts; run pnpm generate',
        },
      ];
    }
    const reachable = new Set<string>([root.name]);
    const queue = [root];
    while (queue.length > 0) {
      const app = queue.shift();
      if (app === undefined) break;
      for (const object of rendered(app)) {
        const child = object.kind === 'Application' ? byName.get(object.name) : undefined;
        if (child !== undefined && !reachable.has(child.name)) {
          reachable.add(child.name);
          queue.push(child);
        }
      }
    }
    const covered = new Set(
      apps.filter((a) => reachable.has(a.name)).flatMap((a) => a.renders.flatMap((r) => r.inputs)),
    );
    for (const app of apps) {
      if (!reachable.has(app.name)) {
        issues.push(
          finding(
            'GIT-1',
            app.entry,
            'metadata.name',
            'is not reachable from the root Application',
            'place its manifest in a folder an app-of-apps Application renders',
          ),
        );
      }
    }
    for (const entry of view.objects) {
      // Only Kubernetes objects: a YAML file of other data (notes, tool config) is nothing Argo CD applies.
      const isManifest = typeof entry.object.apiVersion === 'string' && typeof entry.object.kind === 'string';
      if (
        !isManifest ||
        !entry.file.startsWith('kubernetes/') ||
        NOT_CLUSTER_OBJECTS.has(kindOf(entry.object)) ||
        covered.has(entry.file)
      ) {
        continue;
      }
      if (kindOf(entry.object) === 'Application' && reachable.has(nameOf(entry.object))) continue;
      issues.push(
        finding(
          'GIT-1',
          entry,
          '',
          `lives in ${entry.file}, which no Application reachable from the root renders (Argo CD would never apply it)`,
          'move it into the folder of the Application responsible for it, or remove it',
        ),
      );
    }
    return issues;
  },
};

interface Placement {
  readonly phase: number;
  readonly wave: number;
}

/** An Application's declared phase and wave, or undefined when it declares no phase. */
function placementOf(app: RepoApplication): Placement | undefined {
  const label = field(app.entry.object, 'metadata', 'labels', PHASE_LABEL);
  if (label === undefined) return undefined;
  const annotation = field(app.entry.object, 'metadata', 'annotations', 'argocd.argoproj.io/sync-wave');
  return { phase: Number(label), wave: Number(annotation ?? 0) };
}

function apiGroup(apiVersion: string): string {
  return apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
}

/**
 * PHS-1: every Application's sync wave lies in its phase's band, so waves follow phases; and no
 * Application depends on a later one: objects of a CRD are rendered only by Applications that sync after
 * the component installing that CRD.
 */
export const phs1: Invariant = {
  id: 'PHS-1',
  rule: 'Sync waves are monotonic in phase; no upward dependency; each secret has exactly one authority per phase.',
  check(view) {
    const issues: Issue[] = [];
    const apps = view.applications ?? [];
    const byName = new Map(apps.map((a) => [a.name, a]));
    // Which component installs each API group, and where its Application stands.
    const providers = new Map<string, { name: string; placement: Placement }>();
    for (const component of componentList()) {
      const app = byName.get(component.name);
      const placement = (app === undefined ? undefined : placementOf(app)) ?? {
        phase: component.phase,
        wave: component.phase * 10 + component.order,
      };
      for (const group of component.providesApiGroups ?? []) providers.set(group, { name: component.name, placement });
    }
    for (const app of apps) {
      const placement = placementOf(app);
      if (placement === undefined) {
        issues.push(
          finding(
            'PHS-1',
            app.entry,
            `metadata.labels["${PHASE_LABEL}"]`,
            'declares no phase',
            'label every Application with its phase (0-4)',
          ),
        );
        continue;
      }
      const { phase, wave } = placement;
      if (!Number.isInteger(wave) || Math.floor(wave / 10) !== phase) {
        issues.push(
          finding(
            'PHS-1',
            app.entry,
            'metadata.annotations["argocd.argoproj.io/sync-wave"]',
            `has sync wave ${String(wave)} outside phase ${phase}'s waves ${phase * 10}-${phase * 10 + 9}`,
            'waves follow phases: an Application of phase N syncs in waves 10N to 10N+9',
          ),
        );
      }
      const reported = new Set<string>();
      for (const object of rendered(app)) {
        const group = apiGroup(object.apiVersion);
        const provider = providers.get(group);
        if (provider === undefined || provider.name === app.name || reported.has(group)) continue;
        if (wave <= provider.placement.wave) {
          reported.add(group);
          issues.push(
            finding(
              'PHS-1',
              app.entry,
              'metadata.annotations["argocd.argoproj.io/sync-wave"]',
              `renders ${object.kind} ${object.name} (${group}) in wave ${wave}, but Application "${provider.name}" installs that API only in wave ${provider.placement.wave} (phase ${provider.placement.phase})`,
              `sync this Application after "${provider.name}": a later wave, or a later phase`,
            ),
          );
        }
      }
    }
    issues.push(...secretAuthorityIssues(view));
    return issues;
  },
};
