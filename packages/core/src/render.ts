/**
 * Renders the Applications whose sources live in this repository, the way Argo CD's repo-server will:
 * a plain folder (optionally recursive), a kustomization (real `kubectl kustomize`), or a local chart
 * (real `helm template`). Sources are read from the FileSet first (not written yet) and the disk second,
 * materialised into a temporary folder for the tools.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { FileSet } from './file-set.js';
import { CLUSTER_SCOPED_KINDS } from './kinds.js';
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

  constructor(
    private readonly root: string,
    private readonly files: FileSet,
    private readonly removed: ReadonlySet<string>,
  ) {}

  /** Every file under `dir/` (repository-relative): on disk (less what the plan removes) and in the FileSet, sorted. */
  list(dir: string): Promise<string[]> {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    let listing = this.listings.get(prefix);
    if (listing === undefined) {
      listing = listFiles(this.root, prefix).then((onDisk) => {
        const generated = [...this.files.keys()].filter((p) => p.startsWith(prefix));
        return [...new Set([...onDisk.filter((p) => !this.removed.has(p)), ...generated])].sort();
      });
      this.listings.set(prefix, listing);
    }
    return listing;
  }

  async exists(path: string): Promise<boolean> {
    return (await this.list(dirname(path))).includes(path);
  }

  async read(path: string): Promise<string> {
    return this.files.get(path)?.content ?? (await readFile(join(this.root, path), 'utf8'));
  }
}

/** How Argo CD would call `helm template` for the source. */
export interface HelmOptions {
  readonly releaseName: string;
  readonly kubeVersion: string;
}

export async function renderSource(
  files: RepoFiles,
  objects: readonly RepoObject[],
  path: string,
  recurse: boolean,
  namespace: string | undefined,
  helm: HelmOptions,
  runTool: (tool: 'kubectl' | 'helm', args: readonly string[]) => { status: number; stdout: string; stderr: string },
): Promise<SourceRender> {
  const all = await files.list(path);
  const tool = all.includes(`${path}/kustomization.yaml`)
    ? 'kustomize'
    : all.includes(`${path}/Chart.yaml`)
      ? 'helm'
      : 'directory';
  if (tool === 'directory') {
    const inputs = all.filter((p) => /\.(ya?ml|json)$/.test(p) && (recurse || !p.slice(path.length + 1).includes('/')));
    const set = new Set(inputs);
    const rendered = objects.filter((o) => set.has(o.file)).map((o) => toRendered(o.object, namespace, o.file));
    return { path, tool, inputs, objects: rendered, error: undefined };
  }
  // The same inputs render the same objects: a process that checks the repository twice (validate, then
  // generate; or a long-lived test worker) runs each tool once per distinct input.
  const contents = await Promise.all(all.map(async (file) => [file.slice(path.length + 1), await files.read(file)]));
  const key = createHash('sha256')
    .update(JSON.stringify([tool, namespace ?? null, helm.releaseName, helm.kubeVersion, contents]))
    .digest('hex');
  const cache = cacheFor(runTool);
  const cached = cache.get(key);
  if (cached !== undefined) return { path, tool, inputs: all, objects: cached.objects, error: cached.error };
  const scratch = await mkdtemp(join(tmpdir(), 'platform-gen-render-'));
  try {
    for (const [relative, content] of contents) {
      const target = join(scratch, relative ?? '');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content ?? '');
    }
    if (tool === 'kustomize') {
      const error = await inlineKsopsGenerators(scratch);
      if (error !== undefined) return { path, tool, inputs: all, objects: [], error };
    }
    const args =
      tool === 'kustomize'
        ? ['kustomize', scratch]
        : [
            'template',
            helm.releaseName,
            scratch,
            ...(namespace === undefined ? [] : ['--namespace', namespace]),
            '--kube-version',
            helm.kubeVersion,
          ];
    const result = runTool(tool === 'kustomize' ? 'kubectl' : 'helm', args);
    if (result.status !== 0) {
      const error = result.stderr.trim().split('\n')[0] ?? 'render failed';
      remember(cache, key, { objects: [], error });
      return { path, tool, inputs: all, objects: [], error };
    }
    const rendered: RenderedObject[] = [];
    for (const document of parseAllDocuments(result.stdout)) {
      const value: unknown = document.toJS();
      if (isRecord(value)) rendered.push(toRendered(value, namespace, undefined));
    }
    remember(cache, key, { objects: rendered, error: undefined });
    return { path, tool, inputs: all, objects: rendered, error: undefined };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

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
