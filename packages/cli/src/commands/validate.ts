import { hasErrors, runPipeline } from '@platform-gen/core';
import { EXIT } from '../exit-codes.js';
import { GENERATORS } from '../generators.js';
import type { Io } from '../main.js';
import { count } from '../plural.js';
import { formatIssues } from '../report.js';

export async function validateCommand(root: string, io: Io): Promise<number> {
  const result = await runPipeline(root, GENERATORS);
  if (result.issues.length > 0) io.err(formatIssues(result.issues));
  if (hasErrors(result.issues) || result.model === undefined) return EXIT.invalid;
  const namespaces = count(result.model.namespaces.length, 'namespace');
  io.out(`platform-gen: valid: 1 platform, ${namespaces}, ${count(result.files?.size ?? 0, 'generated file')}.\n`);
  return EXIT.ok;
}
