/**
 * Generates the TypeScript types of the definitions from their JSON Schemas
 * (json-schema-to-typescript), as part of `pnpm generate`: committed and drift-checked like any output.
 */
import type { Artifact, SchemaTypes } from './file-set.js';
import { SCHEMAS } from './schemas.js';

export const SCHEMA_TYPES_DIR = 'packages/core/src/generated/';

/** The definitions' own schemas, as type-generation entries. */
export const DEFINITION_SCHEMA_TYPES: readonly SchemaTypes[] = SCHEMAS.map((entry) => ({
  path: `${SCHEMA_TYPES_DIR}${entry.kind}.ts`,
  file: entry.file,
  typeName: entry.typeName,
  schema: entry.schema,
}));

/** One TypeScript module per schema; every schema goes through the same pinned compiler options. */
export async function generateSchemaTypes(entries: readonly SchemaTypes[]): Promise<Artifact[]> {
  if (entries.length === 0) return [];
  const { compile } = await import('json-schema-to-typescript');
  const artifacts: Artifact[] = [];
  for (const entry of entries) {
    const content = await compile(structuredClone(entry.schema), entry.typeName, {
      // The FileSet adds our header; no banner of the tool's own.
      bannerComment: '',
      additionalProperties: false,
      format: true,
      strictIndexSignatures: true,
      style: { singleQuote: true, printWidth: 120 },
    });
    artifacts.push({ path: entry.path, source: entry.file, content });
  }
  return artifacts;
}
