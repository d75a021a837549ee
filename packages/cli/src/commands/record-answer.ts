/**
 * The part of `generate [--check]` that needs no pipeline: take the lock (writing runs), look at the repository,
 * and print a consistent run's recorded answer when the repository is exactly as that run left it (run-record.ts).
 * Shared by the command (generate.ts) and the prebuilt fast path (fast-path.ts), so both answer alike.
 */
import { type Observation, observeRepository, type RunRecord, readRunRecord } from '@platform-gen/core/run-record';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { locked, needsLock } from '../locked.js';
import { count } from '../plural.js';

export interface GenerateOptions {
  readonly check: boolean;
  /** Namespaces whose generated files may all be deleted (their definitions were removed on purpose). */
  readonly allowDelete?: readonly string[];
}

/**
 * Answers from the record, or calls `miss` with what was seen (under the lock, for a writing run). `seen` is an
 * observation made earlier in this process for this root and mode (the fast path's), used instead of a new one.
 */
export async function answerFromRecord(
  root: string,
  options: GenerateOptions,
  io: Io,
  miss: (seen: Observation) => Promise<number>,
  seen?: Observation,
): Promise<number> {
  // Writing holds the repository lock from the first look to the last write, even when a record answers (a run
  // that finds the lock taken refuses, whatever it would have done); --check reads without it.
  if (!options.check && needsLock(root)) {
    return locked(root, 'generate', io, () => answerFromRecord(root, options, io, miss, seen));
  }
  // Where no record exists yet (a sure miss), what the hash reads is kept: the full run reads the repository from
  // it instead of again. Where one exists, a hit is likely and needs no copy.
  const observation = seen ?? observeRepository(root, process.env, { collect: 'unrecorded' });
  if (observation.ok) {
    const record = readRunRecord(root, observation.state);
    if (record !== undefined) return replay(record, options, io);
  }
  return miss(observation);
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
