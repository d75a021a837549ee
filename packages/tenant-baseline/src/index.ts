import { type Generator, OUTPUT_DIRS } from '@platform-gen/core';
import {
  BASELINE_FILES,
  defaultServiceAccountArtifact,
  limitRangeArtifact,
  networkPoliciesArtifact,
  rbacArtifact,
  resourceQuotaArtifact,
} from './baseline.js';
import { namespaceArtifact } from './namespace.js';

export { rbacArtifact } from './baseline.js';

/** The tenant baseline of every namespace, under kubernetes/namespaces/<ns>/. */
export const tenantBaselineGenerator: Generator = {
  name: '@platform-gen/tenant-baseline',
  owns: ['namespace.yaml', ...BASELINE_FILES].map((file) => `${OUTPUT_DIRS.namespaces}*/${file}`),
  generate: (model) =>
    model.namespaces.flatMap((ns) => [
      namespaceArtifact(model, ns),
      resourceQuotaArtifact(model, ns),
      limitRangeArtifact(model, ns),
      networkPoliciesArtifact(model, ns),
      rbacArtifact(model, ns),
      defaultServiceAccountArtifact(model, ns),
    ]),
};
