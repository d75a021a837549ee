#!/usr/bin/env node
// The bench and its helper processes are TypeScript: register tsx's loader, as the platform-gen binary does.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
