/**
 * `platform-gen migrate [--dry-run]`: rewrites definitions of an older format into the current one, step by
 * step, in memory; writes the changed files only when every step succeeded, then validates (it does not
 * generate: the admin reviews the rewrite first and runs pnpm generate).
 */
import { formatDrift } from '@platform-gen/core';
import { EXIT } from '../exit-codes.js';
import { locked, needsLock } from '../locked.js';
import type { Io } from '../main.js';
import type { MigrationOptions } from '../migrate/run.js';
import { count } from '../plural.js';
import { formatIssues } from '../report.js';
import { validateCommand } from './validate.js';

export interface MigrateOptions extends MigrationOptions {
  readonly dryRun: boolean;
}

export async function migrateCommand(root: string, options: MigrateOptions, io: Io): Promise<number> {
  if (options.dryRun !== true && needsLock(root)) {
    return locked(root, 'migrate', io, () => migrateCommand(root, options, io));
  }
  // ts-morph comes with the runner: loaded only when this command runs.
  const { planMigration, writeMigration } = await import('../migrate/run.js');
  const plan = await planMigration(root, options);
  if (plan.status === 'current') {
    io.out(`platform-gen: the definitions are in format ${plan.version}, the current one: nothing to migrate.\n`);
    return EXIT.ok;
  }
  if (plan.status === 'too-new') {
    io.err(formatIssues(plan.issues));
    io.err(
      `platform-gen: migrate only upgrades: format ${plan.version} is newer than this platform-gen knows. Upgrade platform-gen. Nothing was written.\n`,
    );
    return EXIT.invalid;
  }
  if (plan.status === 'refused') {
    io.err(formatIssues(plan.issues));
    io.err('platform-gen: migrate refused. Nothing was written.\n');
    return EXIT.invalid;
  }

  const files = count(plan.changes.length, 'file');
  io.out(
    `platform-gen: the definitions are in format ${plan.from}; migrating to format ${plan.to}${options.dryRun ? ' (dry run)' : ''}.\n`,
  );
  for (const { step, changed } of plan.steps) {
    io.out(`  ${step.from} -> ${step.to}  ${step.describe}\n`);
    if (changed.length === 0) io.out('          (no file changed)\n');
    for (const file of changed) io.out(`          ${options.dryRun ? 'would change' : 'changed'}  ${file}\n`);
  }
  if (options.dryRun) {
    for (const change of plan.changes) {
      io.out(formatDrift({ path: change.file, kind: 'changed', actual: change.before, expected: change.after }));
    }
    io.out(
      `platform-gen: --dry-run: ${files} would change; nothing was written. Run platform-gen migrate to write them.\n`,
    );
    return EXIT.ok;
  }

  const moved = await writeMigration(root, plan.changes);
  if (moved.length > 0) {
    io.err(formatIssues(moved));
    io.err('platform-gen: migrate refused. Nothing was written.\n');
    return EXIT.invalid;
  }
  io.out(`platform-gen: ${files} migrated to format ${plan.to}. Validating...\n`);
  if ((await validateCommand(root, io)) !== EXIT.ok) {
    io.err(
      `platform-gen: the definitions are now in format ${plan.to}, but have the problems above: fix them, then run pnpm generate.\n`,
    );
    return EXIT.invalid;
  }
  io.out('platform-gen: now run pnpm generate, review the diff, and commit the definitions with what it writes.\n');
  return EXIT.ok;
}
