import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateAgeIdentity } from './age.js';
import { decryptDocument, encryptDocument } from './sops.js';

const NOW = new Date('2026-07-01T10:00:00Z');

/** Any well-formed text: graphemes plus the characters YAML treats specially. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom(
      ...'\n\t :#-?&*!|>\'"%@`,[]{}\\0aY~.+e'.split(''),
      'yes',
      'on',
      'null',
      '0x',
      '1_0',
      '<<',
      '${',
    ),
    maxLength: 12,
  }),
);
/** Keys: anything but `__proto__` (fast-check and toEqual disagree on it) and `sops` at the top level. */
const key = text.filter((k) => k !== '__proto__' && k !== 'sops');
const scalar = fc.oneof(
  text,
  fc.integer(),
  fc.boolean(),
  // Integral doubles between 2^53 and 1e21 are refused (not exact; see the test below).
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .filter((d) => !Object.is(d, -0) && !(Number.isInteger(d) && !Number.isSafeInteger(d) && Math.abs(d) < 1e21)),
  fc.constant(null),
);

describe('properties', () => {
  let owner: { identity: string; recipient: string };
  beforeAll(async () => {
    owner = await generateAgeIdentity();
  });

  it('every document decrypts to itself, and its clear-text fields read back the same under YAML 1.1 and 1.2', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(key, scalar, { maxKeys: 4 }),
        fc.dictionary(key, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 4 }),
        async (labels, stringData) => {
          const doc = { apiVersion: 'v1', kind: 'Secret', metadata: { labels }, stringData };
          const out = await encryptDocument(doc, { recipients: [owner.recipient], now: NOW });
          expect(await decryptDocument(out, [owner.identity])).toEqual(doc);
          for (const version of ['1.1', '1.2'] as const) {
            const read = parse(out, { version }) as { metadata: unknown };
            expect(read.metadata).toEqual({ labels });
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps whitespace-only lines of clear-text values (a block scalar would lose them and break the MAC)', async () => {
    for (const value of [' \n', '\n', '  \n \n', 'a\n\n ']) {
      const doc = { metadata: { labels: { k: value } } };
      const out = await encryptDocument(doc, { recipients: [owner.recipient], now: NOW });
      expect(await decryptDocument(out, [owner.identity])).toEqual(doc);
    }
  });

  it('refuses -0 and integral numbers beyond 2^53 (they would read back as another value or type): quote them', async () => {
    for (const value of [2 ** 53, -(2 ** 53), 1e20, -0]) {
      await expect(
        encryptDocument({ stringData: { n: value } }, { recipients: [owner.recipient], now: NOW }),
      ).rejects.toMatchObject({ code: 'E_SOPS_BAD_INPUT' });
    }
  });
});
