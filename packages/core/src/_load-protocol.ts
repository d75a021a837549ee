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
  /** How many imports are in flight at once (1: one after the other). */
  readonly concurrency: number;
  /**
   * Files before this index are imported, and settled, before any file from it on starts: the loader puts the
   * files it may cache first, so nothing another definition does to the thread's globals reaches their values.
   */
  readonly barrier: number;
}

export type FromWorker =
  /** Sent as each import starts: when the time runs out, the files started and not settled are to blame. */
  | { readonly type: 'loading'; readonly file: string }
  /** The import threw (syntax error, a throw at load time, a cycle); located by the loader. */
  | { readonly type: 'import-failed'; readonly file: string; readonly message: string; readonly stack: string }
  /** Imported: plain data, or the issues that prevent it. */
  | { readonly type: 'loaded'; readonly file: string; readonly data?: unknown; readonly issues: readonly Issue[] }
  | { readonly type: 'done' };
