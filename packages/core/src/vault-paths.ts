/**
 * Vault KV paths as teams and admins write them: relative to the KV mount, e.g. `payments/api/db`.
 *
 * The grammar is deliberately small (see namespace.schema.json#/definitions/vaultPath) so a path can be
 * placed in an HCL policy, a SecretStore or a shell command without any way to add a glob, a segment
 * or a quote.
 */

import { quote } from './issues.js';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** True when `path` is `prefix` itself or lies below it (segment-wise: `a/b` is not under `a/bc`). */
export function isUnderPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** True when one of the two paths lies under the other. */
export function prefixesOverlap(a: string, b: string): boolean {
  return isUnderPrefix(a, b) || isUnderPrefix(b, a);
}

/** What exactly is wrong with a Vault path, or undefined when it is valid. */
export function explainVaultPath(path: string): string | undefined {
  if (path.length === 0) return 'it is empty';
  if (path.startsWith('/')) return "it starts with '/' (paths are relative to the KV mount)";
  if (path.endsWith('/')) return "it ends with '/'";
  for (const segment of path.split('/')) {
    if (segment === '') return "it has an empty segment ('//')";
    if (segment === '.' || segment === '..') return `it has a '${segment}' segment`;
    if (segment.includes('*') || segment.includes('+')) return "it contains a glob ('*' or '+')";
    if (!SEGMENT.test(segment)) {
      const bad = [...segment].find((c) => !/[A-Za-z0-9._-]/.test(c));
      return bad === undefined
        ? `segment ${quote(segment)} starts with '.'`
        : `segment ${quote(segment)} contains ${quote(bad)}`;
    }
  }
  return undefined;
}
