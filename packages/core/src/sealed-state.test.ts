/**
 * What a sealed file says about itself, without a key: SOPS-shaped objects built by hand (ENC[...] strings
 * of the right shape, no real encryption), each sealed correctly or stale in exactly one way.
 */
import { describe, expect, it } from 'vitest';
import type { BootstrapSecret } from './generated/platform.js';
import { ENC_VALUE, plaintextValues, sealedStatus } from './sealed-state.js';
import { TEST_DIRECT_SECRET, TEST_RECIPIENTS, TEST_SEED_SECRET, testEncValue } from './testing.js';

const { alice: ALICE, bob: BOB } = TEST_RECIPIENTS;
const enc = testEncValue;
const DIRECT = TEST_DIRECT_SECRET;
const SEED = TEST_SEED_SECRET;

type Doc = Record<string, unknown>;

function sopsBlock(recipients: readonly string[] = [ALICE]): Doc {
  return {
    age: recipients.map((recipient) => ({
      recipient,
      enc: '-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n',
    })),
    lastmodified: '2025-01-02T03:04:05Z',
    mac: enc('MAC'),
    encrypted_regex: '^(data|stringData)$',
    version: '3.13.2',
  };
}

/** A sealed file of `secret` as platform-gen seal writes it: metadata in clear, every value ENC[...]. */
function sealedFile(secret: BootstrapSecret, overrides: Doc = {}): Doc {
  const seed = secret.handover.to === 'vault';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: seed ? `bootstrap-${secret.name}` : secret.name,
      namespace: seed ? 'vault' : secret.namespace,
      labels: { 'platform-gen.io/bootstrap-secret': secret.name },
    },
    type: 'Opaque',
    stringData: Object.fromEntries(secret.keys.map((key) => [key, enc(`value of ${key}`)])),
    sops: sopsBlock(),
    ...overrides,
  };
}

function problemsOf(object: Doc | undefined, secret: BootstrapSecret, recipients: readonly string[] = [ALICE]) {
  const status = sealedStatus(object, secret, recipients);
  return { state: status.state, problems: status.problems };
}

describe('ENC_VALUE', () => {
  it('matches what SOPS writes, for every plaintext type and for an encrypted empty string', () => {
    expect(ENC_VALUE.test(enc('x'))).toBe(true);
    expect(ENC_VALUE.test(enc('42', 'int'))).toBe(true);
    expect(ENC_VALUE.test('ENC[AES256_GCM,data:,iv:aXY=,tag:dGFn,type:str]')).toBe(true);
  });

  it('does not match a plaintext, a truncated or a decorated value', () => {
    for (const value of [
      'hunter2',
      '',
      'ENC[AES256_GCM,data:eA==,tag:dGFn,type:str]',
      'ENC[AES256_GCM,data:eA==,iv:aXY=,type:str]',
      `${enc('x')} trailing`,
      `prefix ${enc('x')}`,
      'ENC[AES128_GCM,data:eA==,iv:aXY=,tag:dGFn,type:str]',
    ]) {
      expect(ENC_VALUE.test(value), value).toBe(false);
    }
  });
});

