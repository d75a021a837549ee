/**
 * `platform-gen migrate` from every earlier format of the definitions, on copies of the example repository:
 * an old copy is made by undoing what each format added (format 1: no formatVersion), then migrated, then
 * it must validate and equal a fresh generation. Refusals write nothing.
 */
import { CURRENT_FORMAT_VERSION } from '@platform-gen/core';
import { Node } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { planMigration, writeMigration } from '../src/migrate/run.js';
import { MIGRATIONS, type MigrationStep } from '../src/migrate/steps.js';
import {
  changedFiles,
  createTempRepo,
  diffSnapshots,
  parseReport,
  removeTempRepos,
  type TempRepo,
} from './temp-repo.js';

afterAll(removeTempRepos);

const PLATFORM = 'platform/platform.ts';
const STAMP = '  formatVersion: 2,\n';
const SECRETS = [
  'namespaces/payments-api/secrets.ts',
  'namespaces/payments-batch/secrets.ts',
  'namespaces/storefront-web/secrets.ts',
];

/** A copy of the example as format 1 wrote it: the platform definition has no formatVersion. */
async function formatOneRepo(): Promise<{ repo: TempRepo; example: string }> {
  const repo = await createTempRepo();
  const example = await repo.read(PLATFORM);
  await repo.replace(PLATFORM, STAMP, '');
  return { repo, example };
}

async function expectNothingWritten(repo: TempRepo, run: () => Promise<unknown>): Promise<void> {
  const before = await repo.snapshot();
  await run();
  expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
}

describe('the migration steps', () => {
  it('chain every earlier format up to the current one, one version at a time', () => {
    expect(MIGRATIONS.map((s) => [s.from, s.to])).toEqual(
      Array.from({ length: CURRENT_FORMAT_VERSION - 1 }, (_, i) => [i + 1, i + 2]),
    );
  });
});

describe('platform-gen migrate from format 1', () => {
  it('stamps formatVersion as the first field, changing nothing else; then validate passes and generate --check is clean', async () => {
    const { repo, example } = await formatOneRepo();
    const before = await repo.snapshot();
    const result = await repo.run(['migrate']);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('the definitions are in format 1; migrating to format 2.');
    expect(result.out).toMatch(/1 -> 2 {2}state the definition format.*\n\s+changed {2}platform\/platform\.ts\n/);
    expect(result.out).toContain('platform-gen: valid:');
    expect(result.out).toContain('now run pnpm generate');
    // The example is format 2 with formatVersion first: the migrated copy is the example again, byte for byte.
    expect(await repo.read(PLATFORM)).toBe(example);
    expect(changedFiles(before, await repo.snapshot())).toEqual([PLATFORM]);

    const validate = await repo.run(['validate']);
    expect(validate.code, validate.err).toBe(0);
    const check = await repo.run(['generate', '--check']);
    expect(check.code, check.out + check.err).toBe(0);
  });

  it('--dry-run prints the unified diff and writes nothing', async () => {
    const { repo } = await formatOneRepo();
    let result = { code: -1, out: '', err: '' };
    await expectNothingWritten(repo, async () => {
      result = await repo.run(['migrate', '--dry-run']);
    });
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('would change  platform/platform.ts');
    expect(result.out).toContain('--- a/platform/platform.ts\n+++ b/platform/platform.ts\n');
    expect(result.out).toContain(` export default definePlatform({\n+${STAMP}   name: 'example',\n`);
    expect(result.out).toContain('--dry-run: 1 file would change; nothing was written.');
  });

  it('rewrites formatVersion: 1 in place, wherever it is', async () => {
    const repo = await createTempRepo();
    const example = await repo.read(PLATFORM);
    await repo.replace(PLATFORM, STAMP, '');
    await repo.replace(
      PLATFORM,
      "  domain: 'platform.example.com',\n",
      "  domain: 'platform.example.com',\n  formatVersion: 1,\n",
    );
    const result = await repo.run(['migrate']);
    expect(result.code, result.err).toBe(0);
    expect(await repo.read(PLATFORM)).toBe(
      example
        .replace(STAMP, '')
        .replace("  domain: 'platform.example.com',\n", "  domain: 'platform.example.com',\n  formatVersion: 2,\n"),
    );
  });

  it("keeps the first field's comment with it, and handles `const p = definePlatform({...}); export default p`", async () => {
    const repo = await createTempRepo();
    const example = await repo.read(PLATFORM);
    const old = example
      .replace(STAMP, '  // Short name, used in labels.\n')
      .replace('export default definePlatform({', 'const platform = definePlatform({')
      .concat('\nexport default platform;\n');
    await repo.write(PLATFORM, old);
    const result = await repo.run(['migrate']);
    expect(result.code, result.err).toBe(0);
    expect(await repo.read(PLATFORM)).toBe(
      old.replace('  // Short name, used in labels.\n', `${STAMP}  // Short name, used in labels.\n`),
    );
  });

  it('stamps one-line, empty and wrapped objects in place (the runner alone, in memory)', async () => {
    const repo = await createTempRepo();
    const head = "import { definePlatform } from '@platform-gen/core';\n\n";
    const cases: [string, string][] = [
      [
        "export default definePlatform({ name: 'x' });\n",
        "export default definePlatform({ formatVersion: 2, name: 'x' });\n",
      ],
      ['export default definePlatform({});\n', 'export default definePlatform({ formatVersion: 2 });\n'],
      [
        "const p = (definePlatform({ // the platform\n\tname: 'x',\n}));\nexport default p;\n",
        "const p = (definePlatform({ // the platform\n\tformatVersion: 2,\n\tname: 'x',\n}));\nexport default p;\n",
      ],
    ];
    for (const [before, after] of cases) {
      await repo.write(PLATFORM, head + before);
      const plan = await planMigration(repo.root);
      expect(plan.status === 'planned' && plan.changes.find((c) => c.file === PLATFORM)?.after).toBe(head + after);
    }
    await repo.write(PLATFORM, `${head}const V = 1;\nexport default definePlatform({\n  formatVersion: V,\n});\n`);
    const plan = await planMigration(repo.root);
    expect(plan.status === 'refused' && plan.issues.map((i) => [i.code, i.line])).toEqual([
      ['E_MIGRATE_VERSION_UNREADABLE', 5],
    ]);
  });

  it('runs through the real binary', async () => {
    const { repo, example } = await formatOneRepo();
    const result = await repo.runBinary(['migrate']);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('1 file migrated to format 2.');
    expect(await repo.read(PLATFORM)).toBe(example);
  });
});

