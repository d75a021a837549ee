/**
 * The one YAML serializer of platform-gen.
 *
 * Input is JSON-shaped data (plain objects, arrays, strings, finite numbers, booleans, null); output is
 * block-style YAML that means the same under YAML 1.2 and YAML 1.1 (Helm and Kubernetes still parse
 * with YAML 1.1 rules, where `on`, `yes` and `0755` are not strings):
 * - key order is the order the generator built (deterministic by construction), never re-sorted;
 * - no line folding, ever; multi-line strings become literal blocks (`|`), so scripts and policies
 *   stay reviewable;
 * - a string is written plain only when it matches a small safe grammar; everything else is
 *   double-quoted with JSON escapes plus escapes for C1 controls, U+2028/9 and BOM;
 * - two-space indentation, sequences indented under their key, a trailing newline.
 *
 * Why not a library: see docs/adr/0003-yaml-emitter.md (speed near JSON.stringify, exact control over
 * quoting). Parsing (with positions) uses the `yaml` package.
 */

/** Plain scalars: start with a letter, `_` or `/`; inner single spaces and `:` only before another safe character. */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@+=-]*(?:[ :][A-Za-z0-9_./@+=-]+)*$/;

/** Words that YAML 1.1 or 1.2 resolve to booleans or null when plain. */
const RESERVED_WORDS = new Set(
  ['null', 'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n'].flatMap((w) => [
    w,
    w[0]?.toUpperCase() + w.slice(1),
    w.toUpperCase(),
  ]),
);

/** Characters a literal block may hold: printable, tab and newline; no CR, C0/C1 controls, DEL, BOM, U+2028/9. */
const BLOCK_SAFE = /^[\t\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;

/** Serializes one document. */
export function toYaml(value: unknown): string {
  const out: string[] = [];
  writeTop(value, out, []);
  return out.join('');
}

/** Serializes several documents into one stream, separated by `---`. */
export function toYamlDocuments(documents: readonly unknown[]): string {
  return documents.map(toYaml).join('---\n');
}

export class YamlSerializeError extends Error {
  override readonly name = 'YamlSerializeError';
}

function writeTop(value: unknown, out: string[], path: string[]): void {
  if (isNonEmptyMapping(value)) writeMapping(value, '', out, path);
  else if (Array.isArray(value) && value.length > 0) writeSequence(value, '', out, path);
  else if (typeof value === 'string' && isBlockCandidate(value)) {
    // A top-level literal block still needs indented content, or `---` and leading spaces would break it.
    writeLiteralBlock(value, '  ', out);
  } else out.push(scalar(value, path), '\n');
}

/** A mapping with at least one defined value (undefined values are skipped, as in JSON). */
function isNonEmptyMapping(value: unknown): value is Record<string, unknown> {
  return isMapping(value) && Object.keys(value).some((key) => value[key] !== undefined);
}

function writeMapping(map: Record<string, unknown>, pad: string, out: string[], path: string[]): void {
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue;
    // YAML limits implicit keys to 1024 characters; longer ones take the explicit `? key` form.
    if (key.length > 1000) out.push(pad, '? ', quoteDouble(key), '\n', pad, ':');
    else out.push(pad, scalarKey(key), ':');
    path.push(key);
    writeAfterIndicator(value, pad, out, path);
    path.pop();
  }
}

function writeSequence(list: readonly unknown[], pad: string, out: string[], path: string[]): void {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    path.push(String(i));
    if (item === undefined) throw new YamlSerializeError(`undefined in a list at ${path.join('.')}`);
    if (isNonEmptyMapping(item) || (Array.isArray(item) && item.length > 0)) {
      // Compact form: the nested block's first line moves onto the dash line. Its first part is that
      // line's indentation (pad + two spaces); whatever follows it (a key, or an inner dash) stays.
      const nested: string[] = [];
      if (Array.isArray(item)) writeSequence(item, `${pad}  `, nested, path);
      else writeMapping(item as Record<string, unknown>, `${pad}  `, nested, path);
      nested[0] = `${pad}- ${(nested[0] ?? '').slice(pad.length + 2)}`;
      for (const part of nested) out.push(part);
    } else {
      out.push(pad, '-');
      writeAfterIndicator(item, pad, out, path);
    }
    path.pop();
  }
}

/** Writes what follows `key:` or `-`: a scalar on the same line, or a nested block on the next lines. */
function writeAfterIndicator(value: unknown, pad: string, out: string[], path: string[]): void {
  if (isNonEmptyMapping(value)) {
    out.push('\n');
    writeMapping(value, `${pad}  `, out, path);
  } else if (Array.isArray(value) && value.length > 0) {
    out.push('\n');
    writeSequence(value, `${pad}  `, out, path);
  } else {
    out.push(' ');
    writeInlineOrBlock(value, `${pad}  `, out, path);
  }
}

/** A scalar or empty collection; multi-line strings as a literal block indented by `contentPad`. */
function writeInlineOrBlock(value: unknown, contentPad: string, out: string[], path: string[]): void {
  if (typeof value === 'string' && isBlockCandidate(value)) {
    writeLiteralBlock(value, contentPad, out);
    return;
  }
  out.push(scalar(value, path), '\n');
}

function isBlockCandidate(text: string): boolean {
  return text.includes('\n') && text.trim() !== '' && BLOCK_SAFE.test(text);
}

function writeLiteralBlock(text: string, contentPad: string, out: string[]): void {
  let body = text;
  let chomp = '-';
  if (body.endsWith('\n')) {
    body = body.slice(0, -1);
    chomp = '';
    if (body.endsWith('\n')) chomp = '+';
  }
  // An explicit indentation indicator when the content itself starts with a space or an empty line.
  const indicator = text.startsWith(' ') || text.startsWith('\n') ? '2' : '';
  out.push(`|${indicator}${chomp}\n`);
  // Empty lines stay truly empty: indentation on them could exceed the detected indentation.
  for (const line of body.split('\n')) out.push(line === '' ? '\n' : `${contentPad}${line}\n`);
}

function scalarKey(key: string): string {
  return isPlainSafe(key) ? key : quoteDouble(key);
}

function scalar(value: unknown, path: readonly string[]): string {
  switch (typeof value) {
    case 'string':
      return isPlainSafe(value) ? value : quoteDouble(value);
    case 'number':
      if (!Number.isFinite(value)) throw new YamlSerializeError(`${value} is not a YAML number at ${path.join('.')}`);
      if (Object.is(value, -0)) return '0';
      {
        const text = String(value);
        if (/e/i.test(text)) throw new YamlSerializeError(`${text} would need an exponent at ${path.join('.')}`);
        return text;
      }
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return '[]';
      if (isMapping(value)) return '{}';
      break;
    default:
      break;
  }
  throw new YamlSerializeError(`cannot serialize ${describe(value)} at ${path.join('.') || '(top level)'}`);
}

/** `e5`, `E0`, `e+5`: no YAML spec reads them as numbers, but the `yaml` package does under 1.1. Quoting is cheap. */
const EXPONENT_LIKE = /^[eE][-+]?[0-9]/;

function isPlainSafe(text: string): boolean {
  return PLAIN.test(text) && !RESERVED_WORDS.has(text) && !EXPONENT_LIKE.test(text);
}

/** JSON string syntax is valid YAML double-quoted syntax; add escapes YAML 1.1 parsers need. */
export function quoteDouble(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return `an object of class ${value.constructor?.name ?? '?'}`;
  return typeof value;
}
