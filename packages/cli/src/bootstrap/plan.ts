/**
 * The bootstrap plan: what `platform-gen bootstrap` applies, in which order, and where it waits. Pure: the
 * inputs are documents already read and rendered; nothing here touches the disk or a cluster.
 *
 *   Namespace ─▶ CRDs ─▶ wait Established ─▶ the rest of the chart ─▶ Secret sops-age ─▶ extra objects
 *     ─▶ wait Established ─▶ the root Application's AppProject ─▶ the root Application
 */
import { CLUSTER_SCOPED_KINDS, LABELS, MANAGED_BY, PLATFORM_SECRETS, PlatformError } from '@platform-gen/core';

/** A Kubernetes object as it goes to the API server: JSON-shaped, identified by apiVersion, kind and name. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Where an applied object comes from, for messages and tests. */
export type ObjectOrigin = 'namespace' | 'chart' | 'age-key' | 'extra' | 'root-project' | 'root';

export type BootstrapStep =
  | { readonly action: 'apply'; readonly origin: ObjectOrigin; readonly object: KubeObject }
  /** Poll each CustomResourceDefinition (by name) until its `Established` condition is True. */
  | { readonly action: 'wait-established'; readonly crds: readonly string[] };

export interface BootstrapPlan {
  readonly steps: readonly BootstrapStep[];
}

export interface BootstrapPlanInput {
  /** Argo CD's namespace (`COMPONENTS.argocd.namespace`): created first; chart objects without one land in it. */
  readonly namespace: string;
  /** Every document `helm template --include-crds` rendered for Argo CD, in helm's order. */
  readonly rendered: readonly Record<string, unknown>[];
  /** Content of the age identity file, already checked (age-key.ts): the data of the `sops-age` Secret. */
  readonly ageKey: string;
  /**
   * Applied right after `sops-age`, in the given order, before the root Application: e.g. the decrypted
   * phase-1 bootstrap Secrets (repository credentials). Each must name its namespace if its kind has one.
   */
  readonly extraObjects: readonly Record<string, unknown>[];
  /** The documents of `kubernetes/argocd-apps/root/root.yaml`: the root Application, applied last. */
  readonly root: readonly Record<string, unknown>[];
  /**
   * Every document of the files in the root Application's folder. The root Application's own AppProject is
   * among them: Argo CD does not sync an Application whose project does not exist, and the root is what
   * would create it, so the plan applies that one AppProject just before the root.
   */
  readonly rootFolder: readonly Record<string, unknown>[];
}

/** A plan that cannot be built: what is wrong with which object, and how to fix it. */
export class BootstrapError extends PlatformError {
  override readonly name = 'BootstrapError';
}

const CRD_KIND = 'CustomResourceDefinition';
const APP_PROJECT_KIND = 'AppProject';
/** What Argo CD assumes when an Application names no project. */
const DEFAULT_PROJECT = 'default';

/** Builds the ordered plan; throws BootstrapError for an object it cannot place. Does not mutate its input. */
export function planBootstrap(input: BootstrapPlanInput): BootstrapPlan {
  const chart = input.rendered.map((document, index) =>
    withChartNamespace(checkObject(document, `rendered document ${index + 1} of the Argo CD chart`), input.namespace),
  );
  const crds = chart.filter((o) => o.kind === CRD_KIND);
  const namespace =
    chart.find((o) => o.apiVersion === 'v1' && o.kind === 'Namespace' && o.metadata.name === input.namespace) ??
    namespaceObject(input.namespace);
  const rest = chart.filter((o) => o !== namespace && o.kind !== CRD_KIND);

  const extras = input.extraObjects.map((document, index) =>
    requireNamespace(checkObject(document, `extra object ${index + 1}`), `extra object ${index + 1}`),
  );
  const root = input.root.map((document, index) =>
    requireNamespace(checkObject(document, `root document ${index + 1}`), `root document ${index + 1}`),
  );
  const projects = rootProjects(root, input.rootFolder);

  const steps: BootstrapStep[] = [{ action: 'apply', origin: 'namespace', object: namespace }];
  for (const object of crds) steps.push({ action: 'apply', origin: 'chart', object });
  if (crds.length > 0) steps.push({ action: 'wait-established', crds: crds.map((o) => o.metadata.name) });
  for (const object of rest) steps.push({ action: 'apply', origin: 'chart', object });
  steps.push({ action: 'apply', origin: 'age-key', object: sopsAgeSecret(input.ageKey) });
  for (const object of extras) steps.push({ action: 'apply', origin: 'extra', object });

  const needed = [...projects, ...root].flatMap((o) => servingCrds(o, crds));
  if (needed.length > 0) steps.push({ action: 'wait-established', crds: [...new Set(needed)] });
  for (const object of projects) steps.push({ action: 'apply', origin: 'root-project', object });
  for (const object of root) steps.push({ action: 'apply', origin: 'root', object });

  rejectDuplicates(steps);
  return { steps };
}

