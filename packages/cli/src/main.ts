/**
 * The platform-gen command line. Only this package owns `process`: exit codes, output, the disk root.
 */
import { resolve } from 'node:path';
import { PlatformError } from '@platform-gen/core';
import { Command, CommanderError } from 'commander';
import { generateCommand } from './commands/generate.js';
import { validateCommand } from './commands/validate.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('platform-gen')
    .description('Generate a Kubernetes platform (Argo CD, Vault, External Secrets, ...) from typed definitions.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run platform-gen --help for usage)');

  const rootOption = (cmd: Command) =>
    cmd.option('--root <dir>', 'platform repository root (default: the current directory)');
  const rootOf = (options: { root?: string }) => resolve(io.cwd, options.root ?? '.');

  rootOption(
    program
      .command('generate')
      .description('generate every file from the definitions and write what changed')
      .option('--check', 'write nothing; print a diff of every drifted, missing or orphaned file and exit 1 if any')
      .addHelpText('after', EXIT_CODES_HELP),
  ).action(async (options: { check?: boolean; root?: string }) => {
    code = await generateCommand(rootOf(options), { check: options.check === true }, io);
  });

  rootOption(
    program
      .command('validate')
      .description('validate the definitions and the repository; write nothing')
      .addHelpText('after', EXIT_CODES_HELP),
  ).action(async (options: { root?: string }) => {
    code = await validateCommand(rootOf(options), io);
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    return handleError(error, io);
  }
}

/** The one place errors become exit codes. A user error prints no stack trace. */
export function handleError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here with code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof PlatformError) {
    io.err(
      `platform-gen: internal error ${error.code}: ${error.message}\nThis is a bug in platform-gen; nothing was written.\n`,
    );
    return EXIT.internal;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.err(`platform-gen: internal error: ${text}\nThis is a bug in platform-gen; nothing was written.\n`);
  return EXIT.internal;
}
