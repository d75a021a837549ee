import { describe, expect, it } from 'vitest';
import namespaceSchema from '../schemas/namespace.schema.json' with { type: 'json' };
import type { Issue } from './issues.js';
import { quote } from './issues.js';
import { describeValue, validateAgainstSchema } from './schema-validate.js';
import { TEST_PLATFORM, TEST_VAULT } from './testing.js';

const NS_FILE = 'namespaces/payments-api/namespace.ts';
const SECRETS_FILE = 'namespaces/payments-api/secrets.ts';
const PLATFORM_FILE = 'platform/platform.ts';

const namespace = { name: 'payments-api', team: 'payments', vault: { approvedPrefixes: ['payments/api'] } };
const secrets = { secrets: [{ name: 'db-credentials', key: 'payments/api/db' }] };
const platform = TEST_PLATFORM;

/** Code and path of each issue, the most stable part of the mapping. */
const codes = (issues: readonly Issue[]) => issues.map((i) => ({ code: i.code, path: i.path }));

describe('validateAgainstSchema', () => {
  it('accepts valid definitions of every kind', () => {
    expect(validateAgainstSchema('namespace', namespace, NS_FILE)).toEqual([]);
    expect(validateAgainstSchema('secrets', secrets, SECRETS_FILE)).toEqual([]);
    expect(validateAgainstSchema('platform', platform, PLATFORM_FILE)).toEqual([]);
    expect(
      validateAgainstSchema('namespace', { ...namespace, podSecurity: 'baseline', description: 'x' }, NS_FILE),
    ).toEqual([]);
  });

  it('maps additionalProperties to E_UNKNOWN_FIELD with the path of the field', () => {
    const issues = validateAgainstSchema(
      'namespace',
      { ...namespace, teem: 'x', vault: { approvedPrefixes: [], prefixes: [] } },
      NS_FILE,
    );
    const allowed = Object.keys(namespaceSchema.properties).join(', ');
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_UNKNOWN_FIELD',
        file: NS_FILE,
        path: 'teem',
        message: 'unknown field "teem"',
        hint: `remove it or fix its spelling; allowed fields here: ${allowed}`,
      },
      {
        severity: 'error',
        code: 'E_UNKNOWN_FIELD',
        file: NS_FILE,
        path: 'vault.prefixes',
        message: 'unknown field "prefixes" in vault',
        hint: 'remove it or fix its spelling; allowed fields here: approvedPrefixes',
      },
    ]);
  });

  it('quotes unknown field names that are not identifiers in the path', () => {
    expect(codes(validateAgainstSchema('secrets', { ...secrets, 'my field': 1 }, SECRETS_FILE))).toEqual([
      { code: 'E_UNKNOWN_FIELD', path: '["my field"]' },
    ]);
  });

  it('maps required to E_MISSING_FIELD with the description as hint', () => {
    const issues = validateAgainstSchema('namespace', { name: 'payments-api', vault: {} }, NS_FILE);
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_MISSING_FIELD',
        file: NS_FILE,
        path: 'team',
        message: 'required field "team" is missing',
        hint: 'add "team": Name of the owning team, as declared in platform/platform.ts.',
      },
      {
        severity: 'error',
        code: 'E_MISSING_FIELD',
        file: NS_FILE,
        path: 'vault.approvedPrefixes',
        message: 'required field "approvedPrefixes" is missing in vault',
        hint: `add "approvedPrefixes": ${namespaceSchema.properties.vault.properties.approvedPrefixes.description}`,
      },
    ]);
  });

  it('reports a missing field inside a list item with its index', () => {
    expect(
      codes(validateAgainstSchema('secrets', { secrets: [{ name: 'a', key: 'a/b' }, { name: 'b' }] }, SECRETS_FILE)),
    ).toEqual([{ code: 'E_MISSING_FIELD', path: 'secrets[1].key' }]);
  });

  it('maps type to E_WRONG_TYPE, describing the value', () => {
    const issues = validateAgainstSchema(
      'namespace',
      { ...namespace, name: 5, vault: { approvedPrefixes: 'x' } },
      NS_FILE,
    );
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_WRONG_TYPE',
        file: NS_FILE,
        path: 'name',
        message: 'name must be a string, but is number 5',
        hint: 'write a string here: Namespace name; must equal the folder name under namespaces/.',
      },
      {
        severity: 'error',
        code: 'E_WRONG_TYPE',
        file: NS_FILE,
        path: 'vault.approvedPrefixes',
        message: 'vault.approvedPrefixes must be an array, but is "x"',
        hint: `write an array here: ${namespaceSchema.properties.vault.properties.approvedPrefixes.description}`,
      },
    ]);
  });

  it('reports a wrong type at the top level', () => {
    expect(validateAgainstSchema('secrets', [], SECRETS_FILE).map((i) => [i.code, i.path, i.message])).toEqual([
      ['E_WRONG_TYPE', '', '(top level) must be an object, but is a list'],
    ]);
  });

  it('maps enum to E_VALUE_NOT_ALLOWED, listing the allowed values', () => {
    const issues = validateAgainstSchema('namespace', { ...namespace, podSecurity: 'strict' }, NS_FILE);
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_VALUE_NOT_ALLOWED',
        file: NS_FILE,
        path: 'podSecurity',
        message: 'podSecurity is "strict", which is not allowed',
        hint: 'use one of "restricted", "baseline", "privileged"',
      },
    ]);
  });

  it('leaves the value of formatVersion to the version rule, but refuses one that is not a whole number from 1 up', () => {
    // Old and new formats are the version rule's (format-version.ts), so they are not schema errors.
    expect(validateAgainstSchema('platform', { ...platform, formatVersion: 1 }, PLATFORM_FILE)).toEqual([]);
    expect(validateAgainstSchema('platform', { ...platform, formatVersion: 9 }, PLATFORM_FILE)).toEqual([]);
    const { formatVersion: _, ...unversioned } = platform;
    expect(validateAgainstSchema('platform', unversioned, PLATFORM_FILE)).toEqual([]);
    expect(codes(validateAgainstSchema('platform', { ...platform, formatVersion: 1.5 }, PLATFORM_FILE))).toEqual([
      { code: 'E_WRONG_TYPE', path: 'formatVersion' },
    ]);
    expect(codes(validateAgainstSchema('platform', { ...platform, formatVersion: 0 }, PLATFORM_FILE))).toEqual([
      { code: 'E_FORMAT_VERSION_INVALID', path: 'formatVersion' },
    ]);
  });

  it('maps a pattern to the code and hint of its x-issue annotation', () => {
    const issues = validateAgainstSchema('namespace', { ...namespace, name: 'Payments_api' }, NS_FILE);
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_NS_NAME_INVALID',
        file: NS_FILE,
        path: 'name',
        message: `name "Payments_api" is not valid: it contains the upper-case letter 'P'`,
        hint: "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)",
      },
    ]);
  });

  it('explains a bad Vault path segment by segment', () => {
    const issues = validateAgainstSchema(
      'namespace',
      { ...namespace, vault: { approvedPrefixes: ['/a', 'a//b', 'a/*', 'a/../b'] } },
      NS_FILE,
    );
    expect(issues.map((i) => [i.code, i.path, i.message])).toEqual([
      [
        'E_VAULT_PATH_INVALID',
        'vault.approvedPrefixes[0]',
        `vault.approvedPrefixes[0] "/a" is not valid: it starts with '/' (paths are relative to the KV mount)`,
      ],
      [
        'E_VAULT_PATH_INVALID',
        'vault.approvedPrefixes[1]',
        `vault.approvedPrefixes[1] "a//b" is not valid: it has an empty segment ('//')`,
      ],
      [
        'E_VAULT_PATH_INVALID',
        'vault.approvedPrefixes[2]',
        `vault.approvedPrefixes[2] "a/*" is not valid: it contains a glob ('*' or '+')`,
      ],
      [
        'E_VAULT_PATH_INVALID',
        'vault.approvedPrefixes[3]',
        `vault.approvedPrefixes[3] "a/../b" is not valid: it has a '..' segment`,
      ],
    ]);
    expect(issues[0]?.hint).toMatch(/^write segments of letters, digits/);
  });

  it('maps the secret key and refresh interval patterns to their codes', () => {
    const issues = validateAgainstSchema(
      'secrets',
      { secrets: [{ name: 'db', key: 'payments//db', refreshInterval: '1 hour' }] },
      SECRETS_FILE,
    );
    expect(issues.map((i) => [i.code, i.path, i.message, i.hint])).toEqual([
      [
        'E_VAULT_PATH_INVALID',
        'secrets[0].key',
        `secrets[0].key "payments//db" is not valid: it has an empty segment ('//')`,
        expect.stringMatching(/^write segments/),
      ],
      [
        'E_SECRET_REFRESH_INVALID',
        'secrets[0].refreshInterval',
        'secrets[0].refreshInterval "1 hour" is not valid: it does not have the required format',
        'write a Go duration such as 30s, 15m, 1h or 1h30m',
      ],
    ]);
  });

  it.each(['1h', '15m', '1h30m', '30s', '1.5h', '100ms', '2µs'])(
    'accepts the refresh interval %j',
    (refreshInterval) => {
      expect(
        validateAgainstSchema('secrets', { secrets: [{ name: 'a', key: 'a', refreshInterval }] }, SECRETS_FILE),
      ).toEqual([]);
    },
  );

  it('maps maxLength to the x-issue code, explaining the length', () => {
    const issues = validateAgainstSchema('namespace', { ...namespace, name: 'a'.repeat(64) }, NS_FILE);
    expect(issues.map((i) => [i.code, i.path, i.message])).toEqual([
      ['E_NS_NAME_INVALID', 'name', `name "${'a'.repeat(60)}..." is not valid: it is 64 characters long (at most 63)`],
    ]);
  });

  it('reports one issue per field and code, even when several keywords fail', () => {
    const issues = validateAgainstSchema('namespace', { ...namespace, name: `-${'A'.repeat(70)}` }, NS_FILE);
    expect(codes(issues)).toEqual([{ code: 'E_NS_NAME_INVALID', path: 'name' }]);
  });

  it('maps minItems and uniqueItems to E_LIST_INVALID', () => {
    const issues = validateAgainstSchema(
      'secrets',
      {
        secrets: [
          { name: 'a', key: 'a', properties: [] },
          { name: 'b', key: 'b', properties: ['x', 'x'] },
        ],
      },
      SECRETS_FILE,
    );
    expect(codes(issues)).toEqual([
      { code: 'E_LIST_INVALID', path: 'secrets[0].properties' },
      { code: 'E_LIST_INVALID', path: 'secrets[1].properties' },
    ]);
    expect(codes(validateAgainstSchema('platform', { ...platform, teams: [] }, PLATFORM_FILE))).toEqual([
      { code: 'E_LIST_INVALID', path: 'teams' },
    ]);
  });

  it('maps the platform patterns to their codes', () => {
    const broken = {
      ...platform,
      name: 'Example',
      domain: 'localhost',
      git: { repoURL: 'ftp://x', targetRevision: '-main' },
      cluster: { name: 'in-cluster', server: 'http://x', kubeVersion: 'v1.33' },
      identity: { realm: 'platform', adminGroup: 'Admins', auditorGroup: 'platform-auditors' },
      vault: { ...TEST_VAULT, kvMount: 'secret/kv' },
    };
    expect(codes(validateAgainstSchema('platform', broken, PLATFORM_FILE))).toEqual([
      { code: 'E_NAME_INVALID', path: 'name' },
      { code: 'E_PLATFORM_DOMAIN_INVALID', path: 'domain' },
      { code: 'E_PLATFORM_REPO_URL_INVALID', path: 'git.repoURL' },
      { code: 'E_PLATFORM_REVISION_INVALID', path: 'git.targetRevision' },
      { code: 'E_PLATFORM_SERVER_INVALID', path: 'cluster.server' },
      { code: 'E_PLATFORM_KUBE_VERSION_INVALID', path: 'cluster.kubeVersion' },
      { code: 'E_GROUP_INVALID', path: 'identity.adminGroup' },
      { code: 'E_VAULT_MOUNT_INVALID', path: 'vault.kvMount' },
    ]);
  });

  it('never puts raw control or bidi characters of the value into the message (apart from the explanation)', () => {
    const [found] = validateAgainstSchema('namespace', { ...namespace, name: 'a\u202eb\nc' }, NS_FILE);
    expect(found?.message).toBe(`name "a\\u{202E}b\\nc" is not valid: it contains the non-ASCII character U+202E`);
  });

  it('fixed: an invalid Vault path repeats its bad segment raw in the message (bidi and newlines included)', () => {
    const [found] = validateAgainstSchema(
      'secrets',
      { secrets: [{ name: 'a', key: 'team/a\u202eb\nc' }] },
      SECRETS_FILE,
    );
    expect(found?.message).not.toMatch(/[\u202e\n]/);
  });
});

