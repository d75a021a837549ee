/**
 * Finds and imports the definition files of a platform repository. This module and the writer are
 * the only parts of core that touch the disk; everything after loading is pure.
 *
 * Layout: `platform/platform.ts` and `namespaces/<name>/{namespace,secrets}.ts`, each with
 * `export default defineX({...})`. A file whose text passes the rule of cacheable-source.ts (literals and the
 * define functions only) is imported in this thread, and what it loaded to is cached by its bytes
 * (definition-cache.ts); every other file is imported in a worker thread (_load-worker.ts), bounded in time.
 * When no such file is to be imported, no thread is started.
 */
import { type Dirent, lstatSync, readdirSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromWorker, WorkerInput } from './_load-protocol.js';
import { checkCacheableSource } from './cacheable-source.js';
import type { DefinitionKind } from './define.js';
import {
  type CachedLoad,
  definitionCacheKey,
  getDefinitionCacheDir,
  getToolchainIdentity,
  getValidatorCacheDir,
  prepareDefinitionCacheDir,
  pruneDefinitionCache,
  readDefinitionCache,
  readDefinitionPack,
  writeDefinitionCache,
  writeDefinitionPack,
} from './definition-cache.js';
import { type Issue, issue, quote } from './issues.js';
import { loadDefinitionModule } from './load-module.js';
import { mapLimited } from './map-limited.js';
import { explainDnsLabel } from './names.js';
import { readBytes } from './read-bytes.js';
import { prepareSchemaValidators } from './schema-validate.js';

export const PLATFORM_FILE = 'platform/platform.ts';
export const NAMESPACES_DIR = 'namespaces';
export const NAMESPACE_FILE = 'namespace.ts';
export const SECRETS_FILE = 'secrets.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface LoadedDefinition {
  readonly kind: DefinitionKind;
  /** Repository-relative path. */
  readonly file: string;
  /** The exported value as plain data, not yet validated. */
  readonly data: unknown;
}

export interface LoadedNamespaceFolder {
  /** Folder name under namespaces/. */
  readonly folder: string;
  readonly dir: string;
  readonly namespace: LoadedDefinition | undefined;
  readonly secrets: LoadedDefinition | undefined;
}

export interface LoadedDefinitions {
  readonly platform: LoadedDefinition | undefined;
  /** Sorted by folder name. */
  readonly namespaces: readonly LoadedNamespaceFolder[];
  readonly issues: readonly Issue[];
  /**
   * True when every definition's value is known to depend on its bytes alone (each one a definition-cache hit,
   * or cacheable by cacheable-source.ts's rule and imported): the run record (run-record.ts) trusts only such runs.
   */
  readonly pure?: boolean;
}

/** Default time one definition file may take to load; `PLATFORM_GEN_LOAD_TIMEOUT_MS` overrides it. */
export const DEFAULT_LOAD_TIMEOUT_MS = 20_000;
export const LOAD_TIMEOUT_ENV = 'PLATFORM_GEN_LOAD_TIMEOUT_MS';
/** Imports in flight at once in the loader thread (measured: 8 is about three times faster than 1 on 2 cores). */
export const DEFAULT_LOAD_CONCURRENCY = 8;

export interface LoadOptions {
  /** Time one definition file may take to import and copy, in ms. Default: the env variable, else 20 s. */
  readonly timeoutMs?: number;
  /** Imports in flight at once; 1 imports one file after the other. Default: DEFAULT_LOAD_CONCURRENCY. */
  readonly concurrency?: number;
}

/** What the loader did in this process: for tests and the bench (a cache hit starts no thread). */
export interface LoaderStats {
  /** Loader threads started. */
  workerStarts: number;
  /** Definition files served from the cache. */
  cacheHits: number;
  /** Definition files imported. */
  imported: number;
  /** Cache entries written. */
  cacheWrites: number;
}

const stats: LoaderStats = { workerStarts: 0, cacheHits: 0, imported: 0, cacheWrites: 0 };

/** A copy of the counters since the process started. */
export function getLoaderStats(): LoaderStats {
  return { ...stats };
}

