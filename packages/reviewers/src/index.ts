export { CODEOWNERS_PATH, codeownersArtifact } from './codeowners.js';
export { reviewersGenerator } from './generator.js';
export { mermaidLabel } from './mermaid.js';
export { PLATFORM_DOC_PATH, platformDocArtifact } from './platform-doc.js';
export { GENERATED_DOCS_README, KUBERNETES_README, readmeArtifacts } from './readmes.js';
export { PNPM_VERSION, WORKFLOW_PATH, workflowArtifact } from './workflow.js';
