/**
 * What a change to the definitions does, object by object: two generations ("before" and "after", each a
 * map of repository path → file text) compared as Kubernetes objects keyed by apiVersion/kind/namespace/name,
 * grouped by tenant namespace, platform component or "repository", with every change to Vault access listed
 * apart. Pure: the caller reads the files (disk, Git, or a fresh generation); nothing here touches the disk.
 */
import { structuredPatch } from 'diff';
import { parseAllDocuments } from 'yaml';
import { componentList } from '../components.js';
import { GENERATED_MARKER } from '../file-set.js';
import { compareStrings } from '../issues.js';
import { CLUSTER_SCOPED_KINDS } from '../kinds.js';
import { ANNOTATIONS } from '../labels.js';
import { OUTPUT_DIRS } from '../layout.js';
import { PLATFORM_NAMESPACES } from '../names.js';
import { parsePolicy } from '../repo-view.js';
import { deepEqual, diffFields, type FieldChange } from './object-diff.js';

/** Repository path → file text. */
export type GenerationFiles = ReadonlyMap<string, string>;

export type ChangeKind = 'added' | 'removed' | 'changed';

/** Who a change belongs to: a tenant namespace, a platform component, or the repository itself (docs, CODEOWNERS, CI). */
export interface GroupRef {
  readonly kind: 'namespace' | 'component' | 'repository';
  readonly name: string;
}

export interface ObjectChange {
  readonly change: ChangeKind;
  /** `Kind namespace/name` (`Kind name` when cluster-scoped); a document that is no object: its file. */
  readonly label: string;
  readonly kind: string | undefined;
  /** The file holding the object (after the change; before it when removed). */
  readonly file: string;
  /** The file before, when the object moved. */
  readonly movedFrom?: string;
  /** Changed fields; empty for an added or removed object. */
  readonly fields: readonly FieldChange[];
}

/** A file that is not YAML objects: compared as text. */
export interface FileChange {
  readonly change: ChangeKind;
  readonly path: string;
  /** `patch`: a short unified diff in `lines`; `summary`: only line counts (docs, generated code, bookkeeping); `vault`: see the Vault section. */
  readonly display: 'patch' | 'summary' | 'vault';
  /** Unified-diff lines (`@@ … @@`, ` `, `+`, `-`), capped. */
  readonly lines: readonly string[];
  readonly added: number;
  readonly removed: number;
}

/** A Vault policy, role, group-policy or handover file that changed: what access was added or removed. */
export interface VaultChange {
  readonly change: ChangeKind;
  readonly path: string;
  readonly what: VaultFileKind;
  /** `+ …` granted, `- …` taken away, `~ …` changed in place. */
  readonly lines: readonly string[];
}

export type VaultFileKind = 'policy' | 'role' | 'OIDC role' | 'group policies' | 'handover path';

export interface DiffGroup extends GroupRef {
  readonly objects: readonly ObjectChange[];
  readonly files: readonly FileChange[];
}

export interface GenerationDiff {
  readonly vault: readonly VaultChange[];
  /** Namespaces first (by name), then components, then the repository. */
  readonly groups: readonly DiffGroup[];
  /** Number of distinct paths compared. */
  readonly compared: number;
}

/** Longest unified diff shown for one file. */
export const MAX_PATCH_LINES = 40;
/** Longest list of changed fields shown for one object. */
export const MAX_FIELDS = 25;

const VAULT_FILES_DIR = `${OUTPUT_DIRS.vaultConfig}files/`;
const VAULT_FILE_KINDS: readonly (readonly [RegExp, VaultFileKind])[] = [
  [/^[^/]+\.hcl$/, 'policy'],
  [/^role-[^/]+\.json$/, 'role'],
  [/^oidc-role-[^/]+\.json$/, 'OIDC role'],
  [/^group-[^/]+\.policies$/, 'group policies'],
  [/^handover-[^/]+\.path$/, 'handover path'],
];

/** The kind of Vault access file at `path`, or undefined when it grants no access (scripts, manifests). */
export function vaultFileKind(path: string): VaultFileKind | undefined {
  if (!path.startsWith(VAULT_FILES_DIR)) return undefined;
  const name = path.slice(VAULT_FILES_DIR.length);
  return VAULT_FILE_KINDS.find(([pattern]) => pattern.test(name))?.[1];
}

