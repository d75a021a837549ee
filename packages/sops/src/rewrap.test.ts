import { decryptSops } from 'sops-age';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateAgeIdentity } from './age.js';
import type { SopsError } from './errors.js';
import { inspectDocument } from './inspect.js';
import { decryptDocument, encryptDocument, rewrapDocument } from './sops.js';

const NOW = new Date('2026-07-01T10:00:00Z');
const SECRET = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'vault-unseal', namespace: 'vault' },
  stringData: { 'unseal-key': 'AAAA', 'root-token': 'hvs.x' },
};

/** Everything but `sops.age`: the lines that must not change. */
function withoutAge(text: string): unknown {
  const { sops, ...data } = parse(text) as { sops: Record<string, unknown> };
  const { age: _age, ...rest } = sops;
  return { data, sops: rest };
}

describe('rewrapDocument', () => {
  let old: { identity: string; recipient: string };
  let fresh: { identity: string; recipient: string };
  let offline: { identity: string; recipient: string };
  let text: string;

  beforeAll(async () => {
    old = await generateAgeIdentity();
    fresh = await generateAgeIdentity();
    offline = await generateAgeIdentity();
    text = await encryptDocument(SECRET, { recipients: [old.recipient, offline.recipient], now: NOW });
  });

  it('re-wraps the data key for the new recipients only; values, IVs, lastmodified and mac stay byte-identical', async () => {
    const rewrapped = await rewrapDocument(text, [old.identity], [fresh.recipient]);
    expect(inspectDocument(rewrapped).recipients).toEqual([fresh.recipient]);
    expect(withoutAge(rewrapped)).toEqual(withoutAge(text));
    const before = text.slice(0, text.indexOf('sops:'));
    expect(rewrapped.slice(0, rewrapped.indexOf('sops:'))).toBe(before);
    for (const line of text.split('\n').filter((l) => /^ {4}(mac|lastmodified|encrypted_regex|version):/.test(l))) {
      expect(rewrapped.split('\n')).toContain(line);
    }

    expect(await decryptDocument(rewrapped, [fresh.identity])).toEqual(SECRET);
    expect(await decryptSops(rewrapped, { secretKey: fresh.identity, fileType: 'yaml' })).toEqual(SECRET);
    const error = (await decryptDocument(rewrapped, [old.identity]).catch((e) => e)) as SopsError;
    expect(error.code).toBe('E_SOPS_NO_IDENTITY');
    await expect(decryptSops(rewrapped, { secretKey: old.identity, fileType: 'yaml' })).rejects.toThrow();
  });

  it('can add a recipient while keeping the existing ones', async () => {
    const rewrapped = await rewrapDocument(
      text,
      [offline.identity],
      [old.recipient, offline.recipient, fresh.recipient],
    );
    expect(inspectDocument(rewrapped).recipients).toEqual([old.recipient, offline.recipient, fresh.recipient]);
    for (const who of [old, offline, fresh]) expect(await decryptDocument(rewrapped, [who.identity])).toEqual(SECRET);
  });

  it('refuses to re-wrap a file whose MAC does not verify', async () => {
    const edited = text.replace('name: vault-unseal', 'name: vault-other');
    const error = (await rewrapDocument(edited, [old.identity], [fresh.recipient]).catch((e) => e)) as SopsError;
    expect(error.code).toBe('E_SOPS_MAC_MISMATCH');
  });

  it('needs an identity that opens the current data key', async () => {
    const error = (await rewrapDocument(text, [fresh.identity], [fresh.recipient]).catch((e) => e)) as SopsError;
    expect(error.code).toBe('E_SOPS_NO_IDENTITY');
  });

  it('validates the new recipients', async () => {
    const error = (await rewrapDocument(text, [old.identity], []).catch((e) => e)) as SopsError;
    expect(error.code).toBe('E_SOPS_BAD_INPUT');
    const bad = (await rewrapDocument(text, [old.identity], ['age1nope']).catch((e) => e)) as SopsError;
    expect(bad.code).toBe('E_SOPS_BAD_KEY');
  });
});
