/**
 * The definition cache on disk: what loading a definition file produced (its plain data, or the issues that
 * stopped it), kept across processes so a `generate` whose definitions did not change imports nothing and
 * starts no loader thread.
 *
 * An entry's name is a SHA-256 over the file's path, its kind, its bytes and the toolchain's identity (every
 * source file of the core package that loads definitions and of the one the definitions import, the tsx and
 * Node versions, the tsconfig tsx reads), so an entry is never stale, only unused. Only files that pass the
 * rule of cacheable-source.ts are stored: their value can depend on nothing but those inputs. Every failure
 * here (unreadable, corrupt, read-only, full disk) is a miss, never an error: the cache only saves time.
 *
 * Folder: `node_modules/.cache/platform-gen/definitions` of the repository, or `definitions` under
 * `PLATFORM_GEN_CACHE_DIR`; none when `PLATFORM_GEN_CACHE=0` (beside the render cache, same switches).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, futimesSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { getCacheBase, toExactJson, writeCacheFile } from './cache-files.js';
import type { DefinitionKind } from './define.js';
import type { Issue } from './issues.js';
import { findCorePackage, findUp, OWN_CORE } from './resolve-core.js';

/** Part of every key: bump it when the loader changes what it stores or how a file is loaded. */
const KEY_FORMAT = 'platform-gen definition cache 1';

export const DEFINITION_CACHE_SUBDIR = 'definitions';
export const VALIDATOR_CACHE_SUBDIR = 'validators';
/** Entries not used for this long are deleted (a hit older than a day refreshes the entry's mtime). */
export const DEFINITION_CACHE_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;
const REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const STALE_TEMP_MS = 60 * 60 * 1000;
const PRUNE_MARKER = '.last-prune';

/** The definition cache's folder (`definitions` under the base), or undefined when caching is off. */
export function getDefinitionCacheDir(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = getCacheBase(root, env);
  return base === undefined ? undefined : join(base, DEFINITION_CACHE_SUBDIR);
}

/** Where schema-validate.ts keeps the validators Ajv compiled (`validators` under the base). */
export function getValidatorCacheDir(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = getCacheBase(root, env);
  return base === undefined ? undefined : join(base, VALIDATOR_CACHE_SUBDIR);
}

/** What a cached load holds: the plain data when the file loaded without issues, else its issues. */
export interface CachedLoad {
  readonly data?: unknown;
  readonly issues: readonly Issue[];
}

interface Entry extends CachedLoad {
  readonly format: string;
  readonly key: string;
}

