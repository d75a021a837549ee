export { bootstrapArtifacts, bootstrapGenerator, LEDGER_PATH, sopsConfigArtifact } from './generator.js';
export { ledgerMarkdown } from './ledger.js';
