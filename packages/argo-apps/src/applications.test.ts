/**
 * The Argo CD layer as generated from the example definitions: every Application and AppProject against
 * Argo CD's upstream CRD schemas, one Application per responsibility, waves inside their phase's band,
 * sync options, finalizers and projects as ADR 0010 decides them, and a diagram that draws exactly the
 * tree the manifests form.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import {
  type Artifact,
  chartValuesPath,
  componentList,
  getUpstreamChart,
  type NamespaceModel,
  type PlatformModel,
} from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { argoAppsGenerator } from './index.js';

const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const APPS_DIR = 'kubernetes/argocd-apps/';
const DIAGRAM = 'docs/generated/argocd-apps.md';
const PHASE = 'platform-gen.io/phase';
const WAVE = 'argocd.argoproj.io/sync-wave';
const CASCADE = 'resources-finalizer.argocd.argoproj.io';
const APP_OF_APPS = ['root', 'platform-apps', 'tenant-apps'];

interface Source {
  readonly repoURL: string;
  readonly targetRevision?: string;
  readonly path?: string;
  readonly chart?: string;
  readonly ref?: string;
  readonly helm?: { readonly releaseName?: string; readonly valueFiles?: readonly string[] };
  readonly directory?: { readonly recurse?: boolean };
}

interface ApplicationDoc {
  readonly apiVersion: string;
  readonly kind: 'Application';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
  };
  readonly spec: {
    readonly project: string;
    readonly source?: Source;
    readonly sources?: readonly Source[];
    readonly destination: { readonly server: string; readonly namespace: string };
    readonly syncPolicy: {
      readonly automated: { readonly prune: boolean; readonly selfHeal: boolean };
      readonly syncOptions: readonly string[];
    };
  };
}

interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

interface ProjectDoc {
  readonly kind: 'AppProject';
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: {
    readonly sourceRepos: readonly string[];
    readonly destinations: readonly { readonly server: string; readonly namespace: string }[];
    readonly clusterResourceWhitelist: readonly GroupKind[];
    readonly namespaceResourceWhitelist?: readonly GroupKind[];
    readonly namespaceResourceBlacklist?: readonly GroupKind[];
    readonly roles?: readonly {
      readonly name: string;
      readonly policies: readonly string[];
      readonly groups: readonly string[];
    }[];
  };
}

/** An Application with the file it is written to. */
interface Placed {
  readonly file: string;
  readonly app: ApplicationDoc;
}

let model: PlatformModel;
let artifacts: readonly Artifact[];
let placed: readonly Placed[];
let apps: readonly ApplicationDoc[];
let projects: readonly ProjectDoc[];

function documents(list: readonly Artifact[]): { file: string; doc: { kind?: string } }[] {
  return list.flatMap((a) => (a.documents ?? []).map((doc) => ({ file: a.path, doc: doc as { kind?: string } })));
}

function app(name: string): ApplicationDoc {
  const found = apps.find((a) => a.metadata.name === name);
  if (found === undefined) throw new Error(`no Application ${name}`);
  return found;
}

function project(name: string): ProjectDoc {
  const found = projects.find((p) => p.metadata.name === name);
  if (found === undefined) throw new Error(`no AppProject ${name}`);
  return found;
}

const waveOf = (a: ApplicationDoc) => Number(a.metadata.annotations[WAVE]);
const phaseOf = (a: ApplicationDoc) => Number(a.metadata.labels[PHASE]);
const sourcesOf = (a: ApplicationDoc): readonly Source[] => a.spec.sources ?? (a.spec.source ? [a.spec.source] : []);
const names = (list: readonly ApplicationDoc[]) => list.map((a) => a.metadata.name);
const tenantName = (ns: NamespaceModel) => `tenant--${ns.name}`;
const workloadNames = (ns: NamespaceModel) =>
  (ns.definition.sources ?? []).map((s) => `workload--${ns.name}--${s.name}`);

beforeAll(async () => {
  model = await loadExampleModel();
  artifacts = argoAppsGenerator.generate(model);
  const docs = documents(artifacts);
  placed = docs
    .filter((d) => d.doc.kind === 'Application')
    .map((d) => ({ file: d.file, app: d.doc as ApplicationDoc }));
  apps = placed.map((p) => p.app);
  projects = docs.filter((d) => d.doc.kind === 'AppProject').map((d) => d.doc as ProjectDoc);
});

