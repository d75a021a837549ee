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
import { loadDefinitionModule } from './load-module.js';
import { mapLimited } from './map-limited.js';

const port = parentPort;
if (port === null) throw new Error('_load-worker.ts runs only as a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const input = workerData as WorkerInput;

/** Imports files[from, to) with at most `concurrency` in flight; each result is posted as it settles. */
async function loadRange(from: number, to: number): Promise<void> {
  await mapLimited(input.files.slice(from, to), Math.max(1, input.concurrency), load);
}

const barrier = Math.min(Math.max(input.barrier, 0), input.files.length);
await loadRange(0, barrier);
await loadRange(barrier, input.files.length);
post({ type: 'done' });

async function load({ file, absolute, kind }: WorkerInput['files'][number]): Promise<void> {
  post({ type: 'loading', file });
  post({ file, ...(await loadDefinitionModule(file, pathToFileURL(absolute).href, kind)) });
}
