/**
 * Renders the Applications whose sources live in this repository, the way Argo CD's repo-server will:
 * a plain folder (optionally recursive), a kustomization (real `kubectl kustomize`), or a local chart
 * (real `helm template`). Sources are read from the FileSet first (not written yet) and the disk second,
 * materialised into a temporary folder for the tools.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { FileSet } from './file-set.js';
import { CLUSTER_SCOPED_KINDS } from './kinds.js';
import { getRenderCacheDir, readRenderCache, renderCacheKey, writeRenderCache } from './render-cache.js';
import { field, isRecord, listFiles, type RepoObject } from './repo-view.js';

export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** As rendered, or the Application's destination namespace for a namespaced object without one. */
  readonly namespace: string | undefined;
  /** The repository file the object comes from, when rendered from a plain folder. */
  readonly file: string | undefined;
  /** The object as rendered (checks that look inside, e.g. SEC-1 and PHS-1's secret authority). */
  readonly object: Readonly<Record<string, unknown>>;
}

export interface SourceRender {
  readonly path: string;
  readonly tool: 'directory' | 'kustomize' | 'helm';
  /** Repository files the render consumed (every object file, or the whole folder for kustomize/helm). */
  readonly inputs: readonly string[];
  readonly objects: readonly RenderedObject[];
  readonly error: string | undefined;
}

/** Reads repository files, the FileSet winning over the disk. */
export class RepoFiles {
  private readonly listings = new Map<string, Promise<string[]>>();
  private readonly sets = new Map<string, Promise<ReadonlySet<string>>>();
  /** The FileSet's paths, sorted: the paths under a folder are one contiguous run (found by binary search). */
  private generatedPaths: readonly string[] | undefined;

  constructor(
    /** The repository's folder. */
    readonly root: string,
    private readonly files: FileSet,
    private readonly removed: ReadonlySet<string>,
  ) {}

  /** Every file under `dir/` (repository-relative): on disk (less what the plan removes) and in the FileSet, sorted. */
  list(dir: string): Promise<string[]> {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    let listing = this.listings.get(prefix);
    if (listing === undefined) {
      listing = listFiles(this.root, prefix).then((onDisk) => {
        const generated = this.generatedUnder(prefix);
        return [...new Set([...onDisk.filter((p) => !this.removed.has(p)), ...generated])].sort();
      });
      this.listings.set(prefix, listing);
    }
    return listing;
  }

  async exists(path: string): Promise<boolean> {
    const dir = dirname(path);
    let set = this.sets.get(dir);
    if (set === undefined) {
      set = this.list(dir).then((paths) => new Set(paths));
      this.sets.set(dir, set);
    }
    return (await set).has(path);
  }

  async read(path: string): Promise<string> {
    return this.files.get(path)?.content ?? (await readFile(join(this.root, path), 'utf8'));
  }

  /** FileSet paths starting with `prefix`, without scanning the whole FileSet (one listing per Application). */
  private generatedUnder(prefix: string): string[] {
    this.generatedPaths ??= [...this.files.keys()].sort();
    const paths = this.generatedPaths;
    let low = 0;
    let high = paths.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((paths[mid] as string) < prefix) low = mid + 1;
      else high = mid;
    }
    const found: string[] = [];
    for (let i = low; i < paths.length && (paths[i] as string).startsWith(prefix); i++) found.push(paths[i] as string);
    return found;
  }
}

/** How Argo CD would call `helm template` for the source. */
export interface HelmOptions {
  readonly releaseName: string;
  readonly kubeVersion: string;
}

/** Runs a tool; a runner with an `identity` (the real one: the hash of the binary) has its renders cached on disk. */
export interface ToolRunner {
  (tool: 'kubectl' | 'helm', args: readonly string[]): { status: number; stdout: string; stderr: string };
  /** What identifies the binary the runner runs for `tool`; without one, renders are cached in-process only. */
  readonly identity?: (tool: 'kubectl' | 'helm') => string;
}

