import { argoAppsGenerator } from '@platform-gen/argo-apps';
import { bootstrapGenerator } from '@platform-gen/bootstrap';
import { chartsGenerator } from '@platform-gen/charts-gen';
import type { Generator } from '@platform-gen/core';
import { docsGenerator } from '@platform-gen/docs';
import { esoStoresGenerator } from '@platform-gen/eso-stores';
import { grafanaConfigGenerator } from '@platform-gen/grafana-config';
import { portalGenerator } from '@platform-gen/portal';
import { reviewersGenerator } from '@platform-gen/reviewers';
import { tenantBaselineGenerator } from '@platform-gen/tenant-baseline';
import { vaultConfigGenerator } from '@platform-gen/vault-config';

/** Every generator. Each owns its own output paths; order does not matter (the FileSet is sorted). */
export const GENERATORS: readonly Generator[] = [
  tenantBaselineGenerator,
  esoStoresGenerator,
  vaultConfigGenerator,
  argoAppsGenerator,
  chartsGenerator,
  grafanaConfigGenerator,
  bootstrapGenerator,
  portalGenerator,
  docsGenerator,
  reviewersGenerator,
];
