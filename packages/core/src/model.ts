/**
 * The validated, resolved model every generator reads. Built only when validation found no error.
 */
import type { NamespaceDefinition } from './generated/namespace.js';
import type { PlatformDefinition } from './generated/platform.js';
import type { SecretRequest } from './generated/secrets.js';

export interface PlatformModel {
  /** Repository-relative path of the platform definition. */
  readonly platformFile: string;
  readonly platform: PlatformDefinition;
  /** Sorted by name. */
  readonly namespaces: readonly NamespaceModel[];
}

export interface NamespaceModel {
  readonly name: string;
  /** `namespaces/<name>` */
  readonly dir: string;
  /** `namespaces/<name>/namespace.ts` */
  readonly file: string;
  readonly definition: NamespaceDefinition;
  /** `namespaces/<name>/secrets.ts`, or undefined when the team has not written one. */
  readonly secretsFile: string | undefined;
  /** Empty when there is no secrets file. */
  readonly secrets: readonly SecretRequest[];
}

/** The platform's own conventions, in one place, derived from the definitions. */
export const DEFAULT_POD_SECURITY = 'restricted';
export const DEFAULT_REFRESH_INTERVAL = '1h';