interface PendingFile {
  readonly file: string;
  readonly kind: DefinitionKind;
  /** No package.json or node_modules in the file's folders below the root (they could change how it loads). */
  readonly plainFolder: boolean;
}

interface MissedFile extends PendingFile {
  readonly absolute: string;
  /** Present when the result may be stored: the cache key and the bytes it was computed from. */
  readonly store?: { readonly key: string; readonly bytes: Buffer };
}

/**
 * Definitions are imported in one worker thread, not in this one: a definition that loops forever, waits on
 * something that never settles or calls process.exit() stops only that thread. Each file has `timeoutMs`;
 * when it runs out the worker is terminated and the file it was loading is reported (E_DEFINITION_TIMEOUT).
 * Several files are imported at once; when the thread stops while more than one was running, those are imported
 * again one at a time in a new thread, so the report names the one that stops it.
 */
export async function loadDefinitions(root: string, options: LoadOptions = {}): Promise<LoadedDefinitions> {
  const issues: Issue[] = [];
  const pending: PendingFile[] = [];

  const platformFound = definitionFile(root, PLATFORM_FILE, issues);
  if (platformFound)
    pending.push({ file: PLATFORM_FILE, kind: 'platform', plainFolder: isPlainFolder(root, 'platform') });
  else if (platformFound === undefined) {
    issues.push(
      issue({
        code: 'E_PLATFORM_MISSING',
        file: PLATFORM_FILE,
        line: 1,
        path: '',
        message: `${PLATFORM_FILE} does not exist`,
        hint: 'create it with `export default definePlatform({ ... })` (see the example in the README)',
      }),
    );
  }

  const listing = listNamespaceFolders(root, issues);
  const layout: { folder: string; dir: string; namespaceFile: string; secretsFile: string | undefined }[] = [];
  for (const folder of listing.folders) {
    const dir = `${NAMESPACES_DIR}/${folder}`;
    const namespaceFile = `${dir}/${NAMESPACE_FILE}`;
    const secretsFile = `${dir}/${SECRETS_FILE}`;
    const entries = checkNamespaceFiles(root, dir, issues);
    const plainFolder = listing.plain && !entries.some(isPackageScope);
    const namespaceFound = folderFile(entries, namespaceFile, NAMESPACE_FILE, issues);
    if (namespaceFound) pending.push({ file: namespaceFile, kind: 'namespace', plainFolder });
    else if (namespaceFound === undefined) {
      issues.push(
        issue({
          code: 'E_NS_DEFINITION_MISSING',
          file: namespaceFile,
          line: 1,
          path: '',
          message: `folder ${dir}/ has no ${NAMESPACE_FILE}`,
          hint: `add ${namespaceFile} with \`export default defineNamespace({ name: '${folder}', ... })\`, or remove the folder`,
        }),
      );
    }
    const secretsFound = folderFile(entries, secretsFile, SECRETS_FILE, issues);
    if (secretsFound) pending.push({ file: secretsFile, kind: 'secrets', plainFolder });
    layout.push({ folder, dir, namespaceFile, secretsFile: secretsFound ? secretsFile : undefined });
  }

  const { loaded, pure } = await importDefinitions(root, pending, options, issues);
  const platform = loaded.get(PLATFORM_FILE);
  const namespaces = layout.map(
    ({ folder, dir, namespaceFile, secretsFile }): LoadedNamespaceFolder => ({
      folder,
      dir,
      namespace: loaded.get(namespaceFile),
      secrets: secretsFile === undefined ? undefined : loaded.get(secretsFile),
    }),
  );
  return { platform, namespaces, issues, pure };
}

function timeoutFromEnv(): number {
  const raw = process.env[LOAD_TIMEOUT_ENV];
  const value = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_LOAD_TIMEOUT_MS;
}

/** A package.json or node_modules in a definition's folder could change how its imports resolve or how it runs. */
function isPackageScope(entry: Dirent): boolean {
  return entry.name === 'package.json' || entry.name === 'node_modules';
}

function isPlainFolder(root: string, dir: string): boolean {
  try {
    return !readdirSync(join(root, dir), { withFileTypes: true }).some(isPackageScope);
  } catch {
    return false;
  }
}

