/** Escaping for the generated Markdown docs (ledger, access matrix, folder READMEs): one place. */

/** Text safe inside one Markdown table cell: no column break, no line break. */
export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Text as inline code (a backtick inside becomes a quote). */
export function markdownCode(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
