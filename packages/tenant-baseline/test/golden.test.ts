/**
 * Golden tests: each folder under golden/ holds the definitions of a small repository and the files
 * `generate` must produce for them; each folder under golden/_error_/ holds broken definitions and the
 * issues they must produce, one per line as `<file>:<line>:<column> <code> <path>`.
 *
 * `UPDATE_GOLDEN=1 npx vitest run packages/tenant-baseline/test/golden.test.ts` rewrites the expected
 * files; review the diff before committing it.
 *
 * A valid repository has every declared bootstrap secret sealed (SEC-1 reports a missing sealed file as an
 * error), so each valid case holds `definitions/kubernetes/bootstrap/secrets/*.sops.yaml`: random values
 * sealed for TEST_SOPS's throwaway recipient, written with
 * `platform-gen seal <name> --root <case>/definitions --generate <key>...` for each entry of TEST_BOOTSTRAP_SECRETS.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GITATTRIBUTES_FILE, type Issue, MANIFEST_FILE, runPipeline } from '@platform-gen/core';
import { describe, expect, it } from 'vitest';
import { tenantBaselineGenerator } from '../src/index.js';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const ERRORS = join(GOLDEN, '_error_');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** Output that is not about the case: the schema types and the bookkeeping files. */
const isAboutTheCase = (path: string) =>
  !path.startsWith('packages/core/src/generated/') && path !== MANIFEST_FILE && path !== GITATTRIBUTES_FILE;

const caseFolders = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
    .map((entry) => entry.name)
    .sort();

/** Every file under `dir`, relative to it, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(join(dir, prefix))) return [];
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(dir, `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

function formatIssues(issues: readonly Issue[]): string {
  const lines = issues.map((i) => `${i.file}:${i.line ?? '?'}:${i.column ?? '?'} ${i.code} ${i.path}`.trimEnd());
  return lines.map((line) => `${line}\n`).join('');
}

describe('golden: generated files', () => {
  it.each(caseFolders(GOLDEN))('%s', async (name) => {
    const result = await runPipeline(join(GOLDEN, name, 'definitions'), [tenantBaselineGenerator]);
    expect(formatIssues(result.issues)).toBe('');
    const files = new Map(
      [...(result.files?.values() ?? [])].filter((f) => isAboutTheCase(f.path)).map((f) => [f.path, f.content]),
    );
    const expectedDir = join(GOLDEN, name, 'expected');
    if (UPDATE) {
      await rm(expectedDir, { recursive: true, force: true });
      for (const [path, content] of files) {
        await mkdir(dirname(join(expectedDir, path)), { recursive: true });
        await writeFile(join(expectedDir, path), content);
      }
      return;
    }
    expect([...files.keys()].sort()).toEqual(listFiles(expectedDir));
    for (const [path, content] of files) {
      expect(content, path).toBe(await readFile(join(expectedDir, path), 'utf8'));
    }
  });
});

describe('golden: errors', () => {
  it.each(caseFolders(ERRORS))('%s', async (name) => {
    const result = await runPipeline(join(ERRORS, name, 'definitions'), [tenantBaselineGenerator]);
    expect(result.files).toBeUndefined();
    expect(result.plan).toBeUndefined();
    const actual = formatIssues(result.issues);
    const expectedFile = join(ERRORS, name, 'expected-error.txt');
    if (UPDATE) {
      await writeFile(expectedFile, actual);
      return;
    }
    expect(actual).toBe(await readFile(expectedFile, 'utf8'));
  });
});
