/**
 * A GenerationDiff as text for a terminal, or as Markdown for a pull-request comment. Vault access changes
 * come first, flagged; then one section per namespace, component and the repository.
 */
import { markdownCell, markdownCode } from '../markdown.js';
import {
  type ChangeKind,
  type DiffGroup,
  diffCounts,
  type FileChange,
  type GenerationDiff,
  isEmptyDiff,
  MAX_FIELDS,
  type ObjectChange,
} from './generation-diff.js';
import type { FieldChange } from './object-diff.js';

export const VAULT_FLAG = '⚠ Vault access changes';

const SIGN: Readonly<Record<ChangeKind, string>> = { added: '+', removed: '-', changed: '~' };

/** One line: how many objects and files changed. */
export function summarizeDiff(diff: GenerationDiff): string {
  if (isEmptyDiff(diff)) return 'no changes';
  const c = diffCounts(diff);
  const parts = [
    `${plural(c.added, 'object')} added, ${c.removed} removed, ${c.changed} changed`,
    ...(c.files > 0 ? [`${plural(c.files, 'other file')} changed`] : []),
    ...(c.vault > 0 ? [`${plural(c.vault, 'Vault access file')} changed`] : []),
  ];
  return parts.join('; ');
}

export function groupTitle(group: Pick<DiffGroup, 'kind' | 'name'>): string {
  return group.kind === 'repository' ? 'repository' : `${group.kind} ${group.name}`;
}

/** Plain text: `+`/`-`/`~` per object or file, changed fields indented below. */
export function renderDiffText(diff: GenerationDiff, title: string): string {
  const lines = [`platform-gen diff: ${title}`];
  if (isEmptyDiff(diff)) {
    lines.push(`No changes (${plural(diff.compared, 'generated file')} compared).`);
    return `${lines.join('\n')}\n`;
  }
  if (diff.vault.length > 0) {
    lines.push('', `${VAULT_FLAG} (${plural(diff.vault.length, 'file')})`);
    for (const change of diff.vault) {
      lines.push(`  ${SIGN[change.change]} ${change.path}  (${change.what} ${change.change})`);
      for (const line of change.lines) lines.push(`      ${line}`);
      if (change.lines.length === 0) lines.push('      (no access change: comments or formatting only)');
    }
  }
  for (const group of diff.groups) {
    lines.push('', `${groupTitle(group)}: ${groupCounts(group)}`);
    for (const object of group.objects) {
      const where = object.label === object.file ? '' : `  ${object.file}`;
      lines.push(`  ${SIGN[object.change]} ${object.label}${where}${moved(object)}`);
      for (const field of capped(object.fields))
        lines.push(`      ${typeof field === 'string' ? field : fieldText(field)}`);
    }
    for (const file of group.files) {
      lines.push(`  ${SIGN[file.change]} ${file.path}  ${fileNote(file)}`);
      if (file.display === 'patch') for (const line of file.lines) lines.push(`      ${line}`);
    }
  }
  lines.push('', `platform-gen diff: ${summarizeDiff(diff)}.`);
  return `${lines.join('\n')}\n`;
}

/** A few lines for `explain`: each Vault access file that changes, then each group's counts. */
export function renderDiffSummary(diff: GenerationDiff): string[] {
  if (isEmptyDiff(diff)) return ['nothing would change'];
  return [
    ...diff.vault.map((change) => `${VAULT_FLAG.slice(0, 1)} Vault ${change.what} ${change.change}: ${change.path}`),
    ...diff.groups.map((group) => `${groupTitle(group)}: ${groupCounts(group)}`),
    `in all: ${summarizeDiff(diff)}`,
  ];
}

