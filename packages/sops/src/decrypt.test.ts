import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptLeaf } from './_cipher.js';
import { generateAgeIdentity, wrapDataKey } from './age.js';
import { SopsError, type SopsErrorCode } from './errors.js';
import { decryptDocument, encryptDocument } from './sops.js';

const NOW = new Date('2026-07-01T10:00:00Z');
const SECRET = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'keycloak-admin', namespace: 'keycloak' },
  stringData: { username: 'admin', password: 'correct horse battery staple' },
};

/** Rewrites the ENC[…] value on the line `<key>: ENC[…]`. */
function editValue(text: string, key: string, edit: (parts: Record<string, string>) => Record<string, string>): string {
  const line = new RegExp(`^(\\s*${key}: )ENC\\[AES256_GCM,data:([^,]+),iv:([^,]+),tag:([^,]+),type:([a-z]+)\\]$`, 'm');
  const match = line.exec(text);
  if (!match) throw new Error(`no ENC value for ${key}`);
  const [, prefix = '', data = '', iv = '', tag = '', type = ''] = match;
  const parts = edit({ data, iv, tag, type });
  return text.replace(
    line,
    `${prefix}ENC[AES256_GCM,data:${parts.data},iv:${parts.iv},tag:${parts.tag},type:${parts.type}]`,
  );
}

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

async function codeOf(promise: Promise<unknown>): Promise<SopsErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (!(error instanceof SopsError)) throw error;
    return error.code;
  }
}

describe('decryptDocument', () => {
  let owner: { identity: string; recipient: string };
  let text: string;

  beforeAll(async () => {
    owner = await generateAgeIdentity();
    text = await encryptDocument(SECRET, { recipients: [owner.recipient], now: NOW });
  });

  it('decrypts an untouched file', async () => {
    expect(await decryptDocument(text, [owner.identity])).toEqual(SECRET);
  });

  it('finds the matching identity among several', async () => {
    const other = await generateAgeIdentity();
    expect(await decryptDocument(text, [other.identity, owner.identity])).toEqual(SECRET);
  });

  it('rejects a flipped byte in a value’s data as tampered', async () => {
    const edited = editValue(text, 'password', (p) => ({ ...p, data: flipFirstByte(p.data ?? '') }));
    expect(await codeOf(decryptDocument(edited, [owner.identity]))).toBe('E_SOPS_VALUE_TAMPERED');
  });

  it('rejects a flipped byte in a value’s tag as tampered', async () => {
    const edited = editValue(text, 'password', (p) => ({ ...p, tag: flipFirstByte(p.tag ?? '') }));
    expect(await codeOf(decryptDocument(edited, [owner.identity]))).toBe('E_SOPS_VALUE_TAMPERED');
  });

  it('rejects a changed value type (the type is not authenticated, but the MAC covers the typed value)', async () => {
    const edited = editValue(text, 'password', (p) => ({ ...p, type: 'bool' }));
    expect(await codeOf(decryptDocument(edited, [owner.identity]))).toBe('E_SOPS_MALFORMED');
  });

  it('rejects two encrypted values swapped between keys (their key path is authenticated)', async () => {
    const password = /^\s*password: (ENC\[.*\])$/m.exec(text)?.[1] ?? '';
    const username = /^\s*username: (ENC\[.*\])$/m.exec(text)?.[1] ?? '';
    const swapped = text.replace(password, '@P@').replace(username, password).replace('@P@', username);
    expect(swapped).not.toBe(text);
    const error = (await decryptDocument(swapped, [owner.identity]).catch((e) => e)) as SopsError;
    expect(error.code).toBe('E_SOPS_VALUE_TAMPERED');
    expect(error.message).toContain('stringData.username');
  });

  it('rejects an edited mac', async () => {
    const edited = editValue(text, 'mac', (p) => ({ ...p, data: flipFirstByte(p.data ?? '') }));
    expect(await codeOf(decryptDocument(edited, [owner.identity]))).toBe('E_SOPS_MAC_MISMATCH');
  });

  it('rejects an edited lastmodified, which the mac is bound to', async () => {
    const edited = text.replace('lastmodified: "2026-07-01T10:00:00Z"', 'lastmodified: "2026-07-01T10:00:01Z"');
    expect(edited).not.toBe(text);
    expect(await codeOf(decryptDocument(edited, [owner.identity]))).toBe('E_SOPS_MAC_MISMATCH');
  });

  it('rejects a changed unencrypted leaf (metadata.name) with a MAC mismatch', async () => {
    const edited = text.replace('name: keycloak-admin', 'name: keycloak-root');
    expect(edited).not.toBe(text);
    const error = (await decryptDocument(edited, [owner.identity]).catch((e) => e)) as SopsError;
    expect(error.code).toBe('E_SOPS_MAC_MISMATCH');
    expect(error.message).toMatch(/^MAC mismatch: /);
  });

  it('rejects an added unencrypted field and reordered keys with a MAC mismatch', async () => {
    const added = text.replace('    namespace: keycloak\n', '    namespace: keycloak\n    uid: x\n');
    expect(await codeOf(decryptDocument(added, [owner.identity]))).toBe('E_SOPS_MAC_MISMATCH');
    const reordered = text.replace(
      '    name: keycloak-admin\n    namespace: keycloak\n',
      '    namespace: keycloak\n    name: keycloak-admin\n',
    );
    expect(reordered).not.toBe(text);
    expect(await codeOf(decryptDocument(reordered, [owner.identity]))).toBe('E_SOPS_MAC_MISMATCH');
  });

  it('rejects a plaintext value where the rule requires encryption', async () => {
    const edited = text.replace(/^(\s*password: )ENC\[.*\]$/m, '$1hunter2');
    const error = (await decryptDocument(edited, [owner.identity]).catch((e) => e)) as SopsError;
    expect(error.code).toBe('E_SOPS_MALFORMED');
    expect(error.message).toContain('stringData.password is plaintext although encrypted_regex ^(data|stringData)$');
  });

  it('rejects an identity that matches no recipient, naming the recipients', async () => {
    const stranger = await generateAgeIdentity();
    const error = (await decryptDocument(text, [stranger.identity]).catch((e) => e)) as SopsError;
    expect(error.code).toBe('E_SOPS_NO_IDENTITY');
    expect(error.message).toContain(owner.recipient);
    expect(error.message).not.toContain(stranger.identity);
  });

  it('rejects no identity at all', async () => {
    expect(await codeOf(decryptDocument(text, []))).toBe('E_SOPS_NO_IDENTITY');
  });

  it('rejects a malformed identity without echoing it', async () => {
    // Another last character (a Bech32 checksum error); 'Q' unless it already is one (1 run in 32).
    const bad = `${owner.identity.slice(0, -1)}${owner.identity.endsWith('Q') ? 'P' : 'Q'}`;
    const error = (await decryptDocument(text, [bad]).catch((e) => e)) as SopsError;
    expect(error.code).toBe('E_SOPS_BAD_KEY');
    expect(error.message).not.toContain(bad);
  });

  it('rejects a corrupted data key entry for the matching recipient', async () => {
    const edited = text.replace(/(-----BEGIN AGE ENCRYPTED FILE-----\n\s+)YWdl/, '$1YWdm');
    expect(edited).not.toBe(text);
    expect(await codeOf(decryptDocument(edited, [owner.identity]))).toBe('E_SOPS_MALFORMED');
  });

  it.each([
    ['plain YAML', 'apiVersion: v1\nkind: Secret\n', 'E_SOPS_NOT_SOPS'],
    ['not YAML', 'a: [unclosed\n  b: {', 'E_SOPS_NOT_SOPS'],
    ['a YAML list', '- a\n- b\n', 'E_SOPS_NOT_SOPS'],
    ['an empty text', '', 'E_SOPS_NOT_SOPS'],
    ['sops that is not a mapping', 'a: b\nsops: yes\n', 'E_SOPS_MALFORMED'],
    ['two documents', 'a: b\nsops: {}\n---\nc: d\n', 'E_SOPS_UNSUPPORTED'],
    [
      'a PGP-only file',
      'a: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]\nsops:\n  age: []\n  pgp:\n    - fp: ABC\n      enc: x\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[x]\n  version: 3.7.2\n',
      'E_SOPS_UNSUPPORTED',
    ],
    [
      'Shamir key groups',
      'a: b\nsops:\n  key_groups:\n    - age: [{recipient: x, enc: y}]\n    - age: [{recipient: z, enc: w}]\n  shamir_threshold: 2\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[x]\n',
      'E_SOPS_UNSUPPORTED',
    ],
    [
      'a comment rule',
      'a: b\nsops:\n  age: [{recipient: x, enc: y}]\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[x]\n  encrypted_comment_regex: sops:enc\n',
      'E_SOPS_UNSUPPORTED',
    ],
    [
      'two rules',
      'a: b\nsops:\n  age: [{recipient: x, enc: y}]\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[x]\n  encrypted_regex: a\n  unencrypted_suffix: _u\n',
      'E_SOPS_MALFORMED',
    ],
    [
      'a lastmodified that is not RFC 3339',
      'a: b\nsops:\n  age: [{recipient: x, enc: y}]\n  lastmodified: yesterday\n  mac: ENC[x]\n',
      'E_SOPS_MALFORMED',
    ],
    ['a non-string key', '1: b\nsops:\n  age: [{recipient: x, enc: y}]\n', 'E_SOPS_UNSUPPORTED'],
  ])('rejects %s', async (_what, input, code) => {
    expect(await codeOf(decryptDocument(input, [owner.identity]))).toBe(code);
  });
});

