import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { quoteDouble, toYaml, toYamlDocuments, YamlSerializeError } from './yaml.js';

/** Parses `text` under YAML 1.2 (the `yaml` default) and YAML 1.1 (what Helm and Kubernetes use). */
function parseBoth(text: string): { v12: unknown; v11: unknown } {
  return { v12: parse(text), v11: parse(text, { version: '1.1' }) };
}

function expectRoundTrip(value: unknown): string {
  const text = toYaml(value);
  const { v12, v11 } = parseBoth(text);
  expect(v12).toEqual(value);
  expect(v11).toEqual(value);
  return text;
}

describe('toYaml: collections', () => {
  it('writes nested mappings and sequences in block style, in insertion order', () => {
    const value = {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'payments-api', labels: { 'app.kubernetes.io/managed-by': 'platform-gen' } },
      items: [1, 'two', { three: [true, null], four: 4.5 }, [5, [6]]],
    };
    const text = expectRoundTrip(value);
    expect(text).toBe(
      [
        'kind: Namespace',
        'apiVersion: v1',
        'metadata:',
        '  name: payments-api',
        '  labels:',
        '    app.kubernetes.io/managed-by: platform-gen',
        'items:',
        '  - 1',
        '  - two',
        '  - three:',
        '      - true',
        '      - null',
        '    four: 4.5',
        '  - - 5',
        '    - - 6',
        '',
      ].join('\n'),
    );
  });

  it('writes empty mappings and sequences as {} and []', () => {
    expect(toYaml({})).toBe('{}\n');
    expect(toYaml([])).toBe('[]\n');
    expect(expectRoundTrip({ a: {}, b: [], c: [{}, []] })).toBe('a: {}\nb: []\nc:\n  - {}\n  - []\n');
  });

  it('accepts null-prototype objects as mappings', () => {
    const map = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(toYaml({ map })).toBe('map:\n  a: 1\n');
  });

  it('drops undefined fields of a mapping, as JSON.stringify does', () => {
    expect(toYaml({ a: 1, b: undefined, c: 'x' })).toBe('a: 1\nc: x\n');
  });

  it('writes top-level scalars', () => {
    expect(toYaml('text')).toBe('text\n');
    expect(toYaml(42)).toBe('42\n');
    expect(toYaml(null)).toBe('null\n');
    expect(toYaml(false)).toBe('false\n');
  });

  it('separates documents with ---', () => {
    expect(toYamlDocuments([{ a: 1 }, { b: [2] }])).toBe('a: 1\n---\nb:\n  - 2\n');
    expect(toYamlDocuments([])).toBe('');
  });
});

describe('toYaml: numbers', () => {
  it('writes integers and simple decimals as JavaScript prints them', () => {
    expect(expectRoundTrip({ a: 0, b: -12, c: 0.25, d: 123456789012, e: -3.5 })).toBe(
      'a: 0\nb: -12\nc: 0.25\nd: 123456789012\ne: -3.5\n',
    );
  });

  it('writes -0 as 0', () => {
    expect(toYaml({ zero: -0 })).toBe('zero: 0\n');
  });

  it('rejects numbers that would need an exponent', () => {
    expect(() => toYaml({ big: 1e21 })).toThrow(YamlSerializeError);
    expect(() => toYaml({ big: 1e21 })).toThrow('1e+21 would need an exponent at big');
    expect(() => toYaml({ small: [1e-7] })).toThrow('1e-7 would need an exponent at small.0');
  });

  it('rejects NaN and Infinity', () => {
    expect(() => toYaml({ a: Number.NaN })).toThrow(YamlSerializeError);
    expect(() => toYaml({ a: Number.NaN })).toThrow('NaN is not a YAML number at a');
    expect(() => toYaml({ a: [Number.POSITIVE_INFINITY] })).toThrow('Infinity is not a YAML number at a.0');
    expect(() => toYaml(Number.NEGATIVE_INFINITY)).toThrow('-Infinity is not a YAML number');
  });
});

describe('toYaml: values that are not data', () => {
  class Box {
    constructor(readonly value: number) {}
  }

  it('rejects functions, symbols and bigints', () => {
    expect(() => toYaml({ f: () => 1 })).toThrow(YamlSerializeError);
    expect(() => toYaml({ f: () => 1 })).toThrow('cannot serialize function at f');
    expect(() => toYaml({ s: Symbol('x') })).toThrow('cannot serialize symbol at s');
    expect(() => toYaml({ n: 1n })).toThrow('cannot serialize bigint at n');
  });

  it('rejects class instances, naming the class', () => {
    expect(() => toYaml({ box: new Box(1) })).toThrow('cannot serialize an object of class Box at box');
    expect(() => toYaml(new Box(1))).toThrow('cannot serialize an object of class Box at (top level)');
    expect(() => toYaml({ when: [new Date(0)] })).toThrow('cannot serialize an object of class Date at when.0');
    expect(() => toYaml({ m: new Map() })).toThrow('cannot serialize an object of class Map at m');
  });

  it('rejects undefined in a list and at the top level', () => {
    expect(() => toYaml({ list: [1, undefined] })).toThrow('undefined in a list at list.1');
    expect(() => toYaml(undefined)).toThrow('cannot serialize undefined at (top level)');
  });
});

