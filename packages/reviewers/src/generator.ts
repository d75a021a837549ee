import type { Artifact, Generator } from '@platform-gen/core';
import { CODEOWNERS_PATH, codeownersArtifact } from './codeowners.js';
import { PLATFORM_DOC_PATH, platformDocArtifact } from './platform-doc.js';
import { GENERATED_DOCS_README, KUBERNETES_README, readmeArtifacts } from './readmes.js';
import { WORKFLOW_PATH, workflowArtifact } from './workflow.js';

/** What reviewers read: CODEOWNERS, the generated folders' READMEs, docs/platform.md and the CI workflow. */
export const reviewersGenerator: Generator = {
  name: '@platform-gen/reviewers',
  owns: [CODEOWNERS_PATH, KUBERNETES_README, GENERATED_DOCS_README, PLATFORM_DOC_PATH, WORKFLOW_PATH],
  generate(model) {
    const codeowners = codeownersArtifact(model);
    const artifacts: Artifact[] = [
      ...(codeowners === undefined ? [] : [codeowners]),
      ...readmeArtifacts(model),
      platformDocArtifact(model),
      workflowArtifact(model),
    ];
    return artifacts;
  },
};
