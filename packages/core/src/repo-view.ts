/**
 * The repository as Argo CD will see it: every Kubernetes object of the FileSet (not yet written) and of
 * the hand-written YAML under `kubernetes/`. Invariants check this view, so a pull request that adds a
 * raw manifest breaking a rule fails like a bad definition does.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { FileSet } from './file-set.js';
import type { Capability, PolicyRule } from './hcl.js';
import { compareStrings, type Issue, issue } from './issues.js';
import type { PlatformModel } from './model.js';
import { RepoFiles, renderSource, type SourceRender } from './render.js';
import { RepoSnapshot } from './repo-snapshot.js';

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
  /**
   * Text of every file of the repository (SEC-1's secret scan): each generated file as it will be written,
   * and every file on disk Git would track (see `readRepoTexts`); present when read from disk.
   */
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
  /** What this run read of the disk already (the pipeline shares one with planWrite); a fresh one by default. */
  disk: RepoSnapshot = new RepoSnapshot(root),
): Promise<{ view: RepoView; issues: Issue[] }> {
  const objects: RepoObject[] = [];
  const issues: Issue[] = [];
  const policies: RepoPolicy[] = [];
  const roles: RepoRole[] = [];
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
  const handWritten = (await listFiles(root, MANIFESTS_ROOT, disk)).filter((p) => !files.has(p) && !removed.has(p));
  for (const path of handWritten.filter((p) => p.endsWith('.hcl'))) {
    const text = textOrThrow(disk, path);
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
      const text = textOrThrow(disk, path);
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
    const text = textOrThrow(disk, path);
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
  const repoTexts = await readRepoTexts(root, files, disk);
  const repoFiles = new RepoFiles(root, files, removed);
  const applications = await renderApplications(model, objects, repoFiles);
  const localCharts = (await repoFiles.list('charts'))
    .filter((p) => p.endsWith('/Chart.yaml'))
    .map((p) => p.slice(0, -'/Chart.yaml'.length));
  return { view: { model, objects, policies, roles, applications, localCharts, texts: repoTexts }, issues };
}

/** A file listed a moment ago is read as before: gone in between is an error, as `readFile` would raise. */
function textOrThrow(disk: RepoSnapshot, path: string): string {
  const text = disk.text(path);
  if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
  return text;
}

/** Folders never scanned, wherever they are: Git's own, installed dependencies, build output. */
const UNSCANNED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', 'dist']);

/**
 * The text of every file of the repository, for SEC-1's secret scan: each generated file as it is about to
 * be written, and every regular file on disk that Git would track, i.e. not under `.git`, `node_modules` or
 * `dist`, not matched by the root `.gitignore` (nested `.gitignore` files are not read: the scan errs on
 * reading more), not a symlink (Git stores its target, not the content). A file with a NUL byte in its first
 * SECRET_SCAN_MAX_BYTES is binary and left out; a larger file is scanned up to that size. A generated file
 * whose disk content differs (hand-edited, or about to change) is scanned in both versions.
 */
export async function readRepoTexts(
  root: string,
  files: FileSet,
  /** What this run read of the disk already; a fresh one by default. */
  disk: RepoSnapshot = new RepoSnapshot(root),
): Promise<RepoText[]> {
  let gitignore: string | undefined;
  try {
    gitignore = disk.text('.gitignore');
  } catch {
    gitignore = undefined;
  }
  const ignored = gitignoreMatcher(gitignore ?? '');
  const paths = disk.walk('', {
    order: compareStrings,
    enter: (dir) => {
      const path = dir.slice(0, -1);
      return !UNSCANNED_DIRS.has(path.slice(path.lastIndexOf('/') + 1)) && !ignored(path, true);
    },
    keep: (path) => !ignored(path, false),
  });
  const texts: RepoText[] = [...files.values()].map((file) => ({ file: file.path, content: file.content }));
  // Files planWrite or the view read already are not read again.
  for (const path of paths) {
    const content = disk.scannable(path);
    if (content !== undefined && files.get(path)?.content !== content) texts.push({ file: path, content });
  }
  return texts;
}

/**
 * Whether a repository-relative path is ignored by the rules of a `.gitignore` at the root: blank lines and
 * `#` comments skipped, `!` re-includes, a trailing `/` matches folders only, a `/` at the start or in the
 * middle anchors the pattern at the root, `*`, `?`, `[...]` and `**` as Git reads them; the last matching
 * rule wins (Git's refusal to re-include a file under an excluded folder is not modelled).
 */
export function gitignoreMatcher(text: string): (path: string, isDirectory: boolean) => boolean {
  const rules: { negate: boolean; directoryOnly: boolean; pattern: RegExp }[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.replace(/\r$/, '').replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    const directoryOnly = line.endsWith('/');
    if (directoryOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    let source = '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i] ?? '';
      if (c === '*' && line[i + 1] === '*') {
        // `**/` any folders (or none), `/**` everything below, `**` anything.
        if (line[i + 2] === '/') {
          source += '(?:.*/)?';
          i += 2;
        } else {
          source += '.*';
          i += 1;
        }
      } else if (c === '*') source += '[^/]*';
      else if (c === '?') source += '[^/]';
      else if (c === '[') {
        const close = line.indexOf(']', i + 2);
        if (close < 0) source += '\\[';
        else {
          source += `[${line
            .slice(i + 1, close)
            .replace(/^!/, '^')
            .replace(/\\/g, '\\\\')}]`;
          i = close;
        }
      } else if (c === '\\' && i + 1 < line.length) {
        source += (line[i + 1] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        i += 1;
      } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    rules.push({ negate, directoryOnly, pattern: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${source}$`) });
  }
  return (path, isDirectory) => {
    let ignored = false;
    for (const rule of rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      if (rule.pattern.test(path)) ignored = !rule.negate;
    }
    return ignored;
  };
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
export async function parsePolicy(file: string, text: string): Promise<{ rules: PolicyRule[] } | { issue: Issue }> {
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
export async function listFiles(
  root: string,
  dir: string,
  disk: RepoSnapshot = new RepoSnapshot(root),
): Promise<string[]> {
  return disk.walk(dir).sort();
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