/** Stands for the materialised source folder in a cache key's argv (the real folder is a fresh temporary one). */
const SOURCE_PLACEHOLDER = '<source>';

export async function renderSource(
  files: RepoFiles,
  objects: readonly RepoObject[],
  path: string,
  recurse: boolean,
  namespace: string | undefined,
  helm: HelmOptions,
  runTool: ToolRunner,
): Promise<SourceRender> {
  const all = await files.list(path);
  const tool = all.includes(`${path}/kustomization.yaml`)
    ? 'kustomize'
    : all.includes(`${path}/Chart.yaml`)
      ? 'helm'
      : 'directory';
  if (tool === 'directory') {
    const inputs = all.filter((p) => /\.(ya?ml|json)$/.test(p) && (recurse || !p.slice(path.length + 1).includes('/')));
    const rendered = objectsOf(objects, inputs).map((o) => toRendered(o.object, namespace, o.file));
    return { path, tool, inputs, objects: rendered, error: undefined };
  }
  // The same inputs render the same objects: in-process (validate, then generate; a long-lived test worker)
  // and on disk across processes (render-cache.ts). The key covers everything the tool can read: the tools
  // are handed a copy of the source folder and nothing else.
  const contents = await Promise.all(
    all.map(async (file) => [file.slice(path.length + 1), await files.read(file)] as const),
  );
  const command = tool === 'kustomize' ? 'kubectl' : 'helm';
  const identity = runTool.identity?.(command);
  const key = renderCacheKey({
    tool: identity ?? command,
    argv: toolArgs(tool, SOURCE_PLACEHOLDER, namespace, helm),
    files: contents,
  });
  const done = (rendered: readonly RenderedObject[], error: string | undefined): SourceRender => ({
    path,
    tool,
    inputs: all,
    objects: rendered,
    error,
  });
  // The destination namespace is not in kustomize's argv but is in its rendered objects (toRendered).
  const memoryKey = `${key}\0${namespace ?? ''}`;
  const memory = cacheFor(runTool);
  const cached = memory.get(memoryKey);
  if (cached !== undefined) return done(cached.objects, cached.error);
  const disk = identity === undefined ? undefined : getRenderCacheDir(files.root);
  if (disk !== undefined) {
    const stored = await readRenderCache(disk, key);
    if (stored !== undefined) {
      const rendered = stored.map((object) => toRendered(object, namespace, undefined));
      remember(memory, memoryKey, { objects: rendered, error: undefined });
      return done(rendered, undefined);
    }
  }
  const scratch = await mkdtemp(join(tmpdir(), 'platform-gen-render-'));
  try {
    await materialise(scratch, contents);
    if (tool === 'kustomize') {
      const error = await inlineKsopsGenerators(scratch);
      if (error !== undefined) return done([], error);
    }
    const result = runTool(command, toolArgs(tool, scratch, namespace, helm));
    if (result.status !== 0) {
      // Not cached on disk: a failure may be the machine's (a signal, a full disk) rather than the input's, and
      // a cached one would outlive its cause; rendering a broken source again costs one run of the tool.
      const error = result.stderr.trim().split('\n')[0] ?? 'render failed';
      remember(memory, memoryKey, { objects: [], error });
      return done([], error);
    }
    const raw: Record<string, unknown>[] = [];
    for (const document of parseAllDocuments(result.stdout)) {
      const value: unknown = document.toJS();
      if (isRecord(value)) raw.push(value);
    }
    const rendered = raw.map((object) => toRendered(object, namespace, undefined));
    remember(memory, memoryKey, { objects: rendered, error: undefined });
    // Only a source that reads nothing outside its folder is kept, decided from the same contents the key
    // covers: a later hit needs no second look.
    if (disk !== undefined && (tool === 'helm' || readsOnlyItsFolder(contents))) await writeRenderCache(disk, key, raw);
    return done(rendered, undefined);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Files written at once when materialising a source: a catalog folder holds a file per namespace. */
const WRITE_CONCURRENCY = 16;

/** Writes the source's files into `scratch`: each folder made once, the files several at a time. */
async function materialise(scratch: string, contents: readonly (readonly [string, string])[]): Promise<void> {
  for (const dir of new Set(contents.map(([relative]) => dirname(join(scratch, relative))))) {
    await mkdir(dir, { recursive: true });
  }
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < contents.length; i = next++) {
      const [relative, content] = contents[i] as readonly [string, string];
      await writeFile(join(scratch, relative), content);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, contents.length) }, worker));
}