/** Compares two generations. Async only because Vault policies are read with HashiCorp's HCL parser (WASM). */
export async function diffGenerations(before: GenerationFiles, after: GenerationFiles): Promise<GenerationDiff> {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(compareStrings);
  const groups = new Map<string, { ref: GroupRef; objects: ObjectChange[]; files: FileChange[] }>();
  const groupFor = (ref: GroupRef) => {
    const key = `${ref.kind}/${ref.name}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { ref, objects: [], files: [] };
      groups.set(key, group);
    }
    return group;
  };
  const vault: VaultChange[] = [];
  const beforeObjects = new Map<string, Located>();
  const afterObjects = new Map<string, Located>();

  for (const path of paths) {
    const a = before.get(path);
    const b = after.get(path);
    const parsedA = a === undefined ? undefined : parseFile(path, a);
    const parsedB = b === undefined ? undefined : parseFile(path, b);
    if (parsedA !== 'text' && parsedB !== 'text' && (parsedA !== undefined || parsedB !== undefined)) {
      const group = groupOf(path, sourceOf(b ?? a ?? ''));
      for (const doc of parsedA ?? []) addObject(beforeObjects, doc, path, group);
      for (const doc of parsedB ?? []) addObject(afterObjects, doc, path, group);
      continue;
    }
    if (a === b) continue;
    const change: ChangeKind = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
    const kind = vaultFileKind(path);
    if (kind !== undefined) vault.push({ change, path, what: kind, lines: await vaultLines(path, kind, a, b) });
    const display = kind !== undefined ? 'vault' : isSummaryOnly(path) ? 'summary' : 'patch';
    groupFor(groupOf(path, sourceOf(b ?? a ?? ''))).files.push({ change, path, display, ...textPatch(a, b) });
  }

  for (const key of new Set([...beforeObjects.keys(), ...afterObjects.keys()])) {
    const a = beforeObjects.get(key);
    const b = afterObjects.get(key);
    const located = b ?? a;
    if (located === undefined) continue;
    if (a !== undefined && b !== undefined) {
      const fields = diffFields(a.value, b.value);
      if (fields.length === 0 && a.file === b.file) continue;
      groupFor(b.group).objects.push({
        change: 'changed',
        label: b.label,
        kind: b.kind,
        file: b.file,
        ...(a.file === b.file ? {} : { movedFrom: a.file }),
        fields,
      });
      continue;
    }
    groupFor(located.group).objects.push({
      change: a === undefined ? 'added' : 'removed',
      label: located.label,
      kind: located.kind,
      file: located.file,
      fields: [],
    });
  }

  const order = { namespace: 0, component: 1, repository: 2 } as const;
  const sorted = [...groups.values()]
    .filter((g) => g.objects.length > 0 || g.files.length > 0)
    .sort((x, y) => order[x.ref.kind] - order[y.ref.kind] || compareStrings(x.ref.name, y.ref.name))
    .map((g) => ({
      ...g.ref,
      objects: g.objects.sort(
        (x, y) => CHANGE_ORDER[x.change] - CHANGE_ORDER[y.change] || compareStrings(x.label, y.label),
      ),
      files: g.files,
    }));
  return { vault, groups: sorted, compared: paths.length };
}

const CHANGE_ORDER: Readonly<Record<ChangeKind, number>> = { added: 0, removed: 1, changed: 2 };

/** True when the diff holds no change at all. */
export function isEmptyDiff(diff: GenerationDiff): boolean {
  return diff.vault.length === 0 && diff.groups.length === 0;
}

/** Counts for a one-line summary. */
export function diffCounts(diff: GenerationDiff): Record<ChangeKind, number> & { files: number; vault: number } {
  const objects = diff.groups.flatMap((g) => g.objects);
  const count = (change: ChangeKind) => objects.filter((o) => o.change === change).length;
  return {
    added: count('added'),
    removed: count('removed'),
    changed: count('changed'),
    files: diff.groups.reduce((n, g) => n + g.files.length, 0),
    vault: diff.vault.length,
  };
}

interface Located {
  readonly value: unknown;
  readonly label: string;
  readonly kind: string | undefined;
  readonly file: string;
  readonly group: GroupRef;
}

interface ParsedDocument {
  readonly value: unknown;
  readonly index: number;
  readonly count: number;
}

/** YAML and JSON files as documents; `'text'` for everything else (and for files that do not parse). */
function parseFile(path: string, text: string): ParsedDocument[] | 'text' {
  if (/\.ya?ml$/.test(path)) {
    const documents = parseAllDocuments(text, { version: '1.1' });
    if (!Array.isArray(documents) || documents.some((d) => d.errors.length > 0)) return 'text';
    const values = documents.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
    return values.map((value, index) => ({ value, index, count: values.length }));
  }
  if (path.endsWith('.json') && vaultFileKind(path) === undefined) {
    try {
      return [{ value: JSON.parse(text) as unknown, index: 0, count: 1 }];
    } catch {
      return 'text';
    }
  }
  return 'text';
}

function addObject(into: Map<string, Located>, doc: ParsedDocument, file: string, fileGroup: GroupRef): void {
  const value = doc.value;
  const meta = isRecord(value) && isRecord(value.metadata) ? value.metadata : undefined;
  const apiVersion = isRecord(value) && typeof value.apiVersion === 'string' ? value.apiVersion : undefined;
  const kind = isRecord(value) && typeof value.kind === 'string' ? value.kind : undefined;
  const name = typeof meta?.name === 'string' ? meta.name : undefined;
  if (apiVersion === undefined || kind === undefined || name === undefined) {
    // Helm values, tool configuration: identified by file (and position).
    const label = doc.count > 1 ? `${file} (document ${doc.index + 1})` : file;
    into.set(`file:${file}#${doc.index}`, { value, label, kind, file, group: fileGroup });
    return;
  }
  // A namespaced object without metadata.namespace lands in its Application's destination: the folder's namespace.
  const namespace =
    typeof meta?.namespace === 'string'
      ? meta.namespace
      : CLUSTER_SCOPED_KINDS.has(kind)
        ? undefined
        : folderNamespace(file);
  const source = isRecord(meta?.annotations) ? meta.annotations[ANNOTATIONS.source] : undefined;
  const tenant = tenantOf(typeof source === 'string' ? source : '');
  const group: GroupRef =
    tenant !== undefined
      ? { kind: 'namespace', name: tenant }
      : (fileGroupOrNamespace(fileGroup, namespace) ?? fileGroup);
  let key = `${apiVersion}|${kind}|${namespace ?? ''}|${name}`;
  // Two objects with one identity (only possible by mistake): keep both, told apart by file.
  if (into.has(key)) key = `${key}@${file}`;
  into.set(key, {
    value,
    label: `${kind} ${namespace === undefined ? '' : `${namespace}/`}${name}`,
    kind,
    file,
    group,
  });
}

