/**
 * The document as SOPS walks it: mappings keep their key order (a JS object would move integer-like keys to the
 * front, which changes the MAC), list items add no key to the path, leaves are typed as Go reads them.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { Leaf } from './_cipher.js';
import { SopsError } from './errors.js';

export type TreeNode =
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, TreeNode])[] }
  | { readonly kind: 'seq'; readonly items: readonly TreeNode[] }
  | { readonly kind: 'leaf'; readonly value: Leaf };

/** Where a node sits: mapping keys and list indices (indices are for messages only; SOPS paths skip them). */
export type Location = readonly (string | number)[];

/** Visits every leaf in document order and rebuilds the tree from what `fn` returns. */
export function mapLeaves(
  node: TreeNode,
  fn: (value: Leaf, keys: readonly string[], location: Location) => Leaf,
  keys: readonly string[] = [],
  location: Location = [],
): TreeNode {
  switch (node.kind) {
    case 'leaf':
      return { kind: 'leaf', value: fn(node.value, keys, location) };
    case 'seq':
      return { kind: 'seq', items: node.items.map((item, i) => mapLeaves(item, fn, keys, [...location, i])) };
    case 'map':
      return {
        kind: 'map',
        entries: node.entries.map(([key, value]) => [key, mapLeaves(value, fn, [...keys, key], [...location, key])]),
      };
  }
}

/** `stringData.password`, `data["tls.crt"]`, `spec.items[0].name`. */
export function formatLocation(location: Location): string {
  let out = '';
  for (const part of location) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? '(document)' : out;
}

/** In Unicode mode, paired surrogates form one astral code point, so `\p{Cs}` matches only unpaired ones. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Converts the caller's plain object. Safe integers become `bigint` (Go ints), other numbers stay floats;
 * `undefined` object fields are dropped like JSON and YAML serializers do.
 */
export function treeFromPlain(value: unknown, location: Location = [], stack: Set<object> = new Set()): TreeNode {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value))
        throw badInput(location, 'holds a lone UTF-16 surrogate, which UTF-8 cannot encode');
      return { kind: 'leaf', value };
    case 'boolean':
    case 'bigint':
      return { kind: 'leaf', value };
    case 'number':
      // An integral number beyond 2^53 is no longer exact: YAML would write it as an integer literal that
      // reads back as another type (an int, where a float was given). Refuse it rather than change it.
      if (Object.is(value, -0)) throw badInput(location, 'is -0, which YAML reads back as 0: quote it as a string');
      if (Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e21) {
        throw badInput(location, `is ${value}, beyond 2^53 and no longer exact: quote it as a string`);
      }
      return { kind: 'leaf', value: Number.isSafeInteger(value) ? BigInt(value) : value };
    case 'object': {
      if (value === null) return { kind: 'leaf', value: null };
      if (stack.has(value)) throw badInput(location, 'is a circular reference');
      stack.add(value);
      try {
        if (Array.isArray(value)) {
          return {
            kind: 'seq',
            items: value.map((item: unknown, i) => {
              if (item === undefined) throw badInput([...location, i], 'is undefined (a list cannot skip it)');
              return treeFromPlain(item, [...location, i], stack);
            }),
          };
        }
        const proto = Object.getPrototypeOf(value) as unknown;
        if (proto !== Object.prototype && proto !== null) {
          throw badInput(
            location,
            `is an object of class ${value.constructor?.name ?? '?'}; only plain objects are YAML mappings`,
          );
        }
        const record = value as Record<string, unknown>;
        const entries: (readonly [string, TreeNode])[] = [];
        for (const key of Object.keys(record)) {
          const field = record[key];
          if (field === undefined) continue;
          if (LONE_SURROGATE.test(key)) throw badInput(location, 'has a key with a lone UTF-16 surrogate');
          entries.push([key, treeFromPlain(field, [...location, key], stack)]);
        }
        return { kind: 'map', entries };
      } finally {
        stack.delete(value);
      }
    }
    default:
      throw badInput(location, `is a ${typeof value}, which YAML cannot hold`);
  }
}

function badInput(location: Location, what: string): SopsError {
  return new SopsError('E_SOPS_BAD_INPUT', `${formatLocation(location)} ${what}`);
}

/** Plain JS of a tree: integers as `number` when exact, else `bigint`. */
export function treeToPlain(node: TreeNode): unknown {
  switch (node.kind) {
    case 'leaf': {
      const { value } = node;
      if (typeof value === 'bigint') {
        return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(value)
          : value;
      }
      return value;
    }
    case 'seq':
      return node.items.map(treeToPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      // defineProperty, so a key named __proto__ stays data instead of replacing the prototype.
      for (const [key, value] of node.entries) {
        Object.defineProperty(out, key, {
          value: treeToPlain(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}

/** Aliases may multiply a small file into a huge tree (billion laughs); SOPS files never need that many nodes. */
const MAX_NODES = 1_000_000;

/** Converts a parsed YAML node. Non-string keys are refused, as SOPS refuses them ("Only string keys are supported"). */
export function treeFromYaml(node: unknown, doc: Document, location: Location = []): TreeNode {
  const budget = { nodes: 0 };
  return fromYaml(node, doc, location, new Set(), budget);
}

function fromYaml(
  input: unknown,
  doc: Document,
  location: Location,
  stack: Set<unknown>,
  budget: { nodes: number },
): TreeNode {
  budget.nodes += 1;
  if (budget.nodes > MAX_NODES) {
    throw new SopsError('E_SOPS_MALFORMED', `the document expands to more than ${MAX_NODES} nodes (alias bomb?)`);
  }
  let node = input;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (target === undefined)
      throw new SopsError('E_SOPS_MALFORMED', `${formatLocation(location)} is an unresolved alias`);
    node = target;
  }
  if (node === null || node === undefined) return { kind: 'leaf', value: null };
  if (stack.has(node)) throw new SopsError('E_SOPS_MALFORMED', `${formatLocation(location)} is a recursive alias`);
  if (isScalar(node)) {
    const { value } = node;
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'bigint' ||
      typeof value === 'boolean'
    ) {
      return { kind: 'leaf', value };
    }
    throw new SopsError('E_SOPS_UNSUPPORTED', `${formatLocation(location)} has a YAML value of type ${typeof value}`);
  }
  stack.add(node);
  try {
    if (isSeq(node)) {
      return {
        kind: 'seq',
        items: node.items.map((item, i) => fromYaml(item, doc, [...location, i], stack, budget)),
      };
    }
    if (isMap(node)) {
      const entries: (readonly [string, TreeNode])[] = [];
      for (const pair of node.items) {
        let key: unknown = pair.key;
        if (isAlias(key)) key = key.resolve(doc);
        if (!isScalar(key) || typeof key.value !== 'string') {
          throw new SopsError(
            'E_SOPS_UNSUPPORTED',
            `${formatLocation(location)} has a non-string key (${describeKey(key)}); SOPS supports string keys only`,
          );
        }
        entries.push([key.value, fromYaml(pair.value, doc, [...location, key.value], stack, budget)]);
      }
      return { kind: 'map', entries };
    }
  } finally {
    stack.delete(node);
  }
  throw new SopsError('E_SOPS_MALFORMED', `${formatLocation(location)} is not a YAML scalar, list or mapping`);
}

function describeKey(key: unknown): string {
  if (isScalar(key)) return `${typeof key.value} ${String(key.value)}`;
  if (key === null || key === undefined) return 'empty';
  return (key as YamlNode).constructor?.name ?? 'complex';
}