/**
 * Whether a definition file is there to load: true; absent: undefined; there but not loadable (a symbolic
 * link, a folder): false, with the issue reported. Definitions are never read through links, so what
 * reviewers see in the repository is what is loaded.
 */
function definitionFile(root: string, file: string, issues: Issue[]): boolean | undefined {
  // A link anywhere on the way (platform/ itself, say) counts as well as the file being one.
  const parts = file.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const partial = parts.slice(0, i).join('/');
    let stats: Stats;
    try {
      stats = lstatSync(join(root, partial));
    } catch {
      return undefined;
    }
    if (stats.isSymbolicLink()) {
      issues.push(symlinkIssue(partial));
      return false;
    }
    if (i === parts.length && !stats.isFile()) {
      issues.push(notAFileIssue(file));
      return false;
    }
  }
  return true;
}

/**
 * definitionFile for a file in a namespace folder, from the folder's listing (namespaces/ and the folder are
 * real folders: listNamespaceFolders reported the links). Entries are not followed, as lstat does not.
 */
function folderFile(entries: readonly Dirent[], file: string, name: string, issues: Issue[]): boolean | undefined {
  const entry = entries.find((e) => e.name === name);
  if (entry === undefined) return undefined;
  if (entry.isSymbolicLink()) {
    issues.push(symlinkIssue(file));
    return false;
  }
  if (!entry.isFile()) {
    issues.push(notAFileIssue(file));
    return false;
  }
  return true;
}

function symlinkIssue(partial: string): Issue {
  // namespaces/<folder> links are reported by listNamespaceFolders and never get here.
  return issue({
    code: 'E_DEF_SYMLINK',
    file: partial,
    line: 1,
    path: '',
    message: `${partial} is a symbolic link; platform-gen reads definitions only from real files in the repository`,
    hint: 'replace the link with the file (or folder) itself, so reviewers see the definition in this repository',
  });
}

function notAFileIssue(file: string): Issue {
  return issue({
    code: 'E_DEF_NOT_A_FILE',
    file,
    line: 1,
    path: '',
    message: `${file} is not a regular file`,
    hint: `make ${file} a TypeScript file with the definition, or remove it`,
  });
}

/**
 * Serves what it can from the cache, imports the rest in the worker, stores what may be stored; returns what
 * loaded, keyed by file, and adds the issues in load order (then the one that stopped the loader, then the
 * import failures), whether a file came from the cache or not.
 */
