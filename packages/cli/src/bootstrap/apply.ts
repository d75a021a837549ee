/**
 * Applies a bootstrap plan to a cluster with @kubernetes/client-node (1.4: 2.x needs Node 22): every object
 * server-side (field manager `platform-gen-bootstrap`, conflicts forced), so a re-run converges instead of
 * failing, and waits where the plan says. The module is loaded lazily: other commands never pay for it.
 *
 * KubernetesObjectApi serializes a known kind through the client's generated models, which silently drop
 * every field they do not know and rename others: a CRD loses `x-kubernetes-preserve-unknown-fields`,
 * `default` and `enum`, a Deployment any field newer than the models. A request middleware therefore sends
 * the object exactly as planned (JSON, which is YAML, is what the apply-patch content type takes).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig, KubernetesObject, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { appliedObjects, BootstrapError, type BootstrapPlan, describeObject, redact, secretValues } from './plan.js';

/** The field manager of every object bootstrap applies (`kubectl get -o yaml --show-managed-fields` shows it). */
export const FIELD_MANAGER = 'platform-gen-bootstrap';

/** A kubeconfig with its context selected. Loading it contacts nothing. */
export interface ClusterTarget {
  readonly kubeConfig: KubeConfig;
  readonly context: string;
  /** The API server URL of the context's cluster. */
  readonly server: string;
}

export interface LoadTargetOptions {
  /** A kubeconfig file; undefined: KUBECONFIG or ~/.kube/config, as kubectl does. */
  readonly kubeconfig: string | undefined;
  readonly context: string;
}

/** Loads the kubeconfig and selects `context`; throws BootstrapError listing the contexts when it is not there. */
export async function loadClusterTarget(options: LoadTargetOptions): Promise<ClusterTarget> {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  const where = options.kubeconfig ?? 'the default kubeconfig (KUBECONFIG or ~/.kube/config)';
  try {
    if (options.kubeconfig === undefined) kubeConfig.loadFromDefault();
    else kubeConfig.loadFromFile(options.kubeconfig);
  } catch (error) {
    // First line only: a YAML error goes on to quote the file, and a kubeconfig holds credentials.
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new BootstrapError('E_BOOTSTRAP_KUBECONFIG', `cannot load ${where}: ${reason}`, { cause: error });
  }
  const contexts = kubeConfig.getContexts().map((c) => c.name);
  if (!contexts.includes(options.context)) {
    const available = contexts.length === 0 ? 'it defines none' : `available: ${contexts.join(', ')}`;
    throw new BootstrapError(
      'E_BOOTSTRAP_CONTEXT',
      `context "${options.context}" is not in ${where} (${available}). Pass one of them to --context`,
    );
  }
  kubeConfig.setCurrentContext(options.context);
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) {
    throw new BootstrapError(
      'E_BOOTSTRAP_CONTEXT',
      `context "${options.context}" names a cluster that ${where} does not define`,
    );
  }
  return { kubeConfig, context: options.context, server: cluster.server };
}

export interface ApplyOptions {
  /** Receives one line per applied object and per wait, without a newline. */
  readonly log: (line: string) => void;
  /** How often to read a CRD before giving up on it being Established (default 60). */
  readonly waitAttempts?: number;
  /** Pause between two reads of a CRD (default 1000 ms). */
  readonly waitIntervalMs?: number;
  /** Limit on each request to the API server (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/**
 * Applies the plan's objects in order and waits where it says. Stops at the first failure with a
 * BootstrapError naming the object and the server's message (secret values redacted); what was applied
 * before stays applied, and a re-run converges.
 */
export async function applyBootstrapPlan(
  target: ClusterTarget,
  plan: BootstrapPlan,
  options: ApplyOptions,
): Promise<{ readonly applied: number }> {
  const k8s = await import('@kubernetes/client-node');
  const secrets = secretValues(plan);
  const total = appliedObjects(plan).length;
  const timeout = options.requestTimeoutMs ?? 30_000;

  // The body of the next PATCH, exactly as planned; set just before each apply (applies run one at a time).
  let body: string | undefined;
  const middleware = {
    pre: async (context: RequestContext): Promise<RequestContext> => {
      context.setSignal(AbortSignal.timeout(timeout));
      if (body !== undefined && context.getHttpMethod() === k8s.HttpMethod.PATCH) {
        context.setBody(body);
        body = undefined;
      }
      return context;
    },
    post: async (context: ResponseContext): Promise<ResponseContext> => context,
  };
  const client = new k8s.KubernetesObjectApi(
    k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(target.server, {}),
      authMethods: { default: target.kubeConfig },
      promiseMiddleware: [middleware],
    }),
  );

  const fail = (error: unknown, what: string, applied: number): BootstrapError => {
    const before = applied === 0 ? 'nothing was applied' : `${applied} of ${total} objects were applied`;
    const message = redact(describeFailure(k8s, error, target.server), secrets);
    return new BootstrapError(
      'E_BOOTSTRAP_APPLY',
      `${what}: ${message}\n${before}; fix the cause and run bootstrap again (it is idempotent).`,
    );
  };

  let applied = 0;
  for (const step of plan.steps) {
    if (step.action === 'wait-established') {
      for (const name of step.crds) {
        try {
          await waitEstablished(client, name, options);
        } catch (error) {
          if (error instanceof BootstrapError) throw error;
          throw fail(error, `cannot read CustomResourceDefinition ${name}`, applied);
        }
      }
      const were = step.crds.length === 1 ? 'was' : 'were';
      options.log(`waited   until CustomResourceDefinition ${step.crds.join(', ')} ${were} Established`);
      continue;
    }
    const object = step.object;
    try {
      body = JSON.stringify(object);
      // A copy: the client fills in defaults on the object it is given.
      await client.patch(
        structuredClone(object) as unknown as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        k8s.PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      throw fail(error, `the API server did not apply ${describeObject(object)}`, applied);
    } finally {
      body = undefined;
    }
    applied++;
    options.log(`applied  ${describeObject(object)}`);
  }
  return { applied };
}

