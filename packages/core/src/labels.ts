/**
 * Labels and annotations every generated object carries: who manages it and which definition it comes from.
 */
import type { PlatformModel } from './model.js';

/** Prefix of platform-gen's own label and annotation keys. */
export const LABEL_PREFIX = 'platform-gen.io';

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  partOf: 'app.kubernetes.io/part-of',
  team: `${LABEL_PREFIX}/team`,
  tenant: `${LABEL_PREFIX}/tenant`,
} as const;

export const ANNOTATIONS = {
  /** Repository-relative path of the definition the object comes from. */
  source: `${LABEL_PREFIX}/source`,
} as const;

export const MANAGED_BY = 'platform-gen';

/** `metadata.labels` and `metadata.annotations` for an object generated from `source`. */
export function standardMetadata(
  model: PlatformModel,
  source: string,
  labels: Readonly<Record<string, string>> = {},
): { labels: Record<string, string>; annotations: Record<string, string> } {
  return {
    labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: model.platform.name, ...labels },
    annotations: { [ANNOTATIONS.source]: source },
  };
}