async function importDefinitions(
  root: string,
  pending: readonly PendingFile[],
  options: LoadOptions,
  issues: Issue[],
): Promise<{ loaded: Map<string, LoadedDefinition>; pure: boolean }> {
  // Validation comes next: its schema validators are made ready here, while the loader thread starts if one does.
  const prepareValidators = () => {
    try {
      prepareSchemaValidators(getValidatorCacheDir(root));
    } catch {
      // Validation compiles the schemas on first use and reports the same failure there.
    }
  };
  const cache = openCache(root, pending.length);
  const results = new Map<string, CachedLoad>();
  const failures = new Map<string, { message: string; stack: string }>();
  /** What the repository's pack holds after this load: every cacheable file's key and load. */
  const packed: [string, CachedLoad][] = [];
  let packChanged = false;
  const pure: MissedFile[] = [];
  const rest: MissedFile[] = [];
  for (const p of pending) {
    const absolute = join(root, p.file);
    // An unreadable file is imported all the same: the worker reports why it cannot be read.
    const bytes = cache === undefined ? undefined : readBytes(absolute);
    if (cache === undefined || bytes === undefined) {
      rest.push({ ...p, absolute });
      continue;
    }
    const key = definitionCacheKey(cache.identity, p.file, p.kind, bytes);
    let hit = cache.pack?.get(key);
    if (hit === undefined) {
      hit = readDefinitionCache(cache.dir, key);
      packChanged = true;
    }
    if (hit !== undefined) {
      stats.cacheHits++;
      results.set(p.file, hit);
      packed.push([key, hit]);
    } else if (p.plainFolder && checkCacheableSource(bytes.toString('utf8')).cacheable) {
      pure.push({ ...p, absolute, store: { key, bytes: Buffer.from(bytes) } });
    } else rest.push({ ...p, absolute });
  }

  let stop: Issue | undefined;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_LOAD_CONCURRENCY));
  // Pure files first, in this thread: nothing another definition does can reach them (the rest run in a thread
  // of their own), and one edited file costs no thread start.
  if (pure.length > 0) await importInProcess(pure, concurrency, { results, failures });
  if (rest.length > 0) {
    const settings = { concurrency, timeoutMs: options.timeoutMs ?? timeoutFromEnv(), prepareValidators };
    stop = await importInWorker(root, rest, 0, settings, { results, failures });
  } else prepareValidators();
  stats.imported += pure.length + rest.length;
  if (cache !== undefined) {
    const stored = await storeLoads(cache.dir, pure, results);
    packed.push(...stored);
    if (packChanged || stored.length > 0 || packed.length !== cache.pack?.size) {
      if (await prepareDefinitionCacheDir(cache.dir)) await writeDefinitionPack(cache.dir, root, packed);
    }
    if (stored.length > 0) await pruneDefinitionCache(cache.dir);
  }

  for (const p of pending) issues.push(...(results.get(p.file)?.issues ?? []));
  if (stop !== undefined) issues.push(stop);
  const order = new Map(pending.map((p, i) => [p.file, i]));
  const failed = [...failures].sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  for (const [file, failure] of failed) {
    issues.push(await describeLoadError(join(root, file), file, failure.message, failure.stack));
  }
  const loaded = new Map<string, LoadedDefinition>();
  for (const p of pending) {
    const found = results.get(p.file);
    if (found !== undefined && found.issues.length === 0) {
      loaded.set(p.file, { kind: p.kind, file: p.file, data: found.data });
    }
  }
  return { loaded, pure: cache !== undefined && rest.length === 0 };
}

interface OpenCache {
  readonly dir: string;
  readonly identity: string;
  readonly pack: ReadonlyMap<string, CachedLoad> | undefined;
}

/** The cache for this load, or undefined when caching is off, nothing is to be loaded or nothing may be cached. */
function openCache(root: string, files: number): OpenCache | undefined {
  const dir = getDefinitionCacheDir(root);
  if (dir === undefined || files === 0) return undefined;
  const identity = getToolchainIdentity(root);
  if (!identity.ok) return undefined;
  return { dir, identity: identity.hash, pack: readDefinitionPack(dir, root) };
}

/**
 * Writes the cache entries of the cacheable files that loaded, unless a file changed while it was imported;
 * returns the loads that may go into the pack.
 */
async function storeLoads(
  dir: string,
  pure: readonly MissedFile[],
  results: ReadonlyMap<string, CachedLoad>,
): Promise<[string, CachedLoad][]> {
  const candidates = pure.filter((p) => p.store !== undefined && results.has(p.file));
  if (candidates.length === 0 || !(await prepareDefinitionCacheDir(dir))) return [];
  const stored: ([string, CachedLoad] | undefined)[] = await mapLimit(candidates, 32, async (p) => {
    const result = results.get(p.file);
    if (p.store === undefined || result === undefined) return undefined;
    const now = await readFile(p.absolute).catch(() => undefined);
    if (now === undefined || !now.equals(p.store.bytes)) return undefined;
    if (!(await writeDefinitionCache(dir, p.store.key, result))) return undefined;
    stats.cacheWrites++;
    return [p.store.key, result];
  });
  return stored.filter((s) => s !== undefined);
}

/** Maps with at most `limit` calls in flight (thousands of files at once would run out of file descriptors). */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

type WorkerStop =
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly error: Error }
  | { readonly kind: 'exit' };

interface WorkerRun {
  readonly stop: WorkerStop | undefined;
  /** Files started and not settled when the thread stopped, in the order they started. */
  readonly running: readonly string[];
  readonly lastStarted: string | undefined;
}

/**
 * Imports `misses` (the first `barrier` of them cacheable) and returns the issue of whatever stopped the
 * thread, if anything did; results and import failures go into the maps.
 */
interface RunSettings {
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** Run once the first thread has started (work for this thread while that one imports). */
  readonly prepareValidators?: () => void;
}

