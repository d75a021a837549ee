/**
 * The definition format is versioned repo-wide, in one place: `formatVersion` of platform/platform.ts.
 * Namespace and secrets files carry no version; they are in the platform's format. Definitions in an
 * older format are refused until `platform-gen migrate` rewrote them, so no generator ever reads an old
 * shape; definitions in a newer format are refused because this platform-gen cannot know what they mean.
 */
import { type Issue, issue } from './issues.js';

/** The format this platform-gen reads and writes. Raise it only together with a migration step to it. */
export const CURRENT_FORMAT_VERSION = 2;

/** The format of a platform definition without `formatVersion`: everything written before versions were checked. */
export const UNVERSIONED_FORMAT = 1;

const FIELD = 'formatVersion';

/**
 * The version rule: `formatVersion` must equal CURRENT_FORMAT_VERSION. A value that is not a whole number
 * is left to the schema (one problem, one issue); anything that is not an object, too.
 */
export function checkFormatVersion(data: unknown, file: string): Issue[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
  const value = (data as Record<string, unknown>)[FIELD];
  if (value !== undefined && !Number.isInteger(value)) return [];
  const version = value === undefined ? UNVERSIONED_FORMAT : (value as number);
  if (version > CURRENT_FORMAT_VERSION) {
    return [
      issue({
        code: 'E_FORMAT_TOO_NEW',
        file,
        path: FIELD,
        message: `format ${version} is newer than format ${CURRENT_FORMAT_VERSION}, the newest this platform-gen reads: the definitions were written by a newer platform-gen`,
        hint: `upgrade platform-gen to a release that reads format ${version}; do not lower ${FIELD} by hand`,
      }),
    ];
  }
  if (version < CURRENT_FORMAT_VERSION) {
    return [
      issue({
        code: 'E_FORMAT_OUTDATED',
        file,
        path: FIELD,
        message: `${value === undefined ? `no ${FIELD}, so format ${UNVERSIONED_FORMAT}` : `format ${version}`}: the definitions were written by an older platform-gen, and this one reads format ${CURRENT_FORMAT_VERSION}`,
        hint: 'run `platform-gen migrate` (pnpm exec platform-gen migrate), review its changes, then run pnpm generate',
      }),
    ];
  }
  return [];
}
