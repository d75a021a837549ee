import { decryptSops } from 'sops-age';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateAgeIdentity } from './age.js';
import { SopsError } from './errors.js';
import { DEFAULT_ENCRYPTED_REGEX, decryptDocument, encryptDocument, SOPS_VERSION_WRITTEN } from './sops.js';

const NOW = new Date('2026-07-01T10:00:00.987Z');

/** A Kubernetes Secret with the values that break naive encoders. */
function secret() {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'vault-unseal',
      namespace: 'vault',
      labels: { 'app.kubernetes.io/managed-by': 'platform-gen', enabled: 'yes', mode: '0755', n: 'n' },
      annotations: { 'platform-gen.io/source': 'platform/platform.ts', note: 'line one\nline two\n' },
    },
    type: 'Opaque',
    stringData: {
      password: `p"a's\\w0rd \${HOME} #not-a-comment: yes`,
      multiline: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n',
      unicode: 'Grüße, 世界 ✓ 𝄞',
      empty: '',
      config: { nested: { deep: 'value' }, port: 8200, tls: true, ratio: 0.25 },
      list: ['first', 'second'],
    },
    data: { 'tls.crt': 'LS0tLS1CRUdJTg==', token: 'c2VjcmV0' },
  };
}

describe('encryptDocument', () => {
  let alice: { identity: string; recipient: string };
  let bob: { identity: string; recipient: string };
  let text: string;

  beforeAll(async () => {
    alice = await generateAgeIdentity();
    bob = await generateAgeIdentity();
    text = await encryptDocument(secret(), { recipients: [alice.recipient], now: NOW });
  });

  it('round-trips through our decryptDocument to a deep-equal document', async () => {
    expect(await decryptDocument(text, [alice.identity])).toEqual(secret());
  });

  it('is read by the independent sops-age decoder with the same values', async () => {
    const decoded = await decryptSops(text, { secretKey: alice.identity, fileType: 'yaml' });
    expect(decoded).toEqual(secret());
  });

  it('leaves apiVersion, kind and metadata in clear text and encrypts every data/stringData value', () => {
    const parsed = parse(text) as Record<string, Record<string, unknown>>;
    expect(parsed.apiVersion).toBe('v1');
    expect(parsed.kind).toBe('Secret');
    expect(parsed.type).toBe('Opaque');
    expect(parsed.metadata).toEqual(secret().metadata);
    const leaves = [...leafStrings(parsed.stringData), ...leafStrings(parsed.data)];
    expect(leaves).toHaveLength(12);
    for (const leaf of leaves) {
      if (leaf === '') continue;
      expect(leaf).toMatch(
        /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]+,iv:[A-Za-z0-9+/=]{44},tag:[A-Za-z0-9+/=]{24},type:(str|int|float|bool)\]$/,
      );
    }
    expect((parsed.stringData as Record<string, unknown>).empty).toBe('');
  });

  it('records the value types sops restores', () => {
    const config = (parse(text) as { stringData: { config: Record<string, string> } }).stringData.config;
    expect(config.port).toMatch(/,type:int\]$/);
    expect(config.tls).toMatch(/,type:bool\]$/);
    expect(config.ratio).toMatch(/,type:float\]$/);
    expect((config.nested as unknown as Record<string, string>).deep).toMatch(/,type:str\]$/);
  });

  it('writes the sops block in the order and shape sops uses', () => {
    const block = text.slice(text.indexOf('\nsops:\n') + 1);
    expect(block.split('\n').filter((line) => /^ {4}\S/.test(line))).toEqual([
      '    age:',
      '    lastmodified: "2026-07-01T10:00:00Z"',
      expect.stringMatching(/^ {4}mac: ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:str\]$/),
      `    encrypted_regex: ${DEFAULT_ENCRYPTED_REGEX}`,
      `    version: ${SOPS_VERSION_WRITTEN}`,
    ]);
    expect(block).toMatch(
      /^sops:\n {4}age:\n {8}- recipient: age1[a-z0-9]{58}\n {10}enc: \|\n {14}-----BEGIN AGE ENCRYPTED FILE-----\n/,
    );
    const sops = (parse(text) as { sops: { age: { enc: string }[] } }).sops;
    expect(sops.age[0]?.enc).toMatch(
      /^-----BEGIN AGE ENCRYPTED FILE-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END AGE ENCRYPTED FILE-----\n$/,
    );
    expect(text.endsWith('\n')).toBe(true);
    expect(text.startsWith('apiVersion: v1\nkind: Secret\n')).toBe(true);
  });

  it('quotes strings YAML 1.1 would misread, so Go and Helm read the same strings back', () => {
    expect(text).toContain('enabled: "yes"');
    expect(text).toContain('mode: "0755"');
    expect(text).toContain('"n": "n"');
    const as11 = parse(text, { version: '1.1' }) as { metadata: unknown };
    expect(as11.metadata).toEqual(secret().metadata);
  });

  it('quotes <<, which yaml.v3 would take for a merge key', async () => {
    const doc = { metadata: { labels: { '<<': 'x', '=': 'y' } }, stringData: { k: 'v' } };
    const out = await encryptDocument(doc, { recipients: [alice.recipient], now: NOW });
    expect(out).toContain('        "<<": x\n        "=": "y"\n');
    expect(await decryptDocument(out, [alice.identity])).toEqual(doc);
  });

  it('gives every recipient its own data-key entry, each enough on its own', async () => {
    const both = await encryptDocument(secret(), { recipients: [alice.recipient, bob.recipient], now: NOW });
    const age = (parse(both) as { sops: { age: { recipient: string }[] } }).sops.age;
    expect(age.map((entry) => entry.recipient)).toEqual([alice.recipient, bob.recipient]);
    expect(await decryptDocument(both, [alice.identity])).toEqual(secret());
    expect(await decryptDocument(both, [bob.identity])).toEqual(secret());
    expect(await decryptSops(both, { secretKey: bob.identity, fileType: 'yaml' })).toEqual(secret());
  });

  it('honours a custom encryptedRegex and records it', async () => {
    const custom = await encryptDocument(
      { kind: 'Config', password: 'x', user: 'admin' },
      { recipients: [alice.recipient], now: NOW, encryptedRegex: '^password$' },
    );
    const parsed = parse(custom) as Record<string, string> & { sops: Record<string, string> };
    expect(parsed.user).toBe('admin');
    expect(parsed.password).toMatch(/^ENC\[/);
    expect(parsed.sops.encrypted_regex).toBe('^password$');
    expect(await decryptDocument(custom, [alice.identity])).toEqual({ kind: 'Config', password: 'x', user: 'admin' });
  });

  it('uses a fresh data key and fresh IVs every time', async () => {
    const again = await encryptDocument(secret(), { recipients: [alice.recipient], now: NOW });
    const first = parse(text) as { stringData: { password: string } };
    const second = parse(again) as { stringData: { password: string } };
    expect(first.stringData.password).not.toBe(second.stringData.password);
  });

  it('does not modify its input', async () => {
    const input = deepFreeze(secret());
    await encryptDocument(input, { recipients: [alice.recipient], now: NOW });
    expect(input).toEqual(secret());
  });

  it('keeps null and empty collections as they are, unencrypted', async () => {
    const doc = { stringData: { gone: null, none: {}, nothing: [] }, metadata: { name: 'x' } };
    const out = await encryptDocument(doc, { recipients: [alice.recipient], now: NOW });
    expect((parse(out) as { stringData: unknown }).stringData).toEqual({ gone: null, none: {}, nothing: [] });
    expect(await decryptDocument(out, [alice.identity])).toEqual(doc);
  });

  it('keeps int64 integers beyond 2^53 exact as bigint, and makes larger ones floats as Go does', async () => {
    const doc = {
      stringData: { big: 9223372036854775807n, huge: 12345678901234567890n },
      metadata: { size: 9007199254740993n },
    };
    const out = await encryptDocument(doc, { recipients: [alice.recipient], now: NOW });
    expect(out).toContain('size: 9007199254740993\n');
    expect((parse(out) as { stringData: Record<string, string> }).stringData.huge).toMatch(/,type:float\]$/);
    expect(await decryptDocument(out, [alice.identity])).toEqual({
      ...doc,
      stringData: { big: 9223372036854775807n, huge: 12345678901234567000 },
    });
  });

  it.each([
    ['no recipient', { recipients: [], now: NOW }, 'E_SOPS_BAD_INPUT'],
    ['an identity as recipient', { recipients: ['AGE-SECRET-KEY-1XYZ'], now: NOW }, 'E_SOPS_BAD_KEY'],
    ['an upper-case recipient', { recipients: ['AGE1QQQ'], now: NOW }, 'E_SOPS_BAD_KEY'],
    ['an invalid Date', { recipients: ['@alice'], now: new Date('nope') }, 'E_SOPS_BAD_INPUT'],
    ['an invalid regex', { recipients: ['@alice'], now: NOW, encryptedRegex: '(' }, 'E_SOPS_BAD_INPUT'],
  ])('rejects %s', async (_what, options, code) => {
    const recipients = options.recipients.map((r) => (r === '@alice' ? alice.recipient : r));
    const error = await encryptDocument(secret(), { ...options, recipients }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SopsError);
    expect((error as SopsError).code).toBe(code);
  });

  it('never echoes a private key passed as a recipient', async () => {
    const error = (await encryptDocument(secret(), { recipients: [alice.identity], now: NOW }).catch(
      (e) => e,
    )) as SopsError;
    expect(error.code).toBe('E_SOPS_BAD_KEY');
    expect(error.message).not.toContain(alice.identity);
  });

  it('rejects a recipient listed twice', async () => {
    const error = await encryptDocument(secret(), { recipients: [alice.recipient, alice.recipient], now: NOW }).catch(
      (e: unknown) => e,
    );
    expect((error as SopsError).code).toBe('E_SOPS_BAD_INPUT');
  });

  it('rejects a document that already has a top-level sops key', async () => {
    const error = await encryptDocument({ ...secret(), sops: {} }, { recipients: [alice.recipient], now: NOW }).catch(
      (e: unknown) => e,
    );
    expect((error as SopsError).code).toBe('E_SOPS_ALREADY_ENCRYPTED');
  });

  it.each([
    ['a Date', { stringData: { when: new Date(0) } }, 'stringData.when is an object of class Date'],
    ['a function', { stringData: { f: () => 1 } }, 'stringData.f is a function'],
    ['undefined in a list', { stringData: { l: ['a', undefined] } }, 'stringData.l[1] is undefined'],
    ['a lone surrogate', { stringData: { s: '\ud800' } }, 'stringData.s holds a lone UTF-16 surrogate'],
  ])('rejects %s with the path in the message', async (_what, doc, message) => {
    const error = (await encryptDocument(doc, { recipients: [alice.recipient], now: NOW }).catch(
      (e) => e,
    )) as SopsError;
    expect(error.code).toBe('E_SOPS_BAD_INPUT');
    expect(error.message).toContain(message);
  });
});

function leafStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(leafStrings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(leafStrings);
  return [String(value)];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