interface RunOutput {
  readonly results: Map<string, CachedLoad>;
  readonly failures: Map<string, { message: string; stack: string }>;
}

/**
 * Imports files that cacheable-source.ts proved pure in this thread, `concurrency` at a time. Such a file can
 * evaluate only literals and the define functions of core, so it cannot loop, wait, exit or touch this thread's
 * globals: the loader thread's isolation and time limit are not needed for it. Each import's URL carries the
 * file's cache key, so a file edited between two loads in one process is imported again, never served from
 * the module cache.
 */
async function importInProcess(
  files: readonly MissedFile[],
  concurrency: number,
  { results, failures }: RunOutput,
): Promise<void> {
  await mapLimited(files, concurrency, async ({ file, absolute, kind, store }) => {
    const url = `${pathToFileURL(absolute).href}?content=${store?.key ?? ''}`;
    const loaded = await loadDefinitionModule(file, url, kind);
    // Stored exactly as runWorker stores the thread's messages.
    if (loaded.type === 'import-failed') failures.set(file, { message: loaded.message, stack: loaded.stack });
    else results.set(file, loaded.issues.length === 0 ? { data: loaded.data, issues: [] } : { issues: loaded.issues });
  });
}

async function importInWorker(
  root: string,
  misses: readonly MissedFile[],
  barrier: number,
  settings: RunSettings,
  output: RunOutput,
): Promise<Issue | undefined> {
  const { timeoutMs } = settings;
  const { results, failures } = output;
  const first = await runWorker(misses, barrier, settings, output);
  if (first.stop === undefined) {
    // Files imported side by side can fail differently from run to run (two definitions importing each other
    // fail where whichever was evaluated first breaks): the failed ones are imported again one at a time, in
    // load order, in a fresh thread, so the report is the same on every run.
    const failed = misses.filter((m) => failures.has(m.file));
    if (failed.length === 0 || settings.concurrency === 1 || misses.length === 1) return undefined;
    for (const m of failed) failures.delete(m.file);
    return importInWorker(root, failed, 0, { concurrency: 1, timeoutMs: settings.timeoutMs }, output);
  }
  let run = first;
  let stop = first.stop;
  let culprit = stop.kind === 'error' ? blame(root, stop.error, misses) : undefined;
  if (culprit === undefined && first.running.length > 1) {
    // Several files were running: import them again one at a time, so the report names the one to blame.
    const again = misses.filter((m) => first.running.includes(m.file));
    const cacheable = again.filter((m) => m.store !== undefined).length;
    const second = await runWorker(again, cacheable, { concurrency: 1, timeoutMs }, output);
    if (second.stop !== undefined) {
      run = second;
      stop = second.stop;
      culprit = stop.kind === 'error' ? blame(root, stop.error, again) : undefined;
    } else culprit = again[0]?.file;
  }
  const file = culprit ?? run.running[0] ?? run.lastStarted ?? misses[0]?.file ?? PLATFORM_FILE;

  /** Files that never loaded because the worker stopped. */
  const notLoaded = misses.filter((m) => m.file !== file && !results.has(m.file) && !failures.has(m.file)).length;
  const stopped = (what: string) =>
    notLoaded === 0 ? what : `${what}; ${notLoaded} definition file(s) after it were not loaded`;

  if (stop.kind === 'timeout') {
    return issue({
      code: 'E_DEFINITION_TIMEOUT',
      file,
      line: 1,
      path: '',
      message: stopped(
        `loading ${file} did not finish within ${formatSeconds(timeoutMs)}: its code (or a module it imports) runs at load time and does not end`,
      ),
      hint: `a definition must evaluate quickly: look for an endless loop or a wait at load time in ${file}; ${LOAD_TIMEOUT_ENV} raises the limit (ms)`,
    });
  }
  if (stop.kind === 'error') {
    // Thrown after its module finished (a timer, a rejected promise): the file named in the stack.
    const { error } = stop;
    const frame = findFrame(error.stack ?? '', join(root, file));
    return issue({
      code: 'E_DEF_LOAD',
      file,
      ...(frame === undefined ? { line: 1 } : frame),
      path: '',
      message: stopped(`loading the definitions failed: ${(error.message || String(error)).split('\n')[0] ?? ''}`),
      hint: 'a definition must evaluate without errors, including callbacks and promises it starts at load time',
    });
  }
  return issue({
    code: 'E_DEF_LOAD',
    file,
    line: 1,
    path: '',
    message: stopped(
      `loading ${file} stopped the loader: it calls process.exit(), or awaits at load time something that never settles`,
    ),
    hint: 'a definition only exports data: remove process.exit() and any top-level await that cannot finish',
  });
}

