/**
 * The run record end to end (core's run-record.ts, ADR 17): a repository exactly as a consistent run left it
 * gets that run's answer without the pipeline, and any change a run could see sends the next one through the
 * whole pipeline again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { observeRepository, recordFile } from '@platform-gen/core/run-record';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTempRepo, removeTempRepos, type TempRepo } from './temp-repo.js';

afterEach(async () => {
  vi.unstubAllEnvs();
  await removeTempRepos();
});

const GENERATED = 'kubernetes/namespaces/payments-api/namespace.yaml';
const DEFINITION = 'namespaces/payments-api/namespace.ts';

/** The record a run over the repository as it is now would answer from (undefined: none). */
function recordNow(repo: TempRepo): { path: string; text: string | undefined } {
  const seen = observeRepository(repo.root);
  if (!seen.ok) throw new Error(seen.reason);
  const path = recordFile(repo.root, seen.state, process.env) as string;
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch {
    return { path, text: undefined };
  }
}

/** Makes the current record print a marker, so a run that prints it provably answered from the record. */
function markRecord(repo: TempRepo): void {
  const { path, text } = recordNow(repo);
  if (text === undefined) throw new Error('no record to mark');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(text), warnings: 'FROM THE RECORD\n' }));
}

describe('the run record', () => {
  it('answers a repeated --check and generate with exactly what the full run printed (binary)', async () => {
    const repo = await createTempRepo();
    expect(recordNow(repo).text).toBeUndefined();
    const full = await repo.runBinary(['generate', '--check']);
    expect(full.code, full.err).toBe(0);
    expect(recordNow(repo).text, 'a consistent --check records').toBeDefined();
    expect(await repo.runBinary(['generate', '--check'])).toEqual(full);

    // The whole pipeline's generate (the record turned off for this run only), against the record's answer.
    vi.stubEnv('PLATFORM_GEN_RUN_RECORD', '0');
    const fullGenerate = await repo.runBinary(['generate']);
    vi.unstubAllEnvs();
    expect(fullGenerate.out).toMatch(/^platform-gen: 0 files written, \d+ unchanged, 0 deleted\.\n$/);
    expect(await repo.runBinary(['generate'])).toEqual(fullGenerate);
    markRecord(repo);
    const replayed = await repo.runBinary(['generate']);
    expect(replayed).toEqual({ ...fullGenerate, err: 'FROM THE RECORD\n' });
  });

  it('never answers once a generated file, a definition or any other file changed; answers again when restored', async () => {
    const repo = await createTempRepo();
    expect((await repo.run(['generate', '--check'])).code).toBe(0);
    markRecord(repo);
    const original = await repo.read(GENERATED);

    await repo.write(GENERATED, `${original}# edited by hand\n`);
    const drift = await repo.run(['generate', '--check']);
    expect(drift.code).toBe(1);
    expect(drift.out).toContain(GENERATED);
    expect(drift.err).not.toContain('FROM THE RECORD');

    await repo.write(GENERATED, original);
    expect(await repo.run(['generate', '--check'])).toMatchObject({ code: 0, err: 'FROM THE RECORD\n' });

    await repo.replace(DEFINITION, "name: 'payments-api'", "name: 'Payments-API'");
    const invalid = await repo.run(['generate', '--check']);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('namespaces/payments-api/namespace.ts');
    expect(invalid.err).not.toContain('FROM THE RECORD');

    await repo.replace(DEFINITION, "name: 'Payments-API'", "name: 'payments-api'");
    await repo.write('docs/notes.md', 'a file nothing generates\n');
    const other = await repo.run(['generate', '--check']);
    expect(other.code, other.err).toBe(0);
    expect(other.err).toBe('');
  });

  it('is not written when a definition is not pure (its value could depend on more than its bytes)', async () => {
    const repo = await createTempRepo();
    const text = await repo.read(DEFINITION);
    await repo.write(DEFINITION, `${text}\nexport const loadedAt = Date.now();\n`);
    const result = await repo.run(['generate', '--check']);
    expect(result.code, result.err).toBe(0);
    expect(recordNow(repo).text).toBeUndefined();
  });

  it('does not let a writing generate past the repository lock', async () => {
    const repo = await createTempRepo();
    expect((await repo.run(['generate'])).code).toBe(0);
    expect(recordNow(repo).text).toBeDefined();
    const holder = { pid: process.pid, hostname: 'elsewhere', command: 'generate', started: new Date().toISOString() };
    await repo.write('.platform-gen.lock', `${JSON.stringify(holder)}\n`);
    const refused = await repo.run(['generate']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/lock/);
    expect((await repo.run(['generate', '--check'])).code).toBe(0);
  });
});
