/**
 * `platform-gen diff`: what a change to the definitions does, object by object, for reviewers. Before: the
 * generated files on disk, or with `--base <ref>` the generated files of that commit; after: a fresh
 * generation of the working tree's definitions. Writes nothing.
 */
import {
  allOwnedPrefixes,
  diffGenerations,
  type FileSet,
  hasErrors,
  isEmptyDiff,
  isOwnedBy,
  markdownCode,
  renderDiffMarkdown,
  renderDiffText,
  runPipeline,
  type WritePlan,
} from '@platform-gen/core';
import { EXIT } from '../exit-codes.js';
import { GENERATORS } from '../generators.js';
import { GitRefError, generatedFilesAt, resolveCommit } from '../git-tree.js';
import type { Io } from '../main.js';
import { formatIssues } from '../report.js';

export interface DiffOptions {
  /** Compare with the generated files of this Git ref instead of those on disk. */
  readonly base?: string | undefined;
  readonly markdown: boolean;
  /** Exit 1 when there are differences (like `git diff --exit-code`). */
  readonly exitCode: boolean;
}

export async function diffCommand(root: string, options: DiffOptions, io: Io): Promise<number> {
  // A ref that does not resolve is refused before anything is generated.
  let commit: string | undefined;
  if (options.base !== undefined) {
    try {
      commit = await resolveCommit(root, options.base);
    } catch (error) {
      if (!(error instanceof GitRefError)) throw error;
      io.err(`platform-gen diff: ${error.message}. Nothing was written.\n`);
      return EXIT.invalid;
    }
  }
  const result = await runPipeline(root, GENERATORS);
  if (hasErrors(result.issues) || result.plan === undefined || result.files === undefined) {
    io.err(formatIssues(result.issues));
    io.err('platform-gen diff: the definitions are invalid, so there is nothing to compare. Nothing was written.\n');
    return EXIT.invalid;
  }
  if (result.issues.length > 0) io.err(formatIssues(result.issues));
  const after = new Map([...result.files.values()].map((file) => [file.path, file.content]));

  let before: ReadonlyMap<string, string>;
  let title: string;
  if (options.base === undefined || commit === undefined) {
    before = filesOnDisk(result.files, result.plan);
    title = 'the generated files on disk → a fresh generation of the definitions';
  } else {
    const owns = allOwnedPrefixes(GENERATORS);
    before = await generatedFilesAt(root, commit, (path) => isOwnedBy(path, owns), after.keys());
    const ref = `${options.base} (${commit.slice(0, 12)})`;
    title = `${options.markdown ? markdownCode(ref) : ref} → a fresh generation of the working tree`;
  }
  const diff = await diffGenerations(before, after);
  io.out(options.markdown ? renderDiffMarkdown(diff, capitalize(title)) : renderDiffText(diff, title));
  return options.exitCode && !isEmptyDiff(diff) ? EXIT.invalid : EXIT.ok;
}

/** The generated files as they are on disk: unchanged ones equal the FileSet; drifted, missing and orphaned ones as the plan saw them. */
export function filesOnDisk(files: FileSet, plan: WritePlan): Map<string, string> {
  const drift = new Map(plan.drift.map((d) => [d.path, d]));
  const before = new Map<string, string>();
  for (const file of files.values()) {
    const found = drift.get(file.path);
    if (found === undefined) before.set(file.path, file.content);
    else if (found.actual !== undefined) before.set(file.path, found.actual);
  }
  for (const found of plan.drift) {
    if (found.kind === 'orphan' && found.actual !== undefined) before.set(found.path, found.actual);
  }
  return before;
}

function capitalize(text: string): string {
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`;
}
