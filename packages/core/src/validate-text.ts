/**
 * Prose fields (descriptions, display names, who holds or consumes a secret) take any text the serializers
 * can carry: quotes, `{{`, `${`, non-ASCII letters, tabs and line breaks (`\n`, U+2028/9) are escaped or
 * folded where needed. Refused are characters that change how the text looks rather than what it says:
 * other control characters (a lone CR ends a Markdown table row; NUL, ESC and backspace rewrite a terminal),
 * bidirectional overrides, isolates and marks (Trojan Source: text that reads differently than it is
 * stored) and invisible zero-width characters.
 */
import { formatFieldPath, type Issue, issue } from './issues.js';
import type { LoadedDefinitions } from './load-definitions.js';
import { describeChar } from './names.js';

/** Property names whose string values are prose shown to people (in YAML, the portal and the docs). */
const PROSE_KEYS = new Set(['description', 'displayName', 'holder', 'consumer', 'suppliedBy', 'reason']);

/** C0 controls but tab and LF, DEL, C1 controls, bidi marks/embeddings/overrides/isolates, zero-width invisibles. */
const HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u;

export function checkProse(loaded: LoadedDefinitions): Issue[] {
  const issues: Issue[] = [];
  const files = [loaded.platform, ...loaded.namespaces.flatMap((ns) => [ns.namespace, ns.secrets])];
  for (const definition of files) {
    if (definition !== undefined) walk(definition.data, [], definition.file, issues);
  }
  return issues;
}

/** `path` is the way to `value`, shared by the whole walk (pushed and popped, not copied at every step). */
function walk(value: unknown, path: (string | number)[], file: string, issues: Issue[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], path, file, issues);
      path.pop();
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'string') {
      if (!PROSE_KEYS.has(key)) continue;
      const found = HIDDEN.exec(item);
      if (found !== null) {
        const field = formatFieldPath([...path, key]);
        issues.push(
          issue({
            code: 'E_TEXT_HIDDEN_CHAR',
            file,
            path: field,
            message: `${field} contains ${describeChar(found[0])} at position ${found.index + 1}: it would change how the text is shown, not what it says`,
            hint: 'write printable text: tabs and \\n line breaks are fine; no other control characters (no CR), no bidirectional or zero-width characters',
          }),
        );
      }
    } else if (typeof item === 'object' && item !== null) {
      path.push(key);
      walk(item, path, file, issues);
      path.pop();
    }
  }
}
