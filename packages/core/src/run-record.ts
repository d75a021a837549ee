/**
 * The run record: a `generate` or `generate --check` that found the repository consistent (no error, every
 * generated file equal to a fresh generation, nothing to write or delete) remembers the exact tree it saw and the
 * toolchain that saw it. The next run over the very same tree with the very same toolchain prints the recorded
 * answer without loading, generating or checking anything: its answer cannot differ, because a run is a function
 * of those two and nothing else (ADR 17).
 *
 * What makes that true, and what this module therefore refuses to record or to trust:
 * - **The tree** is hashed in full on every run, content and not timestamps: every folder and every file's path
 *   and bytes, except Git's folders, installed dependencies outside the definition and source folders, the
 *   repository lock and the cache itself. A symbolic link anywhere else, a `node_modules` folder in a folder that
 *   is loaded or rendered (namespaces/, platform/, kubernetes/, charts/), or anything that is neither a file nor a
 *   folder makes the run unrecordable: generation could read through it.
 * - **The toolchain** is hashed too: every file of the workspace's packages (sources, schemas, bin, package.json),
 *   the lockfile, the install's `.modules.yaml`, the Node version and platform, and every `PLATFORM_GEN_*`
 *   variable. The repository must resolve `@platform-gen/core` to this very toolchain.
 * - **Definitions** must all be pure (cacheable-source.ts: their value depends on their bytes alone); the
 *   pipeline says so (`PipelineResult.pure`), and a run with one impure definition records nothing.
 * - **Only a run that changed nothing** records, and only when the tree after it equals the tree before it (no
 *   one edited a file while it ran).
 *
 * The record lives in `runs/` under the cache base (cache-files.ts; `PLATFORM_GEN_CACHE=0` turns it off) and
 * is one small file per repository; `PLATFORM_GEN_RUN_RECORD=0` turns only the record off. A missing,
 * unreadable or corrupt record is a miss, never an error.
 */
