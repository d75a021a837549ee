/**
 * A corpus of bad inputs. Each case breaks a fresh copy of the example repository in one way; `generate`
 * must exit 1, name the error code, the file and the line, say that nothing was written, and indeed
 * leave every file of the repository (content, mtime, inode) exactly as it was.
 */
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTempRepo,
  diffSnapshots,
  parseReport,
  type RunResult,
  removeTempRepos,
  type TempRepo,
  takeSnapshot,
} from './temp-repo.js';

afterEach(removeTempRepos);

/**
 * A definition file whose `export default <fn>({` is on line 3: the i-th property (0-based) is on line 4 + i.
 * Each property is raw TypeScript source, e.g. `name: 'payments-api'`.
 */
function definitionSource(
  fn: 'defineNamespace' | 'defineSecrets' | 'definePlatform',
  props: readonly string[],
): string {
  return [
    `import { ${fn} } from '@platform-gen/core';`,
    '',
    `export default ${fn}({`,
    ...props.map((p) => `  ${p},`),
    '});',
    '',
  ].join('\n');
}

interface NamespaceFields {
  /** Raw source of the value of `name`; line 4. */
  readonly name?: string;
  /** Raw source of the value of `team`; line 5. */
  readonly team?: string;
  /** A whole property (or anything) for line 6. */
  readonly line6?: string;
  /** Raw source of the value of `vault`; line 7. */
  readonly vault?: string;
}

/**
 * A namespace definition with a fixed layout: `name` on line 4, `team` on line 5, line 6 free
 * (a description by default), `vault` on line 7. The object literal starts on line 3.
 */
function namespaceSource(folder: string, fields: NamespaceFields = {}): string {
  return definitionSource('defineNamespace', [
    `name: ${fields.name ?? `'${folder}'`}`,
    `team: ${fields.team ?? `'payments'`}`,
    fields.line6 ?? `description: 'A namespace of the bad-input corpus'`,
    `vault: ${fields.vault ?? '{ approvedPrefixes: [] }'}`,
  ]);
}

/** A secrets definition: `secrets: [` on line 4, entry i (raw object source) on line 5 + i. */
function secretsSource(entries: readonly string[]): string {
  return [
    `import { defineSecrets } from '@platform-gen/core';`,
    '',
    'export default defineSecrets({',
    '  secrets: [',
    ...entries.map((entry) => `    ${entry},`),
    '  ],',
    '});',
    '',
  ].join('\n');
}

const PAYMENTS_API_NS = 'namespaces/payments-api/namespace.ts';
const PAYMENTS_API_SECRETS = 'namespaces/payments-api/secrets.ts';
const PLATFORM = 'platform/platform.ts';

/** Writes namespaces/payments-api/namespace.ts with the fixed layout of `namespaceSource`. */
const paymentsApi = (fields: NamespaceFields) => (repo: TempRepo) =>
  repo.write(
    PAYMENTS_API_NS,
    namespaceSource('payments-api', { vault: `{ approvedPrefixes: ['payments/api'] }`, ...fields }),
  );

/** Adds namespaces/<folder>/namespace.ts (team payments, no Vault prefix). */
const newNamespace =
  (folder: string, fields: NamespaceFields = {}) =>
  (repo: TempRepo) =>
    repo.write(`namespaces/${folder}/namespace.ts`, namespaceSource(folder, fields));

/** Writes namespaces/payments-api/secrets.ts with these entries (entry i on line 5 + i). */
const paymentsApiSecrets = (entries: readonly string[]) => (repo: TempRepo) =>
  repo.write(PAYMENTS_API_SECRETS, secretsSource(entries));

/** A secrets file whose second entry (line 6) requests `key` (the first, on line 5, is valid). */
const secondKey = (key: string) =>
  paymentsApiSecrets([
    `{ name: 'db-credentials', key: 'payments/api/db' }`,
    `{ name: 'other', key: ${JSON.stringify(key)} }`,
  ]);

interface BadInput {
  readonly name: string;
  readonly mutate: (repo: TempRepo) => Promise<void>;
  /** Expected error code. */
  readonly code: string;
  /** Expected repository-relative file the error is reported under. */
  readonly file: string;
  /** Expected 1-based line, or a text that appears on exactly one line of `file` after the mutation. */
  readonly line: number | string;
  /** Run the real binary instead of `main()` in-process. */
  readonly binary?: boolean;
  /** Set when a genuine bug in platform-gen makes this case fail (see the test report); runs as `it.fails`. */
  readonly bug?: string;
}

