/**
 * Problems found in the definitions or in the repository, reported all at once.
 *
 * An Issue says what is wrong (`message`), where (`file`, `line`, `path`) and how to fix it (`hint`).
 * Codes are stable: tests, docs and users can rely on them.
 */

export type Severity = 'error' | 'warning';

export interface Issue {
  severity: Severity;
  /** Stable identifier, e.g. `E_NS_RESERVED`. */
  code: string;
  /** What is wrong, naming the offending value. */
  message: string;
  /** How to fix it. */
  hint: string;
  /** Repository-relative path of the file the issue is about (POSIX separators). */
  file: string;
  /** 1-based line in `file`, when it could be located. */
  line?: number;
  /** 1-based column in `file`, when it could be located. */
  column?: number;
  /** Field path inside the definition, e.g. `secrets[1].key`; empty for the whole file. */
  path: string;
  /** The offending source line, made safe to print, with the caret's position in it (filled by `locateIssues`). */
  excerpt?: Excerpt;
}

/** One line of source, printable as is: control, bidi and non-ASCII characters escaped, long lines cut around the caret. */
export interface Excerpt {
  readonly text: string;
  /** 1-based column of the caret inside `text`. */
  readonly caret: number;
}

export type IssueInput = Omit<Issue, 'severity'> & { severity?: Severity };

export function issue(input: IssueInput): Issue {
  return { severity: 'error', ...input };
}

/** A path of property names and array indexes inside a definition. */
export type FieldPath = readonly (string | number)[];

/** Renders `['secrets', 0, 'key']` as `secrets[0].key`. */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Parses what `formatFieldPath` writes back into its parts. */
export function parseFieldPath(text: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const re = /([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else if (m[3] !== undefined) parts.push(JSON.parse(m[3]) as string);
  }
  return parts;
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/** Sorts issues by file, then line, then path, then code, so reports are stable. */
export function sortIssues(issues: readonly Issue[]): Issue[] {
  return [...issues].sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compareStrings(a.path, b.path) ||
      compareStrings(a.code, b.code),
  );
}

/** Code-unit order: the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Base error of platform-gen. `code` is stable; the message says what, where and how to fix.
 * A user error (bad input, drift) carries `issues`; anything else is a bug in platform-gen.
 */
export class PlatformError extends Error {
  override readonly name: string = 'PlatformError';
  readonly code: string;
  readonly issues: readonly Issue[];

  constructor(code: string, message: string, options: { cause?: unknown; issues?: readonly Issue[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

/** Two generators produced the same output path: a bug in platform-gen, never a user error. */
export class PathConflictError extends PlatformError {
  override readonly name = 'PathConflictError';

  constructor(path: string, first: string, second: string) {
    super(
      'E_PATH_CONFLICT',
      `generators "${first}" and "${second}" both produce ${path}; each output path has exactly one generator`,
    );
  }
}

/** JSON-quotes `text` and escapes everything outside printable ASCII, so bidi or control characters cannot disguise a message. */
export function quote(text: string): string {
  return escapeUnprintable(JSON.stringify(text));
}

/**
 * `text` with every character outside printable ASCII escaped as `\u{…}` (tabs become spaces), so control,
 * bidi, zero-width and look-alike characters show as what they are on a terminal.
 */
export function printable(text: string): string {
  return escapeUnprintable(text.replace(/\t/g, ' '));
}

/** Every character outside printable ASCII as `\u{…}`: what `quote` and `printable` share. */
function escapeUnprintable(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);
}