describe('platform-gen migrate refuses, writing nothing', () => {
  it('is a no-op on current definitions: exit 0, nothing to migrate', async () => {
    const repo = await createTempRepo();
    let result = { code: -1, out: '', err: '' };
    await expectNothingWritten(repo, async () => {
      result = await repo.run(['migrate']);
    });
    expect(result).toEqual({
      code: 0,
      out: 'platform-gen: the definitions are in format 2, the current one: nothing to migrate.\n',
      err: '',
    });
  });

  it('refuses a format newer than it knows: exit 1, upgrade platform-gen', async () => {
    const repo = await createTempRepo();
    await repo.replace(PLATFORM, STAMP, '  formatVersion: 3,\n');
    let result = { code: -1, out: '', err: '' };
    await expectNothingWritten(repo, async () => {
      result = await repo.run(['migrate']);
    });
    expect(result.code).toBe(1);
    expect(parseReport(result.err).issues).toEqual([
      expect.objectContaining({ file: PLATFORM, line: 8, code: 'E_FORMAT_TOO_NEW' }),
    ]);
    expect(result.err).toContain('upgrade platform-gen');
    expect(result.err).toContain('Nothing was written.');
  });

  it('names file and line when it cannot find the object passed to definePlatform(...)', async () => {
    const repo = await createTempRepo();
    await repo.replace(PLATFORM, 'export default definePlatform({', 'const spec = {');
    await repo.write(
      PLATFORM,
      `${(await repo.read(PLATFORM)).replace(/\}\);\n$/, '};\n')}\nexport default definePlatform(spec);\n`,
    );
    const lines = (await repo.read(PLATFORM)).split('\n');
    const exportLine = lines.indexOf('export default definePlatform(spec);') + 1;
    let result = { code: -1, out: '', err: '' };
    await expectNothingWritten(repo, async () => {
      result = await repo.run(['migrate']);
    });
    expect(result.code, result.err).toBe(1);
    expect(parseReport(result.err).issues).toEqual([
      expect.objectContaining({ file: PLATFORM, line: exportLine, code: 'E_MIGRATE_NO_DEFINITION' }),
    ]);
    expect(result.err).toContain('export default definePlatform({ ... })');
    expect(result.err).toContain('Nothing was written.');
    expect(result.err).not.toContain('internal error');
  });

  it('generate on format 1 exits 1, names platform/platform.ts and the fix, and writes nothing', async () => {
    const { repo } = await formatOneRepo();
    let result = { code: -1, out: '', err: '' };
    await expectNothingWritten(repo, async () => {
      result = await repo.run(['generate']);
    });
    expect(result.code).toBe(1);
    expect(parseReport(result.err).issues).toEqual([
      expect.objectContaining({ file: PLATFORM, line: 7, code: 'E_FORMAT_OUTDATED', severity: 'error' }),
    ]);
    expect(result.err).toContain('run `platform-gen migrate`');
    expect(result.err).toContain('Nothing was written.');
  });
});