describe('toYaml: strings', () => {
  it('writes simple strings plain', () => {
    expect(toYaml({ a: 'payments-api', b: 'app.kubernetes.io/name', c: '/etc/x', d: 'a b:c', e: '_x' })).toBe(
      'a: payments-api\nb: app.kubernetes.io/name\nc: /etc/x\nd: a b:c\ne: _x\n',
    );
  });

  const words = ['on', 'off', 'yes', 'no', 'y', 'n', 'true', 'false', 'null'];
  const variants = (w: string) => [w, `${w[0]?.toUpperCase()}${w.slice(1)}`, w.toUpperCase()];

  it.each(words.flatMap(variants))('quotes the YAML 1.1/1.2 keyword %j as value and key', (word) => {
    expect(toYaml({ k: word })).toBe(`k: "${word}"\n`);
    expect(toYaml({ [word]: 1 })).toBe(`"${word}": 1\n`);
    expect(toYaml([word])).toBe(`- "${word}"\n`);
    expectRoundTrip({ [word]: word });
  });

  it('round-trips keywords in every casing (mixed case is not a keyword and may stay plain)', () => {
    for (const word of words) {
      const casings = [...Array(2 ** word.length).keys()].map((mask) =>
        [...word].map((c, i) => ((mask >> i) & 1 ? c.toUpperCase() : c)).join(''),
      );
      for (const casing of casings) expectRoundTrip({ [casing]: [casing] });
    }
    expect(toYaml({ k: 'yEs' })).toBe('k: yEs\n');
  });

  it.each([
    ['1h', '"1h"'],
    ['0755', '"0755"'],
    ['0x1F', '"0x1F"'],
    ['1.33.0', '"1.33.0"'],
    ['12:30', '"12:30"'],
    ['1e3', '"1e3"'],
    ['2001-12-14', '"2001-12-14"'],
    ['.inf', '".inf"'],
    ['~', '"~"'],
    ['', '""'],
    ['-', '"-"'],
    ['<<', '"<<"'],
    ['=', '"="'],
  ])('quotes %j, which YAML could read as something else', (text, quoted) => {
    expect(toYaml({ k: text })).toBe(`k: ${quoted}\n`);
    expectRoundTrip({ [text]: text });
  });

  it('keeps 0755 a string under YAML 1.1, where plain 0755 is octal', () => {
    expect(parse('k: 0755', { version: '1.1' })).toEqual({ k: 493 });
    expect(parse(toYaml({ k: '0755' }), { version: '1.1' })).toEqual({ k: '0755' });
    expect(parse(toYaml({ k: 'on' }), { version: '1.1' })).toEqual({ k: 'on' });
  });

  it.each([
    ['a: b', '"a: b"'],
    ['a #b', '"a #b"'],
    ['a#b', '"a#b"'],
    ['a:', '"a:"'],
    ['a  b', '"a  b"'],
    [' a', '" a"'],
    ['a ', '"a "'],
    ['#x', '"#x"'],
    ['- x', '"- x"'],
    ['{x}', '"{x}"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
  ])('quotes %j, which holds a YAML indicator', (text, quoted) => {
    expect(toYaml({ k: text })).toBe(`k: ${quoted}\n`);
    expectRoundTrip({ [text]: [text] });
  });

  it('double-quotes non-ASCII text without escaping printable characters', () => {
    expect(toYaml({ k: 'café' })).toBe('k: "café"\n');
    expect(toYaml({ k: '😀 ok' })).toBe('k: "😀 ok"\n');
    expectRoundTrip({ café: '日本語', '😀': 'ünï' });
  });

  it('escapes control characters, DEL, C1 controls, U+2028/2029 and BOM', () => {
    expect(toYaml({ k: 'a\u0001b' })).toBe('k: "a\\u0001b"\n');
    expect(toYaml({ k: 'tab\there' })).toBe('k: "tab\\there"\n');
    expect(toYaml({ k: 'a\u007fb' })).toBe('k: "a\\u007fb"\n');
    expect(toYaml({ k: 'a\u0085b' })).toBe('k: "a\\u0085b"\n');
    expect(toYaml({ k: 'a\u2028b' })).toBe('k: "a\\u2028b"\n');
    expect(toYaml({ k: 'a\u2029b' })).toBe('k: "a\\u2029b"\n');
    expect(toYaml({ k: '\ufeffx' })).toBe('k: "\\ufeffx"\n');
    expect(quoteDouble('\u009f\u00a0')).toBe('"\\u009f\u00a0"');
    expectRoundTrip({ k: '\u0000\u0001\u001f\u007f\u0080\u0085\u009f\u2028\u2029\ufeff\r' });
  });

  it('escapes lone surrogates (JSON.stringify does) and still round-trips them', () => {
    expect(toYaml({ k: '\ud800' })).toBe('k: "\\ud800"\n');
    expectRoundTrip({ k: 'a\udc00b', '\ud83d': 1 });
  });
});

describe('toYaml: multi-line strings', () => {
  it('writes a literal block with strip chomping when there is no trailing newline', () => {
    expect(expectRoundTrip({ script: 'echo a\necho b' })).toBe('script: |-\n  echo a\n  echo b\n');
  });

  it('writes a literal block with clip chomping for one trailing newline', () => {
    expect(expectRoundTrip({ script: 'echo a\necho b\n' })).toBe('script: |\n  echo a\n  echo b\n');
  });

  it('writes a literal block with keep chomping for several trailing newlines', () => {
    expect(expectRoundTrip({ script: 'a\n\n', next: 1 })).toBe('script: |+\n  a\n\nnext: 1\n');
    expect(expectRoundTrip({ script: 'a\n\n\n' })).toBe('script: |+\n  a\n\n\n');
  });

  it('adds an indentation indicator when the text starts with a space or an empty line', () => {
    expect(expectRoundTrip({ k: '  indented\nnot' })).toBe('k: |2-\n    indented\n  not\n');
    expect(expectRoundTrip({ k: '\nafter blank\n' })).toBe('k: |2\n\n  after blank\n');
    expect(expectRoundTrip({ outer: { k: ' x\ny' } })).toBe('outer:\n  k: |2-\n     x\n    y\n');
  });

  it('keeps empty lines empty and preserves whitespace-only and trailing-space lines', () => {
    expect(expectRoundTrip({ k: 'a\n\nb' })).toBe('k: |-\n  a\n\n  b\n');
    expectRoundTrip({ k: 'a  \n   \nb\t\n  ' });
  });

  it('writes literal blocks inside sequences, nested sequences and mappings in sequences', () => {
    expect(expectRoundTrip(['a\nb'])).toBe('- |-\n  a\n  b\n');
    expect(expectRoundTrip([['a\nb']])).toBe('- - |-\n    a\n    b\n');
    expect(expectRoundTrip([{ k: 'a\nb', j: 1 }])).toBe('- k: |-\n    a\n    b\n  j: 1\n');
    expectRoundTrip({ list: [[' a\n b\n\n']] });
  });

  it('keeps YAML markers inside a block as content', () => {
    expectRoundTrip({ k: 'a\n---\n...\n# not a comment\n- not a list\nkey: value' });
  });

  it('double-quotes multi-line text that a block cannot hold', () => {
    expect(toYaml({ k: 'a\r\nb' })).toBe('k: "a\\r\\nb"\n');
    expect(toYaml({ k: '\n' })).toBe('k: "\\n"\n');
    expect(toYaml({ k: ' \n ' })).toBe('k: " \\n "\n');
    expect(toYaml({ k: 'a\n\u0007' })).toBe('k: "a\\n\\u0007"\n');
    expect(toYaml({ k: 'a\n\u2028' })).toBe('k: "a\\n\\u2028"\n');
    expect(toYaml({ k: 'a\n\ufeff' })).toBe('k: "a\\n\\ufeff"\n');
  });

  it('quotes keys that contain newlines', () => {
    expect(expectRoundTrip({ 'a\nb': 1 })).toBe('"a\\nb": 1\n');
  });
});

/* Regressions: each of these was a bug found by the tests below. */
describe('toYaml: regressions', () => {
  it('a mapping whose fields are all undefined is {}', () => {
    expect(parse(toYaml({ a: { b: undefined } }))).toEqual({ a: {} });
  });

  it('a list item whose fields are all undefined is {}', () => {
    expect(toYaml([{ a: undefined }])).toBe('- {}\n');
  });

  it('a top-level mapping whose fields are all undefined is {}', () => {
    expect(toYaml({ a: undefined })).toBe('{}\n');
  });

  it('a top-level multi-line string starting with a space parses back', () => {
    expect(parse(toYaml(' a\nb'))).toBe(' a\nb');
  });

  it('a top-level multi-line string starting with an empty line parses back', () => {
    expect(parse(toYaml('\nfoo'))).toBe('\nfoo');
  });

  it('a top-level multi-line string with a "---" line stays one document', () => {
    expect(parse(toYaml('a\n---\nb'))).toBe('a\n---\nb');
  });

  it('a list in a list whose first item is a list keeps every level', () => {
    expect(toYaml([[[1]]])).toBe('- - - 1\n');
    expect(parse(toYaml([[[1]]]))).toEqual([[[1]]]);
  });

  it('a list in a list whose first item is a mapping stays a list of lists', () => {
    expect(parse(toYaml({ matrix: [[{ a: 1 }]] }))).toEqual({ matrix: [[{ a: 1 }]] });
  });

  it('three nested lists around a two-key mapping parse back', () => {
    expect(toYaml([[[{ a: 1, b: 2 }]]])).toBe('- - - a: 1\n      b: 2\n');
  });

  it('"e5", "E0" and "e+5" are quoted, so no parser reads them as numbers', () => {
    for (const text of ['e5', 'E0', 'e+5']) expect(parse(toYaml({ k: text }), { version: '1.1' })).toEqual({ k: text });
  });

  it('U+FFFE and U+FFFF are escaped in double quotes', () => {
    expect(toYaml({ k: 'a\ufffeb\uffff' })).toBe('k: "a\\ufffeb\\uffff"\n');
  });

  it('a key longer than 1024 characters takes the explicit ? form', () => {
    const key = 'k'.repeat(1100);
    expect(parse(toYaml({ [key]: 1 }))).toEqual({ [key]: 1 });
  });
});

/* ---------------------------------------------------------------------------------------------------- */
/* Property: parse(toYaml(v)) equals v under YAML 1.2 and YAML 1.1.                                      */
/* ---------------------------------------------------------------------------------------------------- */

/** Fragments that mean something to YAML 1.1 or 1.2, combined into strings. */
const YAML_FRAGMENTS = [
  'on',
  'Off',
  'YES',
  'no',
  'y',
  'N',
  'true',
  'False',
  'NULL',
  'null',
  '~',
  'Null',
  '1h',
  '0755',
  '0x1F',
  '0o17',
  '0b101',
  '1e3',
  '1_000',
  '+1',
  '-1',
  '.5',
  '1.0',
  '12:30',
  '2001-12-14',
  '.inf',
  '-.Inf',
  '.NaN',
  '<<',
  '=',
  '-',
  '- ',
  '? ',
  ': ',
  ':',
  ' #',
  '#',
  ',',
  '[',
  ']',
  '{',
  '}',
  '&a',
  '*a',
  '!tag',
  '!!str',
  '%YAML',
  '@',
  '`',
  '|',
  '>',
  '"',
  "'",
  '\\',
  '---',
  '...',
  ' ',
  '  ',
  '\t',
  '\n',
  '\n\n',
  '\r',
  '\r\n',
  '\u0000',
  '\u0007',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffe',
  '\uffff',
  'é',
  '日本',
  '😀',
  '\u202e',
  'a',
  'b/c',
  '_x',
  '/',
  'key',
  'x.y',
  'a-b',
];

const yamlishString = fc.array(fc.constantFrom(...YAML_FRAGMENTS), { maxLength: 6 }).map((parts) => parts.join(''));

/** Strings as the serializer's contract allows: any code points (fast-check's `binary` never yields lone surrogates). */
const anyString = fc.oneof(fc.string({ unit: 'binary' }), yamlishString, fc.string());

/** Finite numbers JavaScript prints without an exponent: integers and simple decimals; never -0 (written as 0). */
const plainNumber = fc
  .oneof(
    fc.integer(),
    fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 100),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e20, 0.5),
  )
  .map((n) => (Object.is(n, -0) ? 0 : n));

const { value: jsonLike } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    plainNumber,
    anyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 4 }),
  ),
}));

describe('toYaml: property', () => {
  it('parse(toYaml(v)) equals v under YAML 1.2 and 1.1; output is deterministic and ends with a newline', () => {
    fc.assert(
      fc.property(jsonLike, (value) => {
        const text = toYaml(value);
        expect(text.endsWith('\n')).toBe(true);
        expect(toYaml(structuredClone(value))).toBe(text);
        expect(parse(text)).toEqual(value);
        expect(parse(text, { version: '1.1' })).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('writes only characters YAML allows unescaped (c-printable, without NEL, BOM and U+2028/9)', () => {
    const printable = /^[\t\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;
    fc.assert(
      fc.property(jsonLike, (value) => {
        expect(toYaml(value)).toMatch(printable);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any string as a mapping value, a key and a list item', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        const value = { [text]: text, list: [text, { [text]: [text] }] };
        const yaml = toYaml(value);
        expect(parse(yaml)).toEqual(value);
        expect(parse(yaml, { version: '1.1' })).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});
