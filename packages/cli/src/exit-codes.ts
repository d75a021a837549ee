/** Exit codes of platform-gen, documented in `--help` and the README. */
export const EXIT = {
  /** Success: generated, up to date, or valid. */
  ok: 0,
  /** The user must act: invalid definitions, drift (`--check`), or a file platform-gen may not touch. Nothing was written. */
  invalid: 1,
  /** The command line itself is wrong (unknown command or option). */
  usage: 2,
  /** A bug in platform-gen: please report it with the output. */
  internal: 3,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success (generated, up to date, or valid)
  1  invalid definitions, drift found by --check, or a file platform-gen may not touch; nothing written
  2  usage error (unknown command or option)
  3  internal error in platform-gen (a bug: please report it)`;

/** What an unexpected error prints: it is a bug, so with its stack. */
export function internalError(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `platform-gen: internal error: ${text}\nThis is a bug in platform-gen; nothing was written.\n`;
}
