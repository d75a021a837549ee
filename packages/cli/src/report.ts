/**
 * Prints issues grouped by file, with a count, so every problem is visible at once: each with its
 * place, the offending line and a caret under the field, and how to fix it.
 */
import { type Issue, printable } from '@platform-gen/core';
import { count } from './plural.js';

export function formatIssues(issues: readonly Issue[]): string {
  const byFile = new Map<string, Issue[]>();
  for (const found of issues) {
    const list = byFile.get(found.file) ?? [];
    list.push(found);
    byFile.set(found.file, list);
  }
  const lines: string[] = [];
  for (const [file, list] of byFile) {
    // A file name comes from the repository: a bidi override or control character in it must not reach the terminal raw.
    lines.push(`${printable(file)} (${count(list.length, 'problem')})`);
    for (const found of list) {
      const where = `${found.line ?? 1}:${found.column ?? 1}`;
      const field = found.path === '' ? '' : `${found.path}: `;
      lines.push(`  ${where}  ${found.severity} ${found.code}  ${field}${found.message}`);
      const indent = ' '.repeat(where.length);
      if (found.excerpt !== undefined) {
        lines.push(`  ${indent}  | ${found.excerpt.text}`);
        lines.push(`  ${indent}  | ${' '.repeat(found.excerpt.caret - 1)}^`);
      }
      lines.push(`  ${indent}  fix: ${found.hint}`);
    }
    lines.push('');
  }
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const summary = [count(errors, 'error'), ...(warnings > 0 ? [count(warnings, 'warning')] : [])].join(', ');
  lines.push(`${summary} in ${count(byFile.size, 'file')}.`);
  return `${lines.join('\n')}\n`;
}