describe('upstream Argo CD schemas', () => {
  it('accept every generated Application and AppProject', () => {
    expect(apps.length).toBeGreaterThan(0);
    expect(projects.length).toBeGreaterThan(0);
    for (const doc of apps) expect(() => new Application(doc as never).validate(), doc.metadata.name).not.toThrow();
    for (const doc of projects) expect(() => new AppProject(doc as never).validate(), doc.metadata.name).not.toThrow();
  });

  it('reject a broken Application and a broken AppProject (the check above is not vacuous)', () => {
    const { destination: _destination, ...specWithoutDestination } = app('vault').spec;
    expect(() => new Application({ ...app('vault'), spec: specWithoutDestination } as never).validate()).toThrow(
      /destination/,
    );
    expect(() =>
      new Application({ ...app('vault'), spec: { ...app('vault').spec, project: 42 } } as never).validate(),
    ).toThrow(/project/);
    const broken = { ...project('platform'), spec: { ...project('platform').spec, sourceRepos: 'https://x' } };
    expect(() => new AppProject(broken as never).validate()).toThrow(/sourceRepos/);
  });

  it('validated the objects the YAML files actually hold', () => {
    for (const artifact of artifacts.filter((a) => a.path.endsWith('.yaml'))) {
      const parsed = parseAllDocuments(artifact.content).map((d) => d.toJS() as unknown);
      expect(parsed, artifact.path).toEqual(artifact.documents);
    }
  });
});

describe('one Application per responsibility', () => {
  it('names every Application once', () => {
    expect(new Set(names(apps)).size).toBe(apps.length);
  });

  it('has exactly the root, the two app-of-apps, one per component, one baseline per namespace, one per source', () => {
    const expected = [
      ...APP_OF_APPS,
      ...componentList().map((c) => c.name),
      ...model.namespaces.flatMap((ns) => [tenantName(ns), ...workloadNames(ns)]),
    ];
    expect([...names(apps)].sort()).toEqual([...expected].sort());
    // The example exercises each kind: a namespace with a source, and one without.
    expect(model.namespaces.some((ns) => (ns.definition.sources ?? []).length > 0)).toBe(true);
    expect(model.namespaces.some((ns) => (ns.definition.sources ?? []).length === 0)).toBe(true);
  });

  it('writes each Application alone in its own file, in the folder of its app-of-apps', () => {
    const byFile = new Map<string, string[]>();
    for (const { file, app: a } of placed) byFile.set(file, [...(byFile.get(file) ?? []), a.metadata.name]);
    for (const [file, list] of byFile) expect(list, file).toHaveLength(1);
    const fileOf = (name: string) => placed.find((p) => p.app.metadata.name === name)?.file;
    expect(fileOf('root')).toBe(`${APPS_DIR}root/root.yaml`);
    expect(fileOf('platform-apps')).toBe(`${APPS_DIR}root/platform-apps.yaml`);
    expect(fileOf('tenant-apps')).toBe(`${APPS_DIR}root/tenant-apps.yaml`);
    for (const c of componentList()) expect(fileOf(c.name)).toBe(`${APPS_DIR}platform/${c.name}.yaml`);
    for (const name of model.namespaces.flatMap((ns) => [tenantName(ns), ...workloadNames(ns)])) {
      expect(fileOf(name)).toBe(`${APPS_DIR}tenants/${name}.yaml`);
    }
  });

  it('gives every Application its own file even when a namespace is named <ns>-<source> of another', () => {
    // payments-api declares the source "api"; a namespace "payments-api-api" is a valid name of its own.
    const base = model.namespaces.find((ns) => ns.name === 'payments-api');
    if (base === undefined) throw new Error('the example has no namespace payments-api');
    expect((base.definition.sources ?? []).map((s) => s.name)).toContain('api');
    const twin: NamespaceModel = {
      ...base,
      name: 'payments-api-api',
      dir: 'namespaces/payments-api-api',
      file: 'namespaces/payments-api-api/namespace.ts',
      definition: { ...base.definition, name: 'payments-api-api', sources: [] },
    };
    const extended: PlatformModel = { ...model, namespaces: [...model.namespaces, twin] };
    const paths = argoAppsGenerator.generate(extended).map((a) => a.path);
    expect(paths.filter((p, i) => paths.indexOf(p) !== i)).toEqual([]);
  });

  it('puts components in project platform, baselines in tenant-baselines, workloads in their team project', () => {
    for (const name of APP_OF_APPS) expect(app(name).spec.project, name).toBe('platform-root');
    for (const c of componentList()) expect(app(c.name).spec.project, c.name).toBe('platform');
    for (const ns of model.namespaces) {
      expect(app(tenantName(ns)).spec.project).toBe('tenant-baselines');
      for (const name of workloadNames(ns)) expect(app(name).spec.project, name).toBe(`team-${ns.definition.team}`);
    }
  });

  it('deploys each component into its namespace and each tenant Application into its own namespace', () => {
    for (const a of apps) expect(a.metadata.namespace, a.metadata.name).toBe('argocd');
    for (const c of componentList()) expect(app(c.name).spec.destination.namespace, c.name).toBe(c.namespace);
    for (const ns of model.namespaces) {
      for (const name of [tenantName(ns), ...workloadNames(ns)]) {
        expect(app(name).spec.destination).toEqual({ server: model.platform.cluster.server, namespace: ns.name });
      }
    }
  });
});

