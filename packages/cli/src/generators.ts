import type { Generator } from '@platform-gen/core';
import { tenantBaselineGenerator } from '@platform-gen/tenant-baseline';

/** Every generator, in the order their output is listed. Each owns its own output paths. */
export const GENERATORS: readonly Generator[] = [tenantBaselineGenerator];
