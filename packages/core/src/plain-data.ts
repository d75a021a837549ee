/**
 * Definitions are code; what they export must be plain data. This copies an exported value into fresh
 * plain objects and arrays (so nothing the generators read can change under them) and reports
 * anything that is not data: functions, class instances, symbols, cycles, getters that throw.
 */
import { type FieldPath, formatFieldPath, type Issue, issue } from './issues.js';

const MAX_DEPTH = 64;

export function toPlainData(value: unknown, file: string): { data: unknown; issues: Issue[] } {
  const issues: Issue[] = [];
  const stack = new Set<unknown>();

  const report = (path: FieldPath, what: string) =>
    issues.push(
      issue({
        code: 'E_DEF_NOT_DATA',
        file,
        path: formatFieldPath(path),
        message: `${formatFieldPath(path) || 'the exported value'} is ${what}; definitions hold plain data only`,
        hint: 'use strings, numbers, booleans, lists and plain objects',
      }),
    );

  const copy = (v: unknown, path: (string | number)[]): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) report(path, `the number ${String(v)}`);
      return v;
    }
    if (typeof v !== 'object') {
      report(path, typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`);
      return undefined;
    }
    if (stack.has(v)) {
      report(path, 'a reference to one of its own parents (a cycle)');
      return undefined;
    }
    if (path.length > MAX_DEPTH) {
      report(path, `nested more than ${MAX_DEPTH} levels deep`);
      return undefined;
    }
    stack.add(v);
    try {
      if (Array.isArray(v)) {
        const items: unknown[] = [];
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) report([...path, i], 'a hole in the list (two commas in a row)');
          else items.push(copy(v[i], [...path, i]));
        }
        return items;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        report(path, `an instance of ${(v as { constructor?: { name?: string } }).constructor?.name ?? 'a class'}`);
        return undefined;
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        if (key === '__proto__') {
          // Assigning it would set the copy's prototype instead of a field: refuse it.
          report([...path, key], 'a field named __proto__, which JavaScript treats as the prototype');
          continue;
        }
        let item: unknown;
        try {
          item = (v as Record<string, unknown>)[key];
        } catch (error) {
          report([...path, key], `a getter that throws (${String(error)})`);
          continue;
        }
        // Optional fields left undefined are simply absent, as in JSON.
        if (item === undefined) continue;
        out[key] = copy(item, [...path, key]);
      }
      return out;
    } finally {
      stack.delete(v);
    }
  };

  const data = copy(value, []);
  return { data, issues };
}
