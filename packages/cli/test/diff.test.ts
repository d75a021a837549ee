/**
 * `platform-gen diff` on copies of the example repository: object-level changes grouped by namespace and
 * component, Vault access changes first, Markdown for pull requests, `--base` against a real Git commit;
 * every run writes nothing, and every refusal exits 1.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VAULT_FLAG } from '@platform-gen/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempRepo, diffSnapshots, removeTempRepos, type TempRepo } from './temp-repo.js';

afterAll(removeTempRepos);

const run = promisify(execFile);

const SECRETS = 'namespaces/payments-api/secrets.ts';
const NEW_SECRET = "    { name: 'ledger-key', key: 'payments/api/ledger', properties: ['key'] },\n";
const NEW_ES = 'kubernetes/namespaces/payments-api/external-secrets/external-secret-ledger-key.yaml';
const POLICY = 'kubernetes/vault-config/files/policy-eso-payments-api.hcl';

async function addSecret(repo: TempRepo): Promise<void> {
  await repo.replace(SECRETS, '  secrets: [\n', `  secrets: [\n${NEW_SECRET}`);
}

/** Runs diff and checks it wrote nothing. */
async function diff(repo: TempRepo, args: readonly string[], binary = false) {
  const before = await repo.snapshot();
  const result = binary ? await repo.runBinary(['diff', ...args]) : await repo.run(['diff', ...args]);
  expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
  return result;
}

async function git(repo: TempRepo, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
    cwd: repo.root,
  });
  return stdout;
}

