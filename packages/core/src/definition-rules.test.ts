import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFINITION_RULES, rulesForDefinition, SCHEMA_RULES } from './definition-rules.js';

/** Every `E_…` code a semantic validation module emits, read from its source. */
async function emittedCodes(): Promise<Set<string>> {
  const files = ['validate.ts', 'validate-bootstrap.ts', 'validate-catalog.ts', 'format-version.ts'];
  const codes = new Set<string>();
  for (const file of files) {
    const text = await readFile(new URL(file, import.meta.url), 'utf8');
    for (const match of text.matchAll(/'(E_[A-Z0-9_]+)'/g)) if (match[1] !== undefined) codes.add(match[1]);
  }
  return codes;
}

describe('DEFINITION_RULES', () => {
  it('lists exactly the codes validation emits, each once', async () => {
    const listed = DEFINITION_RULES.map((r) => r.code);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...(await emittedCodes())].sort());
  });

  it('lists schema codes that the schema validator emits', async () => {
    // Rules for every definition: the schema validator's, and the prose check's (validate-text.ts).
    const text = [
      await readFile(new URL('schema-validate.ts', import.meta.url), 'utf8'),
      await readFile(new URL('validate-text.ts', import.meta.url), 'utf8'),
    ].join('\n');
    for (const rule of SCHEMA_RULES) expect(text).toContain(`'${rule.code}'`);
  });

  it('gives a secrets definition its own rules before the schema rules', () => {
    expect(rulesForDefinition('secrets').map((r) => r.code)).toEqual([
      'E_SECRET_DUPLICATE',
      'E_SECRET_OUTSIDE_PREFIX',
      ...SCHEMA_RULES.map((r) => r.code),
    ]);
  });
});