describe('decryptDocument with mac_only_encrypted', () => {
  /** A file as SOPS writes it with `mac_only_encrypted: true`, built from the primitives (we never write one). */
  async function macOnlyFile(name: string): Promise<{ text: string; identity: string }> {
    const { identity, recipient } = await generateAgeIdentity();
    const key = randomBytes(32);
    const lastModified = '2026-07-01T10:00:00Z';
    const hash = createHash('sha512');
    hash.update(createHash('sha256').update('sops').digest()); // MACOnlyEncryptedInitialization
    hash.update('hunter2');
    const mac = encryptLeaf(hash.digest('hex').toUpperCase(), key, lastModified);
    const enc = (await wrapDataKey(key, recipient)).replace(/^/gm, '            ').trimEnd();
    const text = [
      `name: ${name}`,
      `password: ${encryptLeaf('hunter2', key, 'password:')}`,
      'sops:',
      '    age:',
      `        - recipient: ${recipient}`,
      '          enc: |',
      enc,
      `    lastmodified: "${lastModified}"`,
      `    mac: ${mac}`,
      '    encrypted_regex: ^password$',
      '    mac_only_encrypted: true',
      '    version: 3.13.2',
      '',
    ].join('\n');
    return { text, identity };
  }

  it('verifies a MAC over the encrypted values only, so clear-text edits pass as SOPS lets them', async () => {
    const { text, identity } = await macOnlyFile('a');
    expect(await decryptDocument(text, [identity])).toEqual({ name: 'a', password: 'hunter2' });
    expect(await decryptDocument(text.replace('name: a', 'name: b'), [identity])).toEqual({
      name: 'b',
      password: 'hunter2',
    });
    const full = text.replace('    mac_only_encrypted: true\n', '');
    expect(await codeOf(decryptDocument(full, [identity]))).toBe('E_SOPS_MAC_MISMATCH');
  });
});
