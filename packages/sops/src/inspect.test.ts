import { beforeAll, describe, expect, it } from 'vitest';
import { generateAgeIdentity } from './age.js';
import { inspectDocument } from './inspect.js';
import { encryptDocument } from './sops.js';

const NOW = new Date('2026-07-01T10:00:00Z');

describe('inspectDocument', () => {
  let recipients: string[];
  let text: string;

  beforeAll(async () => {
    recipients = [(await generateAgeIdentity()).recipient, (await generateAgeIdentity()).recipient];
    text = await encryptDocument(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'git-credentials' },
        stringData: { username: 'git', password: 's3cret', 'tls.key': 'k', empty: '' },
      },
      { recipients, now: NOW },
    );
  });

  it('reads recipients, lastmodified, the rule and the version without a key', () => {
    expect(inspectDocument(text)).toEqual({
      isSops: true,
      recipients,
      lastModified: '2026-07-01T10:00:00Z',
      encryptedRegex: '^(data|stringData)$',
      rule: { kind: 'encrypted_regex', value: '^(data|stringData)$' },
      version: '3.13.2',
      plaintextLeaks: [],
      issues: [],
    });
  });

  it('reports a plaintext value under stringData as a leak, by path', () => {
    const leaked = text
      .replace(/^(\s*password: )ENC\[.*\]$/m, '$1hunter2')
      .replace(/^(\s*tls\.key: )ENC\[.*\]$/m, '$1"-----BEGIN-----"');
    const result = inspectDocument(leaked);
    expect(result.isSops).toBe(true);
    expect(result.plaintextLeaks).toEqual(['stringData.password', 'stringData["tls.key"]']);
    expect(result.issues).toEqual([]);
  });

  it('reports a value added by hand below data, and non-string plaintext, as leaks', () => {
    const leaked = text.replace('sops:\n', 'data:\n    port: 8200\n    items:\n        - plain\nsops:\n');
    expect(inspectDocument(leaked).plaintextLeaks).toEqual(['data.port', 'data.items[0]']);
  });

  it('reports a broken ENC value as an issue, not as a leak', () => {
    const broken = text.replace(/^(\s*username: )ENC\[.*\]$/m, '$1ENC[AES256_GCM,data:oops]');
    const result = inspectDocument(broken);
    expect(result.plaintextLeaks).toEqual([]);
    expect(result.issues).toEqual([
      { code: 'E_SOPS_MALFORMED', message: 'stringData.username is not a valid ENC[AES256_GCM,…] value' },
    ]);
  });

  it('says a plain YAML manifest is not SOPS', () => {
    const result = inspectDocument('apiVersion: v1\nkind: Secret\nstringData:\n  password: hunter2\n');
    expect(result.isSops).toBe(false);
    expect(result.recipients).toEqual([]);
    expect(result.plaintextLeaks).toEqual([]);
    expect(result.issues).toEqual([
      { code: 'E_SOPS_NOT_SOPS', message: 'the document has no top-level `sops` metadata' },
    ]);
  });

  it.each([
    ['garbage', '{{{ not yaml :::'],
    ['binary noise', '\u0000\u0001\u0002\ufffe'],
    ['a scalar', 'just text'],
    ['an empty text', ''],
    ['a list', '- sops\n'],
  ])('reports %s instead of throwing', (_what, input) => {
    const result = inspectDocument(input);
    expect(result.isSops).toBe(false);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]?.code).toBe('E_SOPS_NOT_SOPS');
  });

  it('reports broken metadata as issues, keeping what it could read', () => {
    const broken = text.replace(/^ {4}lastmodified: .*$/m, '    lastmodified: soon').replace(/^ {4}mac: .*\n/m, '');
    const result = inspectDocument(broken);
    expect(result.isSops).toBe(true);
    expect(result.recipients).toEqual(recipients);
    expect(result.issues.map((issue) => issue.code)).toEqual(['E_SOPS_MALFORMED', 'E_SOPS_MALFORMED']);
    expect(result.issues.map((issue) => issue.message)).toEqual([
      'sops.lastmodified "soon" is not an RFC 3339 time',
      'sops.mac is missing',
    ]);
  });

  it('reports a file it cannot decrypt (PGP only) as unsupported', () => {
    const pgp =
      'a: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]\nsops:\n  kms: []\n  age: []\n  pgp:\n    - fp: ABC\n      enc: x\n  lastmodified: "2022-12-14T18:20:04Z"\n  mac: ENC[x]\n  unencrypted_regex: ^(kind)$\n  version: 3.7.2\n';
    const result = inspectDocument(pgp);
    expect(result.isSops).toBe(true);
    expect(result.rule).toEqual({ kind: 'unencrypted_regex', value: '^(kind)$' });
    expect(result.encryptedRegex).toBeUndefined();
    expect(result.issues).toEqual([
      {
        code: 'E_SOPS_UNSUPPORTED',
        message: 'the file is encrypted only for pgp master keys; this implementation reads age keys only',
      },
    ]);
  });

  it('uses SOPS’s default rule (unencrypted_suffix _unencrypted) when the file names none', () => {
    const file =
      'token: plain\nhost_unencrypted: db\nsops:\n  age: [{recipient: x, enc: y}]\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[x]\n';
    const result = inspectDocument(file);
    expect(result.rule).toEqual({ kind: 'unencrypted_suffix', value: '_unencrypted' });
    expect(result.plaintextLeaks).toEqual(['token']);
  });
});