/** The toolchain's part of every key, or undefined (with the reason) when nothing may be cached. */
export type ToolchainIdentity =
  | { readonly ok: true; readonly hash: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Hashes what evaluating a cacheable definition can depend on besides its text: the source files of this core
 * package (the loader, plain-data copying, the issues it reports) and of the `@platform-gen/core` the
 * repository resolves (the define functions a definition calls, and every module its index imports), tsx's and
 * Node's versions, the package.json nearest the repository root (its `type`), and the tsconfig.json tsx reads
 * (from the working folder up). A tsconfig with `paths`,
 * `baseUrl` or `extends` could redirect `@platform-gen/core` elsewhere: then nothing is cached.
 */
export function getToolchainIdentity(root: string, cwd: string = process.cwd()): ToolchainIdentity {
  const nearestPackage = findUp(root, 'package.json');
  const resolvedCore = findCorePackage(root);
  if (resolvedCore === undefined)
    return { ok: false, reason: '@platform-gen/core is not installed for the repository' };
  if (nearestPackage !== undefined && /"name"\s*:\s*"@platform-gen\/core"/.test(readFileSync(nearestPackage, 'utf8'))) {
    // The package imports itself by name: not the node_modules lookup below.
    return { ok: false, reason: 'the repository is the @platform-gen/core package' };
  }
  const hash = createHash('sha256');
  const add = (text: string | Buffer) => {
    hash.update(`${Buffer.byteLength(text)}:`);
    hash.update(text);
  };
  add(KEY_FORMAT);
  add(process.version);
  const tsconfig = findTsconfig(cwd);
  if (tsconfig !== undefined) {
    const text = readFileSync(tsconfig, 'utf8');
    if (/"(?:paths|baseUrl|extends)"/.test(text)) {
      return { ok: false, reason: `${tsconfig} has paths, baseUrl or extends, which could redirect imports` };
    }
    add(tsconfig);
    add(text);
  }
  try {
    const require = createRequire(join(OWN_CORE, 'package.json'));
    add(readFileSync(require.resolve('tsx/package.json')));
  } catch {
    return { ok: false, reason: 'tsx not found' };
  }
  if (nearestPackage !== undefined) {
    // Its `type` decides whether a .ts file runs as an ES module.
    add(nearestPackage);
    add(readFileSync(nearestPackage));
  }
  for (const dir of resolvedCore === OWN_CORE ? [OWN_CORE] : [OWN_CORE, resolvedCore]) {
    add(dir);
    for (const file of sourceFiles(dir)) {
      add(file);
      add(readFileSync(join(dir, file)));
    }
  }
  return { ok: true, hash: hash.digest('hex') };
}

/** The tsconfig.json tsx uses: `TSX_TSCONFIG_PATH`, else the nearest one from the working folder up. */
function findTsconfig(cwd: string): string | undefined {
  const configured = process.env.TSX_TSCONFIG_PATH;
  if (configured !== undefined && configured !== '') return join(cwd, configured);
  return findUp(cwd, 'tsconfig.json');
}

/**
 * Every source file of a package (package.json, src/, schemas/, ...; not node_modules, dot-folders or tests),
 * sorted, relative, POSIX separators.
 */
function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(?:[cm]?[jt]s|json)$/.test(entry.name) && !/\.test\.[cm]?[jt]s$/.test(entry.name)) found.push(path);
    }
  };
  walk('');
  return found.sort();
}

/** The key of one definition file's load. */
export function definitionCacheKey(identity: string, file: string, kind: DefinitionKind, bytes: Buffer): string {
  const hash = createHash('sha256');
  for (const part of [identity, file, kind]) hash.update(`${Buffer.byteLength(part)}:${part}`);
  hash.update(`${bytes.length}:`);
  hash.update(bytes);
  return hash.digest('hex');
}

function entryPath(dir: string, key: string): string {
  return join(dir, `${key}.json`);
}

/**
 * The load cached under `key`, or undefined: no entry, or one that is unreadable, truncated or not this key's.
 * A hit on an entry last used more than a day ago refreshes its mtime (pruning goes by last use). Synchronous:
 * thousands of small reads are several times faster than through the thread pool, and nothing else runs
 * while the definitions load.
 */
export function readDefinitionCache(dir: string, key: string): CachedLoad | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(entryPath(dir, key), 'r');
    const info = fstatSync(fd);
    const entry: unknown = JSON.parse(readFileSync(fd, 'utf8'));
    if (!isEntry(entry) || entry.key !== key) return undefined;
    if (Date.now() - info.mtimeMs > REFRESH_AFTER_MS) {
      const now = new Date();
      try {
        futimesSync(fd, now, now);
      } catch {
        // A read-only cache still serves hits.
      }
    }
    return entry.issues.length === 0 ? { data: entry.data, issues: [] } : { issues: entry.issues };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The pack: every entry the last load of one repository used, in one file, so a load where nothing changed
 * reads one file instead of one per definition. Named by the repository's path; its entries are checked like
 * single ones (a pack of another toolchain or format, or a corrupt one, is ignored).
 */
function packPath(dir: string, root: string): string {
  return join(dir, `pack-${createHash('sha256').update(root).digest('hex').slice(0, 32)}.json`);
}

