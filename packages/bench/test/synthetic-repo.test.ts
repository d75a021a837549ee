/**
 * The bench's synthetic platform is a valid platform: the real platform-gen binary generates it and then finds
 * it up to date, as the bench's scenarios run it. No timing is asserted here: `pnpm bench` reports times, tests
 * never do.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSyntheticRepo,
  namespaceDefinition,
  namespaceName,
  secretsDefinition,
  WORKSPACE_ROOT,
  writeSecretsDefinition,
} from '../src/synthetic-repo.js';

const run = promisify(execFile);
const CLI_BIN = join(WORKSPACE_ROOT, 'packages/cli/bin/platform-gen.js');

const parents: string[] = [];
afterAll(async () => {
  for (const parent of parents) await rm(parent, { recursive: true, force: true });
});

describe('the synthetic definitions', () => {
  it('spread over both teams, each namespace with its own prefixes and two secrets under them', () => {
    const definitions = Array.from({ length: 8 }, (_, i) => namespaceDefinition(i));
    expect(new Set(definitions.map((d) => d.team))).toEqual(new Set(['payments', 'storefront']));
    expect(new Set(definitions.map((d) => d.name)).size).toBe(8);
    for (let i = 0; i < 8; i++) {
      const prefixes = (namespaceDefinition(i).vault as { approvedPrefixes: string[] }).approvedPrefixes;
      const secrets = (secretsDefinition(i).secrets as { key: string }[]).map((s) => s.key);
      expect(secrets).toHaveLength(2);
      for (const key of secrets) expect(prefixes.some((p) => key.startsWith(`${p}/`))).toBe(true);
    }
  });

  it('change one secret between variants and nothing else', () => {
    expect(secretsDefinition(5, 1)).not.toEqual(secretsDefinition(5, 0));
    expect(secretsDefinition(5, 2)).toEqual(secretsDefinition(5, 0));
  });
});

describe('a synthetic repository of 3 namespaces', () => {
  it('generates with the real binary, which then finds every file up to date', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'platform-gen-bench-test-'));
    parents.push(parent);
    const root = await createSyntheticRepo(3, parent);
    const generated = await run(process.execPath, [CLI_BIN, 'generate', '--root', root]);
    expect(generated.stdout).toMatch(/ 0 deleted\.\n$/);
    expect(await readFile(join(root, 'kubernetes/namespaces', namespaceName(2), 'namespace.yaml'), 'utf8')).toContain(
      `name: ${namespaceName(2)}`,
    );
    const checked = await run(process.execPath, [CLI_BIN, 'generate', '--check', '--root', root]);
    expect(checked.stdout).toMatch(/^platform-gen: all \d+ generated files are up to date\.\n$/);

    // The "one namespace changed" scenario: one edit, a few files to rewrite, the rest unchanged.
    await writeSecretsDefinition(root, 1, 1);
    const changed = await run(process.execPath, [CLI_BIN, 'generate', '--root', root]);
    expect(changed.stdout).toContain(
      `written   kubernetes/namespaces/${namespaceName(1)}/external-secrets/external-secret-session-key.yaml`,
    );
    // Three real generate runs in child processes, on a machine other tests share.
  }, 180_000);
});
