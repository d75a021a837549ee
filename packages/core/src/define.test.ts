import { describe, expect, it } from 'vitest';
import { defineNamespace, definePlatform, defineSecrets, getDefinitionKind } from './define.js';
import type { NamespaceDefinition } from './generated/namespace.js';
import type { PlatformDefinition } from './generated/platform.js';
import type { SecretsDefinition } from './generated/secrets.js';
import { TEST_PLATFORM } from './testing.js';

const namespace: NamespaceDefinition = {
  name: 'payments-api',
  team: 'payments',
  vault: { approvedPrefixes: ['payments/api'] },
};
const secrets: SecretsDefinition = { secrets: [{ name: 'db', key: 'payments/api/db' }] };
const platform: PlatformDefinition = TEST_PLATFORM;

describe('define functions', () => {
  it('mark their result with its kind', () => {
    expect(getDefinitionKind(definePlatform(platform))).toBe('platform');
    expect(getDefinitionKind(defineNamespace(namespace))).toBe('namespace');
    expect(getDefinitionKind(defineSecrets(secrets))).toBe('secrets');
  });

  it('return an equal shallow copy, not the argument', () => {
    const result = defineNamespace(namespace);
    expect(result).toEqual(namespace);
    expect(result).not.toBe(namespace);
    expect(result.vault).toBe(namespace.vault);
  });

  it('do not mutate their argument, and accept a frozen one', () => {
    const frozen = Object.freeze({ ...namespace });
    const result = defineNamespace(frozen);
    expect(getDefinitionKind(frozen)).toBeUndefined();
    expect(Object.getOwnPropertySymbols(frozen)).toEqual([]);
    expect(frozen).toEqual(namespace);
    expect(getDefinitionKind(result)).toBe('namespace');
  });

  it('add the mark as a non-enumerable property, invisible to keys, spread and JSON', () => {
    const result = defineSecrets(secrets);
    expect(Object.keys(result)).toEqual(['secrets']);
    expect(JSON.stringify(result)).toBe(JSON.stringify(secrets));
    expect(getDefinitionKind({ ...result })).toBeUndefined();
  });

  it('use a registered symbol, so a mark made by another copy of the module is recognized', () => {
    const foreign = { [Symbol.for('platform-gen.definition-kind')]: 'secrets' };
    expect(getDefinitionKind(foreign)).toBe('secrets');
    expect(getDefinitionKind({ [Symbol('platform-gen.definition-kind')]: 'secrets' })).toBeUndefined();
  });
});

describe('getDefinitionKind', () => {
  it.each([undefined, null, 'platform', 1, true, [], {}, () => 1])('is undefined for %j', (value) => {
    expect(getDefinitionKind(value)).toBeUndefined();
  });

  it('is undefined for an unknown mark', () => {
    expect(getDefinitionKind({ [Symbol.for('platform-gen.definition-kind')]: 'chart' })).toBeUndefined();
  });

  it('reads the mark of a definition turned into plain data by another define', () => {
    // A namespace definition passed to defineSecrets is re-marked as secrets (the loader then rejects its shape).
    expect(getDefinitionKind(defineSecrets(defineNamespace(namespace) as unknown as SecretsDefinition))).toBe(
      'secrets',
    );
  });
});