describe('waves', () => {
  it("put every Application inside its phase's band (phase N: waves 10N..10N+9)", () => {
    for (const a of apps) {
      const phase = phaseOf(a);
      expect(Number.isInteger(phase) && phase >= 0 && phase <= 4, a.metadata.name).toBe(true);
      expect(waveOf(a), a.metadata.name).toBeGreaterThanOrEqual(10 * phase);
      expect(waveOf(a), a.metadata.name).toBeLessThanOrEqual(10 * phase + 9);
    }
    for (const c of componentList()) expect(phaseOf(app(c.name)), c.name).toBe(c.phase);
  });

  it('are monotonic in phase: sorted by wave, the Applications are sorted by phase', () => {
    const byWave = [...apps].sort((a, b) => waveOf(a) - waveOf(b));
    const phases = byWave.map(phaseOf);
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
    expect(new Set(phases)).toEqual(new Set([1, 2, 3, 4]));
  });

  it('sync ESO before the tenant baselines that use its CRDs, Vault before its config, workloads last', () => {
    const eso = waveOf(app('external-secrets'));
    const baselines = model.namespaces.map((ns) => waveOf(app(tenantName(ns))));
    const workloads = model.namespaces.flatMap((ns) => workloadNames(ns).map((n) => waveOf(app(n))));
    expect(Math.min(...baselines)).toBeGreaterThan(eso);
    expect(Math.min(...workloads)).toBeGreaterThan(Math.max(...baselines));
    expect(Math.min(...workloads)).toBeGreaterThan(Math.max(...componentList().map((c) => waveOf(app(c.name)))));
    expect(waveOf(app('vault-config'))).toBeGreaterThan(waveOf(app('vault')));
  });
});

describe('sync options', () => {
  const withOption = (option: string) => names(apps.filter((a) => a.spec.syncPolicy.syncOptions.includes(option)));

  it('apply server-side exactly the components that ask for it', () => {
    const expected = componentList()
      .filter((c) => c.serverSideApply === true)
      .map((c) => c.name);
    expect(expected.length).toBeGreaterThan(0);
    expect(withOption('ServerSideApply=true').sort()).toEqual([...expected].sort());
  });

  it('skip the dry run on missing resources for tenant baselines, and nowhere else', () => {
    expect(withOption('SkipDryRunOnMissingResource=true').sort()).toEqual(model.namespaces.map(tenantName).sort());
  });

  it('create namespaces for platform components only (tenant Namespaces are explicit objects)', () => {
    expect(withOption('CreateNamespace=true').sort()).toEqual(
      componentList()
        .map((c) => c.name)
        .sort(),
    );
  });

  it('fail on shared resources, prune and self-heal everywhere', () => {
    for (const a of apps) {
      expect(a.spec.syncPolicy.syncOptions, a.metadata.name).toContain('FailOnSharedResource=true');
      expect(a.spec.syncPolicy.automated, a.metadata.name).toEqual({ prune: true, selfHeal: true });
    }
  });
});

describe('finalizers', () => {
  it('leave the root and the app-of-apps without one, so deleting them never cascades', () => {
    for (const name of APP_OF_APPS) expect(app(name).metadata.finalizers ?? [], name).toEqual([]);
  });

  it('give every child the resources finalizer', () => {
    for (const a of apps.filter((x) => !APP_OF_APPS.includes(x.metadata.name))) {
      expect(a.metadata.finalizers, a.metadata.name).toEqual([CASCADE]);
    }
  });
});

