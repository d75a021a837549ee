/**
 * Field-level differences between two parsed objects (Kubernetes objects, Helm values, Vault role JSON), for
 * reviewers: each change is a field path with its old and new value, compact and truncated. Values under a
 * Secret-like field are never shown.
 */
import { compareStrings } from '../issues.js';

/** One changed field. `before`/`after` are display text, undefined when the field is absent on that side. */
export interface FieldChange {
  /** Dotted path, e.g. `spec.destination.namespace`, `spec.containers[name=app].image`, `token_policies`. */
  readonly path: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
  /** True when the value is hidden (Secret-like data): `before`/`after` then say only whether it is there. */
  readonly redacted: boolean;
}

/** Top-level fields whose values may be secret material: only their keys are named, never their values. */
export const REDACTED_FIELDS: ReadonlySet<string> = new Set(['data', 'stringData', 'binaryData', 'sops']);

/** Longest value text shown before it is cut with `…`. */
export const MAX_VALUE_LENGTH = 60;

/** Keys that identify an element of a list of objects, so lists are compared by element, not by index. */
const ELEMENT_KEYS = ['name', 'namespace', 'secretKey', 'key', 'path', 'mountPath', 'containerPort'] as const;

/** Every field that differs between `before` and `after`, sorted by path. */
export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(before, after, [], changes);
  return changes.sort((a, b) => compareStrings(a.path, b.path));
}

function walk(before: unknown, after: unknown, path: readonly string[], out: FieldChange[]): void {
  if (deepEqual(before, after)) return;
  if (path.length === 1 && REDACTED_FIELDS.has(path[0] ?? '')) {
    redact(before, after, path[0] ?? '', out);
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) walk(before[key], after[key], [...path, segment(key)], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = elementKey(before, after);
    if (key !== undefined) {
      const index = (list: readonly unknown[]) =>
        new Map(list.map((item) => [String((item as Record<string, unknown>)[key]), item]));
      const a = index(before);
      const b = index(after);
      for (const id of new Set([...a.keys(), ...b.keys()])) {
        walk(a.get(id), b.get(id), [...path, `[${key}=${id}]`], out);
      }
      return;
    }
    if (
      before.length === after.length &&
      [...before, ...after].every((item) => isRecord(item) || Array.isArray(item))
    ) {
      for (const [i, item] of before.entries()) walk(item, after[i], [...path, `[${i}]`], out);
      return;
    }
    // Other unkeyed lists (scalars, or a changed number of objects): the elements that left and the ones that came.
    const where = joinPath([...path, '[]']);
    const remaining = [...after];
    for (const item of before) {
      const at = remaining.findIndex((other) => deepEqual(item, other));
      if (at >= 0) remaining.splice(at, 1);
      else out.push({ path: where, before: show(item), after: undefined, redacted: false });
    }
    for (const item of remaining) out.push({ path: where, before: undefined, after: show(item), redacted: false });
    return;
  }
  if (typeof before === 'string' && typeof after === 'string') {
    const [a, b] = distinctParts(before, after);
    out.push({ path: joinPath(path), before: a, after: b, redacted: false });
    return;
  }
  out.push({ path: joinPath(path), before: show(before), after: show(after), redacted: false });
}

/** Two long strings that share a beginning: shown from shortly before where they differ. */
function distinctParts(before: string, after: string): [string | undefined, string | undefined] {
  const a = show(before);
  const b = show(after);
  if (a === undefined || b === undefined || (!a.endsWith('…') && !b.endsWith('…'))) return [a, b];
  let common = 0;
  while (common < before.length && before[common] === after[common]) common++;
  const from = Math.max(0, common - 12);
  if (from === 0) return [a, b];
  return [`…${show(before.slice(from)) ?? ''}`, `…${show(after.slice(from)) ?? ''}`];
}

/** Names the keys of a Secret-like mapping that were added, removed or changed, without their values. */
function redact(before: unknown, after: unknown, field: string, out: FieldChange[]): void {
  if (!isRecord(before) || !isRecord(after)) {
    out.push({
      path: field,
      before: before === undefined ? undefined : '(value)',
      after: after === undefined ? undefined : '(value)',
      redacted: true,
    });
    return;
  }
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (deepEqual(before[key], after[key])) continue;
    out.push({
      path: joinPath([field, segment(key)]),
      before: before[key] === undefined ? undefined : '(value)',
      after: after[key] === undefined ? undefined : '(value)',
      redacted: true,
    });
  }
}

/** The key that identifies every element of both lists (all records, unique values), if there is one. */
function elementKey(before: readonly unknown[], after: readonly unknown[]): string | undefined {
  const all = [...before, ...after];
  if (all.length === 0 || !all.every(isRecord)) return undefined;
  return ELEMENT_KEYS.find((key) =>
    [before, after].every((list) => {
      const values = list.map((item) => (item as Record<string, unknown>)[key]);
      return (
        values.every((v) => typeof v === 'string' || typeof v === 'number') && new Set(values).size === values.length
      );
    }),
  );
}

/** A field name as a path segment: plain when it is a simple word, else quoted (`annotations["a/b"]`). */
function segment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
}

function joinPath(path: readonly string[]): string {
  if (path.length === 0) return '(document)';
  return path.reduce(
    (joined, part) => (part.startsWith('[') || joined === '' ? `${joined}${part}` : `${joined}.${part}`),
    '',
  );
}

/** A value as short display text: plain words unquoted, everything else as compact JSON, cut at MAX_VALUE_LENGTH. */
export function show(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return truncate(flow(value));
}

/** Compact flow style: plain words unquoted, identifying keys first (`{namespace: a, server: https://…}`). */
function flow(value: unknown): string {
  if (typeof value === 'string') return /^[\w./:@+=-]+$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (isRecord(value)) {
    const rank = (key: string) => {
      const at = (ELEMENT_KEYS as readonly string[]).indexOf(key);
      return at < 0 ? ELEMENT_KEYS.length : at;
    };
    const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b));
    return `{${keys.map((key) => `${segment(key).replace(/^\[(.*)\]$/, '$1')}: ${flow(value[key])}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

export function truncate(text: string, max = MAX_VALUE_LENGTH): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
