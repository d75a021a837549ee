/**
 * What each invariant reads: the folders, object kinds and file names it checks. `platform-gen explain`
 * answers "which rules apply to this file" from this table; a test keeps it in step with INVARIANTS.
 */
import { KINDS } from '../kinds.js';
import { OUTPUT_DIRS } from '../layout.js';

export interface InvariantScope {
  readonly id: string;
  /** Folders (ending in `/`) whose files it reads; `''` is the whole repository view. */
  readonly under: readonly string[];
  /** Also every generated file, wherever it lies (SEC-1 scans them all). */
  readonly generated?: boolean;
  /** Object kinds it inspects; with neither `kinds` nor `fileNames`, every object under `under`. */
  readonly kinds?: readonly string[];
  /** Non-YAML files it reads, by file name (Vault policies and roles). */
  readonly fileNames?: RegExp;
}

const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];
const MANIFESTS = 'kubernetes/';

export const INVARIANT_SCOPES: readonly InvariantScope[] = [
  // Every manifest must be rendered by an Application reachable from the root.
  { id: 'GIT-1', under: [MANIFESTS] },
  { id: 'APP-1', under: [MANIFESTS], kinds: [KINDS.Application.kind, KINDS.AppProject.kind] },
  // No object rendered twice: every object any Application renders, charts included.
  { id: 'APP-2', under: [MANIFESTS, OUTPUT_DIRS.charts] },
  { id: 'APP-3', under: [MANIFESTS], kinds: [KINDS.Application.kind, KINDS.AppProject.kind] },
  { id: 'LAY-1', under: [MANIFESTS, OUTPUT_DIRS.charts], kinds: [KINDS.Application.kind], fileNames: /^Chart\.yaml$/ },
  {
    id: 'ISO-1',
    under: [MANIFESTS],
    kinds: [KINDS.SecretStore.kind, 'ClusterSecretStore', KINDS.ExternalSecret.kind, KINDS.ServiceAccount.kind],
  },
  { id: 'ISO-2', under: [MANIFESTS], fileNames: /^(policy-|role-)?eso-[^/]*\.(hcl|json)$/ },
  { id: 'ESO-1', under: [MANIFESTS], kinds: ['PushSecret'], fileNames: /^(policy-)?eso-[^/]*\.hcl$/ },
  { id: 'SEC-1', under: [MANIFESTS, OUTPUT_DIRS.charts], generated: true },
  { id: 'SEC-2', under: [MANIFESTS, OUTPUT_DIRS.charts], kinds: [...WORKLOAD_KINDS, KINDS.NetworkPolicy.kind] },
  { id: 'VLT-1', under: [MANIFESTS], fileNames: /^role-[^/]*\.json$/ },
  {
    id: 'PHS-1',
    under: [MANIFESTS, OUTPUT_DIRS.charts],
    kinds: [KINDS.Application.kind, KINDS.Secret.kind, KINDS.ExternalSecret.kind],
  },
];

/** The ids of the invariants that read `path` (holding objects of `kinds`), in table order. */
export function invariantsFor(path: string, kinds: readonly string[], generated: boolean): string[] {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return INVARIANT_SCOPES.filter((scope) => {
    const inView = scope.under.some((dir) => path.startsWith(dir)) || (scope.generated === true && generated);
    if (!inView) return false;
    if (scope.kinds === undefined && scope.fileNames === undefined) return true;
    return (scope.kinds ?? []).some((kind) => kinds.includes(kind)) || scope.fileNames?.test(name) === true;
  }).map((scope) => scope.id);
}