/** The command line Argo CD's repo-server would run for the source in `dir`. */
function toolArgs(tool: 'kustomize' | 'helm', dir: string, namespace: string | undefined, helm: HelmOptions) {
  return tool === 'kustomize'
    ? ['kustomize', dir]
    : [
        'template',
        helm.releaseName,
        dir,
        ...(namespace === undefined ? [] : ['--namespace', namespace]),
        '--kube-version',
        helm.kubeVersion,
      ];
}

const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

/**
 * Whether kustomize, given these files, reads nothing but them: no string of any kustomization (or of a
 * generator, transformer or validator configuration it names) is an absolute path, a URL or remote base, or
 * a relative path leaving the folder. Conservative: a string that only looks like one (a URL in a label)
 * makes the render uncached, never wrongly cached. Such a source renders against a temporary copy of its
 * folder, so a reference outside it fails or reads what it should not; either way its result is not kept.
 */
export function readsOnlyItsFolder(contents: readonly (readonly [string, string])[]): boolean {
  const byPath = new Map(contents);
  // Each file to look at, with the folders its relative paths may be resolved against: a kustomization's own;
  // for a generator's configuration also the kustomization's (KSOPS reads its files from there).
  const pending: [string, string[]][] = contents
    .map(([relative]) => relative)
    .filter((relative) => KUSTOMIZATION_FILE.test(relative))
    .map((relative) => [relative, [posix.dirname(relative)]]);
  const seen = new Set<string>();
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [file, bases] = next;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = byPath.get(file);
    if (text === undefined) continue;
    const parsed = parseAllDocuments(text);
    if (parsed.some((document) => document.errors.length > 0)) return false;
    const own = posix.dirname(file);
    for (const document of parsed.map((d) => d.toJS() as unknown)) {
      for (const value of stringsOf(document)) if (bases.some((base) => leavesFolder(base, value))) return false;
      if (!KUSTOMIZATION_FILE.test(file) || !isRecord(document)) continue;
      for (const list of [document.generators, document.transformers, document.validators]) {
        if (!Array.isArray(list)) continue;
        for (const entry of list) {
          if (typeof entry !== 'string') continue;
          const named = posix.normalize(posix.join(own, entry));
          pending.push([named, [posix.dirname(named), own]]);
        }
      }
    }
  }
  return true;
}