describe('plaintextValues', () => {
  it('lists the keys of data and stringData whose values are not encrypted, an empty value included', () => {
    expect(
      plaintextValues({
        data: { a: enc('a'), b: 'YmJi', c: '' },
        stringData: { d: enc('d'), e: 'plain', f: 7 },
        other: { g: 'not a value section' },
      }),
    ).toEqual(['data.b', 'data.c', 'stringData.e', 'stringData.f']);
  });

  it('finds nothing in a fully encrypted Secret or one without values', () => {
    expect(plaintextValues(sealedFile(SEED))).toEqual([]);
    expect(plaintextValues({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).toEqual([]);
  });
});

describe('sealedStatus', () => {
  it('sealed: a seed Secret in vault for a handed-over secret, encrypted for exactly the recipients', () => {
    expect(sealedStatus(sealedFile(SEED), SEED, [ALICE])).toEqual({
      state: 'sealed',
      problems: [],
      recipients: [ALICE],
      lastModified: '2025-01-02T03:04:05Z',
    });
  });

  it('sealed: the consumer’s own Secret for a secret kept in Git; values under data count as well', () => {
    expect(problemsOf(sealedFile(DIRECT), DIRECT)).toEqual({ state: 'sealed', problems: [] });
    const { stringData: _, ...rest } = sealedFile(DIRECT);
    expect(problemsOf({ ...rest, data: { clientSecret: enc('c2VjcmV0') } }, DIRECT)).toEqual({
      state: 'sealed',
      problems: [],
    });
  });

  it('sealed: recipients in another order are the same recipients', () => {
    const file = sealedFile(SEED, { sops: sopsBlock([BOB, ALICE]) });
    expect(problemsOf(file, SEED, [ALICE, BOB])).toEqual({ state: 'sealed', problems: [] });
  });

  it('missing: no file', () => {
    expect(sealedStatus(undefined, SEED, [ALICE])).toEqual({
      state: 'missing',
      problems: [],
      recipients: [],
      lastModified: undefined,
    });
  });

  it('stale: a recipient the file is not encrypted for', () => {
    expect(problemsOf(sealedFile(SEED), SEED, [ALICE, BOB])).toEqual({
      state: 'stale',
      problems: [`not encrypted for ${BOB}`],
    });
  });

  it('stale: still encrypted for a key that is no longer a recipient (and says which recipients it has)', () => {
    const file = sealedFile(SEED, { sops: sopsBlock([ALICE, BOB]) });
    expect(problemsOf(file, SEED, [ALICE])).toEqual({
      state: 'stale',
      problems: [`still encrypted for ${BOB}, no longer a recipient`],
    });
    expect(sealedStatus(file, SEED, [ALICE]).recipients).toEqual([ALICE, BOB]);
  });

  it('stale: both at once after a key rotation', () => {
    expect(problemsOf(sealedFile(SEED), SEED, [BOB]).problems).toEqual([
      `not encrypted for ${BOB}`,
      `still encrypted for ${ALICE}, no longer a recipient`,
    ]);
  });

  it('stale: a plaintext value, naming its key', () => {
    const file = sealedFile(SEED, { stringData: { username: enc('admin'), password: 'hunter2' } });
    expect(problemsOf(file, SEED)).toEqual({ state: 'stale', problems: ['stringData.password not encrypted'] });
  });

  it('stale: an empty value (nothing was sealed)', () => {
    const file = sealedFile(DIRECT, { stringData: { clientSecret: '' } });
    expect(problemsOf(file, DIRECT)).toEqual({ state: 'stale', problems: ['stringData.clientSecret not encrypted'] });
  });

  it('stale: a seed sealed under the consumer’s name and namespace', () => {
    const file = sealedFile(SEED, { metadata: { name: 'keycloak-admin', namespace: 'keycloak' } });
    expect(problemsOf(file, SEED)).toEqual({
      state: 'stale',
      problems: ['it holds Secret keycloak/keycloak-admin, the inventory expects vault/bootstrap-keycloak-admin'],
    });
  });

  it('stale: a direct secret sealed as a seed (in vault, named bootstrap-<name>)', () => {
    const file = sealedFile(DIRECT, { metadata: { name: 'bootstrap-argocd-oidc', namespace: 'vault' } });
    expect(problemsOf(file, DIRECT)).toEqual({
      state: 'stale',
      problems: ['it holds Secret vault/bootstrap-argocd-oidc, the inventory expects argocd/argocd-oidc'],
    });
  });

  it('stale: the right name in the wrong namespace, or no metadata at all', () => {
    expect(
      problemsOf(sealedFile(DIRECT, { metadata: { name: 'argocd-oidc', namespace: 'default' } }), DIRECT).problems,
    ).toEqual(['it holds Secret default/argocd-oidc, the inventory expects argocd/argocd-oidc']);
    expect(problemsOf(sealedFile(DIRECT, { metadata: undefined }), DIRECT).problems).toEqual([
      'it holds Secret undefined/undefined, the inventory expects argocd/argocd-oidc',
    ]);
  });

  it('stale: a key that is not declared', () => {
    const file = sealedFile(DIRECT, { stringData: { clientSecret: enc('a'), extra: enc('b') } });
    expect(problemsOf(file, DIRECT)).toEqual({ state: 'stale', problems: ['key extra not declared'] });
  });

  it('stale: a declared key that is missing, and several named at once', () => {
    expect(problemsOf(sealedFile(SEED, { stringData: { username: enc('a') } }), SEED)).toEqual({
      state: 'stale',
      problems: ['key password missing'],
    });
    expect(problemsOf(sealedFile(SEED, { stringData: {} }), SEED).problems).toEqual([
      'keys username, password missing',
    ]);
  });

  it('stale: a key under both data and stringData', () => {
    const file = sealedFile(DIRECT, { data: { clientSecret: enc('a') } });
    expect(problemsOf(file, DIRECT)).toEqual({ state: 'stale', problems: ['keys repeat'] });
  });

  it('stale: no sops block (a plaintext manifest), with its values reported too', () => {
    const { sops: _, ...plain } = sealedFile(DIRECT, { stringData: { clientSecret: 'hunter2' } });
    expect(sealedStatus(plain, DIRECT, [ALICE])).toEqual({
      state: 'stale',
      problems: [
        'it is not a SOPS file (no sops metadata): seal it with platform-gen seal',
        'stringData.clientSecret not encrypted',
      ],
      recipients: [],
      lastModified: undefined,
    });
  });

  it('stale: another encrypted_regex (names or labels encrypted, or values left out)', () => {
    for (const regex of ['^data$', '^(data|stringData|metadata)$', undefined]) {
      const file = sealedFile(DIRECT, { sops: { ...sopsBlock(), encrypted_regex: regex } });
      expect(problemsOf(file, DIRECT).problems, String(regex)).toEqual([
        `sops.encrypted_regex is ${JSON.stringify(regex)}, not "^(data|stringData)$"`,
      ]);
    }
  });

  it('stale: no mac, or a mac in clear', () => {
    const { mac: _, ...withoutMac } = sopsBlock();
    expect(problemsOf(sealedFile(DIRECT, { sops: withoutMac }), DIRECT)).toEqual({
      state: 'stale',
      problems: ['sops.mac is missing or not encrypted'],
    });
    expect(problemsOf(sealedFile(DIRECT, { sops: { ...sopsBlock(), mac: 'ABCDEF' } }), DIRECT).problems).toEqual([
      'sops.mac is missing or not encrypted',
    ]);
  });

  it('stale: not a v1 Secret', () => {
    expect(problemsOf(sealedFile(DIRECT, { kind: 'ConfigMap' }), DIRECT).problems).toEqual([
      'it does not hold a v1 Secret',
    ]);
    expect(problemsOf(sealedFile(DIRECT, { apiVersion: 'v2' }), DIRECT).problems).toEqual([
      'it does not hold a v1 Secret',
    ]);
  });

  it('does not change the object it reads', () => {
    const file = sealedFile(SEED, { stringData: { username: 'plain' } });
    const copy = structuredClone(file);
    sealedStatus(file, SEED, [ALICE, BOB]);
    expect(file).toEqual(copy);
  });
});
