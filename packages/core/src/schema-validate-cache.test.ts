import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TEST_PLATFORM } from './testing.js';

// Each case imports a fresh copy of schema-validate.ts: the validators live in module state, as in a new process.

type Module = typeof import('./schema-validate.js');
const fresh = async (): Promise<Module> => {
  vi.resetModules();
  return import('./schema-validate.js');
};

const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

const SAMPLES: [Parameters<Module['validateAgainstSchema']>[0], unknown][] = [
  ['platform', TEST_PLATFORM],
  ['platform', { ...TEST_PLATFORM, name: 'Not Valid', extra: 1 }],
  ['namespace', { name: 'a', team: 't', vault: { approvedPrefixes: ['/x', 'y*'] }, podSecurity: 'none' }],
  ['namespace', { name: 1 }],
  ['secrets', { secrets: [{ name: 'A', key: 'x//y', properties: [1, 1] }] }],
];

const validateAll = (module: Module) =>
  SAMPLES.map(([kind, value]) => module.validateAgainstSchema(kind, value, 'f.ts'));

describe('prepareSchemaValidators: validators compiled once, kept across processes', () => {
  it('stores the compiled validators, then loads them; the issues are the same as compiling', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'platform-gen-validators-'));
    temporary.push(dir);
    const compiling = await fresh();
    expect(compiling.prepareSchemaValidators(dir)).toBe(false);
    const expected = validateAll(compiling);
    expect(expected[0]).toEqual([]);
    expect(expected.slice(1).every((issues) => issues.length > 0)).toBe(true);
    expect((await readdir(dir)).filter((n) => n.endsWith('.json'))).toHaveLength(1);

    const loading = await fresh();
    expect(loading.prepareSchemaValidators(dir)).toBe(true);
    expect(validateAll(loading)).toEqual(expected);
    // Without the folder: compiled on first use, the same issues.
    const plain = await fresh();
    expect(plain.prepareSchemaValidators(undefined)).toBe(false);
    expect(validateAll(plain)).toEqual(expected);
  });

  it('ignores a stored file whose code does not match its digest, or that is not JSON, and compiles again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'platform-gen-validators-'));
    temporary.push(dir);
    const first = await fresh();
    first.prepareSchemaValidators(dir);
    const expected = validateAll(first);
    const [name] = (await readdir(dir)).filter((n) => n.endsWith('.json'));
    const path = join(dir, name ?? '');
    const entry = JSON.parse(await readFile(path, 'utf8')) as { code: string };
    // Valid JavaScript that accepts everything, under the old digest.
    await writeFile(
      path,
      JSON.stringify({ ...entry, code: entry.code.replace(/return errors === 0;/g, 'return true;') }),
    );
    const tampered = await fresh();
    expect(tampered.prepareSchemaValidators(dir)).toBe(false);
    expect(validateAll(tampered)).toEqual(expected);
    await writeFile(path, '{"format":');
    const truncated = await fresh();
    expect(truncated.prepareSchemaValidators(dir)).toBe(false);
    expect(validateAll(truncated)).toEqual(expected);
    // Rewritten whole by the last compile.
    expect((await fresh()).prepareSchemaValidators(dir)).toBe(true);
  });
});
