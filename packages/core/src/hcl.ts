/**
 * The one HCL emitter of platform-gen: Vault ACL policies as typed data, written as HCL that both
 * HCL 1 (Vault's policy parser) and HCL 2 read the same way.
 *
 * - Every string is escaped: `\` and `"`, control characters and everything outside printable ASCII
 *   become escapes; template openers (`${`, `%{`) are refused outright, because HCL 1 and HCL 2 disagree
 *   on how to escape them. Vault paths never need them (see vault-paths.ts).
 * - A path appears once per document and each block holds exactly one `capabilities` attribute
 *   (Vault 2.1 rejects duplicate attributes).
 */

export const CAPABILITIES = [
  'create',
  'read',
  'update',
  'patch',
  'delete',
  'list',
  'sudo',
  'deny',
  'subscribe',
  'recover',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export interface PolicyRule {
  readonly path: string;
  readonly capabilities: readonly Capability[];
}

export class HclEmitError extends Error {
  override readonly name = 'HclEmitError';
}

/** An HCL string literal for `text`, safe in HCL 1 and HCL 2. */
export function hclString(text: string): string {
  if (text.includes('${') || text.includes('%{')) {
    throw new HclEmitError(`refusing to write a template sequence into HCL: ${JSON.stringify(text)}`);
  }
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === '"') out += '\\"';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code >= 0x20 && code <= 0x7e) out += char;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** A Vault ACL policy document. Throws on a repeated path or an unknown capability (a generator bug). */
export function policyToHcl(rules: readonly PolicyRule[]): string {
  const seen = new Set<string>();
  const blocks: string[] = [];
  for (const rule of rules) {
    if (seen.has(rule.path)) throw new HclEmitError(`path ${JSON.stringify(rule.path)} appears twice in one policy`);
    seen.add(rule.path);
    for (const capability of rule.capabilities) {
      if (!(CAPABILITIES as readonly string[]).includes(capability)) {
        throw new HclEmitError(`unknown capability ${JSON.stringify(capability)}`);
      }
    }
    // Canonical order and no repeats, so the same rule always prints the same bytes.
    const capabilities = CAPABILITIES.filter((c) => rule.capabilities.includes(c));
    blocks.push(`path ${hclString(rule.path)} {\n  capabilities = [${capabilities.map(hclString).join(', ')}]\n}\n`);
  }
  return blocks.join('\n');
}

/** An HCL value: a string (escaped), a number, a boolean or a list of them. */
export type HclValue = string | number | boolean | readonly HclValue[];

export interface HclAttribute {
  readonly name: string;
  readonly value: HclValue;
}

export interface HclBlock {
  readonly block: string;
  readonly labels?: readonly string[];
  readonly body: HclBody;
}

export type HclBody = readonly (HclAttribute | HclBlock)[];

const HCL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function identifier(name: string): string {
  if (!HCL_IDENTIFIER.test(name)) throw new HclEmitError(`not an HCL identifier: ${JSON.stringify(name)}`);
  return name;
}

function hclValue(value: HclValue): string {
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new HclEmitError(`not a finite number: ${value}`);
    return String(value);
  }
  return `[${value.map(hclValue).join(', ')}]`;
}

/**
 * An HCL configuration body (attributes and labelled blocks), e.g. a Vault server configuration.
 * Names must be identifiers; every string, label included, goes through `hclString`.
 */
export function hclBody(body: HclBody, indent = ''): string {
  const lines: string[] = [];
  for (const item of body) {
    if ('block' in item) {
      const labels = (item.labels ?? []).map((label) => ` ${hclString(label)}`).join('');
      const inner = hclBody(item.body, `${indent}  `);
      lines.push(
        inner === ''
          ? `${indent}${identifier(item.block)}${labels} {}`
          : `${indent}${identifier(item.block)}${labels} {\n${inner}${indent}}`,
      );
    } else {
      lines.push(`${indent}${identifier(item.name)} = ${hclValue(item.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
