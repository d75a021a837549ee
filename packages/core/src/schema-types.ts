/**
 * Generates the TypeScript types of the definitions from their JSON Schemas
 * (json-schema-to-typescript), as part of `pnpm generate`: committed and drift-checked like any output.
 */
import type { Artifact } from './file-set.js';
import { SCHEMAS } from './schemas.js';

export const SCHEMA_TYPES_DIR = 'packages/core/src/generated/';

export async function generateSchemaTypes(): Promise<Artifact[]> {
  const { compile } = await import('json-schema-to-typescript');
  const artifacts: Artifact[] = [];
  for (const entry of SCHEMAS) {
    const content = await compile(structuredClone(entry.schema), entry.typeName, {
      // The FileSet adds our header; no banner of the tool's own.
      bannerComment: '',
      additionalProperties: false,
      format: true,
      strictIndexSignatures: true,
      style: { singleQuote: true, printWidth: 120 },
    });
    artifacts.push({ path: `${SCHEMA_TYPES_DIR}${entry.kind}.ts`, source: entry.file, content });
  }
  return artifacts;
}
