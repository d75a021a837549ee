#!/usr/bin/env node
// Definitions and platform-gen itself are TypeScript: register tsx's loader, then run the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
