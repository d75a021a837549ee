import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getCacheBase } from './cache-files.js';
import {
  definitionCacheKey,
  getDefinitionCacheDir,
  getToolchainIdentity,
  getValidatorCacheDir,
  readDefinitionCache,
  writeDefinitionCache,
} from './definition-cache.js';

const WORKSPACE_ROOT = join(import.meta.dirname, '..', '..', '..');
const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'platform-gen-defcache-'));
  temporary.push(dir);
  return dir;
}

describe('definition cache: folders and switches', () => {
  it('lives under node_modules/.cache/platform-gen, or the configured base; PLATFORM_GEN_CACHE=0 turns it off', () => {
    const root = WORKSPACE_ROOT;
    const base = join(root, 'node_modules', '.cache', 'platform-gen');
    expect(getCacheBase(root, {})).toBe(base);
    expect(getDefinitionCacheDir(root, {})).toBe(join(base, 'definitions'));
    expect(getValidatorCacheDir(root, {})).toBe(join(base, 'validators'));
    expect(getDefinitionCacheDir(root, { PLATFORM_GEN_CACHE_DIR: '/somewhere' })).toBe('/somewhere/definitions');
    expect(getDefinitionCacheDir(root, { PLATFORM_GEN_CACHE: '0', PLATFORM_GEN_CACHE_DIR: '/x' })).toBeUndefined();
    expect(getValidatorCacheDir(root, { PLATFORM_GEN_CACHE: '0' })).toBeUndefined();
    expect(getDefinitionCacheDir('/no/such/repository', {})).toBeUndefined();
  });
});

describe('definition cache: keys and entries', () => {
  it('keys differ by file, kind, bytes and toolchain', () => {
    const bytes = Buffer.from('export default 1;');
    const key = definitionCacheKey('tool', 'a.ts', 'namespace', bytes);
    expect(definitionCacheKey('tool', 'a.ts', 'namespace', Buffer.from('export default 1;'))).toBe(key);
    expect(definitionCacheKey('tool', 'b.ts', 'namespace', bytes)).not.toBe(key);
    expect(definitionCacheKey('tool', 'a.ts', 'secrets', bytes)).not.toBe(key);
    expect(definitionCacheKey('other', 'a.ts', 'namespace', bytes)).not.toBe(key);
    expect(definitionCacheKey('tool', 'a.ts', 'namespace', Buffer.from('export default 2;'))).not.toBe(key);
  });

  it('stores and reads a load; refuses values JSON would change (-0); a missing entry is a miss', async () => {
    const dir = await tempDir();
    const key = 'a'.repeat(64);
    expect(readDefinitionCache(dir, key)).toBeUndefined();
    expect(await writeDefinitionCache(dir, key, { data: { a: [1, 'x', null, true] }, issues: [] })).toBe(true);
    expect(readDefinitionCache(dir, key)).toEqual({ data: { a: [1, 'x', null, true] }, issues: [] });
    expect(await writeDefinitionCache(dir, 'b'.repeat(64), { data: { a: -0 }, issues: [] })).toBe(false);
    expect((await readdir(dir)).sort()).toEqual([`${key}.json`]);
  });
});

describe('definition cache: the toolchain identity', () => {
  it('is stable, and absent when @platform-gen/core does not resolve or a tsconfig could redirect imports', async () => {
    const first = getToolchainIdentity(WORKSPACE_ROOT, WORKSPACE_ROOT);
    expect(first.ok).toBe(true);
    expect(getToolchainIdentity(WORKSPACE_ROOT, WORKSPACE_ROOT)).toEqual(first);
    const bare = await tempDir();
    expect(getToolchainIdentity(bare, bare)).toMatchObject({ ok: false });
    const repo = await tempDir();
    await symlink(join(WORKSPACE_ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
    await writeFile(join(repo, 'package.json'), '{ "type": "module" }');
    const plain = getToolchainIdentity(repo, repo);
    expect(plain.ok).toBe(true);
    await writeFile(join(repo, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }');
    const withTsconfig = getToolchainIdentity(repo, repo);
    expect(withTsconfig.ok && plain.ok && withTsconfig.hash !== plain.hash).toBe(true);
    await writeFile(join(repo, 'tsconfig.json'), '{ "compilerOptions": { "paths": { "@platform-gen/core": ["x"] } } }');
    expect(getToolchainIdentity(repo, repo)).toMatchObject({ ok: false });
  });
});
