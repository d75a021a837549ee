/**
 * The render cache on disk: what `helm template` and `kubectl kustomize` printed for an exact input, kept
 * across processes, so a `generate` or `validate` that changes nothing runs neither tool. An entry's name is a
 * SHA-256 over everything the tool could see (its binary, its argv, every input file's path and content), so
 * an entry is never stale, only unused: several repositories (temporary test repositories link the
 * workspace's node_modules) and parallel processes can share one folder. Every failure here (unreadable,
 * corrupt, read-only, full disk) makes a miss, never an error: the cache only saves time.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getCacheBase, toExactJson, writeCacheFile } from './cache-files.js';

/** Part of every key: bump it when render.ts changes what it does with a tool's output or its inputs. */
const KEY_FORMAT = 'platform-gen render cache 1';

/** Entries not used for this long are deleted. */
export const RENDER_CACHE_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** Above this total size, the least recently used entries are deleted. */
export const RENDER_CACHE_MAX_BYTES = 256 * 1024 * 1024;
/** A process prunes a folder at most once, and only when no process has pruned it for this long. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** A temporary file older than this belongs to a process that died while writing. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const PRUNE_MARKER = '.last-prune';

/** The render cache's folder (`render` under the cache base, see cache-files.ts), or undefined when caching is off. */
export function getRenderCacheDir(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = getCacheBase(root, env);
  return base === undefined ? undefined : join(base, 'render');
}

export interface RenderKeyParts {
  /** The tool's identity, e.g. the hash of its binary (`getToolIdentityOrThrow`). */
  readonly tool: string;
  /** The exact command line, the input folder written as a placeholder. */
  readonly argv: readonly string[];
  /** Every file the tool can read: its path relative to the input folder, and its content. */
  readonly files: readonly (readonly [string, string])[];
}

/** SHA-256 over the parts, each length-prefixed so no two different inputs hash the same bytes. */
export function renderCacheKey(parts: RenderKeyParts): string {
  const hash = createHash('sha256');
  const add = (text: string) => {
    hash.update(`${Buffer.byteLength(text)}:`);
    hash.update(text);
  };
  add(KEY_FORMAT);
  add(parts.tool);
  add(String(parts.argv.length));
  for (const arg of parts.argv) add(arg);
  add(String(parts.files.length));
  for (const [path, content] of parts.files) {
    add(path);
    add(content);
  }
  return hash.digest('hex');
}

interface Entry {
  readonly format: string;
  readonly key: string;
  readonly objects: readonly Record<string, unknown>[];
}

function entryPath(dir: string, key: string): string {
  return join(dir, `${key}.json`);
}

/**
 * The objects cached under `key`, or undefined: no entry, or one that is unreadable, truncated or not this
 * key's (it is rewritten after the render). A hit refreshes the entry's mtime: pruning is by last use.
 */
export async function readRenderCache(
  dir: string,
  key: string,
): Promise<readonly Record<string, unknown>[] | undefined> {
  const path = entryPath(dir, key);
  let entry: unknown;
  try {
    entry = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isEntry(entry) || entry.format !== KEY_FORMAT || entry.key !== key) return undefined;
  const now = new Date();
  await utimes(path, now, now).catch(() => undefined);
  return entry.objects;
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const { objects } = value as { objects?: unknown };
  return Array.isArray(objects) && objects.every((o) => typeof o === 'object' && o !== null && !Array.isArray(o));
}

/**
 * Stores the objects under `key`: written to a temporary file and renamed, so a reader (another test worker,
 * a second `generate`) sees either no entry or a whole one, and two writers of one key both write the same
 * bytes. Objects JSON cannot carry exactly (a non-finite number, a date) are not cached. Returns whether the
 * entry was written. Prunes the folder afterwards, at most once per process.
 */
export async function writeRenderCache(
  dir: string,
  key: string,
  objects: readonly Record<string, unknown>[],
): Promise<boolean> {
  const text = toExactJson({ format: KEY_FORMAT, key, objects } satisfies Entry);
  if (text === undefined) return false;
  if (!(await writeCacheFile(entryPath(dir, key), text))) return false;
  if (!PRUNED.has(dir)) {
    PRUNED.add(dir);
    await pruneRenderCache(dir, { onlyIfDue: true });
  }
  return true;
}

/** Folders this process has pruned (or decided not to). */
const PRUNED = new Set<string>();

export interface PruneOptions {
  /** Skip when the folder was pruned less than an hour ago (by any process). */
  readonly onlyIfDue?: boolean;
  readonly now?: number;
  readonly maxAgeMs?: number;
  readonly maxBytes?: number;
}

/**
 * Deletes entries not used for `maxAgeMs` (7 days), then the least recently used until the rest fit in
 * `maxBytes` (256 MB), and temporary files of writers that died. Another process deleting the same file at
 * the same time is fine; a reader that loses its entry re-renders.
 */
export async function pruneRenderCache(dir: string, options: PruneOptions = {}): Promise<void> {
  const now = options.now ?? Date.now();
  const maxAgeMs = options.maxAgeMs ?? RENDER_CACHE_MAX_AGE_MS;
  const maxBytes = options.maxBytes ?? RENDER_CACHE_MAX_BYTES;
  const marker = join(dir, PRUNE_MARKER);
  if (options.onlyIfDue === true) {
    const last = await stat(marker).catch(() => undefined);
    if (last !== undefined && now - last.mtimeMs < PRUNE_INTERVAL_MS) return;
  }
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const entries: { path: string; size: number; used: number }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) continue;
    if (name.endsWith('.tmp')) {
      if (now - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true }).catch(() => undefined);
    } else if (name.endsWith('.json')) {
      if (now - info.mtimeMs > maxAgeMs) await rm(path, { force: true }).catch(() => undefined);
      else entries.push({ path, size: info.size, used: info.mtimeMs });
    }
  }
  entries.sort((a, b) => b.used - a.used);
  let total = 0;
  for (const entry of entries) {
    total += entry.size;
    if (total > maxBytes) await rm(entry.path, { force: true }).catch(() => undefined);
  }
  await writeFile(marker, '').catch(() => undefined);
  const stamp = new Date(now);
  await utimes(marker, stamp, stamp).catch(() => undefined);
}
