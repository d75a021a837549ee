/**
 * Files written by the real `sops` (3.8.1, Go), from the sops-age project's test data, with that project's
 * published test key (see test/fixtures/real-sops/README.md). Decrypting them and verifying their MAC is the
 * evidence that our cipher, additional data, value types and MAC walk are SOPS's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAgeIdentityFile } from './age.js';
import type { SopsError } from './errors.js';
import { inspectDocument } from './inspect.js';
import { decryptDocument } from './sops.js';

const dir = new URL('../test/fixtures/real-sops/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const identities = parseAgeIdentityFile(read('key.txt'));

describe('files encrypted by the real sops', () => {
  it('decrypts str, int, float, bool and list values and verifies the MAC', async () => {
    expect(await decryptDocument(read('secret.enc.yaml'), identities)).toEqual({
      secret: 'this is a secret',
      string: 'string',
      int: 7,
      float: 3.14,
      boolean: true,
      complex: { value: 'this is a secret', array: ['one', 'two', 'three'] },
    });
  });

  it('decrypts a second file of the same key', async () => {
    expect(await decryptDocument(read('single.enc.yaml'), identities)).toEqual({ secret: 'this is a secret' });
  });

  it('detects an edit of the real file: the MAC is really checked', async () => {
    // Dropping a list item keeps every remaining GCM tag valid; only the MAC notices.
    const text = read('secret.enc.yaml').replace(/^ {4}- ENC\[AES256_GCM,data:U5QgThs=.*\n/m, '');
    const error = (await decryptDocument(text, identities).catch((e) => e)) as SopsError;
    expect(error.code).toBe('E_SOPS_MAC_MISMATCH');
  });

  it('inspects the pre-3.9 metadata layout (empty kms/pgp lists, default rule)', () => {
    expect(inspectDocument(read('secret.enc.yaml'))).toEqual({
      isSops: true,
      recipients: [
        'age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr',
        'age19j4d6v9j7rx5fs629fu387qz4zmlpsqjexa4s08tkfrrmfdl5cwqjlaupd',
        'age13runq29jhy9kfpaegczrzttykerswh0qprq59msgd754yermtfmsa3hwg2',
      ],
      lastModified: '2024-03-25T22:08:10Z',
      encryptedRegex: undefined,
      rule: { kind: 'unencrypted_suffix', value: '_unencrypted' },
      version: '3.8.1',
      plaintextLeaks: [],
      issues: [],
    });
  });
});
