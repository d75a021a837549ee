/** The schema-types cache (schema-types.ts): a hit is the compiler's own output, and anything it depends on changes the key. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SchemaTypes } from './file-set.js';
import { DEFINITION_SCHEMA_TYPES, generateSchemaTypes } from './schema-types.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function cacheDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'platform-gen-schema-types-'));
  dirs.push(dir);
  return dir;
}

const ENTRY: SchemaTypes = {
  path: 'packages/x/src/generated/thing.ts',
  file: 'packages/x/schemas/thing.schema.json',
  typeName: 'Thing',
  schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
};

describe('the schema-types cache', () => {
  it('returns exactly what the compiler wrote, from the cache on the next run', async () => {
    const dir = await cacheDir();
    const uncached = await generateSchemaTypes(DEFINITION_SCHEMA_TYPES);
    expect(await generateSchemaTypes(DEFINITION_SCHEMA_TYPES, dir)).toEqual(uncached);
    expect((await readdir(dir)).length).toBe(DEFINITION_SCHEMA_TYPES.length);
    expect(await generateSchemaTypes(DEFINITION_SCHEMA_TYPES, dir)).toEqual(uncached);
  });

  it('keys each module by its schema and type name: a changed schema is compiled again', async () => {
    const dir = await cacheDir();
    const [first] = await generateSchemaTypes([ENTRY], dir);
    expect(first?.content).toContain('export interface Thing');
    const renamed = await generateSchemaTypes([{ ...ENTRY, typeName: 'Other' }], dir);
    expect(renamed[0]?.content).toContain('export interface Other');
    const widened = {
      ...ENTRY,
      schema: { ...ENTRY.schema, properties: { name: { type: 'string' }, size: { type: 'integer' } } },
    };
    expect((await generateSchemaTypes([widened], dir))[0]?.content).toContain('size?: number');
    expect((await readdir(dir)).length).toBe(3);
  });

  it('treats an entry that is corrupt or holds another key as a miss, and replaces it', async () => {
    const dir = await cacheDir();
    const [compiled] = await generateSchemaTypes([ENTRY], dir);
    const [name] = await readdir(dir);
    const path = join(dir, name ?? '');
    await writeFile(path, '{"key":');
    expect((await generateSchemaTypes([ENTRY], dir))[0]).toEqual(compiled);
    await writeFile(path, JSON.stringify({ key: 'another', content: 'export type Thing = never;\n' }));
    expect((await generateSchemaTypes([ENTRY], dir))[0]).toEqual(compiled);
    expect(JSON.parse(await readFile(path, 'utf8')).content).toBe(compiled?.content);
  });
});
