/**
 * The repository as Argo CD will see it: every Kubernetes object of the FileSet (not yet written) and of
 * the hand-written YAML under `kubernetes/`. Invariants check this view, so a pull request that adds a
 * raw manifest breaking a rule fails like a bad definition does.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { FileSet } from './file-set.js';
import type { Capability, PolicyRule } from './hcl.js';
import { type Issue, issue } from './issues.js';
import type { PlatformModel } from './model.js';
import { RepoFiles, renderSource, type SourceRender } from './render.js';

export interface RepoObject {
  /** Repository-relative path of the file holding the object. */
  readonly file: string;
  /** 1-based line where the object's document starts. */
  readonly line: number;
  /** True when platform-gen generates the file. */
  readonly generated: boolean;
  readonly object: Readonly<Record<string, unknown>>;
}

/** A Vault ACL policy file (`policy-<name>.hcl` or `<name>.hcl`), generated or hand-written. */
export interface RepoPolicy {
  readonly file: string;
  readonly name: string;
  readonly generated: boolean;
  readonly rules: readonly PolicyRule[];
  /** 1-based line of each rule's `path "..."` block. */
  readonly lines: ReadonlyMap<string, number>;
}

/** A Vault Kubernetes-auth role file (`role-<name>.json`), generated or hand-written. */
export interface RepoRole {
  readonly file: string;
  readonly name: string;
  readonly generated: boolean;
  readonly role: Readonly<Record<string, unknown>>;
}

/** An Argo CD Application found in the repository, with what its in-repo sources render to. */
export interface RepoApplication {
  readonly entry: RepoObject;
  readonly name: string;
  readonly project: string | undefined;
  readonly destinationNamespace: string | undefined;
  readonly sources: readonly ApplicationSource[];
  readonly renders: readonly SourceRender[];
  /** `$values/...` files a source names that do not exist in the repository. */
  readonly missingValueFiles: readonly string[];
}

export interface ApplicationSource {
  readonly repoURL: string;
  readonly path: string | undefined;
  readonly chart: string | undefined;
  readonly ref: string | undefined;
  readonly recurse: boolean;
}

export interface RepoView {
  readonly model: PlatformModel;
  readonly objects: readonly RepoObject[];
  readonly policies?: readonly RepoPolicy[];
  readonly roles?: readonly RepoRole[];
  /** Present when the repository was rendered (generate, validate). */
  readonly applications?: readonly RepoApplication[];
  /** Folders under charts/ holding a Chart.yaml (local charts). */
  readonly localCharts?: readonly string[];
  /** Text of every generated file and every hand-written file under kubernetes/ and charts/ (SEC-1's scan); present when read from disk. */
  readonly texts?: readonly RepoText[];
}