import { createHash } from 'node:crypto';
import { type Dirent, existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { getCacheBase, toExactJson, writeCacheFile } from './cache-files.js';
import { readBytes } from './read-bytes.js';
import { entryKind, type SnapshotSeed } from './repo-snapshot.js';
import { findCorePackage, OWN_CORE } from './resolve-core.js';

export const RUN_RECORD_SUBDIR = 'runs';
/** `PLATFORM_GEN_RUN_RECORD=0` turns the record off (every run goes through the pipeline), other caches stay on. */
export const RUN_RECORD_ENV = 'PLATFORM_GEN_RUN_RECORD';
/** Part of every key: bump it when what a record means or holds changes. */
const FORMAT = 'platform-gen run record 1';
/** The repository lock (repo-lock.ts): present while a writing command runs, never an input. */
const LOCK_FILE = '.platform-gen.lock';
/** Folders whose files are loaded or rendered: a dependency folder inside them could change what they produce. */
const READ_ROOTS: ReadonlySet<string> = new Set(['namespaces', 'platform', 'kubernetes', 'charts']);

/** What a run saw: the toolchain and the repository, each as one hash. */
export interface RepositoryState {
  /** The repository (real path) and the toolchain: which record to look up. */
  readonly key: string;
  /** Every folder and file of the repository, content included. */
  readonly tree: string;
}

/**
 * An observation: the state, and with `collect` what was read to hash it (every listing and file's bytes), so
 * the run that follows a miss reads the repository from that (RepoSnapshot) instead of a second time.
 */
export type Observation =
  | { readonly ok: true; readonly state: RepositoryState; readonly reads?: SnapshotSeed }
  | { readonly ok: false; readonly reason: string };

/** An observation that can be recorded. */
export type Observed = Extract<Observation, { readonly ok: true }>;

/** What a consistent run prints besides its one-line summary. */
export interface RunRecord {
  /** Generated files of the consistent repository (the summary line counts them). */
  readonly files: number;
  /** The warnings the run printed, exactly as printed (empty when none). */
  readonly warnings: string;
}

interface StoredRecord extends RunRecord {
  readonly format: string;
  readonly key: string;
  readonly tree: string;
}

/** This toolchain's workspace: packages/core → the folder with pnpm-lock.yaml. */
const WORKSPACE = dirname(dirname(OWN_CORE));

type Hashed = { readonly ok: true; readonly hash: string } | { readonly ok: false; readonly reason: string };

/** The toolchain does not change while this process runs: hashed once. */
let toolchain: Hashed | undefined;

/** Looks at the repository and the toolchain: the state a run starts from, or why none can be recorded. */
export function observeRepository(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
  /**
   * Whether to keep what the hash reads (`reads`): `unrecorded` keeps it only when this repository and toolchain
   * have no record yet, so the run is a miss for certain. Keeping it costs a copy of every file: where a record
   * exists the run is most likely a hit, which needs none (at 10,000 namespaces the copy costs a hit 0.7 s and
   * 250 MB).
   */
  options: { readonly collect?: boolean | 'unrecorded' } = {},
): Observation {
  const base = getCacheBase(root, env);
  if (base === undefined) return { ok: false, reason: 'caching is off' };
  if (env[RUN_RECORD_ENV] === '0') return { ok: false, reason: 'the run record is off' };
  toolchain ??= hashToolchain(WORKSPACE);
  if (!toolchain.ok) return toolchain;
  let real: string;
  try {
    real = realpathSync(root);
  } catch {
    return { ok: false, reason: 'the repository cannot be resolved' };
  }
  if (findCorePackage(real) !== OWN_CORE) {
    return { ok: false, reason: 'the repository resolves @platform-gen/core to another toolchain' };
  }
  const cacheInside = relative(real, safeRealpath(base) ?? base);
  const skip = cacheInside.startsWith('..') || cacheInside === '' ? undefined : cacheInside.split(sep).join('/');
  const key = createHash('sha256')
    .update(`${FORMAT}\0${real}\0${toolchain.hash}\0${settingsOf(env)}`)
    .digest('hex');
  const collect = options.collect === 'unrecorded' ? !existsSync(recordPath(base, key)) : options.collect;
  const reads: SnapshotSeed | undefined = collect === true ? { listings: new Map(), files: new Map() } : undefined;
  const tree = hashTree(real, skip, false, reads);
  if (!tree.ok) return tree;
  const state = { key, tree: tree.hash };
  return reads === undefined ? { ok: true, state } : { ok: true, state, reads };
}

/** The record of a consistent run over exactly this state, or undefined. */
export function readRunRecord(
  root: string,
  state: RepositoryState,
  env: NodeJS.ProcessEnv = process.env,
): RunRecord | undefined {
  const file = recordFile(root, state, env);
  if (file === undefined) return undefined;
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredRecord>;
    if (stored.format !== FORMAT || stored.key !== state.key || stored.tree !== state.tree) return undefined;
    if (typeof stored.files !== 'number' || !Number.isInteger(stored.files) || stored.files < 0) return undefined;
    if (typeof stored.warnings !== 'string') return undefined;
    return { files: stored.files, warnings: stored.warnings };
  } catch {
    return undefined;
  }
}

/**
 * Records a consistent run that started from `before`, if the repository still is exactly as it was (looked at
 * again now). Returns whether a record was written.
 */
export async function writeRunRecord(
  root: string,
  before: RepositoryState,
  record: RunRecord,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const after = observeRepository(root, env);
  if (!after.ok || after.state.key !== before.key || after.state.tree !== before.tree) return false;
  const file = recordFile(root, before, env);
  if (file === undefined) return false;
  const stored: StoredRecord = { format: FORMAT, key: before.key, tree: before.tree, ...record };
  const text = toExactJson(stored);
  if (text === undefined || !(await writeCacheFile(file, text))) return false;
  pruneRunRecords(dirname(file), Date.now());
  return true;
}

/** Records of repositories not seen for this long are deleted (tests and benches leave one per temporary copy). */
export const RUN_RECORD_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

