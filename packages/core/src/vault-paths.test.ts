import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainVaultPath, isUnderPrefix, prefixesOverlap } from './vault-paths.js';

describe('isUnderPrefix', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/b/c', 'a/b', true],
    ['a/b/c/d', 'a', true],
    ['a/bc', 'a/b', false],
    ['a/b', 'a/bc', false],
    ['a', 'a/b', false],
    ['ab/c', 'a', false],
    ['payments/api-v2', 'payments/api', false],
    ['payments/api.old', 'payments/api', false],
  ])('%j under %j: %s', (path, prefix, expected) => {
    expect(isUnderPrefix(path, prefix)).toBe(expected);
  });

  it('is segment-wise: a path is under a prefix exactly when the prefix is a leading run of its segments', () => {
    const segment = fc.constantFrom('a', 'b', 'ab', 'a.b', 'a-b');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(path, path, (p, q) => {
        const expected = q.length <= p.length && q.every((s, i) => s === p[i]);
        expect(isUnderPrefix(p.join('/'), q.join('/'))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('prefixesOverlap', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/b', 'a/b/c', true],
    ['a/b/c', 'a/b', true],
    ['a/b', 'a/bc', false],
    ['payments/api', 'payments/batch', false],
    ['payments', 'storefront', false],
  ])('%j and %j: %s', (a, b, expected) => {
    expect(prefixesOverlap(a, b)).toBe(expected);
    expect(prefixesOverlap(b, a)).toBe(expected);
  });
});

describe('explainVaultPath', () => {
  it.each([
    ['', 'it is empty'],
    ['/a', "it starts with '/' (paths are relative to the KV mount)"],
    ['a/', "it ends with '/'"],
    ['a//b', "it has an empty segment ('//')"],
    ['a/../b', "it has a '..' segment"],
    ['a/./b', "it has a '.' segment"],
    ['..', "it has a '..' segment"],
    ['a/*', "it contains a glob ('*' or '+')"],
    ['a/+', "it contains a glob ('*' or '+')"],
    ['a/b*c', "it contains a glob ('*' or '+')"],
    ['a b', 'segment "a b" contains " "'],
    ['a/b"c', 'segment "b\\"c" contains "\\""'],
    ['a/.hidden', `segment ".hidden" starts with '.'`],
    ['a/é', 'segment "\\u{E9}" contains "\\u{E9}"'],
  ])('explains %j: %s', (path, reason) => {
    expect(explainVaultPath(path)).toBe(reason);
  });

  it.each(['a', 'payments/api', 'payments/api/db', 'A_b-c.d/e.f', '_x/-y', 'a/b..c', '0/1'])('accepts %j', (path) => {
    expect(explainVaultPath(path)).toBeUndefined();
  });

  it('fixed: the explanation repeats the segment raw, so bidi and control characters reach the message', () => {
    const reason = explainVaultPath('team/a\u202eb\nc') ?? '';
    expect(reason).not.toMatch(/[\u202e\n]/);
  });

  it('agrees with the schema pattern of a Vault path', () => {
    const pattern = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
    const text = fc.array(fc.constantFrom('a', 'B', '0', '.', '..', '/', '_', '-', '*', '+', ' ', 'é'), {
      maxLength: 8,
    });
    fc.assert(
      fc.property(text, (parts) => {
        const path = parts.join('');
        expect(explainVaultPath(path) === undefined).toBe(pattern.test(path));
      }),
      { numRuns: 300 },
    );
  });
});
