import { type Generator, OUTPUT_DIRS } from '@platform-gen/core';
import { namespaceArtifact } from './namespace.js';

/** The tenant baseline of every namespace, under kubernetes/namespaces/<ns>/. */
export const tenantBaselineGenerator: Generator = {
  name: '@platform-gen/tenant-baseline',
  owns: [`${OUTPUT_DIRS.namespaces}*/namespace.yaml`],
  generate: (model) => model.namespaces.map((ns) => namespaceArtifact(model, ns)),
};