function leavesFolder(base: string, value: string): boolean {
  if (/:\/\/|^git@|^github\.com\//.test(value)) return true;
  // `key=path` in a generator's files: check the path too.
  for (const candidate of [value, value.slice(value.indexOf('=') + 1)]) {
    const trimmed = candidate.trim();
    if (trimmed.startsWith('/') || trimmed.startsWith('~')) return true;
    const resolved = posix.normalize(posix.join(base, trimmed));
    if (resolved === '..' || resolved.startsWith('../')) return true;
  }
  return false;
}

function* stringsOf(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* stringsOf(item);
  else if (isRecord(value)) for (const item of Object.values(value)) yield* stringsOf(item);
}

/** The objects of `objects` in the given files, in the order of `objects`; indexed once per list of objects. */
function objectsOf(objects: readonly RepoObject[], files: readonly string[]): RepoObject[] {
  let index = OBJECT_INDEXES.get(objects);
  if (index === undefined) {
    index = new Map();
    for (const [position, object] of objects.entries()) {
      const list = index.get(object.file);
      if (list === undefined) index.set(object.file, [position]);
      else list.push(position);
    }
    OBJECT_INDEXES.set(objects, index);
  }
  const positions = files.flatMap((file) => index.get(file) ?? []).sort((a, b) => a - b);
  return positions.map((position) => objects[position] as RepoObject);
}

/** Positions of each file's objects in a list of objects (a repository view's), so each render looks up its own. */
const OBJECT_INDEXES = new WeakMap<readonly RepoObject[], Map<string, number[]>>();

type CachedRender = { readonly objects: readonly RenderedObject[]; readonly error: string | undefined };
/** Renders by content hash, one cache per tool runner (a test's stand-in never sees the real tool's results). */
const RENDER_CACHES = new WeakMap<object, Map<string, CachedRender>>();
const RENDER_CACHE_SIZE = 256;

function cacheFor(runner: object): Map<string, CachedRender> {
  let cache = RENDER_CACHES.get(runner);
  if (cache === undefined) {
    cache = new Map();
    RENDER_CACHES.set(runner, cache);
  }
  return cache;
}

/** Bounded: the oldest entry goes first. */
function remember(cache: Map<string, CachedRender>, key: string, value: CachedRender): void {
  if (cache.size >= RENDER_CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, value);
}

function toRendered(
  object: Readonly<Record<string, unknown>>,
  namespace: string | undefined,
  file: string | undefined,
) {
  const declared = field(object, 'metadata', 'namespace');
  const kind = String(object.kind ?? '');
  return {
    apiVersion: String(object.apiVersion ?? ''),
    kind,
    name: String(field(object, 'metadata', 'name') ?? ''),
    // Argo CD puts the destination namespace only on namespaced objects.
    namespace: CLUSTER_SCOPED_KINDS.has(kind) ? undefined : typeof declared === 'string' ? declared : namespace,
    file,
    object,
  };
}

/**
 * A stand-in for KSOPS, which cannot run here: kubectl's built-in kustomize has no `--enable-exec`, and no
 * kustomize binary is installable. Each `viaduct.ai/v1 ksops` generator is replaced by its files as plain
 * resources, still encrypted, with the `sops` metadata removed, so the real kustomize renders the same
 * objects (names, namespaces, transformers) KSOPS would hand it, only with ENC[...] values. A listed file
 * that does not exist fails the render, as it fails KSOPS.
 */
async function inlineKsopsGenerators(scratch: string): Promise<string | undefined> {
  const kustomizationPath = join(scratch, 'kustomization.yaml');
  const kustomization: unknown = parse(await readFile(kustomizationPath, 'utf8'));
  if (!isRecord(kustomization) || !Array.isArray(kustomization.generators)) return undefined;
  const generators: unknown[] = [];
  const resources: unknown[] = Array.isArray(kustomization.resources) ? [...kustomization.resources] : [];
  let inlined = 0;
  for (const entry of kustomization.generators) {
    const generator: unknown =
      typeof entry === 'string' ? parse(await readFile(join(scratch, entry), 'utf8').catch(() => '')) : entry;
    if (!isRecord(generator) || generator.apiVersion !== 'viaduct.ai/v1' || generator.kind !== 'ksops') {
      generators.push(entry);
      continue;
    }
    for (const file of Array.isArray(generator.files) ? generator.files : []) {
      let text: string;
      try {
        text = await readFile(join(scratch, String(file)), 'utf8');
      } catch {
        return `ksops: ${String(file)} does not exist (KSOPS stand-in)`;
      }
      const documents = parseAllDocuments(text).map((d) => d.toJS() as unknown);
      const plain = documents.filter(isRecord).map(({ sops: _sops, ...rest }) => rest);
      const target = `ksops-stand-in-${inlined++}.yaml`;
      await writeFile(join(scratch, target), plain.map((d) => stringify(d)).join('---\n'));
      resources.push(target);
    }
  }
  const { generators: _generators, ...rest } = kustomization;
  await writeFile(
    kustomizationPath,
    stringify({ ...rest, resources, ...(generators.length > 0 ? { generators } : {}) }),
  );
  return undefined;
}
