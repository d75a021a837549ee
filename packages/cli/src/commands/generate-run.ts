import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  applyPlan,
  deletedNamespaces,
  deleteGuardIssues,
  formatDrift,
  hasErrors,
  MANIFEST_FILE,
  parseManifest,
  runPipeline,
} from '@platform-gen/core';
import { type Observed, writeRunRecord } from '@platform-gen/core/run-record';
import { EXIT } from '../exit-codes.js';
import { GENERATORS } from '../generators.js';
import type { Io } from '../main.js';
import { count } from '../plural.js';
import { formatIssues } from '../report.js';
import { type GenerateOptions, ignoredAllowDelete, upToDate, written } from './record-answer.js';

/**
 * The whole of generate: load, validate, generate, check, then write or compare. `seen` is the repository as
 * generate.ts saw it when no record answered: a run that finds everything consistent records that (run-record.ts).
 * A writing run is called with the repository lock held. What that look read (`seen.reads`) is the run's view of the
 * disk: the pipeline does not read those files again.
 */
export async function runGenerate(
  root: string,
  options: GenerateOptions,
  io: Io,
  seen: Observed | undefined,
): Promise<number> {
  const result = await runPipeline(root, GENERATORS, { reads: seen?.reads });
  const before = seen?.state;
  if (hasErrors(result.issues) || result.plan === undefined || result.files === undefined) {
    io.err(formatIssues(result.issues));
    io.err('Nothing was written.\n');
    return EXIT.invalid;
  }
  const warnings = result.issues.length > 0 ? formatIssues(result.issues) : '';
  if (warnings !== '') io.err(warnings);
  const { plan } = result;
  const consistent = plan.drift.length === 0;
  if (consistent && before !== undefined && result.pure) {
    // The tree is looked at again before recording: a file edited during the run leaves no record.
    await writeRunRecord(root, before, { files: result.files.size, warnings });
  }

  if (options.check) {
    if (consistent) {
      io.out(upToDate(result.files.size));
      return EXIT.ok;
    }
    for (const drift of plan.drift) io.out(formatDrift(drift));
    const kinds = (['changed', 'missing', 'orphan'] as const)
      .map((kind) => [kind, plan.drift.filter((d) => d.kind === kind).length] as const)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}`);
    io.err(
      `platform-gen: ${count(plan.drift.length, 'file')} differ from a fresh generation (${kinds.join(', ')}). Run: pnpm generate\n`,
    );
    return EXIT.invalid;
  }

  const manifest = await readFile(join(root, MANIFEST_FILE), 'utf8').catch(() => '');
  const deleted = deletedNamespaces(result.files, plan.remove, new Set(parseManifest(manifest)));
  const refused = deleteGuardIssues(deleted, options.allowDelete ?? []);
  if (refused.length > 0) {
    io.err(formatIssues(refused));
    io.err('Nothing was written.\n');
    return EXIT.invalid;
  }
  for (const name of options.allowDelete ?? []) {
    if (!deleted.some((d) => d.namespace === name)) io.err(ignoredAllowDelete(name));
  }

  await applyPlan(root, plan);
  for (const file of plan.write) io.out(`  written   ${file.path}\n`);
  for (const path of plan.remove) io.out(`  deleted   ${path}\n`);
  io.out(written(plan.write.length, plan.unchanged.length, plan.remove.length));
  return EXIT.ok;
}