/** An object in a platform namespace outside any component folder belongs to that namespace's group. */
function fileGroupOrNamespace(fileGroup: GroupRef, namespace: string | undefined): GroupRef | undefined {
  if (fileGroup.kind !== 'repository' || namespace === undefined) return undefined;
  return PLATFORM_NAMESPACE_NAMES.has(namespace) ? { kind: 'component', name: namespace } : undefined;
}

const PLATFORM_NAMESPACE_NAMES: ReadonlySet<string> = new Set(Object.values(PLATFORM_NAMESPACES));

/** The definition a generated file names in its header (`namespaces/payments`, `platform/platform.ts`), or ''. */
export function sourceOf(text: string): string {
  const head = text.slice(0, 400);
  const at = head.indexOf(`${GENERATED_MARKER} from `);
  if (at < 0) return '';
  const rest = head.slice(at + GENERATED_MARKER.length + ' from '.length);
  const end = rest.indexOf('. DO NOT EDIT');
  return end < 0 ? '' : rest.slice(0, end);
}

/**
 * The group of a file: the tenant namespace its source definition or folder names; else the platform
 * component whose folder holds it (the Argo CD app tree is Argo CD's); else the repository.
 */
export function groupOf(path: string, source: string): GroupRef {
  const tenant = tenantOf(source) ?? folderNamespace(path);
  if (tenant !== undefined) return { kind: 'namespace', name: tenant };
  if (path.startsWith(OUTPUT_DIRS.argoApps)) return { kind: 'component', name: PLATFORM_NAMESPACES.argocd };
  for (const component of componentList()) {
    const folders = [
      `${OUTPUT_DIRS.charts}${component.name}/`,
      ...(component.source.type === 'chart' ? [] : [`${component.source.path}/`]),
    ];
    if (folders.some((folder) => path.startsWith(folder))) return { kind: 'component', name: component.name };
  }
  return { kind: 'repository', name: 'repository' };
}

