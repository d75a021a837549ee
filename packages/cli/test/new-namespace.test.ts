/**
 * `platform-gen new-namespace` on a copy of the example repository: it scaffolds both definition files,
 * regenerates, and the result validates; every refusal exits 1 and leaves the tree exactly as it was.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadModel } from '@platform-gen/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNamespaceFiles } from '../src/scaffold/namespace-files.js';
import { createTempRepo, diffSnapshots, removeTempRepos, type TempRepo, WORKSPACE_ROOT } from './temp-repo.js';

afterAll(removeTempRepos);

/**
 * Everything a string literal could get wrong: both quotes, backslashes, a newline, `${` (spelled \u0024{ here
 * only to keep biome quiet), a backtick, U+2028, a tab, and a backslash before what looks like an escape.
 */
const HOSTILE =
  'It\'s "quoted", C:\\new\\table\\, a line\nbreak, \u0024{not.a.template} `tick` \u2028 and\ttab \\u0041';

const run = promisify(execFile);

/** The workspace's biome, with the workspace's configuration: the files must pass `pnpm lint` as written. */
async function biomeCheck(files: readonly string[]): Promise<void> {
  const biome = join(WORKSPACE_ROOT, 'node_modules/.bin/biome');
  const config = join(WORKSPACE_ROOT, 'biome.json');
  await run(biome, ['check', '--vcs-enabled=false', `--config-path=${config}`, '--error-on-warnings', ...files]);
}

async function loadedNamespace(repo: TempRepo, name: string) {
  const { model, issues } = await loadModel(repo.root);
  expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  return model?.namespaces.find((ns) => ns.name === name)?.definition;
}

describe('new-namespace creates a namespace', () => {
  it('writes both definitions and the generated output, and validate passes (binary)', async () => {
    const repo = await createTempRepo();
    const result = await repo.runBinary(['new-namespace', 'ledger', '--team', 'payments', '--description', HOSTILE]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain(
      '  created   namespaces/ledger/namespace.ts\n  created   namespaces/ledger/secrets.ts\n',
    );
    expect(result.out).toContain('approved Vault prefix payments/ledger (the default <team>/<name>');
    expect(result.out).toContain('  written   kubernetes/namespaces/ledger/namespace.yaml\n');
    expect(await repo.exists('kubernetes/namespaces/ledger/namespace.yaml')).toBe(true);

    expect(await loadedNamespace(repo, 'ledger')).toEqual({
      name: 'ledger',
      team: 'payments',
      description: HOSTILE,
      vault: { approvedPrefixes: ['payments/ledger'] },
    });
    expect(await repo.read('namespaces/ledger/secrets.ts')).toContain(
      "// { name: 'db-credentials', key: 'payments/ledger/db', properties: ['username', 'password'] },\n  secrets: [],\n",
    );
    const validate = await repo.run(['validate']);
    expect(validate.code, validate.err).toBe(0);
    const check = await repo.run(['generate', '--check']);
    expect(check.code, check.out).toBe(0);
    await biomeCheck([repo.path('namespaces/ledger/namespace.ts'), repo.path('namespaces/ledger/secrets.ts')]);
  });

  it('approves the --prefix given and writes no description when none is given', async () => {
    const repo = await createTempRepo();
    const result = await repo.run([
      'new-namespace',
      'checkout',
      '--team',
      'storefront',
      '--prefix',
      'storefront/checkout-v2',
      '--root',
      repo.root,
    ]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).not.toContain('the default <team>/<name>');
    expect(await loadedNamespace(repo, 'checkout')).toEqual({
      name: 'checkout',
      team: 'storefront',
      vault: { approvedPrefixes: ['storefront/checkout-v2'] },
    });
    expect(await repo.read('namespaces/checkout/namespace.ts')).toBe(
      [
        "import { defineNamespace } from '@platform-gen/core';",
        '',
        'export default defineNamespace({',
        "  name: 'checkout',",
        "  team: 'storefront',",
        "  vault: { approvedPrefixes: ['storefront/checkout-v2'] },",
        '});',
        '',
      ].join('\n'),
    );
  });

  it('lays out long prefixes and quote-heavy descriptions as biome does', async () => {
    const repo = await createTempRepo();
    const files: string[] = [];
    // Prefix literals around both of biome's break points (the vault line, then the approvedPrefixes line).
    for (const length of [80, 86, 87, 90, 95, 96, 200]) {
      const prefix = `team/${'a'.repeat(length - 7)}`;
      const description = length % 2 === 0 ? `''"${HOSTILE}` : `"${HOSTILE}`;
      const rendered = await renderNamespaceFiles({
        name: 'x',
        team: 'team',
        description,
        vault: { approvedPrefixes: [prefix] },
      });
      files.push(await repo.writeOutside(`case-${length}/namespace.ts`, rendered.namespace));
      files.push(await repo.writeOutside(`case-${length}/secrets.ts`, rendered.secrets));
    }
    await biomeCheck(files);
  });
});

describe('new-namespace refuses, writing nothing', () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await createTempRepo();
  });

  it.each([
    ['an upper-case letter', ['Ledger'], /<name>: name "Ledger" is not valid: it contains the upper-case letter 'L'\n/],
    ['a path', ['../evil'], /<name>: name "\.\.\/evil" is not valid: it contains '\.'\n {4}fix: [^\n]*\n$/],
    [
      'the reserved name vault',
      ['vault'],
      /<name>: namespace name "vault" is reserved: .*\n {4}fix: choose another name/,
    ],
    ['a kube- name', ['kube-x'], /namespace name "kube-x" is reserved: names starting with "kube-" are reserved/],
    [
      'an unknown team',
      ['ledger', '--team', 'nope'],
      /--team: team "nope" is not declared in platform\/platform\.ts\n {4}fix: use one of payments, storefront,/,
    ],
    [
      'an existing folder',
      ['payments-api'],
      /namespaces\/payments-api\/ already exists \(a folder\): new-namespace never overwrites/,
    ],
    [
      'a prefix overlapping another namespace',
      ['ledger', '--prefix', 'payments/api/ledger'],
      /--prefix: approved prefix "payments\/api\/ledger" overlaps "payments\/api" of namespace "payments-api"/,
    ],
    ['a prefix under platform/', ['ledger', '--prefix', 'platform/ledger'], /--prefix: .* lies under "platform\/"/],
    ['an invalid Vault path', ['ledger', '--prefix', 'payments//ledger'], /--prefix: .* it has an empty segment/],
  ] as const)('%s', async (_, args, expected) => {
    const argv = [
      'new-namespace',
      ...args,
      ...((args as readonly string[]).includes('--team') ? [] : ['--team', 'payments']),
    ];
    const before = await repo.snapshot();
    const result = await repo.run(argv);
    expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
    expect(result.code, result.err).toBe(1);
    expect(result.out).toBe('');
    expect(result.err.startsWith('platform-gen: new-namespace refused; nothing was written.\n')).toBe(true);
    expect(result.err).toMatch(expected);
  });

  it('refuses while the definitions already in the repository are invalid', async () => {
    const broken = await createTempRepo();
    await broken.replace('namespaces/payments-batch/namespace.ts', "team: 'payments'", "team: 'ghost'");
    const before = await broken.snapshot();
    const result = await broken.run(['new-namespace', 'ledger', '--team', 'payments']);
    expect(diffSnapshots(before, await broken.snapshot())).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /namespaces\/payments-batch\/namespace\.ts \(1 problem\)\n {2}\d+:\d+ {2}error E_NS_TEAM_UNKNOWN/,
    );
    expect(result.err).toContain('the definitions already in the repository have the problems above; fix them first');
  });
});

