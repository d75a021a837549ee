/**
 * SOPS's value cipher (`aes/cipher.go`): AES-256-GCM with a 32-byte IV, the path as additional data, and the
 * `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` text form; plus the byte form of each value type that both the
 * cipher and the MAC use (`sops.go` `ToBytes`).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SopsError } from './errors.js';

/**
 * A scalar of the tree, typed as Go sees it after yaml.v3: `bigint` is an integer, `number` is a float64
 * (even when its value is whole), so `-0.0` and `-0` hash differently, as in SOPS.
 */
export type Leaf = string | number | bigint | boolean | null;

/** The value types SOPS's YAML store produces and that we read and write. */
type ValueType = 'str' | 'int' | 'float' | 'bool';

const IV_BYTES = 32;
const TAG_BYTES = 16;
const BASE64 = '[A-Za-z0-9+/]+={0,2}';
const ENC_VALUE = new RegExp(`^ENC\\[AES256_GCM,data:(${BASE64}),iv:(${BASE64}),tag:(${BASE64}),type:([a-z0-9]+)\\]$`);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Whether `text` is meant as an encrypted SOPS value (it may still be malformed). */
export function isEncryptedValue(text: string): boolean {
  return text.startsWith('ENC[');
}

/** Whether `text` has the exact syntax of an encrypted SOPS value (decryption may still fail). */
export function isWellFormedEncryptedValue(text: string): boolean {
  return ENC_VALUE.test(text);
}

/**
 * Go's `strconv.FormatFloat(f, 'f', -1, 64)`: the shortest digits that round-trip (JavaScript's `String`
 * picks the same digits), but always positional, never with an exponent; `+Inf`, `-Inf`, `NaN`; `-0` keeps its sign.
 */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Object.is(f, -0)) return '-0';
  const text = String(f);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', head = '', tail = '', exponentText = '0'] = match;
  const digits = head + tail;
  const exponent = Number(exponentText);
  // The decimal point sits after the first digit; move it by `exponent`.
  const point = 1 + exponent;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * The bytes SOPS hashes into the MAC and encrypts for a leaf, as Go would produce them after reading the value
 * with yaml.v3: integers in int64 range print in decimal (larger ones are a float64 in Go), floats positional.
 */
export function leafBytes(value: Exclude<Leaf, null>): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'True' : 'False';
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX ? value.toString() : formatGoFloat(Number(value));
    case 'number':
      return formatGoFloat(value);
  }
}

function valueType(value: Exclude<Leaf, null>): ValueType {
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX ? 'int' : 'float';
    case 'number':
      return 'float';
  }
}

/** Encrypts one leaf; the empty string stays empty, as in SOPS. */
export function encryptLeaf(value: Exclude<Leaf, null>, key: Uint8Array, additionalData: string): string {
  if (value === '') return '';
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const data = Buffer.concat([cipher.update(leafBytes(value), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${tag.toString('base64')},type:${valueType(value)}]`;
}

/**
 * Decrypts one `ENC[…]` value and restores its type. `where` names the value in messages.
 * GCM authentication failure (edited data, tag or IV, or a value moved to another path) is `E_SOPS_VALUE_TAMPERED`.
 */
export function decryptLeaf(text: string, key: Uint8Array, additionalData: string, where: string): Exclude<Leaf, null> {
  if (text === '') return '';
  const match = ENC_VALUE.exec(text);
  if (!match) throw new SopsError('E_SOPS_MALFORMED', `${where} is not a valid ENC[AES256_GCM,…] value`);
  const [, dataText = '', ivText = '', tagText = '', type = ''] = match;
  if (!isValueType(type)) {
    throw new SopsError(
      'E_SOPS_UNSUPPORTED',
      `${where} has value type "${type}"; only str, int, float and bool are supported`,
    );
  }
  const iv = Buffer.from(ivText, 'base64');
  const tag = Buffer.from(tagText, 'base64');
  if (iv.length === 0 || tag.length !== TAG_BYTES) {
    throw new SopsError(
      'E_SOPS_MALFORMED',
      `${where} has an IV of ${iv.length} bytes or a tag of ${tag.length} bytes (need 16)`,
    );
  }
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(tag);
    const bytes = Buffer.concat([decipher.update(Buffer.from(dataText, 'base64')), decipher.final()]);
    plain = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new SopsError(
      'E_SOPS_VALUE_TAMPERED',
      `${where} fails AES-GCM authentication: it was edited, or moved from another key (the key path is authenticated)`,
      { cause },
    );
  }
  return parseTyped(plain, type, where);
}

function isValueType(type: string): type is ValueType {
  return type === 'str' || type === 'int' || type === 'float' || type === 'bool';
}

/** Go's `strconv.Atoi` / `ParseFloat` / `ParseBool` on the decrypted text. */
function parseTyped(plain: string, type: ValueType, where: string): Exclude<Leaf, null> {
  switch (type) {
    case 'str':
      return plain;
    case 'int': {
      if (!/^[+-]?\d+$/.test(plain))
        throw new SopsError('E_SOPS_MALFORMED', `${where} (type int) decrypts to a non-integer`);
      return BigInt(plain);
    }
    case 'float': {
      if (/^[+-]?(inf|infinity)$/i.test(plain)) return plain.startsWith('-') ? -Infinity : Infinity;
      if (/^nan$/i.test(plain)) return Number.NaN;
      const f = Number(plain);
      if (plain.trim() === '' || Number.isNaN(f)) {
        throw new SopsError('E_SOPS_MALFORMED', `${where} (type float) decrypts to a non-number`);
      }
      return f;
    }
    case 'bool':
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(plain)) return true;
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(plain)) return false;
      throw new SopsError('E_SOPS_MALFORMED', `${where} (type bool) decrypts to neither true nor false`);
  }
}
