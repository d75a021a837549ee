/**
 * The repository as Argo CD will see it: every Kubernetes object of the FileSet (not yet written) and of
 * the hand-written YAML under `kubernetes/`. Invariants check this view, so a pull request that adds a
 * raw manifest breaking a rule fails like a bad definition does.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { FileSet } from './file-set.js';
import { type Issue, issue } from './issues.js';
import type { PlatformModel } from './model.js';

export interface RepoObject {
  /** Repository-relative path of the file holding the object. */
  readonly file: string;
  /** 1-based line where the object's document starts. */
  readonly line: number;
  /** True when platform-gen generates the file. */
  readonly generated: boolean;
  readonly object: Readonly<Record<string, unknown>>;
}

export interface RepoView {
  readonly model: PlatformModel;
  readonly objects: readonly RepoObject[];
}

/** Root of raw manifests (LAY-1): the only folder whose hand-written YAML Argo CD applies. */
export const MANIFESTS_ROOT = 'kubernetes/';

export async function buildRepoView(
  root: string,
  model: PlatformModel,
  files: FileSet,
  /** Files generate is about to delete (orphans): not part of the repository Argo CD will see. */
  removed: ReadonlySet<string> = new Set(),
): Promise<{ view: RepoView; issues: Issue[] }> {
  const objects: RepoObject[] = [];
  const issues: Issue[] = [];
  for (const file of files.values()) {
    if (!file.path.startsWith(MANIFESTS_ROOT) || file.documents === undefined) continue;
    const starts = documentStartLines(file.content);
    file.documents.forEach((document, i) => {
      if (isRecord(document))
        objects.push({ file: file.path, line: starts[i] ?? 1, generated: true, object: document });
    });
  }
  for (const path of await listYaml(root, MANIFESTS_ROOT)) {
    if (files.has(path) || removed.has(path)) continue;
    const text = await readFile(join(root, path), 'utf8');
    const counter = new LineCounter();
    for (const document of parseAllDocuments(text, { lineCounter: counter, version: '1.1' })) {
      // The object's first line, not the `---` before it.
      const line = counter.linePos(document.contents?.range[0] ?? document.range[0]).line;
      if (document.errors.length > 0) {
        const first = document.errors[0];
        issues.push(
          issue({
            code: 'E_YAML_INVALID',
            file: path,
            line: first === undefined ? line : counter.linePos(first.pos[0]).line,
            path: '',
            message: `invalid YAML: ${first?.message.split('\n')[0] ?? 'parse error'}`,
            hint: 'fix the YAML; Argo CD could not apply this file either',
          }),
        );
        continue;
      }
      const value: unknown = document.toJS();
      if (isRecord(value)) objects.push({ file: path, line, generated: false, object: value });
    }
  }
  return { view: { model, objects }, issues };
}

/** 1-based first line of each document of a generated file: after the header, and after each `---`. */
function documentStartLines(content: string): number[] {
  const lines = content.split('\n');
  const starts = [lines[0]?.startsWith('#') ? 2 : 1];
  lines.forEach((line, i) => {
    if (line === '---') starts.push(i + 2);
  });
  return starts;
}

async function listYaml(root: string, dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory()) found.push(...(await listYaml(root, `${path}/`)));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) found.push(path);
  }
  return found.sort();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a nested field without trusting the shape of hand-written objects. */
export function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function kindOf(object: Readonly<Record<string, unknown>>): string {
  return typeof object.kind === 'string' ? object.kind : '';
}

export function nameOf(object: Readonly<Record<string, unknown>>): string {
  const name = field(object, 'metadata', 'name');
  return typeof name === 'string' ? name : '(unnamed)';
}

/**
 * The namespace an object lands in: `metadata.namespace`, or for files under
 * `kubernetes/namespaces/<ns>/` the folder's namespace (Argo CD's destination for that Application).
 */
export function namespaceOf(entry: RepoObject): string | undefined {
  const declared = field(entry.object, 'metadata', 'namespace');
  if (typeof declared === 'string') return declared;
  return folderNamespace(entry.file);
}

export function folderNamespace(file: string): string | undefined {
  const match = /^kubernetes\/namespaces\/([^/]+)\//.exec(file);
  return match?.[1];
}