describe('describeValue', () => {
  it.each([
    [null, 'null'],
    [[1], 'a list'],
    [{}, 'an object'],
    ['x', '"x"'],
    [5, 'number 5'],
    [true, 'boolean true'],
  ])('describes %j as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it('shortens long strings to 60 characters', () => {
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(60)}..."`);
  });

  it('escapes newlines, bidi overrides and other non-ASCII characters', () => {
    expect(describeValue('a\nb')).toBe('"a\\nb"');
    expect(describeValue('evil\u202etxt.exe')).toBe('"evil\\u{202E}txt.exe"');
    expect(describeValue('\u2066x\u2069')).toBe('"\\u{2066}x\\u{2069}"');
    expect(describeValue('é😀')).toBe('"\\u{E9}\\u{1F600}"');
  });

  it('fixed: describes undefined as "undefined undefined"', () => {
    expect(describeValue(undefined)).toBe('undefined');
  });
});

describe('quote', () => {
  it('JSON-quotes and escapes everything outside printable ASCII', () => {
    expect(quote('plain')).toBe('"plain"');
    expect(quote('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(quote('\u0000\u007f\u0085\u2028\u202e\ufeff')).toBe('"\\u0000\\u{7F}\\u{85}\\u{2028}\\u{202E}\\u{FEFF}"');
    expect(quote('tab\t')).toBe('"tab\\t"');
  });

  it('output is printable ASCII only', () => {
    for (const text of ['\u202e', 'a\r\nb', '\ud800', '😀', '\u0085']) expect(quote(text)).toMatch(/^[\x20-\x7e]*$/);
  });
});
