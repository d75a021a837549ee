import { armor, Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { formatRfc3339Utc } from './_time.js';
import { SopsError } from './errors.js';

/** Bech32 alphabet (BIP 173). It has no `1`, `b`, `i` or `o`. */
const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const RECIPIENT_SHAPE = new RegExp(`^age1[${BECH32_CHARSET}]{58}$`);
const IDENTITY_SHAPE = new RegExp(`^AGE-SECRET-KEY-1[${BECH32_CHARSET.toUpperCase()}]{58}$`);

/**
 * Syntactic check for an X25519 age recipient: `age1` + 58 lower-case Bech32 characters (62 in all) with a valid
 * checksum and zero padding bits, i.e. exactly 32 bytes of key. Post-quantum (`age1pq1…`), plugin and SSH
 * recipients are rejected: KSOPS and older SOPS builds may not read them.
 */
export function isAgeRecipient(text: string): boolean {
  return RECIPIENT_SHAPE.test(text) && isValidBech32Key('age', text.slice(4));
}

/** Same check for an X25519 identity (`AGE-SECRET-KEY-1…`, upper-case, 74 characters). */
export function isAgeIdentity(text: string): boolean {
  return IDENTITY_SHAPE.test(text) && isValidBech32Key('age-secret-key-', text.slice(16).toLowerCase());
}

/** A fresh X25519 identity and its recipient. */
export async function generateAgeIdentity(): Promise<{ identity: string; recipient: string }> {
  // generateIdentity() may switch to post-quantum keys in a later typage; we want X25519 explicitly.
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** The recipient (`age1…`) of an X25519 identity, as `age-keygen -y` prints it. */
export async function ageRecipientOf(identity: string): Promise<string> {
  if (!isAgeIdentity(identity)) {
    throw new SopsError(
      'E_SOPS_BAD_KEY',
      'not an X25519 age identity: expected AGE-SECRET-KEY-1 followed by 58 Bech32 characters (as age-keygen writes it)',
    );
  }
  try {
    return await identityToRecipient(identity);
  } catch (cause) {
    throw new SopsError('E_SOPS_BAD_KEY', 'the age identity could not be decoded', { cause });
  }
}

/**
 * Reads an `age-keygen` key file: lines starting with `#` are comments, blank lines are skipped, every other
 * line must be one X25519 identity. Throws `E_SOPS_BAD_KEY` naming the line (never its content: it may be a key).
 */
export function parseAgeIdentityFile(text: string): string[] {
  const identities: string[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!isAgeIdentity(line)) {
      throw new SopsError(
        'E_SOPS_BAD_KEY',
        `line ${index + 1} of the age key file is neither a comment nor an X25519 identity (AGE-SECRET-KEY-1…)`,
      );
    }
    identities.push(line);
  }
  return identities;
}

/**
 * The key file `age-keygen -o` writes, with `created` in UTC:
 * `# created: <RFC 3339>\n# public key: age1…\nAGE-SECRET-KEY-1…\n`.
 * The caller passes a matching pair (e.g. from {@link generateAgeIdentity}); only their syntax is checked here.
 */
export function formatAgeIdentityFile(identity: string, recipient: string, created: Date): string {
  if (!isAgeIdentity(identity)) throw new SopsError('E_SOPS_BAD_KEY', 'not an X25519 age identity (AGE-SECRET-KEY-1…)');
  if (!isAgeRecipient(recipient)) throw new SopsError('E_SOPS_BAD_KEY', `not an X25519 age recipient: ${recipient}`);
  return `# created: ${formatRfc3339Utc(created, 'created')}\n# public key: ${recipient}\n${identity}\n`;
}

/** The ASCII-armored age file of `dataKey` for one recipient, as SOPS stores it in `sops.age[].enc`. */
export async function wrapDataKey(dataKey: Uint8Array, recipient: string): Promise<string> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  return armor.encode(await encrypter.encrypt(dataKey));
}

/** One `sops.age[]` entry as read from a file. */
export interface AgeStanza {
  readonly recipient: string;
  readonly enc: string;
}

/**
 * Opens the data key with the first identity whose recipient is listed in the file. Like SOPS, an X25519
 * identity is only tried on the entry of its own recipient.
 */
export async function unwrapDataKey(stanzas: readonly AgeStanza[], identities: readonly string[]): Promise<Uint8Array> {
  if (identities.length === 0) throw new SopsError('E_SOPS_NO_IDENTITY', 'no age identity was given to decrypt with');
  const recipients = new Map<string, string>();
  for (const [index, identity] of identities.entries()) {
    if (!isAgeIdentity(identity)) {
      throw new SopsError('E_SOPS_BAD_KEY', `identity #${index + 1} is not an X25519 age identity (AGE-SECRET-KEY-1…)`);
    }
    recipients.set(await ageRecipientOf(identity), identity);
  }
  const failures: unknown[] = [];
  for (const stanza of stanzas) {
    const identity = recipients.get(stanza.recipient.trim());
    if (identity === undefined) continue;
    try {
      const decrypter = new Decrypter();
      decrypter.addIdentity(identity);
      const dataKey = await decrypter.decrypt(armor.decode(stanza.enc));
      if (dataKey.length !== 32) {
        throw new SopsError(
          'E_SOPS_MALFORMED',
          `the data key for ${stanza.recipient} has ${dataKey.length} bytes, not 32`,
        );
      }
      return dataKey;
    } catch (cause) {
      failures.push(cause);
    }
  }
  if (failures.length > 0) {
    throw new SopsError(
      'E_SOPS_MALFORMED',
      'an identity matches a recipient of the file, but its sops.age[].enc does not open (corrupted or edited)',
      { cause: failures.length === 1 ? failures[0] : new AggregateError(failures) },
    );
  }
  const listed = stanzas.map((s) => s.recipient).join(', ') || '(none)';
  throw new SopsError(
    'E_SOPS_NO_IDENTITY',
    `none of the ${identities.length} age identities matches a recipient of the file (recipients: ${listed}); ` +
      'use an identity whose public key is listed, or re-wrap the file for yours',
  );
}

/** Bech32 checksum (BIP 173) plus the check that the 5-bit groups hold exactly 32 bytes (zero padding). */
function isValidBech32Key(hrp: string, dataPart: string): boolean {
  const values: number[] = [];
  for (const c of dataPart) {
    const v = BECH32_CHARSET.indexOf(c);
    if (v < 0) return false;
    values.push(v);
  }
  const words = values.slice(0, -6);
  // 32 bytes = 256 bits = 52 groups of 5 bits with 4 padding bits, which must be zero.
  if (words.length !== 52 || ((words[51] ?? 0) & 0b1111) !== 0) return false;
  const expanded = [...hrp].map((c) => c.charCodeAt(0) >> 5);
  expanded.push(0);
  for (const c of hrp) expanded.push(c.charCodeAt(0) & 31);
  return bech32Polymod([...expanded, ...values]) === 1;
}

function bech32Polymod(values: readonly number[]): number {
  const generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= generator[i] ?? 0;
  }
  return chk;
}