type ClientModule = typeof import('@kubernetes/client-node');
type ObjectApi = InstanceType<ClientModule['KubernetesObjectApi']>;

/** Polls the CRD until `Established` is True; fails at once when its names were refused. */
async function waitEstablished(client: ObjectApi, name: string, options: ApplyOptions): Promise<void> {
  const attempts = options.waitAttempts ?? 60;
  const interval = options.waitIntervalMs ?? 1000;
  let last = 'no Established condition yet';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const crd: unknown = await client.read({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name },
    });
    const conditions = conditionsOf(crd);
    const established = conditions.find((c) => c.type === 'Established');
    if (established?.status === 'True') return;
    const names = conditions.find((c) => c.type === 'NamesAccepted');
    if (names?.status === 'False') {
      throw new BootstrapError(
        'E_BOOTSTRAP_CRD',
        `CustomResourceDefinition ${name} will never be Established: NamesAccepted is False (${names.message ?? names.reason ?? 'no reason given'})`,
      );
    }
    if (established !== undefined) {
      last = `Established is ${established.status}${established.message === undefined ? '' : `: ${established.message}`}`;
    }
    if (attempt < attempts) await sleep(interval);
  }
  throw new BootstrapError(
    'E_BOOTSTRAP_TIMEOUT',
    `timed out waiting for CustomResourceDefinition ${name} to be Established (${attempts} reads, ${interval} ms apart; last: ${last})`,
  );
}

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason: string | undefined;
  readonly message: string | undefined;
}

function conditionsOf(crd: unknown): Condition[] {
  const status = isRecord(crd) ? crd.status : undefined;
  const list = isRecord(status) ? status.conditions : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((c) => ({
    type: String(c.type),
    status: String(c.status),
    reason: typeof c.reason === 'string' ? c.reason : undefined,
    message: typeof c.message === 'string' ? c.message : undefined,
  }));
}

/** The server's own message (a Status object's `message`), or what went wrong on the way to it. */
function describeFailure(k8s: ClientModule, error: unknown, server: string): string {
  if (error instanceof k8s.ApiException) {
    const text = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
    let message = text.length > 500 ? `${text.slice(0, 500)}…` : text;
    try {
      const status: unknown = JSON.parse(text);
      if (isRecord(status) && typeof status.message === 'string') message = status.message;
    } catch {
      // Not JSON: keep the text.
    }
    // KubernetesObjectApi looks the kind up before it applies; that lookup failing means the API is not served.
    const discovery = error.message.startsWith('Failed to fetch resource metadata');
    return `${discovery ? 'API discovery failed, ' : ''}HTTP ${error.code}: ${message}`;
  }
  if (error instanceof Error) {
    if (error.name === 'AbortError' || error.name === 'TimeoutError') return `no answer from ${server} in time`;
    if (error.message.startsWith('Unrecognized API version and kind')) {
      return `the API server does not serve this kind (${error.message})`;
    }
    if (error.name === 'FetchError') return `cannot reach the API server at ${server}: ${error.message}`;
    return error.message;
  }
  return String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
