import { SopsError } from './errors.js';

/**
 * Go's `time.Format(time.RFC3339)` of a UTC instant: no fractional seconds (Go truncates them), `Z` suffix.
 * SOPS writes `lastmodified` this way and uses the same string as the MAC's additional data.
 */
export function formatRfc3339Utc(date: Date, what: string): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new SopsError('E_SOPS_BAD_INPUT', `${what} is an invalid Date`);
  const iso = date.toISOString();
  // toISOString gives ±YYYYYY for years outside 0000-9999, which RFC 3339 cannot express.
  if (!/^\d{4}-/.test(iso)) throw new SopsError('E_SOPS_BAD_INPUT', `${what} (${iso}) is outside the years 0000-9999`);
  return iso.replace(/\.\d+Z$/, 'Z');
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * What SOPS authenticates the MAC with: it parses `lastmodified` and formats it again with `time.RFC3339`, so
 * fractional seconds disappear and a zero offset (`+00:00`, `-00:00`) becomes `Z`. Returns `undefined` when the
 * text is not RFC 3339 (SOPS refuses such a file too).
 */
export function canonicalRfc3339(text: string): string | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, dateTime, offset] = match;
  if (dateTime === undefined || offset === undefined) return undefined;
  if (Number.isNaN(Date.parse(`${dateTime}Z`))) return undefined;
  return `${dateTime}${offset === '+00:00' || offset === '-00:00' ? 'Z' : offset}`;
}
