/**
 * The CLI's fast path: `generate` and `generate --check` over a repository exactly as a consistent run left it,
 * answered with nothing else loaded. bin/platform-gen.js runs this module prebuilt (dist/fast-path.js, built at
 * install by scripts/build-prebuilt.mjs, used only while every source it was built from is unchanged); every
 * other invocation, and a generate the record does not answer, goes on to the CLI proper (main.ts, prebuilt or
 * from its sources) with what was already seen (ADR 18).
 */
import { resolve } from 'node:path';
import { answerFromRecord, type GenerateOptions } from './commands/record-answer.js';
import { EXIT, internalError } from './exit-codes.js';
import { type Io, processIo } from './io.js';
import type { Prepared } from './main.js';

/** The CLI proper: `main` with the command line, and what the fast path saw when it hands a generate on. */
export type FullCli = (prepared?: Prepared) => Promise<number>;

interface GenerateArgs extends GenerateOptions {
  readonly root: string;
}

/**
 * The generate command lines the fast path answers, read as the CLI reads them: `generate`, then `--check`,
 * `--root <dir>` and `--allow-delete <namespace>` (each value also as `--option=value`). Any other shape, or a
 * value the CLI might read differently (empty, starting with `-`), is undefined: the CLI proper parses it.
 */
export function parseGenerateArgv(argv: readonly string[], cwd: string): GenerateArgs | undefined {
  if (argv[0] !== 'generate') return undefined;
  let check = false;
  let root: string | undefined;
  const allowDelete: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--check' && !check) {
      check = true;
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg : arg.slice(0, equals);
    if (name !== '--root' && name !== '--allow-delete') return undefined;
    const value = equals < 0 ? argv[++i] : arg.slice(equals + 1);
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (name === '--allow-delete') allowDelete.push(value);
    else if (root === undefined) root = value;
    else return undefined;
  }
  return { root: resolve(cwd, root ?? '.'), check, allowDelete };
}

/** Answers a generate from its record, or runs the CLI proper (handing on what was seen); returns the exit code. */
export async function runFastPath(argv: readonly string[], full: FullCli, io: Io = processIo): Promise<number> {
  const args = parseGenerateArgv(argv, io.cwd);
  if (args === undefined) return full();
  try {
    return await answerFromRecord(args.root, args, io, (seen) => full({ root: args.root, check: args.check, seen }));
  } catch (error) {
    io.err(internalError(error));
    return EXIT.internal;
  }
}