const RESERVED = ['default', 'kube-system', 'kube-foo', 'vault', 'argocd', 'external-secrets', 'monitoring'] as const;

const CASES: readonly BadInput[] = [
  // Reserved names, each in its own folder so the name matches the folder.
  ...RESERVED.map(
    (name): BadInput => ({
      name: `reserved namespace name "${name}"`,
      mutate: newNamespace(name),
      code: 'E_NS_RESERVED',
      file: `namespaces/${name}/namespace.ts`,
      line: 4,
      ...(name === 'default' ? { binary: true } : {}),
    }),
  ),
  // Malformed names.
  {
    name: 'upper-case name',
    mutate: paymentsApi({ name: `'Payments-api'` }),
    code: 'E_NS_NAME_INVALID',
    file: PAYMENTS_API_NS,
    line: 4,
  },
  {
    name: 'underscore in name',
    mutate: paymentsApi({ name: `'payments_api'` }),
    code: 'E_NS_NAME_INVALID',
    file: PAYMENTS_API_NS,
    line: 4,
  },
  {
    name: 'name starting with -',
    mutate: paymentsApi({ name: `'-payments-api'` }),
    code: 'E_NS_NAME_INVALID',
    file: PAYMENTS_API_NS,
    line: 4,
  },
  {
    name: 'name of 64 characters',
    mutate: paymentsApi({ name: `'${'a'.repeat(64)}'` }),
    code: 'E_NS_NAME_INVALID',
    file: PAYMENTS_API_NS,
    line: 4,
  },
  {
    name: 'empty name',
    mutate: paymentsApi({ name: `''` }),
    code: 'E_NS_NAME_INVALID',
    file: PAYMENTS_API_NS,
    line: 4,
  },
  {
    name: 'name does not match its folder',
    mutate: paymentsApi({ name: `'payments-apis'` }),
    code: 'E_NS_FOLDER_MISMATCH',
    file: PAYMENTS_API_NS,
    line: 4,
  },
  {
    name: 'duplicate namespace name in two folders',
    // Sorted by folder, payments-api comes first: the second definition is the duplicate.
    mutate: newNamespace('payments-api-copy', { name: `'payments-api'` }),
    code: 'E_NS_DUPLICATE',
    file: 'namespaces/payments-api-copy/namespace.ts',
    line: 4,
  },
  {
    name: 'duplicate secret names',
    mutate: paymentsApiSecrets([
      `{ name: 'db-credentials', key: 'payments/api/db' }`,
      `{ name: 'db-credentials', key: 'payments/api/db-replica' }`,
    ]),
    code: 'E_SECRET_DUPLICATE',
    file: PAYMENTS_API_SECRETS,
    line: 6,
  },
  {
    name: 'duplicate team names in platform.ts',
    mutate: (repo) =>
      repo.replace(PLATFORM, '  teams: [\n', `  teams: [\n    { name: 'payments', group: 'team-payments-twice' },\n`),
    code: 'E_TEAM_DUPLICATE',
    file: PLATFORM,
    // The added entry comes first; the example's own payments entry (teams[1], written over several lines
    // since it lists members) is the duplicate: its name.
    line: "      name: 'payments',",
  },
  {
    name: 'duplicate Keycloak group in platform.ts',
    mutate: (repo) =>
      repo.replace(PLATFORM, '  teams: [\n', `  teams: [\n    { name: 'risk', group: 'platform-admins' },\n`),
    code: 'E_GROUP_DUPLICATE',
    file: PLATFORM,
    line: "{ name: 'risk', group: 'platform-admins' }",
  },
  // Unknown fields.
  {
    name: 'unknown field in namespace.ts',
    mutate: paymentsApi({ line6: `owner: 'alice'` }),
    code: 'E_UNKNOWN_FIELD',
    file: PAYMENTS_API_NS,
    line: 6,
  },
  {
    name: 'unknown field in secrets.ts',
    mutate: paymentsApiSecrets([
      `{ name: 'db-credentials', key: 'payments/api/db' }`,
      `{ name: 'psp-api-key', key: 'payments/api/psp', optional: true }`,
    ]),
    code: 'E_UNKNOWN_FIELD',
    file: PAYMENTS_API_SECRETS,
    line: 6,
  },
  {
    name: 'unknown field in platform.ts',
    mutate: (repo) => repo.replace(PLATFORM, '  formatVersion: 2,\n', `  formatVersion: 2,\n  region: 'eu-west-1',\n`),
    code: 'E_UNKNOWN_FIELD',
    file: PLATFORM,
    line: "region: 'eu-west-1'",
  },
  // Wrong types and values.
  { name: 'team: 42', mutate: paymentsApi({ team: '42' }), code: 'E_WRONG_TYPE', file: PAYMENTS_API_NS, line: 5 },
  {
    name: "approvedPrefixes: 'x'",
    mutate: paymentsApi({ vault: `{ approvedPrefixes: 'x' }` }),
    code: 'E_WRONG_TYPE',
    file: PAYMENTS_API_NS,
    line: 7,
  },
  {
    name: 'formatVersion: 3 (a newer format)',
    mutate: (repo) => repo.replace(PLATFORM, 'formatVersion: 2,', 'formatVersion: 3,'),
    code: 'E_FORMAT_TOO_NEW',
    file: PLATFORM,
    line: 'formatVersion: 3,',
  },
  {
    name: 'formatVersion: 1 (an older format)',
    mutate: (repo) => repo.replace(PLATFORM, 'formatVersion: 2,', 'formatVersion: 1,'),
    code: 'E_FORMAT_OUTDATED',
    file: PLATFORM,
    line: 'formatVersion: 1,',
  },
  {
    name: "podSecurity: 'none'",
    mutate: paymentsApi({ line6: `podSecurity: 'none'` }),
    code: 'E_VALUE_NOT_ALLOWED',
    file: PAYMENTS_API_NS,
    line: 6,
  },
  {
    name: 'a function where data belongs',
    mutate: paymentsApi({ line6: `description: (() => 'computed') as unknown as string` }),
    code: 'E_DEF_NOT_DATA',
    file: PAYMENTS_API_NS,
    line: 6,
  },
  // Missing fields.
  {
    name: 'namespace without team',
    mutate: (repo) =>
      repo.write(
        PAYMENTS_API_NS,
        definitionSource('defineNamespace', [`name: 'payments-api'`, `vault: { approvedPrefixes: ['payments/api'] }`]),
      ),
    code: 'E_MISSING_FIELD',
    file: PAYMENTS_API_NS,
    // A missing field is reported at the object that lacks it: `export default defineNamespace({`.
    line: 3,
  },
  {
    name: 'secret without key',
    mutate: paymentsApiSecrets([`{ name: 'db-credentials' }`]),
    code: 'E_MISSING_FIELD',
    file: PAYMENTS_API_SECRETS,
    line: 5,
  },
  {
    name: 'platform.ts missing',
    mutate: (repo) => repo.remove(PLATFORM),
    code: 'E_PLATFORM_MISSING',
    file: PLATFORM,
    line: 1,
  },
  // Cross-file rules.
  {
    name: 'unknown team',
    mutate: paymentsApi({ team: `'billing'` }),
    code: 'E_NS_TEAM_UNKNOWN',
    file: PAYMENTS_API_NS,
    line: 5,
  },
  {
    name: 'secret key outside the approved prefix',
    mutate: secondKey('storefront/web/session'),
    code: 'E_SECRET_OUTSIDE_PREFIX',
    file: PAYMENTS_API_SECRETS,
    line: 6,
  },
  {
    name: 'secret key in a sibling of the prefix (payments/apix)',
    mutate: secondKey('payments/apix/db'),
    code: 'E_SECRET_OUTSIDE_PREFIX',
    file: PAYMENTS_API_SECRETS,
    line: 6,
  },
  {
    name: 'overlapping approved prefixes of two namespaces',
    // payments-api (sorted first) claims payments/api; payments-batch's `payments` covers it.
    mutate: (repo) =>
      repo.write(
        'namespaces/payments-batch/namespace.ts',
        namespaceSource('payments-batch', { vault: `{ approvedPrefixes: ['payments'] }` }),
      ),
    code: 'E_NS_PREFIX_OVERLAP',
    file: 'namespaces/payments-batch/namespace.ts',
    line: 7,
  },
  {
    name: 'nested approved prefixes in one namespace',
    mutate: paymentsApi({ vault: `{ approvedPrefixes: ['payments/api', 'payments/api/db'] }` }),
    code: 'E_NS_PREFIX_NESTED',
    file: PAYMENTS_API_NS,
    line: 7,
  },
  // Vault keys.
  {
    name: 'key escaping the prefix with ..',
    mutate: secondKey('payments/api/../../storefront/web/session'),
    code: 'E_VAULT_PATH_INVALID',
    file: PAYMENTS_API_SECRETS,
    line: 6,
  },
  {
    name: 'key with *',
    mutate: secondKey('payments/api/*'),
    code: 'E_VAULT_PATH_INVALID',
    file: PAYMENTS_API_SECRETS,
    line: 6,
  },
  {
    name: 'key with +',
    mutate: secondKey('payments/api/+/db'),
    code: 'E_VAULT_PATH_INVALID',
    file: PAYMENTS_API_SECRETS,
    line: 6,
  },
  {
    name: 'key with a leading /',
    mutate: secondKey('/payments/api/db'),
    code: 'E_VAULT_PATH_INVALID',
    file: PAYMENTS_API_SECRETS,
    line: 6,
  },
  {
    name: 'key with an empty segment',
    mutate: secondKey('payments/api//db'),
    code: 'E_VAULT_PATH_INVALID',
    file: PAYMENTS_API_SECRETS,
    line: 6,
  },
  {
    name: 'approved prefix with *',
    mutate: paymentsApi({ vault: `{ approvedPrefixes: ['payments/*'] }` }),
    code: 'E_VAULT_PATH_INVALID',
    file: PAYMENTS_API_NS,
    line: 7,
  },
  {
    name: "refreshInterval '1 hour'",
    mutate: paymentsApiSecrets([`{ name: 'psp-api-key', key: 'payments/api/psp', refreshInterval: '1 hour' }`]),
    code: 'E_SECRET_REFRESH_INVALID',
    file: PAYMENTS_API_SECRETS,
    line: 5,
  },
  {
    name: "refreshInterval '10'",
    mutate: paymentsApiSecrets([`{ name: 'psp-api-key', key: 'payments/api/psp', refreshInterval: '10' }`]),
    code: 'E_SECRET_REFRESH_INVALID',
    file: PAYMENTS_API_SECRETS,
    line: 5,
  },
  {
    name: 'secret name with upper case',
    mutate: paymentsApiSecrets([`{ name: 'DB-credentials', key: 'payments/api/db' }`]),
    code: 'E_SECRET_NAME_INVALID',
    file: PAYMENTS_API_SECRETS,
    line: 5,
  },
  // Definition files that do not load.
  {
    name: 'syntax error in a definition',
    mutate: paymentsApi({ line6: `description: 'Public payments API' +` }),
    code: 'E_DEF_SYNTAX',
    file: PAYMENTS_API_NS,
    line: 6,
    binary: true,
  },
  {
    name: 'definition that throws at load time (line of the throw)',
    mutate: (repo) =>
      repo.write(
        PAYMENTS_API_NS,
        [
          `import { defineNamespace } from '@platform-gen/core';`,
          '',
          'function approvedPrefixes(): string[] {',
          `  throw new Error('vault prefixes unavailable');`,
          '}',
          '',
          'export default defineNamespace({',
          `  name: 'payments-api',`,
          `  team: 'payments',`,
          '  vault: { approvedPrefixes: approvedPrefixes() },',
          '});',
          '',
        ].join('\n'),
      ),
    code: 'E_DEF_LOAD',
    file: PAYMENTS_API_NS,
    line: 4,
    binary: true,
  },
  {
    name: 'definition without default export',
    mutate: (repo) =>
      repo.write(
        PAYMENTS_API_NS,
        definitionSource('defineNamespace', [`name: 'payments-api'`]).replace(
          'export default',
          'export const definition =',
        ),
      ),
    code: 'E_DEF_NO_DEFAULT_EXPORT',
    file: PAYMENTS_API_NS,
    line: 1,
  },
  {
    name: 'namespace.ts exporting defineSecrets(...)',
    mutate: (repo) => repo.write(PAYMENTS_API_NS, definitionSource('defineSecrets', ['secrets: []'])),
    code: 'E_DEF_WRONG_KIND',
    file: PAYMENTS_API_NS,
    line: 3,
  },
  {
    name: 'secrets.ts exporting a plain object',
    mutate: (repo) =>
      repo.write(PAYMENTS_API_SECRETS, `// Forgot defineSecrets.\n\nexport default {\n  secrets: [],\n};\n`),
    code: 'E_DEF_WRONG_KIND',
    file: PAYMENTS_API_SECRETS,
    line: 3,
  },
  {
    name: 'namespace folder without namespace.ts',
    mutate: (repo) => repo.write('namespaces/half-done/README.md', 'To do: add namespace.ts\n'),
    code: 'E_NS_DEFINITION_MISSING',
    file: 'namespaces/half-done/namespace.ts',
    line: 1,
  },
  {
    name: 'misnamed secrets file (secret.ts) is not silently ignored',
    mutate: async (repo) => {
      const text = await repo.read('namespaces/payments-api/secrets.ts');
      await repo.write('namespaces/payments-api/secret.ts', text);
      await repo.remove('namespaces/payments-api/secrets.ts');
    },
    code: 'E_NS_UNKNOWN_FILE',
    file: 'namespaces/payments-api/secret.ts',
    line: 1,
  },
  {
    name: 'symlinked namespace folder is not silently skipped',
    mutate: async (repo) => {
      await repo.writeOutside('linked/namespace.ts', await repo.read('namespaces/payments-batch/namespace.ts'));
      await repo.symlink(`${repo.outside}/linked`, 'namespaces/linked');
    },
    code: 'E_NS_SYMLINK',
    file: 'namespaces/linked',
    line: 1,
  },
  // The repository itself.
  {
    name: 'hand-written file at the generated path of a new namespace',
    mutate: async (repo) => {
      await newNamespace('newns')(repo);
      await repo.write(
        'kubernetes/namespaces/newns/namespace.yaml',
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: newns\n',
      );
    },
    code: 'E_OUTPUT_NOT_OWNED',
    file: 'kubernetes/namespaces/newns/namespace.yaml',
    line: 1,
  },
  {
    name: 'symlinked output folder of an existing namespace',
    mutate: async (repo) => {
      const copy = await repo.read('kubernetes/namespaces/payments-api/namespace.yaml');
      const target = await repo.writeOutside('payments-api/namespace.yaml', copy);
      await repo.remove('kubernetes/namespaces/payments-api');
      await repo.symlink(dirname(target), 'kubernetes/namespaces/payments-api');
    },
    code: 'E_OUTPUT_SYMLINK',
    file: 'kubernetes/namespaces/payments-api',
    line: 1,
    binary: true,
  },
  {
    name: 'symlinked output folder of a new namespace, pointing outside the repository',
    mutate: async (repo) => {
      await newNamespace('newns')(repo);
      await repo.symlink(repo.outside, 'kubernetes/namespaces/newns');
    },
    code: 'E_OUTPUT_SYMLINK',
    file: 'kubernetes/namespaces/newns',
    line: 1,
  },
  {
    name: 'symlinked generated file',
    mutate: async (repo) => {
      const copy = await repo.read('kubernetes/namespaces/payments-batch/namespace.yaml');
      const target = await repo.writeOutside('namespace.yaml', copy);
      await repo.remove('kubernetes/namespaces/payments-batch/namespace.yaml');
      await repo.symlink(target, 'kubernetes/namespaces/payments-batch/namespace.yaml');
    },
    code: 'E_OUTPUT_SYMLINK',
    file: 'kubernetes/namespaces/payments-batch/namespace.yaml',
    line: 1,
  },
];