function tenantOf(source: string): string | undefined {
  return /^namespaces\/([^/]+)(\/|$)/.exec(source)?.[1];
}

function folderNamespace(path: string): string | undefined {
  return new RegExp(`^${OUTPUT_DIRS.namespaces}([^/]+)/`).exec(path)?.[1];
}

/** Docs, generated code and bookkeeping: a reviewer needs to know they changed, not how. */
function isSummaryOnly(path: string): boolean {
  return /\.(md|ts)$/.test(path) || path.startsWith('.platform-gen/') || path === '.gitattributes';
}

/** A short unified diff (one line of context), capped at MAX_PATCH_LINES, with counts of added and removed lines. */
export function textPatch(
  before: string | undefined,
  after: string | undefined,
): { lines: string[]; added: number; removed: number } {
  const patch = structuredPatch('a', 'b', before ?? '', after ?? '', undefined, undefined, { context: 1 });
  const lines: string[] = [];
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) {
      if (line.startsWith('\\')) continue;
      if (line.startsWith('+')) added++;
      if (line.startsWith('-')) removed++;
      lines.push(line);
    }
  }
  return { lines: cap(lines, MAX_PATCH_LINES), added, removed };
}

function cap(lines: string[], max: number): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max), `… ${lines.length - max} more lines`];
}

/** What a Vault file's change grants or takes away, as `+`/`-`/`~` lines. */
async function vaultLines(
  path: string,
  kind: VaultFileKind,
  before: string | undefined,
  after: string | undefined,
): Promise<string[]> {
  if (kind === 'policy') {
    const rules = async (text: string | undefined) => {
      if (text === undefined) return [];
      const parsed = await parsePolicy(path, text);
      return 'rules' in parsed ? parsed.rules : undefined;
    };
    const a = await rules(before);
    const b = await rules(after);
    // A policy Vault could not parse either: show its lines.
    return a === undefined || b === undefined ? contentLines(before, after) : policyLines(a, b);
  }
  if (kind === 'role' || kind === 'OIDC role') {
    try {
      const a: unknown = before === undefined ? {} : JSON.parse(before);
      const b: unknown = after === undefined ? {} : JSON.parse(after);
      return diffFields(a, b).map((f) =>
        f.before === undefined
          ? `+ ${f.path}: ${f.after ?? ''}`
          : f.after === undefined
            ? `- ${f.path}: ${f.before}`
            : `~ ${f.path}: ${f.before} → ${f.after}`,
      );
    } catch {
      return contentLines(before, after);
    }
  }
  return contentLines(before, after);
}

function policyLines(
  before: readonly { path: string; capabilities: readonly string[] }[],
  after: readonly { path: string; capabilities: readonly string[] }[],
): string[] {
  const a = new Map(before.map((r) => [r.path, r.capabilities]));
  const b = new Map(after.map((r) => [r.path, r.capabilities]));
  const lines: string[] = [];
  const caps = (list: readonly string[]) => `[${list.map((c) => JSON.stringify(c)).join(', ')}]`;
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings)) {
    const x = a.get(path);
    const y = b.get(path);
    if (x !== undefined && y !== undefined && deepEqual([...x].sort(), [...y].sort())) continue;
    if (x !== undefined) lines.push(`- path ${JSON.stringify(path)} capabilities = ${caps(x)}`);
    if (y !== undefined) lines.push(`+ path ${JSON.stringify(path)} capabilities = ${caps(y)}`);
  }
  return lines;
}

/** Lines added and removed, ignoring comments (the generated header). */
function contentLines(before: string | undefined, after: string | undefined): string[] {
  const lines = (text: string | undefined) =>
    (text ?? '').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const a = lines(before);
  const b = lines(after);
  return cap(
    [...a.filter((l) => !b.includes(l)).map((l) => `- ${l}`), ...b.filter((l) => !a.includes(l)).map((l) => `+ ${l}`)],
    MAX_PATCH_LINES,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
