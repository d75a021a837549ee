/**
 * What an ESO policy may grant: `read` on `<mount>/data/<prefix>` and below, `list` on
 * `<mount>/metadata/<prefix>` and below, for the namespace's approved prefixes. Anything else (a write
 * capability, sudo, sys/, a glob at a mount's root, a `+` segment) is a finding.
 */
import type { PolicyRule } from '../hcl.js';
import { isUnderPrefix } from '../vault-paths.js';

export const ESO_POLICY_PREFIX = 'eso-';

/** Why this rule of an ESO policy is not allowed, or undefined when it is. */
/** `exact`: a platform namespace's role, which reads exactly its handed-over paths (read on data/, nothing below). */
export function explainEsoRule(
  rule: PolicyRule,
  mount: string,
  approved: readonly string[],
  exact = false,
): string | undefined {
  const extra = rule.capabilities.filter((c) => c !== 'read' && c !== 'list');
  if (extra.length > 0) return `grants ${extra.join(', ')} (ESO only reads)`;
  if (rule.path.startsWith('sys/') || rule.path === 'sys') return "reaches sys/, Vault's own configuration";
  if (rule.path.includes('+')) return 'uses a "+" segment, which matches other namespaces\' paths';
  const match = /^([^/]+)\/(data|metadata)\/(.+)$/.exec(rule.path);
  if (match === null || match[1] !== mount) return `is not a KV v2 path of the mount "${mount}/"`;
  const area = match[2];
  const rest = match[3] ?? '';
  if (area === 'data' && rule.capabilities.includes('list')) return 'grants list on data/ (list belongs on metadata/)';
  if (area === 'metadata' && rule.capabilities.includes('read'))
    return 'grants read on metadata/ (versions and custom metadata)';
  if (rest === '*') return `is a glob over the whole "${mount}/${area}/" (every namespace's secrets)`;
  const key = rest.endsWith('/*') ? rest.slice(0, -2) : rest;
  if (key.includes('*')) return 'uses a glob inside the path';
  if (exact) {
    if (area !== 'data' || rest !== key || !approved.includes(key)) {
      return `is not exactly one of the paths handed over to this namespace (read on ${approved.map((p) => `${mount}/data/${p}`).join(', ') || 'none'})`;
    }
    return undefined;
  }
  if (!approved.some((prefix) => isUnderPrefix(key, prefix))) {
    return `lies outside the namespace's approved prefixes (${approved.join(', ') || 'none'})`;
  }
  return undefined;
}
