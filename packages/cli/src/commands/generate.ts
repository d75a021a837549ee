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
import { EXIT } from '../exit-codes.js';
import { GENERATORS } from '../generators.js';
import { locked, needsLock } from '../locked.js';
import type { Io } from '../main.js';
import { count, formatIssues } from '../report.js';

export interface GenerateOptions {
  readonly check: boolean;
  /** Namespaces whose generated files may all be deleted (their definitions were removed on purpose). */
  readonly allowDelete?: readonly string[];
}

export async function generateCommand(root: string, options: GenerateOptions, io: Io): Promise<number> {
  // Writing holds the repository lock from planning to the last write; --check reads without it.
  if (!options.check && needsLock(root)) {
    return locked(root, 'generate', io, () => generateCommand(root, options, io));
  }
  const result = await runPipeline(root, GENERATORS);
  if (hasErrors(result.issues) || result.plan === undefined || result.files === undefined) {
    io.err(formatIssues(result.issues));
    io.err('Nothing was written.\n');
    return EXIT.invalid;
  }
  if (result.issues.length > 0) io.err(formatIssues(result.issues));
  const { plan } = result;

  if (options.check) {
    if (plan.drift.length === 0) {
      io.out(`platform-gen: all ${count(result.files.size, 'generated file')} are up to date.\n`);
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
    if (!deleted.some((d) => d.namespace === name)) {
      io.err(`platform-gen: --allow-delete ${name}: this run deletes no namespace of that name; ignored.\n`);
    }
  }

  await applyPlan(root, plan);
  for (const file of plan.write) io.out(`  written   ${file.path}\n`);
  for (const path of plan.remove) io.out(`  deleted   ${path}\n`);
  io.out(
    `platform-gen: ${count(plan.write.length, 'file')} written, ${plan.unchanged.length} unchanged, ${plan.remove.length} deleted.\n`,
  );
  return EXIT.ok;
}