describe('new-namespace when regenerating fails', () => {
  it('keeps the new files, reports the failure and exits 1', async () => {
    const repo = await createTempRepo();
    // A hand-written file where the generator will write: generate refuses to touch it.
    await repo.write('kubernetes/namespaces/ledger/namespace.yaml', 'kind: hand-written\n');
    const result = await repo.run(['new-namespace', 'ledger', '--team', 'payments']);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'platform-gen: namespaces/ledger/ was created, but regenerating failed (see above). The new files stay',
    );
    expect(await repo.exists('namespaces/ledger/namespace.ts')).toBe(true);
    expect(await repo.exists('namespaces/ledger/secrets.ts')).toBe(true);
    expect(result.err).toMatch(/E_OUTPUT_NOT_OWNED {2}kubernetes\/namespaces\/ledger\/namespace\.yaml exists/);
    expect(await repo.read('kubernetes/namespaces/ledger/namespace.yaml')).toBe('kind: hand-written\n');
  });
});

describe('new-namespace --help', () => {
  it('documents the command, its options and the default prefix', async () => {
    const repo = await createTempRepo();
    const help = await repo.run(['new-namespace', '--help']);
    expect(help.code).toBe(0);
    // commander wraps the help to the terminal's width.
    const text = help.out.replace(/\s+/g, ' ');
    expect(text).toContain('Usage: platform-gen new-namespace [options] <name>');
    for (const part of ['--team <team>', '--prefix <vault path>', '(default: <team>/<name>)', '--description <text>']) {
      expect(text).toContain(part);
    }
    expect(help.out).toContain('Exit codes:');
    const top = await repo.run(['--help']);
    expect(top.out).toMatch(/new-namespace \[options\] <name> +scaffold namespaces\/<name>\/namespace\.ts/);
  });
});