/** Markdown for a pull-request comment: a heading per group, a table of objects, fenced diffs. */
export function renderDiffMarkdown(diff: GenerationDiff, title: string): string {
  const out = ['## platform-gen diff', '', `${title}: **${summarizeDiff(diff)}**.`];
  if (isEmptyDiff(diff)) {
    out.push('', `No generated file changes (${plural(diff.compared, 'file')} compared).`);
    return `${out.join('\n')}\n`;
  }
  if (diff.vault.length > 0) {
    out.push('', `### ${VAULT_FLAG}`, '');
    out.push(
      `> **${plural(diff.vault.length, 'Vault policy or role file')} changed.** Review who gains or loses access.`,
    );
    for (const change of diff.vault) {
      out.push('', `- **${change.change}** ${markdownCode(change.path)} (${change.what})`);
      const body = change.lines.length === 0 ? ['(no access change: comments or formatting only)'] : change.lines;
      out.push('', ...fenced(body, 'diff').map((line) => `  ${line}`));
    }
  }
  for (const group of diff.groups) {
    const heading =
      group.kind === 'repository' ? 'Repository' : `${capitalize(group.kind)} ${markdownCode(group.name)}`;
    out.push('', `### ${heading}`, '', groupCounts(group));
    if (group.objects.length > 0) {
      out.push('', '| change | object | file |', '|---|---|---|');
      for (const object of group.objects) {
        out.push(
          `| ${object.change} | ${markdownCell(markdownCode(object.label))} | ${markdownCell(markdownCode(object.file))}${markdownCell(moved(object))} |`,
        );
      }
      const changed = group.objects.filter((o) => o.fields.length > 0);
      if (changed.length > 0) out.push('');
      for (const object of changed) {
        out.push(`- ${markdownCode(object.label)}`);
        for (const field of capped(object.fields)) {
          out.push(`  - ${typeof field === 'string' ? field : fieldMarkdown(field)}`);
        }
      }
    }
    if (group.files.length > 0) out.push('');
    for (const file of group.files) {
      out.push(`- **${file.change}** ${markdownCode(file.path)} ${fileNote(file)}`);
      if (file.display === 'patch' && file.lines.length > 0) {
        out.push('', ...fenced(file.lines, 'diff').map((line) => `  ${line}`), '');
      }
    }
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function groupCounts(group: DiffGroup): string {
  const parts = (['added', 'removed', 'changed'] as const)
    .map((change) => [change, group.objects.filter((o) => o.change === change).length] as const)
    .filter(([, n]) => n > 0)
    .map(([change, n]) => `${plural(n, 'object')} ${change}`);
  if (group.files.length > 0)
    parts.push(`${plural(group.files.length, 'file')} ${group.objects.length > 0 ? 'also ' : ''}changed`);
  return parts.join(', ');
}

/** `path: a → b`, `path: + added`, `path: - removed`; Secret-like values only as a note. */
function fieldText(field: FieldChange, code: (text: string) => string = (text) => text): string {
  const path = code(field.path);
  if (field.redacted) return `${path}: ${redactedNote(field)}`;
  if (field.before === undefined) return `${path}: + ${code(field.after ?? '')}`;
  if (field.after === undefined) return `${path}: - ${code(field.before)}`;
  return `${path}: ${code(field.before)} → ${code(field.after)}`;
}

function fieldMarkdown(field: FieldChange): string {
  return fieldText(field, markdownCode);
}

function redactedNote(field: FieldChange): string {
  return field.before === undefined
    ? '(value added)'
    : field.after === undefined
      ? '(value removed)'
      : '(value changed)';
}

function capped(fields: readonly FieldChange[]): (FieldChange | string)[] {
  if (fields.length <= MAX_FIELDS) return [...fields];
  return [...fields.slice(0, MAX_FIELDS), `… ${fields.length - MAX_FIELDS} more fields`];
}

function moved(object: ObjectChange): string {
  return object.movedFrom === undefined ? '' : ` (moved from ${object.movedFrom})`;
}

function fileNote(file: FileChange): string {
  if (file.display === 'vault') return '(Vault access file: see above)';
  return `(+${file.added} −${file.removed} lines)`;
}

/** A fenced code block whose fence is longer than any run of backticks inside. */
function fenced(lines: readonly string[], language: string): string[] {
  const longest = Math.max(2, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((r) => r.length))));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, ...lines, fence];
}

function capitalize(text: string): string {
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
