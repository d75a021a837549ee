/**
 * `platform-gen generate [--check]`. A repository exactly as a consistent run left it (same files, same
 * toolchain: run-record.ts) gets that run's answer at once; any other goes through the whole pipeline
 * (generate-run.ts), which is imported only then.
 */
import { observeRepository, type RunRecord, readRunRecord } from '@platform-gen/core/run-record';
import { EXIT } from '../exit-codes.js';
import { locked, needsLock } from '../locked.js';
import type { Io } from '../main.js';
import { count } from '../plural.js';

export interface GenerateOptions {
  readonly check: boolean;
  /** Namespaces whose generated files may all be deleted (their definitions were removed on purpose). */
  readonly allowDelete?: readonly string[];
}

export async function generateCommand(root: string, options: GenerateOptions, io: Io): Promise<number> {
  // Writing holds the repository lock from the first look to the last write, even when a record answers (a run
  // that finds the lock taken refuses, whatever it would have done); --check reads without it.
  if (!options.check && needsLock(root)) {
    return locked(root, 'generate', io, () => generateCommand(root, options, io));
  }
  const seen = observeRepository(root);
  if (seen.ok) {
    const record = readRunRecord(root, seen.state);
    if (record !== undefined) return replay(record, options, io);
  }
  const { runGenerate } = await import('./generate-run.js');
  return runGenerate(root, options, io, seen.ok ? seen.state : undefined);
}

/** What the full run prints for a consistent repository, in the same order: warnings, notes, the summary. */
function replay(record: RunRecord, options: GenerateOptions, io: Io): number {
  if (record.warnings !== '') io.err(record.warnings);
  if (options.check) {
    io.out(upToDate(record.files));
    return EXIT.ok;
  }
  // A consistent repository deletes nothing, so every --allow-delete is one the full run would ignore.
  for (const name of options.allowDelete ?? []) io.err(ignoredAllowDelete(name));
  io.out(written(0, record.files, 0));
  return EXIT.ok;
}

export function upToDate(files: number): string {
  return `platform-gen: all ${count(files, 'generated file')} are up to date.\n`;
}

export function written(written: number, unchanged: number, deleted: number): string {
  return `platform-gen: ${count(written, 'file')} written, ${unchanged} unchanged, ${deleted} deleted.\n`;
}

export function ignoredAllowDelete(name: string): string {
  return `platform-gen: --allow-delete ${name}: this run deletes no namespace of that name; ignored.\n`;
}
