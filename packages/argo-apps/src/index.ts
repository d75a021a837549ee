import {
  type Artifact,
  componentList,
  type Generator,
  OUTPUT_DIRS,
  oncePerModel,
  yamlArtifact,
} from '@platform-gen/core';
import {
  appOfApps,
  componentApplication,
  PHASE_LABEL,
  PLATFORM_APPS_DIR,
  ROOT_DIR,
  rootApplication,
  TENANT_APPS_DIR,
  tenantApplicationName,
  tenantBaselineApplication,
  workloadApplication,
  workloadApplicationName,
} from './applications.js';
import { DIAGRAM_PATH, diagramArtifact, type TreeNode } from './diagram.js';
import { projectDocuments } from './projects.js';

export { PHASE_LABEL, ROOT_APPLICATION } from './applications.js';
export { phaseOfWave, waveOf } from './waves.js';

/** The Argo CD layer under kubernetes/argocd-apps/. */
export const argoAppsGenerator: Generator = {
  name: '@platform-gen/argo-apps',
  owns: [OUTPUT_DIRS.argoApps, DIAGRAM_PATH],
  generate: oncePerModel((model) => {
    const source = model.platformFile;
    const artifacts: Artifact[] = [
      yamlArtifact(`${ROOT_DIR}root.yaml`, source, [rootApplication(model)]),
      yamlArtifact(`${ROOT_DIR}projects.yaml`, source, projectDocuments(model)),
      yamlArtifact(`${ROOT_DIR}platform-apps.yaml`, source, [appOfApps(model, 'platform-apps', PLATFORM_APPS_DIR)]),
      yamlArtifact(`${ROOT_DIR}tenant-apps.yaml`, source, [appOfApps(model, 'tenant-apps', TENANT_APPS_DIR)]),
    ];
    for (const component of componentList()) {
      artifacts.push(
        yamlArtifact(`${PLATFORM_APPS_DIR}${component.name}.yaml`, source, [componentApplication(model, component)]),
      );
    }
    // Each tenant Application's file is named after the Application: names are unique (`tenant--<ns>`,
    // `workload--<ns>--<source>`), while `<ns>-<source>` of one namespace can be the name of another.
    for (const ns of model.namespaces) {
      artifacts.push(
        yamlArtifact(`${TENANT_APPS_DIR}${tenantApplicationName(ns.name)}.yaml`, ns.file, [
          tenantBaselineApplication(model, ns),
        ]),
      );
      for (const workload of ns.definition.sources ?? []) {
        artifacts.push(
          yamlArtifact(`${TENANT_APPS_DIR}${workloadApplicationName(ns.name, workload.name)}.yaml`, ns.file, [
            workloadApplication(model, ns, workload),
          ]),
        );
      }
    }
    artifacts.push(diagramArtifact(treeNodes(artifacts), source));
    return artifacts;
  }),
};

/** The diagram's nodes, read back from the Application objects just built. */
interface ApplicationDocument {
  readonly kind?: string;
  readonly metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  readonly spec: {
    project: string;
    source?: { path?: string };
    sources?: { chart?: string; targetRevision?: string }[];
  };
}

function treeNodes(artifacts: readonly Artifact[]): TreeNode[] {
  const apps = artifacts
    .flatMap((a) => (a.documents ?? []) as ApplicationDocument[])
    .filter((d) => d.kind === 'Application');
  const dirs = new Map<string, string[]>();
  for (const artifact of artifacts) {
    const dir = artifact.path.slice(0, artifact.path.lastIndexOf('/'));
    for (const doc of (artifact.documents ?? []) as ApplicationDocument[]) {
      if (doc.kind !== 'Application') continue;
      // Appended in place: copying the list per Application was quadratic in the Applications of one folder.
      const names = dirs.get(dir);
      if (names === undefined) dirs.set(dir, [String(doc.metadata.name)]);
      else names.push(String(doc.metadata.name));
    }
  }
  return apps.map((app) => {
    const { spec } = app;
    const chart = spec.sources?.find((s) => s.chart !== undefined);
    const path = spec.source?.path;
    return {
      name: String(app.metadata.name),
      project: spec.project,
      wave: String(app.metadata.annotations['argocd.argoproj.io/sync-wave']),
      phase: String(app.metadata.labels[PHASE_LABEL]),
      children: path === undefined ? [] : (dirs.get(path) ?? []).filter((child) => child !== app.metadata.name),
      deploys: chart !== undefined ? `chart ${chart.chart} ${chart.targetRevision}` : String(path),
    };
  });
}