/** One loader thread over `files`; settles when it posts done, stops, or a file runs out of time. */
async function runWorker(
  files: readonly MissedFile[],
  barrier: number,
  settings: RunSettings,
  { results, failures }: RunOutput,
): Promise<WorkerRun> {
  const { concurrency, timeoutMs } = settings;
  const input: WorkerInput = {
    files: files.map(({ file, absolute, kind }) => ({ file, absolute, kind })),
    concurrency,
    barrier,
  };
  stats.workerStarts++;
  const worker = new Worker(new URL('./_load-worker-entry.mjs', import.meta.url), { workerData: input });
  settings.prepareValidators?.();
  /** Started and not settled, with the time each started. */
  const running = new Map<string, number>();
  let lastStarted: string | undefined;
  let lastProgress = Date.now();

  return new Promise<WorkerRun>((resolveRun) => {
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (stop: WorkerStop | undefined) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      void worker.terminate();
      resolveRun({ stop, running: [...running.keys()], lastStarted });
    };
    // Each file has its own time, from when it started; before the first starts, the thread's start counts.
    const arm = () => {
      clearTimeout(timer);
      const since = running.values().next().value ?? lastProgress;
      timer = setTimeout(() => finish({ kind: 'timeout' }), Math.max(0, since + timeoutMs - Date.now()));
    };
    arm();
    worker.on('message', (message: FromWorker) => {
      if (finished) return;
      lastProgress = Date.now();
      if (message.type === 'loading') {
        running.set(message.file, lastProgress);
        lastStarted = message.file;
      } else if (message.type === 'import-failed') {
        running.delete(message.file);
        failures.set(message.file, { message: message.message, stack: message.stack });
      } else if (message.type === 'loaded') {
        running.delete(message.file);
        results.set(
          message.file,
          message.issues.length === 0 ? { data: message.data, issues: [] } : { issues: message.issues },
        );
      } else if (message.type === 'done') {
        finish(undefined);
        return;
      }
      arm();
    });
    worker.on('error', (error) => finish({ kind: 'error', error }));
    worker.on('exit', () => finish({ kind: 'exit' }));
  });
}

function blame(root: string, error: Error, pending: readonly PendingFile[]): string | undefined {
  const stack = error.stack ?? '';
  return pending.find((p) => findFrame(stack, join(root, p.file)) !== undefined)?.file;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Namespace folders, sorted; symlinked folders are reported (definitions are never read through links).
 * `plain`: namespaces/ holds no package.json or node_modules.
 */
function listNamespaceFolders(root: string, issues: Issue[]): { folders: string[]; plain: boolean } {
  let entries: Dirent[];
  try {
    if (lstatSync(join(root, NAMESPACES_DIR)).isSymbolicLink()) {
      issues.push(
        issue({
          code: 'E_NS_SYMLINK',
          file: NAMESPACES_DIR,
          line: 1,
          path: '',
          message: `${NAMESPACES_DIR} is a symbolic link; platform-gen reads definitions only from real folders`,
          hint: 'replace the link with the folder itself, so reviewers see the definitions in this repository',
        }),
      );
      return { folders: [], plain: false };
    }
    entries = readdirSync(join(root, NAMESPACES_DIR), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { folders: [], plain: false };
    throw error;
  }
  for (const entry of entries) {
    if (entry.isSymbolicLink()) {
      issues.push(
        issue({
          code: 'E_NS_SYMLINK',
          file: `${NAMESPACES_DIR}/${entry.name}`,
          line: 1,
          path: '',
          message: `${NAMESPACES_DIR}/${entry.name} is a symbolic link; platform-gen reads definitions only from real folders`,
          hint: 'replace the link with the folder itself, so reviewers see the definitions in this repository',
        }),
      );
    }
  }
  const folders: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    // The name must equal the folder and be a DNS-1123 label: any other folder can never hold a valid namespace.
    // Reported here, before it is imported (a `\\` or `%` in a path cannot even be imported as a URL).
    if (!DNS_LABEL.test(entry.name)) {
      issues.push(
        issue({
          code: 'E_NS_FOLDER_INVALID',
          file: `${NAMESPACES_DIR}/${entry.name}`,
          line: 1,
          path: '',
          message: `folder ${quote(`${NAMESPACES_DIR}/${entry.name}`)} cannot hold a namespace: ${explainDnsLabel(entry.name)}; the folder is named like the namespace, a DNS-1123 label`,
          hint: "rename the folder (and the name in its namespace.ts) to lower-case letters, digits and '-', at most 63 characters",
        }),
      );
      continue;
    }
    folders.push(entry.name);
  }
  return { folders: folders.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), plain: !entries.some(isPackageScope) };
}

