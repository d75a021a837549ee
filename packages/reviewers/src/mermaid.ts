/**
 * Mermaid labels: always double-quoted, with every character Mermaid or Markdown could read as syntax
 * written as a Mermaid entity (`#quot;`, `#91;`, ...). Line breaks stay line breaks.
 */

const ENTITIES: ReadonlyMap<string, string> = new Map([
  ['#', '#35;'],
  ['"', '#quot;'],
  ['<', '#lt;'],
  ['>', '#gt;'],
  ['&', '#amp;'],
  ['[', '#91;'],
  [']', '#93;'],
  ['(', '#40;'],
  [')', '#41;'],
  ['{', '#123;'],
  ['}', '#125;'],
  ['|', '#124;'],
  ['`', '#96;'],
]);

const SPECIAL = /[#"<>&[\](){}|`]/g;

/** A quoted Mermaid label for `text`; CR and other control characters but newline become spaces. */
export function mermaidLabel(text: string): string {
  const escaped = text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\n\x20-\x7e\u0080-\u{10ffff}]/gu, ' ')
    .replace(SPECIAL, (c) => ENTITIES.get(c) ?? c);
  return `"${escaped}"`;
}
