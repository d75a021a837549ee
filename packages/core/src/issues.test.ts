import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareStrings,
  formatFieldPath,
  hasErrors,
  type Issue,
  issue,
  PathConflictError,
  PlatformError,
  parseFieldPath,
  sortIssues,
} from './issues.js';

describe('formatFieldPath', () => {
  it.each([
    [[], ''],
    [['name'], 'name'],
    [['secrets', 0, 'key'], 'secrets[0].key'],
    [['vault', 'approvedPrefixes', 12], 'vault.approvedPrefixes[12]'],
    [[0, 'a'], '[0].a'],
    [['$x', '_y'], '$x._y'],
    [['labels', 'app.kubernetes.io/name'], 'labels["app.kubernetes.io/name"]'],
    [['a b', '0', ''], '["a b"]["0"][""]'],
    [['say "hi"'], '["say \\"hi\\""]'],
  ] as const)('renders %j as %j', (path, text) => {
    expect(formatFieldPath(path)).toBe(text);
    expect(parseFieldPath(text)).toEqual(path);
  });
});

describe('parseFieldPath', () => {
  it('reads back property names, indexes and quoted names', () => {
    expect(parseFieldPath('secrets[1].properties[0]')).toEqual(['secrets', 1, 'properties', 0]);
    expect(parseFieldPath('a["x.y"][3]')).toEqual(['a', 'x.y', 3]);
    expect(parseFieldPath('')).toEqual([]);
  });

  it('round-trips any path of property names and array indexes', () => {
    const part = fc.oneof(fc.nat(), fc.string({ unit: 'binary' }), fc.string(), fc.constantFrom('a', '$', '_1', '0'));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (path) => {
        expect(parseFieldPath(formatFieldPath(path))).toEqual(path);
      }),
      { numRuns: 300 },
    );
  });
});

describe('issue and hasErrors', () => {
  it('defaults the severity to error', () => {
    expect(issue({ code: 'E_X', message: 'm', hint: 'h', file: 'f.ts', path: '' })).toEqual({
      severity: 'error',
      code: 'E_X',
      message: 'm',
      hint: 'h',
      file: 'f.ts',
      path: '',
    });
  });

  it('counts only errors', () => {
    const warning = issue({ severity: 'warning', code: 'W', message: '', hint: '', file: 'f', path: '' });
    expect(hasErrors([])).toBe(false);
    expect(hasErrors([warning])).toBe(false);
    expect(hasErrors([warning, { ...warning, severity: 'error' }])).toBe(true);
  });
});

describe('sortIssues', () => {
  const make = (file: string, line: number | undefined, column: number | undefined, path: string, code: string) =>
    issue({
      code,
      message: '',
      hint: '',
      file,
      path,
      ...(line === undefined ? {} : { line }),
      ...(column === undefined ? {} : { column }),
    });

  it('sorts by file, then line, then column, then path, then code', () => {
    const sorted = [
      make('a.ts', undefined, undefined, '', 'E_A'),
      make('a.ts', 2, 1, 'x', 'E_A'),
      make('a.ts', 2, 5, 'a', 'E_Z'),
      make('a.ts', 2, 5, 'b', 'E_A'),
      make('a.ts', 2, 5, 'b', 'E_B'),
      make('a.ts', 10, 1, '', 'E_A'),
      make('b.ts', 1, 1, '', 'E_A'),
    ];
    const shuffled = [sorted[4], sorted[6], sorted[1], sorted[0], sorted[5], sorted[3], sorted[2]] as Issue[];
    expect(sortIssues(shuffled)).toEqual(sorted);
  });

  it('sorts by code units, not by locale (upper case before lower case)', () => {
    const result = sortIssues([make('b.ts', 1, 1, '', 'E'), make('B.ts', 1, 1, '', 'E'), make('a.ts', 1, 1, '', 'E')]);
    expect(result.map((i) => i.file)).toEqual(['B.ts', 'a.ts', 'b.ts']);
  });

  it('does not mutate its argument', () => {
    const input = Object.freeze([make('b.ts', 1, 1, '', 'E'), make('a.ts', 1, 1, '', 'E')]);
    expect(sortIssues(input).map((i) => i.file)).toEqual(['a.ts', 'b.ts']);
    expect(input.map((i) => i.file)).toEqual(['b.ts', 'a.ts']);
  });
});

describe('compareStrings', () => {
  it('orders by UTF-16 code units', () => {
    expect(['b', 'a', 'B', 'é', 'e'].sort(compareStrings)).toEqual(['B', 'a', 'b', 'e', 'é']);
    expect(compareStrings('x', 'x')).toBe(0);
  });
});

describe('errors', () => {
  it('PlatformError carries a code and issues', () => {
    const found = issue({ code: 'E_X', message: 'm', hint: 'h', file: 'f', path: '' });
    const error = new PlatformError('E_DRIFT', 'drift', { issues: [found] });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PlatformError');
    expect(error.code).toBe('E_DRIFT');
    expect(error.issues).toEqual([found]);
    expect(new PlatformError('E', 'x').issues).toEqual([]);
    expect(new PlatformError('E', 'x', { cause: 'why' }).cause).toBe('why');
  });

  it('PathConflictError names the path and both generators', () => {
    const error = new PathConflictError('k/x.yaml', '@a/one', '@a/two');
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.name).toBe('PathConflictError');
    expect(error.code).toBe('E_PATH_CONFLICT');
    expect(error.message).toBe(
      'generators "@a/one" and "@a/two" both produce k/x.yaml; each output path has exactly one generator',
    );
  });
});