describe('projects', () => {
  it('empty the default project: no repository, no destination, every kind blacklisted', () => {
    const { spec } = project('default');
    expect(spec.sourceRepos).toEqual([]);
    expect(spec.destinations).toEqual([]);
    expect(spec.clusterResourceWhitelist).toEqual([]);
    expect(spec.namespaceResourceWhitelist).toBeUndefined();
    expect(spec.namespaceResourceBlacklist).toEqual([{ group: '*', kind: '*' }]);
  });

  it('let platform-root hold only Applications and AppProjects in the Argo CD namespace', () => {
    const { spec } = project('platform-root');
    expect(spec.destinations.map((d) => d.namespace)).toEqual(['argocd']);
    expect(spec.clusterResourceWhitelist).toEqual([]);
    expect(spec.namespaceResourceWhitelist).toEqual([
      { group: 'argoproj.io', kind: 'Application' },
      { group: 'argoproj.io', kind: 'AppProject' },
    ]);
  });

  it("limit each team project to the team's namespaces, the repos they declare, and no cluster kind", () => {
    expect(model.platform.teams.length).toBeGreaterThan(0);
    for (const team of model.platform.teams) {
      const owned = model.namespaces.filter((ns) => ns.definition.team === team.name);
      const { spec } = project(`team-${team.name}`);
      expect(spec.clusterResourceWhitelist, team.name).toEqual([]);
      expect(spec.destinations.map((d) => d.namespace).sort(), team.name).toEqual(owned.map((ns) => ns.name).sort());
      for (const d of spec.destinations) expect(d.server).toBe(model.platform.cluster.server);
      const repos = new Set(owned.flatMap((ns) => (ns.definition.sources ?? []).map((s) => s.repoURL)));
      expect([...spec.sourceRepos].sort(), team.name).toEqual([...repos].sort());
      expect(spec.namespaceResourceBlacklist, team.name).toEqual(
        expect.arrayContaining([
          { group: 'argoproj.io', kind: '*' },
          { group: 'external-secrets.io', kind: '*' },
        ]),
      );
    }
  });

  it('give every project that can hold an Application a get-only auditor role for the auditor group', () => {
    // `default` holds nothing (checked above): there is nothing in it to audit.
    const auditable = projects.filter((p) => p.metadata.name !== 'default');
    expect(auditable.length).toBe(3 + model.platform.teams.length);
    for (const p of auditable) {
      const name = p.metadata.name;
      const auditor = p.spec.roles?.find((r) => r.name === 'auditor');
      expect(auditor?.groups, name).toEqual([model.platform.identity.auditorGroup]);
      expect(auditor?.policies.length, name).toBeGreaterThan(0);
      for (const policy of auditor?.policies ?? []) {
        const [type, subject, , action, object, effect] = policy.split(',').map((s) => s.trim());
        expect({ type, subject, action, object, effect }, policy).toEqual({
          type: 'p',
          subject: `proj:${name}:auditor`,
          action: 'get',
          object: `${name}/*`,
          effect: 'allow',
        });
      }
    }
  });

  it("let every Application's project allow its repositories and its destination namespace", () => {
    for (const a of apps) {
      const { spec } = project(a.spec.project);
      for (const source of sourcesOf(a)) expect(spec.sourceRepos, a.metadata.name).toContain(source.repoURL);
      expect(
        spec.destinations.map((d) => d.namespace),
        a.metadata.name,
      ).toContain(a.spec.destination.namespace);
    }
  });
});

