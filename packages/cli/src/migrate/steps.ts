/**
 * The migrations of the definition format, oldest first. Each step rewrites the definitions of format
 * `from` into format `to`; the runner chains them from the repository's version up to the current one and
 * then states the new version in platform/platform.ts, so a step only makes its own change.
 *
 * Adding a format: raise CURRENT_FORMAT_VERSION in core, change the schemas, and append a step here whose
 * `apply` edits the files through the project (`forEachDefinition('secrets', …)` for every secrets.ts,
 * and so on). Test it from a copy of the previous format (packages/cli/test/migrate.test.ts).
 */
import type { MigrationProject } from './project.js';

export interface MigrationStep {
  readonly from: number;
  readonly to: number;
  /** One line, printed when the step runs: what changes in the definitions. */
  readonly describe: string;
  /** Edits the definitions in memory; problems go to `project.report` (the migration is then refused). */
  apply(project: MigrationProject): void;
}

export const MIGRATIONS: readonly MigrationStep[] = [
  {
    from: 1,
    to: 2,
    describe: 'state the definition format in platform/platform.ts (formatVersion: 2, its first field)',
    // Format 2 is format 1 with the version stated and checked: the runner's stamp is the whole change.
    apply: () => {},
  },
];