/** Deletes records (and stray temporary files) older than RUN_RECORD_MAX_AGE_MS; failures are ignored. */
export function pruneRunRecords(dir: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs > RUN_RECORD_MAX_AGE_MS) rmSync(path, { force: true });
    } catch {
      // Gone already, or not ours to delete: a cache that cannot prune only grows.
    }
  }
}

/** One record per repository and toolchain: a newer consistent state replaces the older one. */
export function recordFile(root: string, state: RepositoryState, env: NodeJS.ProcessEnv): string | undefined {
  const base = getCacheBase(root, env);
  return base === undefined ? undefined : recordPath(base, state.key);
}

function recordPath(base: string, key: string): string {
  return join(base, RUN_RECORD_SUBDIR, `${key}.json`);
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The toolchain's files: its packages, lockfile, install manifest and the Node that runs it. */
export function hashToolchain(workspace: string): Hashed {
  if (!existsSync(join(workspace, 'pnpm-lock.yaml')) || !existsSync(join(workspace, 'packages'))) {
    return { ok: false, reason: 'platform-gen is not running from its workspace' };
  }
  const hash = createHash('sha256').update(`${FORMAT}\0${process.version}\0${process.platform}\0${process.arch}\0`);
  for (const file of ['pnpm-lock.yaml', 'package.json', 'tsconfig.json', join('node_modules', '.modules.yaml')]) {
    hash.update(`\0${file}\0`);
    try {
      hash.update(readFileSync(join(workspace, file)));
    } catch {
      hash.update('(none)');
    }
  }
  const packages = hashTree(join(workspace, 'packages'), undefined, true);
  if (!packages.ok) return packages;
  return { ok: true, hash: hash.update(packages.hash).digest('hex') };
}

/** Every `PLATFORM_GEN_*` variable, sorted: settings that may change what a run does. */
function settingsOf(env: NodeJS.ProcessEnv): string {
  const settings = Object.entries(env)
    .filter(([name]) => name.startsWith('PLATFORM_GEN_'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(settings);
}

/**
 * Hashes every folder and file below `top` in a fixed order. `toolchain` skips every `node_modules` (the
 * lockfile and `.modules.yaml` stand for them); a repository skips them only outside READ_ROOTS.
 */
function hashTree(top: string, skip: string | undefined, toolchain = false, reads?: SnapshotSeed): Hashed {
  const hash = createHash('sha256');
  const pending: string[] = [''];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir === '' ? top : join(top, dir), { withFileTypes: true });
    } catch {
      return { ok: false, reason: `cannot list ${dir || '.'}` };
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    reads?.listings.set(dir, new Map(entries.map((entry) => [entry.name, entryKind(entry)] as const)));
    hash.update(`D\0${dir}\0`);
    const below: string[] = [];
    for (const entry of entries) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (path === skip || entry.name === '.git' || (dir === '' && entry.name === LOCK_FILE && !toolchain)) continue;
      if (entry.name === 'node_modules') {
        if (toolchain || !READ_ROOTS.has(path.split('/')[0] as string)) continue;
        return { ok: false, reason: `${path}: a dependency folder among the definitions or sources` };
      }
      if (entry.isDirectory()) below.push(path);
      else if (entry.isFile()) {
        const bytes = readBytes(join(top, path));
        if (bytes === undefined) return { ok: false, reason: `cannot read ${path}` };
        hash.update(`F\0${path}\0${bytes.length}\0`);
        hash.update(bytes);
        // A copy: readBytes returns a view of the buffer its next read overwrites.
        reads?.files.set(path, Buffer.from(bytes));
      } else {
        const what = entry.isSymbolicLink() ? 'a symbolic link' : 'neither a file nor a folder';
        return { ok: false, reason: `${path}: ${what}` };
      }
    }
    // Depth first, in name order: the folders of this one are visited before the next sibling's.
    for (let i = below.length - 1; i >= 0; i--) pending.push(below[i] as string);
  }
  return { ok: true, hash: hash.digest('hex') };
}