export interface RepoText {
  readonly file: string;
  readonly content: string;
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
  const policies: RepoPolicy[] = [];
  const roles: RepoRole[] = [];
  const texts: RepoText[] = [...files.values()].map((file) => ({ file: file.path, content: file.content }));
  for (const file of files.values()) {
    if (!file.path.startsWith(MANIFESTS_ROOT) || file.documents === undefined) continue;
    const first = file.documents[0];
    if (file.path.endsWith('.hcl') && isRecord(first) && Array.isArray(first.rules)) {
      const rules = first.rules as PolicyRule[];
      policies.push({
        file: file.path,
        name: policyName(file.path),
        generated: true,
        rules,
        lines: pathLines(file.content, rules),
      });
      continue;
    }
    if (file.path.endsWith('.json')) {
      if (isRoleFile(file.path) && isRecord(first) && isRecord(first.role)) {
        roles.push({ file: file.path, name: roleName(file.path), generated: true, role: first.role });
      }
      continue;
    }
    const starts = documentStartLines(file.content);
    file.documents.forEach((document, i) => {
      if (isRecord(document))
        objects.push({ file: file.path, line: starts[i] ?? 1, generated: true, object: document });
    });
  }
  const handWritten = (await listFiles(root, MANIFESTS_ROOT)).filter((p) => !files.has(p) && !removed.has(p));
  for (const path of handWritten.filter((p) => p.endsWith('.hcl'))) {
    const text = await readFile(join(root, path), 'utf8');
    texts.push({ file: path, content: text });
    const parsed = await parsePolicy(path, text);
    if ('issue' in parsed) issues.push(parsed.issue);
    else {
      policies.push({
        file: path,
        name: policyName(path),
        generated: false,
        rules: parsed.rules,
        lines: pathLines(text, parsed.rules),
      });
    }
  }
  for (const path of handWritten.filter(isRoleFile)) {
    let role: unknown;
    try {
      const text = await readFile(join(root, path), 'utf8');
      texts.push({ file: path, content: text });
      role = JSON.parse(text);
    } catch (error) {
      issues.push(
        issue({
          code: 'E_JSON_INVALID',
          file: path,
          line: 1,
          path: '',
          message: `invalid JSON: ${String(error)}`,
          hint: 'fix the JSON',
        }),
      );
      continue;
    }
    if (isRecord(role)) roles.push({ file: path, name: roleName(path), generated: false, role });
  }
  for (const path of handWritten.filter((p) => /\.ya?ml$/.test(p))) {
    const text = await readFile(join(root, path), 'utf8');
    texts.push({ file: path, content: text });
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
  // Everything else hand-written that Argo CD reads (charts/ included): scanned for keys and tokens only.
  const scanned = new Set(texts.map((t) => t.file));
  const others = [
    ...handWritten,
    ...(await listFiles(root, 'charts/')).filter((p) => !files.has(p) && !removed.has(p)),
  ];
  for (const path of others.filter((p) => !scanned.has(p))) {
    texts.push({ file: path, content: await readFile(join(root, path), 'utf8') });
  }
  const repoFiles = new RepoFiles(root, files, removed);
  const applications = await renderApplications(model, objects, repoFiles);
  const localCharts = (await repoFiles.list('charts'))
    .filter((p) => p.endsWith('/Chart.yaml'))
    .map((p) => p.slice(0, -'/Chart.yaml'.length));
  return { view: { model, objects, policies, roles, applications, localCharts, texts }, issues };
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

/** Capabilities Vault expands the legacy `policy` attribute into (vault/policy.go). */
const LEGACY_POLICY: Readonly<Record<string, readonly Capability[]>> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

/** Line of each rule's `path "<p>"` in the policy text (1 when it cannot be found, e.g. JSON syntax). */
function pathLines(text: string, rules: readonly PolicyRule[]): Map<string, number> {
  const lines = text.split('\n');
  return new Map(
    rules.map((rule) => {
      const label = JSON.stringify(rule.path);
      const index = lines.findIndex((line) => /^\s*path\s/.test(line) && line.includes(label));
      return [rule.path, index < 0 ? 1 : index + 1];
    }),
  );
}

/** `policy-eso-a.hcl` and `eso-a.hcl` are both the policy `eso-a`. */
function policyName(path: string): string {
  return (path.split('/').pop() ?? '').replace(/\.hcl$/, '').replace(/^policy-/, '');
}

function isRoleFile(path: string): boolean {
  return /(^|\/)role-[^/]+\.json$/.test(path);
}

function roleName(path: string): string {
  return (path.split('/').pop() ?? '').replace(/\.json$/, '').replace(/^role-/, '');
}

/** Parses a hand-written policy with HashiCorp's own HCL parser (WASM, loaded only when such a file exists). */
async function parsePolicy(file: string, text: string): Promise<{ rules: PolicyRule[] } | { issue: Issue }> {
  const { parse } = await import('@cdktf/hcl2json');
  let json: unknown;
  try {
    json = await parse(file, text);
  } catch (error) {
    const message = String(error);
    const line = /:(\d+),\d+/.exec(message)?.[1];
    return {
      issue: issue({
        code: 'E_HCL_INVALID',
        file,
        line: line === undefined ? 1 : Number(line),
        path: '',
        message: `invalid HCL: ${message.replace(/^Error: /, '').slice(0, 300)}`,
        hint: 'fix the policy syntax; Vault would reject it too',
      }),
    };
  }
  const rules: PolicyRule[] = [];
  const paths = field(json, 'path');
  if (isRecord(paths)) {
    for (const [path, blocks] of Object.entries(paths)) {
      const list = Array.isArray(blocks) ? blocks : [blocks];
      const capabilities = list.flatMap((block) => {
        const value = field(block, 'capabilities');
        const listed = Array.isArray(value) ? value.filter((c): c is Capability => typeof c === 'string') : [];
        // Vault still honours the legacy `policy = "read|write|deny|sudo"` attribute: read it the way Vault does.
        const legacy = field(block, 'policy');
        return [...listed, ...(typeof legacy === 'string' ? (LEGACY_POLICY[legacy] ?? []) : [])];
      });
      rules.push({ path, capabilities });
    }
  }
  return { rules };
}

/** Every file under `dir` (repository-relative, ending in `/`), sorted; nothing when the folder is missing. */
export async function listFiles(root: string, dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory()) found.push(...(await listFiles(root, `${path}/`)));
    else if (entry.isFile()) found.push(path);
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

function isApplication(object: Readonly<Record<string, unknown>>): boolean {
  return (
    object.kind === 'Application' &&
    typeof object.apiVersion === 'string' &&
    object.apiVersion.startsWith('argoproj.io/')
  );
}

/** Every Application in the repository, with its in-repo sources rendered by the real tools. */
async function renderApplications(model: PlatformModel, objects: readonly RepoObject[], files: RepoFiles) {
  const { runTool } = await import('./real-tools.js');
  const applications: RepoApplication[] = [];
  for (const entry of objects.filter((o) => isApplication(o.object))) {
    const spec = field(entry.object, 'spec');
    const list = Array.isArray(field(spec, 'sources'))
      ? (field(spec, 'sources') as unknown[])
      : [field(spec, 'source')];
    const sources: ApplicationSource[] = list.filter(isRecord).map((source) => ({
      repoURL: String(source.repoURL ?? ''),
      path: typeof source.path === 'string' ? source.path.replace(/\/+$/, '') : undefined,
      chart: typeof source.chart === 'string' ? source.chart : undefined,
      ref: typeof source.ref === 'string' ? source.ref : undefined,
      recurse: field(source, 'directory', 'recurse') === true,
    }));
    const destination = field(spec, 'destination', 'namespace');
    const destinationNamespace = typeof destination === 'string' ? destination : undefined;
    const renders: SourceRender[] = [];
    const name = String(field(entry.object, 'metadata', 'name') ?? '');
    for (const [i, source] of sources.entries()) {
      if (source.repoURL !== model.platform.git.repoURL || source.path === undefined || source.chart !== undefined)
        continue;
      // Argo CD's defaults: the release is named after the Application; the cluster's version.
      const releaseName = field(list.filter(isRecord)[i], 'helm', 'releaseName');
      const helm = {
        releaseName: typeof releaseName === 'string' ? releaseName : name,
        kubeVersion: model.platform.cluster.kubeVersion,
      };
      renders.push(
        await renderSource(files, objects, source.path, source.recurse, destinationNamespace, helm, runTool),
      );
    }
    const missingValueFiles: string[] = [];
    for (const source of list.filter(isRecord)) {
      const valueFiles = field(source, 'helm', 'valueFiles');
      if (!Array.isArray(valueFiles)) continue;
      for (const valueFile of valueFiles) {
        const match = /^\$[a-z0-9-]+\/(.+)$/.exec(String(valueFile));
        if (match?.[1] !== undefined && !(await files.exists(match[1]))) missingValueFiles.push(match[1]);
      }
    }
    const project = field(spec, 'project');
    applications.push({
      entry,
      name,
      project: typeof project === 'string' ? project : undefined,
      destinationNamespace,
      sources,
      renders,
      missingValueFiles,
    });
  }
  return applications;
}