interface Pack {
  readonly format: string;
  readonly entries: readonly (readonly [string, CachedLoad])[];
}

export function readDefinitionPack(dir: string, root: string): Map<string, CachedLoad> | undefined {
  const path = packPath(dir, root);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const info = fstatSync(fd);
    const pack = JSON.parse(readFileSync(fd, 'utf8')) as Partial<Pack>;
    if (pack.format !== KEY_FORMAT || !Array.isArray(pack.entries)) return undefined;
    const found = new Map<string, CachedLoad>();
    for (const item of pack.entries as unknown[]) {
      if (!Array.isArray(item) || typeof item[0] !== 'string') return undefined;
      const entry: unknown = { format: KEY_FORMAT, key: item[0], ...(item[1] as object) };
      if (!isEntry(entry)) return undefined;
      found.set(entry.key, entry.issues.length === 0 ? { data: entry.data, issues: [] } : { issues: entry.issues });
    }
    if (Date.now() - info.mtimeMs > REFRESH_AFTER_MS) {
      const now = new Date();
      try {
        futimesSync(fd, now, now);
      } catch {
        // A read-only cache still serves hits.
      }
    }
    return found;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Replaces the repository's pack (temporary file and rename). Returns whether it was written. */
export async function writeDefinitionPack(
  dir: string,
  root: string,
  entries: readonly (readonly [string, CachedLoad])[],
): Promise<boolean> {
  const text = toExactJson({ format: KEY_FORMAT, entries } satisfies Pack);
  if (text === undefined) return false;
  return writeCacheFile(packPath(dir, root), text);
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<Entry>;
  if (entry.format !== KEY_FORMAT || typeof entry.key !== 'string' || !Array.isArray(entry.issues)) return false;
  if (entry.issues.length === 0) return 'data' in entry;
  return entry.issues.every(
    (i: unknown) =>
      typeof i === 'object' &&
      i !== null &&
      typeof (i as Issue).code === 'string' &&
      typeof (i as Issue).message === 'string' &&
      typeof (i as Issue).file === 'string' &&
      ((i as Issue).severity === 'error' || (i as Issue).severity === 'warning'),
  );
}

/**
 * Stores a load under `key`: a temporary file renamed into place, so a reader sees no entry or a whole one.
 * A value JSON would not carry exactly (-0, a non-finite number, undefined) is not stored. Returns whether it was.
 */
export async function writeDefinitionCache(dir: string, key: string, load: CachedLoad): Promise<boolean> {
  const entry: Entry = { format: KEY_FORMAT, key, ...load };
  const text = toExactJson(entry);
  if (text === undefined) return false;
  return writeCacheFile(entryPath(dir, key), text);
}

/** Creates the folder; false when it cannot be (read-only file system, a file in the way). */
export async function prepareDefinitionCacheDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

const PRUNED = new Set<string>();

/**
 * Deletes entries not used for 14 days and temporary files of writers that died; at most once an hour per
 * folder (by any process) and once per process. Called after writing, never on a run that only reads.
 */
export async function pruneDefinitionCache(dir: string, now: number = Date.now()): Promise<void> {
  if (PRUNED.has(dir)) return;
  PRUNED.add(dir);
  const marker = join(dir, PRUNE_MARKER);
  const last = await stat(marker).catch(() => undefined);
  if (last !== undefined && now - last.mtimeMs < PRUNE_INTERVAL_MS) return;
  await writeFile(marker, '').catch(() => undefined);
  const stamp = new Date(now);
  await utimes(marker, stamp, stamp).catch(() => undefined);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.endsWith('.json') && !name.endsWith('.tmp')) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) continue;
    const limit = name.endsWith('.tmp') ? STALE_TEMP_MS : DEFINITION_CACHE_MAX_AGE_MS;
    if (now - info.mtimeMs > limit) await rm(path, { force: true }).catch(() => undefined);
  }
}
