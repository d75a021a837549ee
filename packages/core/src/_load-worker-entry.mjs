// The thread that imports definition files (see load-definitions.ts). Definitions are TypeScript: register
// tsx's loader in this thread, as bin/platform-gen.js does in the main one, then run the typed worker.
import { register } from 'tsx/esm/api';

register();
await import('./_load-worker.ts');
