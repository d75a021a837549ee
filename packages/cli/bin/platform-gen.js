#!/usr/bin/env node
// platform-gen and the definitions are TypeScript: the CLI runs through tsx's loader. A generate that the run
// record answers does not need it (registering it alone costs about a third of a second): the prebuilt fast
// path answers it first, when it is there and built from exactly the sources on disk (ADR 18).
import { freshPrebuilt } from './prebuilt.js';

// `platform-gen generate --check | head` closes the pipe early: stop quietly, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const argv = process.argv.slice(2);

/** The CLI proper, from its TypeScript sources. */
async function full(prepared) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/main.ts');
  return main(argv, undefined, prepared);
}

const prebuilt = freshPrebuilt(new URL('../', import.meta.url));
const fast = prebuilt === undefined ? undefined : await import(prebuilt.href);
process.exitCode = fast === undefined ? await full() : await fast.runFastPath(argv, full);
