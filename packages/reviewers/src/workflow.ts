/**
 * `.github/workflows/platform.yml`: the platform repository's CI. On every pull request into, and every
 * push to, the branch Argo CD tracks (`git.targetRevision`): a frozen install, then `pnpm check` (generated
 * files equal a fresh generation), `pnpm validate` (schemas and invariants over the repository as Argo CD
 * sees it) and `pnpm test`.
 */
import { type Artifact, type PlatformModel, yamlArtifact } from '@platform-gen/core';

export const WORKFLOW_PATH = '.github/workflows/platform.yml';

/**
 * The pnpm the workspace pins (`packageManager` in the root package.json, and scripts/setup.sh).
 * A constant because generators are pure and read no files; a test keeps it equal to package.json.
 */
export const PNPM_VERSION = '10.34.9';
export const NODE_VERSION = '20';

/** The workflow as data; serialized by the one YAML serializer (which quotes `on`, so it stays a key). */
export function workflow(model: PlatformModel): Record<string, unknown> {
  const branches = [model.platform.git.targetRevision];
  return {
    name: 'platform',
    on: {
      pull_request: { branches },
      push: { branches },
    },
    permissions: { contents: 'read' },
    concurrency: {
      // A GitHub Actions expression, not a template: one run per branch or pull request, newer cancels older.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub expands it
      group: 'platform-${{ github.ref }}',
      'cancel-in-progress': true,
    },
    jobs: {
      check: {
        name: 'check, validate, test',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        steps: [
          { uses: 'actions/checkout@v4' },
          { uses: 'actions/setup-node@v4', with: { 'node-version': NODE_VERSION } },
          { name: 'Install pnpm', run: `npm install -g pnpm@${PNPM_VERSION}` },
          { name: 'Install dependencies', run: 'pnpm install --frozen-lockfile' },
          { name: 'Generated files are up to date', run: 'pnpm check' },
          { name: 'Definitions and invariants', run: 'pnpm validate' },
          { name: 'Tests', run: 'pnpm test' },
        ],
      },
    },
  };
}

export function workflowArtifact(model: PlatformModel): Artifact {
  return yamlArtifact(WORKFLOW_PATH, model.platformFile, [workflow(model)]);
}
