import { describe, expect, it } from 'vitest';
import { CURRENT_FORMAT_VERSION, checkFormatVersion, UNVERSIONED_FORMAT } from './format-version.js';
import { TEST_PLATFORM } from './testing.js';
import { validateDefinitions } from './validate.js';

const FILE = 'platform/platform.ts';
const { formatVersion: _, ...UNVERSIONED } = TEST_PLATFORM;

describe('checkFormatVersion', () => {
  it('accepts the current format, and TEST_PLATFORM is in it', () => {
    expect(CURRENT_FORMAT_VERSION).toBe(2);
    expect(TEST_PLATFORM.formatVersion).toBe(CURRENT_FORMAT_VERSION);
    expect(checkFormatVersion({ formatVersion: CURRENT_FORMAT_VERSION }, FILE)).toEqual([]);
  });

  it('reads a platform without formatVersion as format 1, outdated, and says to migrate', () => {
    expect(UNVERSIONED_FORMAT).toBe(1);
    expect(checkFormatVersion(UNVERSIONED, FILE)).toEqual([
      {
        severity: 'error',
        code: 'E_FORMAT_OUTDATED',
        file: FILE,
        path: 'formatVersion',
        message:
          'no formatVersion, so format 1: the definitions were written by an older platform-gen, and this one reads format 2',
        hint: 'run `platform-gen migrate` (pnpm exec platform-gen migrate), review its changes, then run pnpm generate',
      },
    ]);
  });

  it('refuses an older version with the same fix', () => {
    const [found] = checkFormatVersion({ formatVersion: 1 }, FILE);
    expect(found).toMatchObject({ code: 'E_FORMAT_OUTDATED', path: 'formatVersion', file: FILE });
    expect(found?.message).toBe(
      'format 1: the definitions were written by an older platform-gen, and this one reads format 2',
    );
    expect(found?.hint).toContain('platform-gen migrate');
  });

  it('refuses a newer version: upgrade platform-gen, never lower the number', () => {
    expect(checkFormatVersion({ formatVersion: 3 }, FILE)).toEqual([
      {
        severity: 'error',
        code: 'E_FORMAT_TOO_NEW',
        file: FILE,
        path: 'formatVersion',
        message:
          'format 3 is newer than format 2, the newest this platform-gen reads: the definitions were written by a newer platform-gen',
        hint: 'upgrade platform-gen to a release that reads format 3; do not lower formatVersion by hand',
      },
    ]);
  });

  it('leaves values that are not whole numbers, and data that is not an object, to the schema', () => {
    for (const formatVersion of ['2', 2.5, null, true, Number.NaN]) {
      expect(checkFormatVersion({ formatVersion }, FILE)).toEqual([]);
    }
    for (const data of [undefined, null, 'platform', [1, 2]]) expect(checkFormatVersion(data, FILE)).toEqual([]);
  });
});

describe('validateDefinitions: the format version', () => {
  const load = (data: unknown) => ({
    platform: { kind: 'platform' as const, file: FILE, data },
    namespaces: [],
    issues: [],
  });

  it('refuses an outdated platform (no model) and still reports every other problem at once', () => {
    const result = validateDefinitions(
      load({
        ...UNVERSIONED,
        identity: { ...TEST_PLATFORM.identity, auditorGroup: TEST_PLATFORM.identity.adminGroup },
      }),
    );
    expect(result.model).toBeUndefined();
    expect(result.issues.map((i) => i.code)).toEqual(['E_FORMAT_OUTDATED', 'E_GROUP_DUPLICATE']);
  });

  it('refuses a too new platform alongside its schema problems', () => {
    const result = validateDefinitions(load({ ...TEST_PLATFORM, formatVersion: 3, region: 'eu-west-1' }));
    expect(result.model).toBeUndefined();
    expect(result.issues.map((i) => i.code)).toEqual(['E_FORMAT_TOO_NEW', 'E_UNKNOWN_FIELD']);
  });

  it('builds the model of a current platform', () => {
    expect(validateDefinitions(load(TEST_PLATFORM)).model?.platform.formatVersion).toBe(2);
  });
});
