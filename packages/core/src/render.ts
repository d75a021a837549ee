/**
 * Renders the Applications whose sources live in this repository, the way Argo CD's repo-server will:
 * a plain folder (optionally recursive), a kustomization (real `kubectl kustomize`), or a local chart
 * (real `helm template`). Sources are read from the FileSet first (not written yet) and the disk second,
 * materialised into a temporary folder for the tools.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { FileSet } from './file-set.js';
import { field, isRecord, type RepoObject } from './repo-view.js';

export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** As rendered, or the Application's destination namespace for a namespaced object without one. */
  readonly namespace: string | undefined;
  /** The repository file the object comes from, when rendered from a plain folder. */
  readonly file: string | undefined;
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
  private listing: string[] | undefined;

  constructor(
    private readonly root: string,
    private readonly files: FileSet,
    private readonly removed: ReadonlySet<string>,
  ) {}

  /** Every file under `dir/` (repository-relative), sorted. */
  async list(dir: string): Promise<string[]> {
    if (this.listing === undefined) {
      const onDisk = await walk(this.root, '');
      this.listing = [...new Set([...onDisk.filter((p) => !this.removed.has(p)), ...this.files.keys()])].sort();
    }
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    return this.listing.filter((p) => p.startsWith(prefix));
  }

  async exists(path: string): Promise<boolean> {
    return (await this.list(dirname(path))).includes(path);
  }

  async read(path: string): Promise<string> {
    return this.files.get(path)?.content ?? (await readFile(join(this.root, path), 'utf8'));
  }
}

async function walk(root: string, dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await walk(root, path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
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
  const scratch = await mkdtemp(join(tmpdir(), 'platform-gen-render-'));
  try {
    for (const file of all) {
      const target = join(scratch, file.slice(path.length + 1));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, await files.read(file));
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
      return { path, tool, inputs: all, objects: [], error: result.stderr.trim().split('\n')[0] ?? 'render failed' };
    }
    const rendered: RenderedObject[] = [];
    for (const document of parseAllDocuments(result.stdout)) {
      const value: unknown = document.toJS();
      if (isRecord(value)) rendered.push(toRendered(value, namespace, undefined));
    }
    return { path, tool, inputs: all, objects: rendered, error: undefined };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function toRendered(
  object: Readonly<Record<string, unknown>>,
  namespace: string | undefined,
  file: string | undefined,
) {
  const declared = field(object, 'metadata', 'namespace');
  return {
    apiVersion: String(object.apiVersion ?? ''),
    kind: String(object.kind ?? ''),
    name: String(field(object, 'metadata', 'name') ?? ''),
    namespace: typeof declared === 'string' ? declared : namespace,
    file,
  };
}
