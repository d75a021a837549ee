/**
 * The functions definition files call. They return their argument (a shallow copy, marked with its kind)
 * so editors autocomplete every field and `pnpm typecheck` rejects unknown ones; the loader uses the mark
 * to tell a namespace definition from a secrets definition.
 */
import type { NamespaceDefinition } from './generated/namespace.js';
import type { PlatformDefinition } from './generated/platform.js';
import type { SecretsDefinition } from './generated/secrets.js';

export type DefinitionKind = 'platform' | 'namespace' | 'secrets';

/** Registered symbol, so the mark survives two copies of this module (e.g. a test runner and the CLI). */
const KIND = Symbol.for('platform-gen.definition-kind');

function mark<T extends object>(value: T, kind: DefinitionKind): T {
  const copy = { ...value };
  Object.defineProperty(copy, KIND, { value: kind, enumerable: false });
  return copy;
}

/** `platform/platform.ts`: `export default definePlatform({ ... })`. Admin-owned. */
export function definePlatform(definition: PlatformDefinition): PlatformDefinition {
  return mark(definition, 'platform');
}

/** `namespaces/<name>/namespace.ts`: `export default defineNamespace({ ... })`. Admin-owned. */
export function defineNamespace(definition: NamespaceDefinition): NamespaceDefinition {
  return mark(definition, 'namespace');
}

/** `namespaces/<name>/secrets.ts`: `export default defineSecrets({ ... })`. Team-owned. */
export function defineSecrets(definition: SecretsDefinition): SecretsDefinition {
  return mark(definition, 'secrets');
}

/** The kind a define function marked `value` with, or undefined for anything else. */
export function getDefinitionKind(value: unknown): DefinitionKind | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const kind = (value as Record<symbol, unknown>)[KIND];
  return kind === 'platform' || kind === 'namespace' || kind === 'secrets' ? kind : undefined;
}