/** The objects a plan applies, in order. */
export function appliedObjects(plan: BootstrapPlan): KubeObject[] {
  return plan.steps.flatMap((step) => (step.action === 'apply' ? [step.object] : []));
}

/** `Kind namespace/name`, or `Kind name` for an object without a namespace. */
export function describeObject(object: KubeObject): string {
  const { name, namespace } = object.metadata;
  return `${object.kind} ${namespace === undefined ? name : `${namespace}/${name}`}`;
}

/** One line of `--dry-run`: a Secret shows its keys, never its values. */
export function describeStep(step: BootstrapStep): string {
  if (step.action === 'wait-established') {
    return `wait   until ${CRD_KIND} ${step.crds.join(', ')} ${step.crds.length === 1 ? 'is' : 'are'} Established`;
  }
  const keys = secretKeys(step.object);
  const suffix = keys === undefined ? '' : ` (keys: ${keys.length === 0 ? 'none' : keys.join(', ')}; values not shown)`;
  return `apply  ${describeObject(step.object)}${suffix}`;
}

/**
 * Every Secret value of the plan, encoded and decoded, longest first: what must never appear in output.
 * A message from the API server is passed through `redact` with these before it is printed.
 */
export function secretValues(plan: BootstrapPlan): string[] {
  const values = new Set<string>();
  for (const object of appliedObjects(plan)) {
    if (!isSecret(object)) continue;
    for (const field of ['data', 'stringData'] as const) {
      const map = object[field];
      if (!isRecord(map)) continue;
      for (const value of Object.values(map)) {
        if (typeof value !== 'string' || value === '') continue;
        values.add(value);
        const decoded = field === 'data' ? Buffer.from(value, 'base64').toString('utf8') : value;
        values.add(decoded);
        // A server message may quote a single line of a multi-line value (an age identity, a PEM line).
        for (const line of decoded.split('\n')) if (line.trim().length >= 8) values.add(line.trim());
      }
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of each value by `[redacted]`. */
export function redact(text: string, values: readonly string[]): string {
  let result = text;
  for (const value of values) result = result.split(value).join('[redacted]');
  return result;
}

function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [LABELS.managedBy]: MANAGED_BY } } };
}

/** The age identity for KSOPS in the repo-server: the one input of the platform that does not come from Git. */
function sopsAgeSecret(ageKey: string): KubeObject {
  const ref = PLATFORM_SECRETS.sopsAge;
  const [key] = ref.keys;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: ref.name, namespace: ref.namespace, labels: { [LABELS.managedBy]: MANAGED_BY } },
    type: 'Opaque',
    data: { [key]: Buffer.from(ageKey, 'utf8').toString('base64') },
  };
}

/** A deep copy of `document`, checked to be an object the API server can identify. */
function checkObject(document: Record<string, unknown>, where: string): KubeObject {
  const { apiVersion, kind, metadata } = document;
  if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
    throw new BootstrapError('E_BOOTSTRAP_OBJECT', `${where} has no apiVersion or kind: it is not a Kubernetes object`);
  }
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    throw new BootstrapError('E_BOOTSTRAP_OBJECT', `${where} (${kind}) has no metadata.name`);
  }
  if (metadata.namespace !== undefined && (typeof metadata.namespace !== 'string' || metadata.namespace === '')) {
    throw new BootstrapError(
      'E_BOOTSTRAP_OBJECT',
      `${where} (${kind} ${metadata.name}) has an invalid metadata.namespace`,
    );
  }
  return structuredClone(document) as unknown as KubeObject;
}

