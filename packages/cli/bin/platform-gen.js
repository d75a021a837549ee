#!/usr/bin/env node
// platform-gen and the definitions are TypeScript. The CLI runs prebuilt when dist/ was built from exactly the
// sources on disk (ADR 18): a generate the run record answers without loading anything else, any other run
// without tsx until a definition must be imported. Otherwise it runs from the sources through tsx's loader.
import { freshPrebuilt } from './prebuilt.js';

// `platform-gen generate --check | head` closes the pipe early: stop quietly, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const argv = process.argv.slice(2);
const cli = new URL('../', import.meta.url);

/** Registers tsx's loader in this thread; with `core`, definitions import that for `@platform-gen/core`. */
async function typescript(core) {
  const { register } = await import('tsx/esm/api');
  register();
  if (core !== undefined) {
    const { register: hook } = await import('node:module');
    hook(new URL('./prebuilt-core-hook.mjs', import.meta.url), { data: core.href });
  }
}

/** The CLI proper: prebuilt when fresh, else from its TypeScript sources. */
async function full(prepared) {
  const prebuilt = freshPrebuilt(cli, 'main');
  if (prebuilt !== undefined) {
    // Core's load-module.ts calls this before it imports the first definition.
    globalThis[Symbol.for('platform-gen.typescript-on-demand')] = () => typescript(new URL('core.js', prebuilt));
    return (await import(prebuilt.href)).main(argv, undefined, prepared);
  }
  await typescript();
  const { main } = await import('../src/main.ts');
  return main(argv, undefined, prepared);
}

const fastPath = freshPrebuilt(cli, 'fastPath');
process.exitCode = fastPath === undefined ? await full() : await (await import(fastPath.href)).runFastPath(argv, full);