describe('sources', () => {
  it('install upstream charts multi-source: the pinned chart, and values from this repository by ref', () => {
    const charts = componentList().filter((c) => getUpstreamChart(c) !== undefined);
    expect(charts.length).toBeGreaterThan(0);
    for (const c of charts) {
      const chart = getUpstreamChart(c);
      const a = app(c.name);
      expect(a.spec.source, c.name).toBeUndefined();
      expect(a.spec.sources, c.name).toEqual([
        {
          repoURL: chart?.repoURL,
          chart: chart?.chart,
          targetRevision: chart?.version,
          helm: { releaseName: c.name, valueFiles: [`$values/charts/${c.name}/values.yaml`] },
        },
        { repoURL: model.platform.git.repoURL, targetRevision: model.platform.git.targetRevision, ref: 'values' },
      ]);
      expect(existsSync(join(WORKSPACE_ROOT, chartValuesPath(c.name))), chartValuesPath(c.name)).toBe(true);
    }
  });

  it('deploy in-repo components and tenant baselines from one source of this repository', () => {
    for (const c of componentList().filter((x) => x.source.type !== 'chart')) {
      const a = app(c.name);
      expect(a.spec.sources, c.name).toBeUndefined();
      expect(a.spec.source?.repoURL, c.name).toBe(model.platform.git.repoURL);
      expect(a.spec.source?.path, c.name).toBe('path' in c.source ? c.source.path : undefined);
    }
    for (const ns of model.namespaces) {
      expect(app(tenantName(ns)).spec.source).toEqual({
        repoURL: model.platform.git.repoURL,
        targetRevision: model.platform.git.targetRevision,
        path: `kubernetes/namespaces/${ns.name}`,
        directory: { recurse: true },
      });
    }
  });
});

describe('the diagram in docs/generated/argocd-apps.md', () => {
  let nodes: Map<string, string>;
  let edges: string[];
  let rows: string[];

  beforeAll(() => {
    const content = artifacts.find((a) => a.path === DIAGRAM)?.content;
    if (content === undefined) throw new Error(`no ${DIAGRAM}`);
    const block = /```mermaid\n([\s\S]*?)\n```/.exec(content)?.[1];
    if (block === undefined) throw new Error('no mermaid block');
    expect(block.split('\n')[0]).toBe('flowchart LR');
    // `  appN["<name>\n…"]`: the label's first line is the Application's name.
    nodes = new Map([...block.matchAll(/^ {2}(app\d+)\["([^"\n]+)\n/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const id = (x: string | undefined) => nodes.get(x ?? '') ?? `unknown node ${x}`;
    edges = [...block.matchAll(/^ {2}(app\d+) --> (app\d+)$/gm)].map((m) => `${id(m[1])} -> ${id(m[2])}`);
    rows = content.split('\n').filter((line) => /^\| [a-z]/.test(line) && !line.startsWith('| Application |'));
  });

  it('draws every Application once as a node', () => {
    expect([...nodes.values()].sort()).toEqual([...names(apps)].sort());
  });

  it('draws an edge exactly from each app-of-apps to the Application files in its source folder', () => {
    const expected = placed.flatMap(({ app: parent }) => {
      const dir = parent.spec.source?.path;
      if (dir === undefined) return [];
      return placed
        .filter((child) => child.file.slice(0, child.file.lastIndexOf('/')) === dir)
        .filter((child) => child.app.metadata.name !== parent.metadata.name)
        .map((child) => `${parent.metadata.name} -> ${child.app.metadata.name}`);
    });
    expect([...edges].sort()).toEqual([...expected].sort());
    // Only the app-of-apps have children, and the tree hangs from the root: every other node has one parent.
    expect([...new Set(edges.map((e) => e.split(' -> ')[0]))].sort()).toEqual([...APP_OF_APPS].sort());
    const parents = (name: string) => edges.filter((e) => e.endsWith(` -> ${name}`)).length;
    for (const name of names(apps)) expect(parents(name), name).toBe(name === 'root' ? 0 : 1);
  });

  it('lists every Application in the table with its phase, wave and project', () => {
    const expected = apps.map((a) => `| ${a.metadata.name} | ${phaseOf(a)} | ${waveOf(a)} | ${a.spec.project} |`);
    expect(rows.map((r) => r.split(' | ').slice(0, 4).join(' | ').concat(' |'))).toEqual(expected);
  });
});

describe('determinism', () => {
  it('generates the same artifacts twice, without changing the model', () => {
    const before = JSON.stringify(model);
    const again = argoAppsGenerator.generate(model);
    expect(JSON.stringify(model)).toBe(before);
    expect(again.map((a) => [a.path, a.content])).toEqual(artifacts.map((a) => [a.path, a.content]));
    expect(new Set(again.map((a) => a.path)).size).toBe(again.length);
  });

  it('writes only under the paths it owns', () => {
    for (const artifact of artifacts) {
      expect(
        argoAppsGenerator.owns.some((o) => (o.endsWith('/') ? artifact.path.startsWith(o) : artifact.path === o)),
        artifact.path,
      ).toBe(true);
    }
  });
});