/** The 1-based line of `file` on which `text` appears; fails unless it appears on exactly one line. */
async function lineOf(repo: TempRepo, file: string, text: string): Promise<number> {
  const lines = (await repo.read(file)).split('\n');
  const found = lines.flatMap((line, i) => (line.includes(text) ? [i + 1] : []));
  expect(found, `${JSON.stringify(text)} should be on exactly one line of ${file}`).toHaveLength(1);
  return found[0] ?? 0;
}

/** Mutates a fresh copy, runs `generate` and checks that nothing at all changed on disk. */
async function generateOnBrokenCopy(
  mutate: (repo: TempRepo) => Promise<void>,
  binary = false,
): Promise<{ repo: TempRepo; result: RunResult }> {
  const repo = await createTempRepo();
  await mutate(repo);
  const before = await repo.snapshot();
  const outsideBefore = await takeSnapshot(repo.outside);
  const result = binary ? await repo.runBinary(['generate']) : await repo.run(['generate']);
  expect(diffSnapshots(before, await repo.snapshot()), 'not one file in the repository may change').toEqual([]);
  expect(diffSnapshots(outsideBefore, await takeSnapshot(repo.outside)), 'nothing outside may change').toEqual([]);
  expect(result.code, result.err).toBe(1);
  expect(result.err).toContain('Nothing was written.');
  expect(result.out).toBe('');
  expect(result.err).not.toContain('internal error');
  return { repo, result };
}

