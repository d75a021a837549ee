/** Messages between load-definitions.ts and the worker thread that imports the definitions (_load-worker.ts). */
import type { DefinitionKind } from './define.js';
import type { Issue } from './issues.js';

export const DEFINE_FUNCTION: Record<DefinitionKind, string> = {
  platform: 'definePlatform',
  namespace: 'defineNamespace',
  secrets: 'defineSecrets',
};

export interface WorkerInput {
  /** In load order; `file` is repository-relative. */
  readonly files: readonly { readonly file: string; readonly absolute: string; readonly kind: DefinitionKind }[];
}

export type FromWorker =
  /** Sent before each import: when the time runs out, this is the file to blame. */
  | { readonly type: 'loading'; readonly file: string }
  /** The import threw (syntax error, a throw at load time, a cycle); located by the loader. */
  | { readonly type: 'import-failed'; readonly file: string; readonly message: string; readonly stack: string }
  /** Imported: plain data, or the issues that prevent it. */
  | { readonly type: 'loaded'; readonly file: string; readonly data?: unknown; readonly issues: readonly Issue[] }
  | { readonly type: 'done' };