/**
 * TypeScript files in a namespace folder that platform-gen would not read: most likely a misnamed definition.
 * Returns the folder's entries (for the definition files' own checks).
 */
function checkNamespaceFiles(root: string, dir: string, issues: Issue[]): Dirent[] {
  const entries = readdirSync(join(root, dir), { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name === NAMESPACE_FILE || entry.name === SECRETS_FILE || !/\.[cm]?[jt]s$/.test(entry.name)) continue;
    issues.push(
      issue({
        code: 'E_NS_UNKNOWN_FILE',
        file: `${dir}/${entry.name}`,
        line: 1,
        path: '',
        message: `${dir}/${entry.name} is not read by platform-gen: a namespace folder holds only ${NAMESPACE_FILE} and ${SECRETS_FILE}`,
        hint: `rename it to ${NAMESPACE_FILE} or ${SECRETS_FILE} if it is a definition, or move it out of ${dir}/`,
      }),
    );
  }
  return entries;
}

/** Turns an import failure into an issue at the line it happened: syntax errors via TypeScript's parser, throws via the stack. */
async function describeLoadError(absolute: string, file: string, message: string, stack: string): Promise<Issue> {
  const syntax = await findSyntaxError(absolute);
  if (syntax !== undefined) {
    return issue({
      code: 'E_DEF_SYNTAX',
      file,
      line: syntax.line,
      column: syntax.column,
      path: '',
      message: `syntax error: ${syntax.message}`,
      hint: 'fix the TypeScript syntax at this line (`pnpm typecheck` shows the same error)',
    });
  }
  const frame = findFrame(stack, absolute);
  return issue({
    code: 'E_DEF_LOAD',
    file,
    ...(frame === undefined ? { line: 1 } : frame),
    path: '',
    message: `loading the definition failed: ${message.split('\n')[0] ?? ''}`,
    hint: 'a definition must evaluate without errors: check imports and any code that runs at load time',
  });
}

async function findSyntaxError(
  absolute: string,
): Promise<{ line: number; column: number; message: string } | undefined> {
  const text = await readFile(absolute, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const { ts } = await import('ts-morph');
  const result = ts.transpileModule(text, {
    fileName: absolute,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const first = result.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (first?.file === undefined || first.start === undefined) return undefined;
  const { line, character } = first.file.getLineAndCharacterOfPosition(first.start);
  return { line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(first.messageText, ' ') };
}

/** Line and column of the first stack frame in the definition file (frames show a file URL or a plain path). */
function findFrame(stack: string, absolute: string): { line: number; column: number } | undefined {
  const names = [pathToFileURL(absolute).href, absolute];
  for (const frame of stack.split('\n')) {
    for (const name of names) {
      const at = frame.indexOf(name);
      if (at < 0) continue;
      const match = /^(?:\?[^:]*)?:(\d+):(\d+)/.exec(frame.slice(at + name.length));
      if (match?.[1] !== undefined && match[2] !== undefined)
        return { line: Number(match[1]), column: Number(match[2]) };
    }
  }
  return undefined;
}
