/**
 * `platform-gen generate [--check]`. A repository exactly as a consistent run left it (same files, same
 * toolchain: run-record.ts) gets that run's answer at once (record-answer.ts); any other goes through the whole
 * pipeline (generate-run.ts), which is imported only then.
 */
import type { Observation } from '@platform-gen/core/run-record';
import type { Io } from '../io.js';
import { answerFromRecord, type GenerateOptions } from './record-answer.js';

export type { GenerateOptions } from './record-answer.js';

/** `seen`: the fast path's observation of this root in this mode (fast-path.ts), so it is not made twice. */
export async function generateCommand(
  root: string,
  options: GenerateOptions,
  io: Io,
  seen?: Observation,
): Promise<number> {
  return answerFromRecord(
    root,
    options,
    io,
    async (observation) => {
      const { runGenerate } = await import('./generate-run.js');
      return runGenerate(root, options, io, observation.ok ? observation : undefined);
    },
    seen,
  );
}