/** What `helm install --namespace` does: a namespaced object without a namespace goes to the release's. */
function withChartNamespace(object: KubeObject, namespace: string): KubeObject {
  if (object.metadata.namespace !== undefined || CLUSTER_SCOPED_KINDS.has(object.kind)) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/** Outside the chart there is no release namespace to fall back on: a namespaced object must say where it goes. */
function requireNamespace(object: KubeObject, where: string): KubeObject {
  if (object.metadata.namespace === undefined && !CLUSTER_SCOPED_KINDS.has(object.kind)) {
    throw new BootstrapError(
      'E_BOOTSTRAP_NO_NAMESPACE',
      `${where} (${describeObject(object)}) has no metadata.namespace: set the namespace it belongs in`,
    );
  }
  return object;
}

/** The AppProjects the root Applications name, from the root folder; `default` may be Argo CD's own. */
function rootProjects(root: readonly KubeObject[], folder: readonly Record<string, unknown>[]): KubeObject[] {
  const defined = folder.filter((d) => d.kind === APP_PROJECT_KIND && isRecord(d.metadata));
  const projects: KubeObject[] = [];
  for (const app of root) {
    if (app.kind !== 'Application') continue;
    const spec = app.spec;
    const name = isRecord(spec) && typeof spec.project === 'string' ? spec.project : DEFAULT_PROJECT;
    const found = defined.find((d) => isRecord(d.metadata) && d.metadata.name === name);
    if (found === undefined) {
      if (name === DEFAULT_PROJECT) continue;
      throw new BootstrapError(
        'E_BOOTSTRAP_NO_PROJECT',
        `the root Application ${describeObject(app)} belongs to AppProject "${name}", which no file of its folder defines: Argo CD would never sync it. Run pnpm generate and commit`,
      );
    }
    const project = requireNamespace(checkObject(found, `AppProject ${name}`), `AppProject ${name}`);
    if (!projects.some((p) => p.metadata.name === project.metadata.name)) projects.push(project);
  }
  return projects;
}

/** Names of the rendered CRDs that serve `object`'s kind; throws when a custom kind has none. */
function servingCrds(object: KubeObject, crds: readonly KubeObject[]): string[] {
  const slash = object.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  // Built-in groups have no dot (apps, batch) or end in .k8s.io; a CRD's group always has a dot.
  if (!group.includes('.') || group.endsWith('.k8s.io')) return [];
  const serving = crds.filter((crd) => {
    const spec = crd.spec;
    return isRecord(spec) && spec.group === group && isRecord(spec.names) && spec.names.kind === object.kind;
  });
  if (serving.length === 0) {
    throw new BootstrapError(
      'E_BOOTSTRAP_NO_CRD',
      `${describeObject(object)} needs the CustomResourceDefinition of ${object.kind}.${group}, which the Argo CD chart did not render: check crds.install in charts/argocd/values.yaml`,
    );
  }
  return serving.map((crd) => crd.metadata.name);
}

function rejectDuplicates(steps: readonly BootstrapStep[]): void {
  const seen = new Set<string>();
  for (const step of steps) {
    if (step.action !== 'apply') continue;
    const { object } = step;
    const slash = object.apiVersion.indexOf('/');
    const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
    const id = `${group}|${object.kind}|${object.metadata.namespace ?? ''}|${object.metadata.name}`;
    if (seen.has(id)) {
      throw new BootstrapError(
        'E_BOOTSTRAP_DUPLICATE',
        `${describeObject(object)} is planned twice (the second time from ${step.origin}): each object may come from one place only`,
      );
    }
    seen.add(id);
  }
}

function secretKeys(object: KubeObject): string[] | undefined {
  if (!isSecret(object)) return undefined;
  const keys = new Set<string>();
  for (const field of ['data', 'stringData'] as const) {
    const map = object[field];
    if (isRecord(map)) for (const key of Object.keys(map)) keys.add(key);
  }
  return [...keys].sort();
}

function isSecret(object: KubeObject): boolean {
  return object.apiVersion === 'v1' && object.kind === 'Secret';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