describe('generate on bad input: exit 1, the code, file and line reported, not one file changed', () => {
  it('has a corpus of at least 30 distinct cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    const title = `${c.name} -> ${c.code} at ${c.file}:${String(c.line)}${c.binary === true ? ' (binary)' : ''}`;
    (c.bug === undefined ? it : it.fails)(title, async () => {
      const { repo, result } = await generateOnBrokenCopy(c.mutate, c.binary === true);
      const line = typeof c.line === 'number' ? c.line : await lineOf(repo, c.file, c.line);
      expect(result.err).toContain(c.code);
      expect(result.err).toContain(c.file);
      expect(result.err).toContain(`  ${line}:`);
      const { issues, headings } = parseReport(result.err);
      expect(headings.has(c.file), `a heading for ${c.file} in:\n${result.err}`).toBe(true);
      expect(issues, result.err).toContainEqual(
        expect.objectContaining({ file: c.file, line, code: c.code, severity: 'error' }),
      );
      // Every heading's count matches the problems listed under it, and the summary adds them up.
      for (const [file, n] of headings) expect(issues.filter((i) => i.file === file)).toHaveLength(n);
      const errors = issues.filter((i) => i.severity === 'error').length;
      expect(result.err).toMatch(new RegExp(`^${errors} errors? in ${headings.size} files?\\.$`, 'm'));
    });
  }

  it('a definition that throws at load time is reported as E_DEF_LOAD (code and file; line: see the bug case)', async () => {
    const throwing = CASES.find((c) => c.code === 'E_DEF_LOAD');
    if (throwing === undefined) throw new Error('the corpus lost its E_DEF_LOAD case');
    const { result } = await generateOnBrokenCopy(throwing.mutate);
    const { issues } = parseReport(result.err);
    expect(issues).toContainEqual(expect.objectContaining({ file: PAYMENTS_API_NS, code: 'E_DEF_LOAD' }));
    expect(result.err).toContain('vault prefixes unavailable');
  });

  it('reports three errors in two files at once', async () => {
    const { result } = await generateOnBrokenCopy(async (repo) => {
      await paymentsApi({ name: `'Payments-Api'`, line6: `owner: 'alice'` })(repo);
      await paymentsApiSecrets([`{ name: 'psp-api-key', key: 'payments/api/psp', refreshInterval: '1 hour' }`])(repo);
    });
    const { issues, headings } = parseReport(result.err);
    expect(issues.map(({ file, line, code }) => ({ file, line, code }))).toEqual([
      { file: PAYMENTS_API_NS, line: 4, code: 'E_NS_NAME_INVALID' },
      { file: PAYMENTS_API_NS, line: 6, code: 'E_UNKNOWN_FIELD' },
      { file: PAYMENTS_API_SECRETS, line: 5, code: 'E_SECRET_REFRESH_INVALID' },
    ]);
    expect(headings).toEqual(
      new Map([
        [PAYMENTS_API_NS, 2],
        [PAYMENTS_API_SECRETS, 1],
      ]),
    );
    expect(result.err).toContain(`${PAYMENTS_API_NS} (2 problems)`);
    expect(result.err).toContain(`${PAYMENTS_API_SECRETS} (1 problem)`);
    expect(result.err).toContain('3 errors in 2 files.');
  });

  it('a folder at the generated path of a new namespace is a user error (exit 1), not an internal one', async () => {
    const { result } = await generateOnBrokenCopy(async (repo) => {
      await newNamespace('newns')(repo);
      await repo.write('kubernetes/namespaces/newns/namespace.yaml/README.md', 'A folder where a file belongs.\n');
    });
    expect(parseReport(result.err).issues).toContainEqual(
      expect.objectContaining({
        file: 'kubernetes/namespaces/newns/namespace.yaml',
        line: 1,
        severity: 'error',
        code: 'E_OUTPUT_NOT_OWNED',
      }),
    );
  });

  it('generate --check and validate on bad input write nothing either', async () => {
    const repo = await createTempRepo();
    await paymentsApi({ team: `'billing'` })(repo);
    const before = await repo.snapshot();
    const check = await repo.run(['generate', '--check']);
    const validate = await repo.run(['validate']);
    expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
    for (const result of [check, validate]) {
      expect(result.code, result.err).toBe(1);
      expect(parseReport(result.err).issues).toContainEqual(
        expect.objectContaining({ file: PAYMENTS_API_NS, line: 5, code: 'E_NS_TEAM_UNKNOWN' }),
      );
    }
    expect(check.err).toContain('Nothing was written.');
  });
});