/** Test only: a later format that renames `key` to `vaultKey` in every secret request of every secrets.ts. */
const RENAME_KEY: MigrationStep = {
  from: 2,
  to: 3,
  describe: 'test only: rename secrets[].key to secrets[].vaultKey',
  apply: (project) =>
    project.forEachDefinition('secrets', (object) => {
      const list = object.getProperty('secrets');
      const array = Node.isPropertyAssignment(list) ? list.getInitializer() : undefined;
      if (!Node.isArrayLiteralExpression(array)) return;
      for (const element of array.getElements()) {
        if (!Node.isObjectLiteralExpression(element)) continue;
        const key = element.getProperty('key');
        if (Node.isPropertyAssignment(key)) key.getNameNode().replaceWithText('vaultKey');
      }
    }),
};

describe('the runner with a later step that rewrites secrets.ts (test only)', () => {
  it('chains 1 -> 2 -> 3 in memory and renames the field in every secrets.ts, keeping comments and layout', async () => {
    const { repo, example } = await formatOneRepo();
    await repo.replace(
      SECRETS[0] as string,
      "    { name: 'db-credentials',",
      "    // Rotated monthly by the DBA team.\n    { name: 'db-credentials', /* the primary */",
    );
    const originals = new Map(await Promise.all(SECRETS.map(async (f) => [f, await repo.read(f)] as const)));
    let plan: Awaited<ReturnType<typeof planMigration>> | undefined;
    await expectNothingWritten(repo, async () => {
      plan = await planMigration(repo.root, { steps: [...MIGRATIONS, RENAME_KEY], target: 3 });
    });
    if (plan?.status !== 'planned') throw new Error(`expected a plan, got ${JSON.stringify(plan)}`);
    expect(plan.steps.map((s) => [s.step.from, s.step.to, s.changed])).toEqual([
      [1, 2, [PLATFORM]],
      [2, 3, [PLATFORM, ...SECRETS]],
    ]);
    const after = new Map(plan.changes.map((c) => [c.file, c.after]));
    expect(after.get(PLATFORM)).toBe(example.replace(STAMP, '  formatVersion: 3,\n'));
    for (const file of SECRETS) {
      // Only the field names change: `properties: ['key']` is a value and stays; comments stay where they were.
      expect(after.get(file)).toBe(originals.get(file)?.replaceAll(' key: ', ' vaultKey: '));
    }
    expect(after.get(SECRETS[0] as string)).toContain(
      "    // Rotated monthly by the DBA team.\n    { name: 'db-credentials', /* the primary */ vaultKey: 'payments/api/db',",
    );

    expect(await writeMigration(repo.root, plan.changes)).toEqual([]);
    for (const change of plan.changes) expect(await repo.read(change.file)).toBe(change.after);
  });

  it('refuses, naming every secrets.ts it cannot read, before anything is written', async () => {
    const { repo } = await formatOneRepo();
    await repo.write(
      SECRETS[1] as string,
      "import { defineSecrets } from '@platform-gen/core';\n\nconst s = { secrets: [] };\nexport default defineSecrets(s);\n",
    );
    await repo.write(SECRETS[2] as string, 'export const nothing = 1;\n');
    let plan: Awaited<ReturnType<typeof planMigration>> | undefined;
    await expectNothingWritten(repo, async () => {
      plan = await planMigration(repo.root, { steps: [...MIGRATIONS, RENAME_KEY], target: 3 });
    });
    if (plan?.status !== 'refused') throw new Error(`expected a refusal, got ${JSON.stringify(plan)}`);
    expect(plan.issues.map((i) => [i.code, i.file, i.line])).toEqual([
      ['E_MIGRATE_NO_DEFINITION', SECRETS[1], 4],
      ['E_MIGRATE_NO_DEFINITION', SECRETS[2], 1],
    ]);
  });

  it('refuses to write a file that changed on disk after it was read', async () => {
    const { repo } = await formatOneRepo();
    const plan = await planMigration(repo.root);
    if (plan.status !== 'planned') throw new Error('expected a plan');
    await repo.replace(PLATFORM, "name: 'example'", "name: 'edited'");
    const edited = await repo.read(PLATFORM);
    expect((await writeMigration(repo.root, plan.changes)).map((i) => i.code)).toEqual(['E_MIGRATE_FILE_CHANGED']);
    expect(await repo.read(PLATFORM)).toBe(edited);
  });
});
