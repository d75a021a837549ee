import { describe, expect, it } from 'vitest';
import {
  ageRecipientOf,
  formatAgeIdentityFile,
  generateAgeIdentity,
  isAgeIdentity,
  isAgeRecipient,
  parseAgeIdentityFile,
} from './age.js';
import { SopsError } from './errors.js';

/** getsops/sops's published test key (age/keys.txt), public test material. */
const SOPS_TEST_IDENTITY = 'AGE-SECRET-KEY-1NJT5YCS2LWU4V4QAJQ6R4JNU7LXPDX602DZ9NUFANVU5GDTGUWCQ5T59M6';
const SOPS_TEST_RECIPIENT = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';

describe('age helpers', () => {
  it('generates an X25519 identity whose recipient ageRecipientOf derives again', async () => {
    const { identity, recipient } = await generateAgeIdentity();
    expect(identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(recipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect(await ageRecipientOf(identity)).toBe(recipient);
    expect(isAgeIdentity(identity)).toBe(true);
    expect(isAgeRecipient(recipient)).toBe(true);
  });

  it('derives the published recipient of the sops test key', async () => {
    expect(await ageRecipientOf(SOPS_TEST_IDENTITY)).toBe(SOPS_TEST_RECIPIENT);
  });

  it.each([
    ['a recipient', SOPS_TEST_RECIPIENT],
    ['a lower-case identity', SOPS_TEST_IDENTITY.toLowerCase()],
    ['a truncated identity', SOPS_TEST_IDENTITY.slice(0, -1)],
    ['a bad checksum', `${SOPS_TEST_IDENTITY.slice(0, -1)}Q`],
    ['a post-quantum identity', 'AGE-SECRET-KEY-PQ-1QQQQ'],
    ['nothing', ''],
  ])('ageRecipientOf rejects %s with E_SOPS_BAD_KEY', async (_what, input) => {
    const error = (await ageRecipientOf(input).catch((e) => e)) as SopsError;
    expect(error).toBeInstanceOf(SopsError);
    expect(error.code).toBe('E_SOPS_BAD_KEY');
  });

  it('formats an identity file as age-keygen does, and parses it back', async () => {
    const { identity, recipient } = await generateAgeIdentity();
    const file = formatAgeIdentityFile(identity, recipient, new Date('2026-07-01T10:00:00.5Z'));
    expect(file).toBe(`# created: 2026-07-01T10:00:00Z\n# public key: ${recipient}\n${identity}\n`);
    expect(parseAgeIdentityFile(file)).toEqual([identity]);
  });

  it('parses several identities, comments, blank lines and CRLF', async () => {
    const a = await generateAgeIdentity();
    const text = `# created: 2020-07-18T03:16:47-07:00\r\n# public key: ${SOPS_TEST_RECIPIENT}\r\n${SOPS_TEST_IDENTITY}\r\n\r\n  ${a.identity}  \n`;
    expect(parseAgeIdentityFile(text)).toEqual([SOPS_TEST_IDENTITY, a.identity]);
    expect(parseAgeIdentityFile('# only comments\n')).toEqual([]);
  });

  it('rejects a line that is not an identity, naming the line but not its content', () => {
    const text = `# key\n${SOPS_TEST_IDENTITY}x\n`;
    const error = (() => {
      try {
        parseAgeIdentityFile(text);
      } catch (e) {
        return e as SopsError;
      }
      throw new Error('no error');
    })();
    expect(error.code).toBe('E_SOPS_BAD_KEY');
    expect(error.message).toBe(
      'line 2 of the age key file is neither a comment nor an X25519 identity (AGE-SECRET-KEY-1…)',
    );
  });

  it('formatAgeIdentityFile refuses swapped arguments', () => {
    expect(() => formatAgeIdentityFile(SOPS_TEST_RECIPIENT, SOPS_TEST_IDENTITY, new Date())).toThrow(SopsError);
  });

  it('isAgeRecipient accepts generated recipients and rejects identities, upper case and wrong lengths', async () => {
    const { identity, recipient } = await generateAgeIdentity();
    expect(isAgeRecipient(recipient)).toBe(true);
    expect(isAgeRecipient(SOPS_TEST_RECIPIENT)).toBe(true);
    expect(isAgeRecipient(identity)).toBe(false);
    expect(isAgeRecipient(SOPS_TEST_IDENTITY)).toBe(false);
    expect(isAgeRecipient(recipient.toUpperCase())).toBe(false);
    expect(isAgeRecipient(recipient.slice(0, -1))).toBe(false);
    expect(isAgeRecipient(`${recipient}q`)).toBe(false);
    expect(isAgeRecipient(` ${recipient}`)).toBe(false);
    expect(isAgeRecipient('age1')).toBe(false);
  });

  it('isAgeRecipient checks the Bech32 checksum, so a typo is caught', () => {
    const last = SOPS_TEST_RECIPIENT.at(-1) === 'q' ? 'p' : 'q';
    expect(isAgeRecipient(`${SOPS_TEST_RECIPIENT.slice(0, -1)}${last}`)).toBe(false);
    const swapped = `age1${SOPS_TEST_RECIPIENT[5]}${SOPS_TEST_RECIPIENT[4]}${SOPS_TEST_RECIPIENT.slice(6)}`;
    expect(isAgeRecipient(swapped)).toBe(false);
  });
});
