/**
 * What platform-gen's disk caches (rendered sources, loaded definitions, compiled validators) share: where they
 * live, how an entry is written so a reader sees none or a whole one, and which values JSON carries exactly.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The base of platform-gen's caches for a repository, or undefined when caching is off: `PLATFORM_GEN_CACHE=0`
 * turns every cache off; `PLATFORM_GEN_CACHE_DIR` names the base; otherwise `node_modules/.cache/platform-gen`
 * of the repository (git-ignored), or none when the repository has no node_modules. Each cache is a folder
 * under it (`render/`, `definitions/`, `validators/`).
 */
export function getCacheBase(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PLATFORM_GEN_CACHE === '0') return undefined;
  const configured = env.PLATFORM_GEN_CACHE_DIR;
  if (configured !== undefined && configured !== '') return configured;
  const modules = join(root, 'node_modules');
  return existsSync(modules) ? join(modules, '.cache', 'platform-gen') : undefined;
}

/**
 * Writes `text` to `target` through a temporary file renamed into place (creating the folder), so parallel
 * writers of one entry each write it whole and a reader sees no entry or a whole one. Any failure is reported as
 * `false`, never thrown: a cache that cannot write is a cache that misses.
 */
export async function writeCacheFile(target: string, text: string): Promise<boolean> {
  const temporary = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temporary, text);
    await rename(temporary, target);
    return true;
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
    return false;
  }
}

/** JSON that parses back to the same value, or undefined when the value holds something JSON would change. */
export function toExactJson(value: unknown): string | undefined {
  let exact = true;
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key, replaced: unknown) {
    const raw = this[key];
    if (
      raw instanceof Date ||
      typeof raw === 'bigint' ||
      typeof raw === 'function' ||
      typeof raw === 'symbol' ||
      (raw === undefined && key !== '') ||
      (typeof raw === 'number' && (!Number.isFinite(raw) || Object.is(raw, -0)))
    )
      exact = false;
    return replaced;
  });
  return exact ? text : undefined;
}
