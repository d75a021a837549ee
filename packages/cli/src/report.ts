/**
 * Prints issues grouped by file, with a count, so every problem is visible at once.
 */
import type { Issue } from '@platform-gen/core';

export function formatIssues(issues: readonly Issue[]): string {
  const byFile = new Map<string, Issue[]>();
  for (const found of issues) {
    const list = byFile.get(found.file) ?? [];
    list.push(found);
    byFile.set(found.file, list);
  }
  const lines: string[] = [];
  for (const [file, list] of byFile) {
    lines.push(`${file} (${count(list.length, 'problem')})`);
    for (const found of list) {
      const where = `${found.line ?? 1}:${found.column ?? 1}`;
      const field = found.path === '' ? '' : `${found.path}: `;
      lines.push(`  ${where}  ${found.severity} ${found.code}  ${field}${found.message}`);
      lines.push(`  ${' '.repeat(where.length)}  fix: ${found.hint}`);
    }
    lines.push('');
  }
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const summary = [count(errors, 'error'), ...(warnings > 0 ? [count(warnings, 'warning')] : [])].join(', ');
  lines.push(`${summary} in ${count(byFile.size, 'file')}.`);
  return `${lines.join('\n')}\n`;
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
