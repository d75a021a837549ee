/**
 * Runs inside the worker thread started by load-definitions.ts: imports each definition file, turns its
 * default export into plain data and posts the result. A definition is code that may loop, hang or call
 * process.exit(); here it can only stop this thread, which the loader then terminates or reports.
 *
 * Several imports are in flight at once (`concurrency`): most of an import is waiting on tsx's loader thread
 * (resolve, read, transpile), and overlapping those waits makes a thousand files load about three times faster.
 * Each file still reports when it starts and when it settles, so the loader can tell which ones were running
 * when the thread stopped.
 */

import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, WorkerInput } from './_load-protocol.js';
import { DEFINE_FUNCTION } from './_load-protocol.js';
import { getDefinitionKind } from './define.js';
import { issue } from './issues.js';
import { toPlainData } from './plain-data.js';

const port = parentPort;
if (port === null) throw new Error('_load-worker.ts runs only as a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const input = workerData as WorkerInput;

/** Imports files[from, to) with at most `concurrency` in flight; each result is posted as it settles. */
async function loadRange(from: number, to: number): Promise<void> {
  let next = from;
  const lane = async () => {
    while (next < to) {
      const item = input.files[next++];
      if (item !== undefined) await load(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, to - from)) }, lane));
}

const barrier = Math.min(Math.max(input.barrier, 0), input.files.length);
await loadRange(0, barrier);
await loadRange(barrier, input.files.length);
post({ type: 'done' });

function describeError(error: unknown): { message: string; stack: string } {
  try {
    if (error instanceof Error) return { message: error.message, stack: error.stack ?? '' };
    return { message: String(error), stack: '' };
  } catch {
    return { message: 'a value that cannot be shown', stack: '' };
  }
}

async function load({ file, absolute, kind }: WorkerInput['files'][number]): Promise<void> {
  post({ type: 'loading', file });
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
  } catch (error) {
    post({ type: 'import-failed', file, ...describeError(error) });
    return;
  }
  const expected = DEFINE_FUNCTION[kind];
  try {
    if (!('default' in module) || module.default === undefined) {
      post({
        type: 'loaded',
        file,
        issues: [
          issue({
            code: 'E_DEF_NO_DEFAULT_EXPORT',
            file,
            line: 1,
            path: '',
            message: `${file} has no default export`,
            hint: `end the file with \`export default ${expected}({ ... })\``,
          }),
        ],
      });
      return;
    }
    const actual = getDefinitionKind(module.default);
    if (actual !== kind) {
      post({
        type: 'loaded',
        file,
        issues: [
          issue({
            code: 'E_DEF_WRONG_KIND',
            file,
            path: '',
            message:
              actual === undefined
                ? `${file} exports a value that was not made with ${expected}()`
                : `${file} exports a ${actual} definition (made with ${DEFINE_FUNCTION[actual]}()), but this file holds the ${kind} definition`,
            hint: `export default ${expected}({ ... }) from '@platform-gen/core'`,
          }),
        ],
      });
      return;
    }
    const plain = toPlainData(module.default, file);
    post({ type: 'loaded', file, issues: plain.issues, ...(plain.issues.length > 0 ? {} : { data: plain.data }) });
  } catch (error) {
    // A Proxy whose traps throw, or a value that defeats copying: not data, and not a crash of platform-gen.
    post({
      type: 'loaded',
      file,
      issues: [
        issue({
          code: 'E_DEF_NOT_DATA',
          file,
          path: '',
          message: `reading the exported value failed (${describeError(error).message}); definitions hold plain data only`,
          hint: 'export a plain object literal: no Proxy, no getters, no class instances',
        }),
      ],
    });
  }
}
