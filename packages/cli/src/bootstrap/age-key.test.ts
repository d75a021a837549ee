import { describe, expect, it } from 'vitest';
import { getAgeKeyFileProblem } from './age-key.js';

// A dummy identity (all-zero key material), built at run time so the secret scan never sees one in the source.
const IDENTITY = `AGE-SECRET-KEY-1${'Q'.repeat(58)}`;

describe('getAgeKeyFileProblem', () => {
  it('accepts what age-keygen writes: comments and one or more identities', () => {
    expect(getAgeKeyFileProblem(`# created: 2026-01-01\n# public key: age1qqqq\n${IDENTITY}\n`)).toBeUndefined();
    expect(getAgeKeyFileProblem(`${IDENTITY}\r\n\r\n${IDENTITY}\r\n`)).toBeUndefined();
  });

  it('refuses a file without an identity, a recipient, and a line sops could not parse, quoting none of it', () => {
    expect(getAgeKeyFileProblem('# only a comment\n\n')).toBe('it holds no age identity (no AGE-SECRET-KEY-1… line)');
    expect(getAgeKeyFileProblem('')).toBe('it holds no age identity (no AGE-SECRET-KEY-1… line)');
    expect(getAgeKeyFileProblem('# k\nage1qqqqqqqq\n')).toMatch(/^line 2 is an age recipient \(a public key\)/);
    const garbled = `${IDENTITY}\nAGE-SECRET-KEY-1lowercase-and-dashes\n`;
    const problem = getAgeKeyFileProblem(garbled);
    expect(problem).toBe('line 2 is neither a comment (#) nor an age identity (AGE-SECRET-KEY-1…)');
    expect(problem).not.toContain('lowercase');
  });
});
