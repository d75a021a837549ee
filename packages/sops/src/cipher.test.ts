import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { formatGoFloat, leafBytes } from './_cipher.js';
import { treeFromYaml } from './_tree.js';

describe("formatGoFloat (strconv.FormatFloat(f, 'f', -1, 64))", () => {
  it.each([
    [3.14, '3.14'],
    [0.25, '0.25'],
    [1e21, '1000000000000000000000'],
    [1.5e22, '15000000000000000000000'],
    [1e-7, '0.0000001'],
    [-2.5e-8, '-0.000000025'],
    [123456.789, '123456.789'],
    [-0, '-0'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
    [Number.NaN, 'NaN'],
  ])('%d → %s', (value, text) => {
    expect(formatGoFloat(value)).toBe(text);
  });
});

describe('leafBytes (sops ToBytes)', () => {
  it('writes booleans title-cased, integers in decimal and floats positionally', () => {
    expect(leafBytes(true)).toBe('True');
    expect(leafBytes(false)).toBe('False');
    expect(leafBytes(42n)).toBe('42');
    expect(leafBytes(-9223372036854775808n)).toBe('-9223372036854775808');
    // Beyond int64 Go holds a float64 and prints its shortest digits, zero-padded.
    expect(leafBytes(9223372036854775808n)).toBe('9223372036854776000');
    expect(leafBytes(1e21)).toBe('1000000000000000000000');
    expect(leafBytes('x')).toBe('x');
  });
});

describe('treeFromYaml', () => {
  it('keeps document order even for integer-like keys, which a JS object would move', () => {
    const doc = parseDocument('"2": b\n"10": c\n"1": a\n', { intAsBigInt: true });
    const tree = treeFromYaml(doc.contents, doc);
    expect(tree.kind === 'map' ? tree.entries.map(([key]) => key) : []).toEqual(['2', '10', '1']);
  });

  it('reads YAML ints as bigint and floats as number, as Go does', () => {
    const doc = parseDocument('i: 7\nf: 7.0\nh: 0x1F\n', { intAsBigInt: true });
    expect(treeFromYaml(doc.contents, doc)).toEqual({
      kind: 'map',
      entries: [
        ['i', { kind: 'leaf', value: 7n }],
        ['f', { kind: 'leaf', value: 7 }],
        ['h', { kind: 'leaf', value: 31n }],
      ],
    });
  });
});