describe('platform-gen diff', () => {
  it('prints no changes for a repository equal to its generation, and exits 0 (binary)', async () => {
    const repo = await createTempRepo();
    // Generated first, so the test holds while the workspace's own generated files are being changed.
    expect((await repo.run(['generate'])).code).toBe(0);
    const result = await diff(repo, ['--exit-code'], true);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^platform-gen diff: the generated files on disk → a fresh generation/);
    expect(result.out).toMatch(/No changes \(\d+ generated files compared\)\./);
  });

  it('shows a requested secret as one ExternalSecret added in its namespace, without Vault changes', async () => {
    const repo = await createTempRepo();
    await addSecret(repo);
    const result = await diff(repo, []);
    expect(result.code, result.err).toBe(0);
    expect(result.out).not.toContain(VAULT_FLAG);
    expect(result.out).toContain('\nnamespace payments-api: 1 object added\n');
    expect(result.out).toContain(`  + ExternalSecret payments-api/ledger-key  ${NEW_ES}\n`);
    const added = result.out.split('\n').filter((line) => line.startsWith('  + '));
    expect(added).toEqual([`  + ExternalSecret payments-api/ledger-key  ${NEW_ES}`]);
    // The manifest and the docs that list secrets change too: named, in the repository group.
    expect(result.out).toContain('  ~ .platform-gen/manifest.txt  (+1 −0 lines)');
    expect(result.out).toMatch(/platform-gen diff: 1 object added, 0 removed, \d+ changed/);

    const strict = await diff(repo, ['--exit-code']);
    expect(strict.code).toBe(1);
    expect(strict.out).toBe(result.out);
  });

  it('highlights a widened approved prefix as a Vault access change, first', async () => {
    const repo = await createTempRepo();
    await repo.replace(
      'namespaces/payments-api/namespace.ts',
      "approvedPrefixes: ['payments/api']",
      "approvedPrefixes: ['payments/api', 'payments/ledger']",
    );
    const result = await diff(repo, []);
    expect(result.code, result.err).toBe(0);
    const flag = result.out.indexOf(`${VAULT_FLAG} (1 file)`);
    expect(flag).toBeGreaterThan(0);
    expect(result.out.indexOf('\nnamespace payments-api')).toBeGreaterThan(flag);
    expect(result.out).toContain(`  ~ ${POLICY}  (policy changed)\n`);
    for (const path of ['secret/data/payments/ledger', 'secret/data/payments/ledger/*']) {
      expect(result.out).toContain(`      + path "${path}" capabilities = ["read"]\n`);
    }
    expect(result.out).toContain(`      + path "secret/metadata/payments/ledger" capabilities = ["list"]\n`);
    expect(result.out).not.toMatch(/^ {6}- path/m);
    expect(result.out).toContain(`  ~ ${POLICY}  (Vault access file: see above)`);
  });

  it('lists every object of a removed namespace as removed, and its Vault policy and role', async () => {
    const repo = await createTempRepo();
    await repo.remove('namespaces/payments-batch');
    const result = await diff(repo, []);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('  - kubernetes/vault-config/files/policy-eso-payments-batch.hcl  (policy removed)');
    expect(result.out).toContain('  - kubernetes/vault-config/files/role-eso-payments-batch.json  (role removed)');
    expect(result.out).toContain('  - Namespace payments-batch  kubernetes/namespaces/payments-batch/namespace.yaml');
    expect(result.out).toContain('  - Application argocd/tenant--payments-batch  ');
    const group = result.out.slice(result.out.indexOf('\nnamespace payments-batch:'));
    const section = group.slice(0, group.indexOf('\n\n', 1));
    expect(section).toMatch(/^\nnamespace payments-batch: \d+ objects removed/);
    expect(section).not.toMatch(/^ {2}[+~] /m);
  });

  it('prints Markdown for a pull-request comment with --markdown', async () => {
    const repo = await createTempRepo();
    await addSecret(repo);
    await repo.replace(
      'namespaces/payments-api/namespace.ts',
      "approvedPrefixes: ['payments/api']",
      "approvedPrefixes: ['payments/api', 'payments/ledger']",
    );
    const result = await diff(repo, ['--markdown']);
    expect(result.code, result.err).toBe(0);
    const md = result.out;
    expect(md).toMatch(
      /^## platform-gen diff\n\nThe generated files on disk → a fresh generation of the definitions: \*\*/,
    );
    expect(md).toContain(`\n### ${VAULT_FLAG}\n`);
    expect(md).toContain(
      `- **changed** \`${POLICY}\` (policy)\n\n  \`\`\`diff\n  + path "secret/data/payments/ledger"`,
    );
    expect(md).toContain('\n### Namespace `payments-api`\n');
    expect(md).toContain('| change | object | file |\n|---|---|---|\n');
    expect(md).toContain(`| added | \`ExternalSecret payments-api/ledger-key\` | \`${NEW_ES}\` |`);
    expect(md).toContain('\n### Repository\n');
    expect(md.indexOf(VAULT_FLAG)).toBeLessThan(md.indexOf('### Namespace'));
  });

  it('compares with a Git ref: --base HEAD sees what was generated and committed since (binary)', async () => {
    const repo = await createTempRepo();
    await writeFile(join(repo.root, '.gitignore'), 'node_modules\n');
    await git(repo, 'init', '-q', '-b', 'main');
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-q', '-m', 'example');
    await addSecret(repo);
    expect((await repo.run(['generate'])).code).toBe(0);

    // On disk everything is generated already: the plain diff is empty, the one against HEAD is not.
    const local = await diff(repo, []);
    expect(local.out).toContain('No changes');
    const result = await diff(repo, ['--base', 'HEAD'], true);
    expect(result.code, result.err).toBe(0);
    const head = (await git(repo, 'rev-parse', 'HEAD')).trim().slice(0, 12);
    expect(result.out).toContain(`platform-gen diff: HEAD (${head}) → a fresh generation of the working tree\n`);
    expect(result.out).toContain(`  + ExternalSecret payments-api/ledger-key  ${NEW_ES}\n`);

    const markdown = await diff(repo, ['--base', 'main', '--markdown', '--exit-code']);
    expect(markdown.code).toBe(1);
    expect(markdown.out).toContain(`\`main (${head})\` → a fresh generation of the working tree: **1 object added`);
  });

  it('refuses a ref that does not resolve, and --base outside a Git work tree, with exit 1', async () => {
    const repo = await createTempRepo();
    const outside = await diff(repo, ['--base', 'HEAD']);
    expect(outside.code).toBe(1);
    expect(outside.err).toContain('is not inside a Git work tree, so --base has nothing to compare with');

    await git(repo, 'init', '-q');
    await git(repo, 'add', 'platform');
    await git(repo, 'commit', '-q', '-m', 'x');
    const result = await diff(repo, ['--base', 'origin/nope'], true);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toBe(
      'platform-gen diff: "origin/nope" does not resolve to a commit in this repository (try git fetch, or a branch, tag or commit that exists). Nothing was written.\n',
    );
    const option = await diff(repo, ['--base=--output=x']);
    expect(option.code).toBe(1);
    expect(option.err).toContain('"--output=x" is not a Git ref');
  });

  it('refuses invalid definitions with the usual report, exit 1, writing nothing', async () => {
    const repo = await createTempRepo();
    await repo.replace(SECRETS, "key: 'payments/api/db'", "key: 'storefront/web/db'");
    const result = await diff(repo, ['--markdown']);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain('namespaces/payments-api/secrets.ts (1 problem)');
    expect(result.err).toContain('error E_SECRET_OUTSIDE_PREFIX');
    expect(result.err).toContain('platform-gen diff: the definitions are invalid');
  });
});
