import { describe, expect, it } from 'vitest';
import { toPlainData } from './plain-data.js';

const FILE = 'namespaces/a/namespace.ts';

/** The code, path and message of every issue. */
function problems(value: unknown): { path: string; message: string }[] {
  const { issues } = toPlainData(value, FILE);
  for (const found of issues) {
    expect(found.code).toBe('E_DEF_NOT_DATA');
    expect(found.file).toBe(FILE);
    expect(found.severity).toBe('error');
    expect(found.hint).toBe('use strings, numbers, booleans, lists and plain objects');
  }
  return issues.map((i) => ({ path: i.path, message: i.message }));
}

/** Every object and array reachable from `value`. */
function objectsOf(value: unknown, into = new Set<object>()): Set<object> {
  if (typeof value === 'object' && value !== null && !into.has(value)) {
    into.add(value);
    for (const child of Object.values(value)) objectsOf(child, into);
  }
  return into;
}

describe('toPlainData', () => {
  it('copies plain data unchanged', () => {
    const value = { name: 'a', n: 1.5, ok: true, none: null, list: [1, 'x', { deep: [[]] }], empty: {} };
    expect(toPlainData(value, FILE)).toEqual({ data: value, issues: [] });
  });

  it('accepts null-prototype objects and copies them into plain objects', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const { data, issues } = toPlainData({ value }, FILE);
    expect(issues).toEqual([]);
    expect(data).toEqual({ value: { a: 1 } });
  });

  it('returns a copy that shares no object with the input', () => {
    const shared = { key: 'payments/api/db' };
    const value = { secrets: [shared, shared], meta: { labels: { a: 'b' } } };
    const { data, issues } = toPlainData(value, FILE);
    expect(issues).toEqual([]);
    expect(data).toEqual(value);
    const inputObjects = objectsOf(value);
    for (const copied of objectsOf(data)) expect(inputObjects.has(copied)).toBe(false);
    // A value referenced twice (not a cycle) is copied twice.
    const copy = data as { secrets: object[] };
    expect(copy.secrets[0]).not.toBe(copy.secrets[1]);
  });

  it('drops fields that are undefined, as JSON does', () => {
    expect(toPlainData({ a: 1, description: undefined, nested: { x: undefined } }, FILE)).toEqual({
      data: { a: 1, nested: {} },
      issues: [],
    });
  });

  it('ignores non-enumerable and symbol-keyed properties', () => {
    const value: Record<string | symbol, unknown> = { a: 1, [Symbol('s')]: () => 1 };
    Object.defineProperty(value, 'hidden', { value: () => 1, enumerable: false });
    expect(toPlainData(value, FILE)).toEqual({ data: { a: 1 }, issues: [] });
  });

  it('reports functions, symbols and bigints with their path', () => {
    expect(problems({ a: () => 1, list: [1, Symbol('s')], n: { big: 1n } })).toEqual([
      { path: 'a', message: 'a is a function; definitions hold plain data only' },
      { path: 'list[1]', message: 'list[1] is a symbol; definitions hold plain data only' },
      { path: 'n.big', message: 'n.big is a bigint; definitions hold plain data only' },
    ]);
  });

  it('reports undefined inside a list, and an undefined export', () => {
    expect(problems({ list: [undefined] })).toEqual([
      { path: 'list[0]', message: 'list[0] is undefined; definitions hold plain data only' },
    ]);
    expect(problems(undefined)).toEqual([
      { path: '', message: 'the exported value is undefined; definitions hold plain data only' },
    ]);
  });

  it('reports NaN and Infinity', () => {
    expect(problems({ a: Number.NaN, b: [Number.NEGATIVE_INFINITY] })).toEqual([
      { path: 'a', message: 'a is the number NaN; definitions hold plain data only' },
      { path: 'b[0]', message: 'b[0] is the number -Infinity; definitions hold plain data only' },
    ]);
  });

  it('reports class instances, naming the class', () => {
    class Team {
      name = 'payments';
    }
    expect(problems({ team: new Team(), when: new Date(0), map: new Map(), re: /x/ })).toEqual([
      { path: 'team', message: 'team is an instance of Team; definitions hold plain data only' },
      { path: 'when', message: 'when is an instance of Date; definitions hold plain data only' },
      { path: 'map', message: 'map is an instance of Map; definitions hold plain data only' },
      { path: 're', message: 're is an instance of RegExp; definitions hold plain data only' },
    ]);
  });

  it('reports cycles at the field that closes them', () => {
    const value: Record<string, unknown> = { name: 'a' };
    value.self = value;
    const list: unknown[] = [];
    list.push({ back: list });
    expect(problems({ value, list })).toEqual([
      {
        path: 'value.self',
        message: 'value.self is a reference to one of its own parents (a cycle); definitions hold plain data only',
      },
      {
        path: 'list[0].back',
        message: 'list[0].back is a reference to one of its own parents (a cycle); definitions hold plain data only',
      },
    ]);
  });

  it('reports getters that throw and keeps the other fields', () => {
    const value = {
      ok: 1,
      get broken(): never {
        throw new Error('boom');
      },
    };
    const { data, issues } = toPlainData(value, FILE);
    expect(data).toEqual({ ok: 1 });
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['broken', 'broken is a getter that throws (Error: boom); definitions hold plain data only'],
    ]);
  });

  it('reads getters that work', () => {
    expect(
      toPlainData(
        {
          get name() {
            return 'computed';
          },
        },
        FILE,
      ),
    ).toEqual({ data: { name: 'computed' }, issues: [] });
  });

  it('reports nesting deeper than 64 levels once', () => {
    const root: Record<string, unknown> = {};
    let current = root;
    for (let i = 0; i < 70; i++) {
      const next = {};
      current.x = next;
      current = next;
    }
    const found = problems(root);
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe(Array(65).fill('x').join('.'));
    expect(found[0]?.message).toMatch(/is nested more than 64 levels deep; definitions hold plain data only$/);
  });

  it('does not mutate a frozen input', () => {
    const value = Object.freeze({ list: Object.freeze([Object.freeze({ a: 1 })]), b: undefined });
    expect(toPlainData(value, FILE)).toEqual({ data: { list: [{ a: 1 }] }, issues: [] });
  });

  it('fixed: a hole in a list (`[a, , b]`) is neither reported nor filled; the copy keeps the hole', () => {
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    const { issues } = toPlainData({ list: ['a', , 'b'] }, FILE);
    expect(issues.map((i) => i.path)).toEqual(['list[1]']);
  });

  it("refuses an own field named __proto__ (from JSON.parse) instead of setting the copy's prototype", () => {
    const value = JSON.parse('{"name":"a","__proto__":{"team":"admins"}}') as unknown;
    const { data, issues } = toPlainData(value, FILE);
    expect(issues.map((i) => [i.code, i.path])).toEqual([['E_DEF_NOT_DATA', '__proto__']]);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect((data as Record<string, unknown>).team).toBeUndefined();
  });
});
