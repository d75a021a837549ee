/**
 * Generates the TypeScript types of the definitions from their JSON Schemas
 * (json-schema-to-typescript), as part of `pnpm generate`: committed and drift-checked like any output.
 *
 * The compiler and the prettier it formats with take most of a second to load and run, for output that changes
 * only when a schema or one of them does; so a run with a cache folder keeps each module under a SHA-256 of
 * everything it depends on (the schema, its type name, the options, both packages' package.json) and loads
 * neither package when every module is there. As with the other caches, an entry is never stale, only unused, and
 * any failure to read or write one is a miss.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { getCacheBase, toExactJson, writeCacheFile } from './cache-files.js';
import type { Artifact, SchemaTypes } from './file-set.js';
import { OWN_CORE } from './resolve-core.js';
import { SCHEMAS } from './schemas.js';

export const SCHEMA_TYPES_DIR = 'packages/core/src/generated/';

/** The definitions' own schemas, as type-generation entries. */
export const DEFINITION_SCHEMA_TYPES: readonly SchemaTypes[] = SCHEMAS.map((entry) => ({
  path: `${SCHEMA_TYPES_DIR}${entry.kind}.ts`,
  file: entry.file,
  typeName: entry.typeName,
  schema: entry.schema,
}));

/** Every schema goes through the same pinned compiler options. */
const OPTIONS = {
  // The FileSet adds our header; no banner of the tool's own.
  bannerComment: '',
  additionalProperties: false,
  format: true,
  strictIndexSignatures: true,
  style: { singleQuote: true, printWidth: 120 },
} as const;

/** Part of every key: bump it when what is cached, or how, changes. */
const KEY_FORMAT = 'platform-gen schema types 1';

/** The folder of the schema-types cache for a repository (`schema-types` under the cache base), or undefined. */
export function getSchemaTypesCacheDir(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = getCacheBase(root, env);
  return base === undefined ? undefined : join(base, 'schema-types');
}

/** One TypeScript module per schema; with `cacheDir`, from the cache where it holds the module. */
export async function generateSchemaTypes(entries: readonly SchemaTypes[], cacheDir?: string): Promise<Artifact[]> {
  if (entries.length === 0) return [];
  const compiler = cacheDir === undefined ? undefined : compilerIdentity();
  const keys = entries.map((entry) => (compiler === undefined ? undefined : entryKey(compiler, entry)));
  const cached = await Promise.all(
    keys.map((key) => (key === undefined || cacheDir === undefined ? undefined : readEntry(cacheDir, key))),
  );
  const artifacts: Artifact[] = [];
  let compile: typeof import('json-schema-to-typescript').compile | undefined;
  for (const [i, entry] of entries.entries()) {
    let content = cached[i];
    if (content === undefined) {
      compile ??= (await import('json-schema-to-typescript')).compile;
      content = await compile(structuredClone(entry.schema), entry.typeName, OPTIONS);
      const key = keys[i];
      if (key !== undefined && cacheDir !== undefined) await writeEntry(cacheDir, key, content);
    }
    artifacts.push({ path: entry.path, source: entry.file, content });
  }
  return artifacts;
}

/** Looked up once per process: a run generates schema types for several generators. */
let compilerLookup: { readonly identity: string | undefined } | undefined;

/** The package.json of the compiler and of the prettier it formats with (their versions), or undefined. */
function compilerIdentity(): string | undefined {
  compilerLookup ??= { identity: readCompilerIdentity() };
  return compilerLookup.identity;
}

function readCompilerIdentity(): string | undefined {
  try {
    const compiler = createRequire(join(OWN_CORE, 'package.json')).resolve('json-schema-to-typescript/package.json');
    const prettier = createRequire(compiler).resolve('prettier/package.json');
    return `${readFileSync(compiler, 'utf8')}\0${readFileSync(prettier, 'utf8')}`;
  } catch {
    return undefined;
  }
}

function entryKey(compiler: string, entry: SchemaTypes): string | undefined {
  const schema = toExactJson(entry.schema);
  if (schema === undefined) return undefined;
  const hash = createHash('sha256');
  for (const part of [KEY_FORMAT, compiler, JSON.stringify(OPTIONS), entry.typeName, schema]) {
    hash.update(`${Buffer.byteLength(part)}:`);
    hash.update(part);
  }
  return hash.digest('hex');
}

async function readEntry(dir: string, key: string): Promise<string | undefined> {
  try {
    const stored = JSON.parse(await readFile(join(dir, `${key}.json`), 'utf8')) as { key?: unknown; content?: unknown };
    return stored.key === key && typeof stored.content === 'string' ? stored.content : undefined;
  } catch {
    return undefined;
  }
}

async function writeEntry(dir: string, key: string, content: string): Promise<void> {
  await writeCacheFile(join(dir, `${key}.json`), JSON.stringify({ key, content }));
}
