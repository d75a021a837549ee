/**
 * The migration runner: reads the repository's format version from platform/platform.ts, chains the steps
 * from it up to the target (the current format), and returns every file's text before and after, all in
 * memory. `writeMigration` then writes the changed files, each atomically, only for a plan without problems.
 */
import { lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CURRENT_FORMAT_VERSION,
  checkFormatVersion,
  type Issue,
  issue,
  PLATFORM_FILE,
  UNVERSIONED_FORMAT,
} from '@platform-gen/core';
import { Node } from 'ts-morph';
import { findDefinitionObject, insertFirstProperty, type LoadedProject, loadProject, position } from './project.js';
import { MIGRATIONS, type MigrationStep } from './steps.js';

const FIELD = 'formatVersion';

export interface FileChange {
  readonly file: string;
  readonly before: string;
  readonly after: string;
}

export interface StepResult {
  readonly step: MigrationStep;
  /** Files this step (with its version stamp) changed. */
  readonly changed: readonly string[];
}

export type MigrationPlan =
  /** Nothing can be migrated: the problems say where and what to do. */
  | { readonly status: 'refused'; readonly issues: readonly Issue[] }
  | { readonly status: 'current'; readonly version: number }
  | { readonly status: 'too-new'; readonly version: number; readonly issues: readonly Issue[] }
  | {
      readonly status: 'planned';
      readonly from: number;
      readonly to: number;
      readonly steps: readonly StepResult[];
      /** Changed files, in the order of the project (platform first). */
      readonly changes: readonly FileChange[];
    };

export interface MigrationOptions {
  /** Default: MIGRATIONS. Tests pass their own chain. */
  readonly steps?: readonly MigrationStep[];
  /** Default: CURRENT_FORMAT_VERSION. */
  readonly target?: number;
}

export async function planMigration(root: string, options: MigrationOptions = {}): Promise<MigrationPlan> {
  const steps = options.steps ?? MIGRATIONS;
  const target = options.target ?? CURRENT_FORMAT_VERSION;
  const project = await loadProject(root);
  if (project === undefined) {
    return {
      status: 'refused',
      issues: [
        issue({
          code: 'E_PLATFORM_MISSING',
          file: PLATFORM_FILE,
          line: 1,
          path: '',
          message: `${PLATFORM_FILE} does not exist`,
          hint: 'run platform-gen migrate in the root of the platform repository, or pass --root',
        }),
      ],
    };
  }
  const found = readFormatVersion(project);
  if (found === undefined) return { status: 'refused', issues: project.problems };
  const { version, at } = found;
  if (version === target) return { status: 'current', version };
  if (version > target) {
    // The version rule's own words (core), at the line of the field.
    const issues = checkFormatVersion({ [FIELD]: version }, PLATFORM_FILE).map((i) => ({ ...i, ...at }));
    return { status: 'too-new', version, issues };
  }

  const results: StepResult[] = [];
  for (const step of chain(steps, version, target)) {
    const before = texts(project);
    step.apply(project);
    if (project.problems.length === 0) stampFormatVersion(project, step.to);
    if (project.problems.length > 0) return { status: 'refused', issues: project.problems };
    const after = texts(project);
    results.push({ step, changed: [...after.keys()].filter((file) => after.get(file) !== before.get(file)) });
  }
  const changes = project.files
    .map((f) => ({ file: f.file, before: project.original.get(f.file) ?? '', after: f.source.getFullText() }))
    .filter((c) => c.before !== c.after);
  return { status: 'planned', from: version, to: target, steps: results, changes };
}

/**
 * Writes every changed file: each to a temporary file beside it first, then all renamed over the originals,
 * so a failure leaves each file either old or new. Refuses (writing nothing) when a file changed on disk
 * since it was read.
 */
export async function writeMigration(root: string, changes: readonly FileChange[]): Promise<Issue[]> {
  const moved: Issue[] = [];
  for (const change of changes) {
    const now = await readFile(join(root, change.file), 'utf8').catch(() => undefined);
    if (now !== change.before) {
      moved.push(
        issue({
          code: 'E_MIGRATE_FILE_CHANGED',
          file: change.file,
          line: 1,
          path: '',
          message: `${change.file} changed while platform-gen migrate ran`,
          hint: 'run platform-gen migrate again once nobody else edits the definitions',
        }),
      );
    }
  }
  if (moved.length > 0) return moved;
  const staged: { temporary: string; target: string }[] = [];
  try {
    for (const change of changes) {
      const target = join(root, change.file);
      const temporary = `${target}.platform-gen-${process.pid}.tmp`;
      const mode = (await lstat(target)).mode & 0o777;
      await writeFile(temporary, change.after, { mode, flag: 'wx' });
      staged.push({ temporary, target });
    }
  } catch (error) {
    for (const { temporary } of staged) await rm(temporary, { force: true });
    throw error;
  }
  for (const { temporary, target } of staged) await rename(temporary, target);
  return [];
}

/** The steps from `from` to `to`, in order. A gap is a bug in platform-gen, not in the definitions. */
function chain(steps: readonly MigrationStep[], from: number, to: number): MigrationStep[] {
  const result: MigrationStep[] = [];
  for (let version = from; version < to; ) {
    const step = steps.find((s) => s.from === version);
    if (step === undefined || step.to <= step.from || step.to > to) {
      throw new Error(`no migration step from definition format ${version} towards ${to}`);
    }
    result.push(step);
    version = step.to;
  }
  return result;
}

/** The platform's format version (absent: format 1) and where it is; undefined after reporting why it cannot be read. */
function readFormatVersion(
  project: LoadedProject,
): { version: number; at: { line: number; column: number } } | undefined {
  const { platform } = project;
  const object = findDefinitionObject(platform, project.report);
  if (object === undefined) return undefined;
  const property = object.getProperty(FIELD);
  if (property === undefined) {
    return { version: UNVERSIONED_FORMAT, at: position(platform.source, object.getStart()) };
  }
  const value = Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
  if (value !== undefined && Node.isNumericLiteral(value) && Number.isInteger(value.getLiteralValue())) {
    return { version: value.getLiteralValue(), at: position(platform.source, property.getStart()) };
  }
  project.report(platform, property, {
    code: 'E_MIGRATE_VERSION_UNREADABLE',
    message: `platform-gen migrate reads ${FIELD} only as a whole number written out, e.g. \`${FIELD}: 1\``,
    hint: `write the version the definitions are in as a number literal (no constant, no expression), then run platform-gen migrate again`,
  });
  return undefined;
}

/** Sets formatVersion, or adds it as the first field of the platform definition. */
function stampFormatVersion(project: LoadedProject, version: number): void {
  const object = findDefinitionObject(project.platform, project.report);
  if (object === undefined) return;
  const property = object.getProperty(FIELD);
  const value = property !== undefined && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
  if (value !== undefined) value.replaceWithText(String(version));
  else insertFirstProperty(object, FIELD, String(version));
}

function texts(project: LoadedProject): Map<string, string> {
  return new Map(project.files.map((f) => [f.file, f.source.getFullText()]));
}
