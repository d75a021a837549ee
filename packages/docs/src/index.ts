import type { Generator } from '@platform-gen/core';
import { ACCESS_MATRIX_PATH, accessMatrixMarkdown } from './access-matrix.js';

export { ACCESS_MATRIX_PATH, accessMatrixMarkdown } from './access-matrix.js';

/** Docs that read across generators (the access matrix). */
export const docsGenerator: Generator = {
  name: '@platform-gen/docs',
  owns: [ACCESS_MATRIX_PATH],
  generate: (model) => [{ path: ACCESS_MATRIX_PATH, source: model.platformFile, content: accessMatrixMarkdown(model) }],
};
