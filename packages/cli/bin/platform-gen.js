#!/usr/bin/env node
// Definitions and platform-gen itself are TypeScript: register tsx's loader, then run the CLI.
import { register } from 'tsx/esm/api';

// `platform-gen generate --check | head` closes the pipe early: stop quietly, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
