/**
 * The rules of the bootstrap secret inventory and the age recipients, through validateDefinitions on an
 * example-like platform: for each rule the inventory that passes, and one broken in exactly one way,
 * reported with its code, field path and a message naming the secret.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { BootstrapSecret, PlatformDefinition } from './generated/platform.js';
import type { Issue } from './issues.js';
import type { LoadedDefinitions } from './load-definitions.js';
import { TEST_BOOTSTRAP_SECRETS, TEST_PLATFORM, TEST_SOPS, TEST_VAULT } from './testing.js';
import { validateDefinitions } from './validate.js';

const PLATFORM_FILE = 'platform/platform.ts';
const OTHER_RECIPIENT = 'age1cpaelldkrvahhu255m2psfjfxzuv6w28puuy47ccpzvtkua005zsxtx5hq';

type Secrets = BootstrapSecret[];

function platformData(overrides: Partial<PlatformDefinition> = {}): PlatformDefinition {
  return structuredClone({ ...TEST_PLATFORM, ...overrides });
}

function validate(platform: PlatformDefinition): readonly Issue[] {
  const loaded: LoadedDefinitions = {
    platform: { kind: 'platform', file: PLATFORM_FILE, data: platform },
    namespaces: [],
    issues: [],
  };
  return validateDefinitions(loaded).issues;
}

/** The inventory of TEST_BOOTSTRAP_SECRETS, changed by `change` (a deep copy: the fixture stays as it is). */
function withInventory(change: (secrets: Secrets) => Secrets): PlatformDefinition {
  return platformData({ bootstrapSecrets: change(structuredClone([...TEST_BOOTSTRAP_SECRETS])) });
}

/** `change` applied to the one entry named `name`. */
function withSecret(name: string, change: (secret: BootstrapSecret) => BootstrapSecret): PlatformDefinition {
  return withInventory((secrets) => {
    expect(secrets.map((s) => s.name)).toContain(name);
    return secrets.map((s) => (s.name === name ? change(s) : s));
  });
}

function indexOf(name: string): number {
  const index = TEST_BOOTSTRAP_SECRETS.findIndex((s) => s.name === name);
  expect(index, name).toBeGreaterThanOrEqual(0);
  return index;
}

function entry(overrides: Partial<BootstrapSecret> & Pick<BootstrapSecret, 'name'>): BootstrapSecret {
  return {
    namespace: 'keycloak',
    keys: ['value'],
    phase: 4,
    consumer: 'tests',
    suppliedBy: 'tests',
    handover: { to: 'none', reason: 'tests' },
    ...overrides,
  };
}

const codes = (issues: readonly Issue[]) => issues.map((i) => [i.code, i.path]);

describe('the inventory of a platform', () => {
  it('passes with exactly the secrets the components read (TEST_BOOTSTRAP_SECRETS, https Vault, KMS seal)', () => {
    expect(validate(platformData())).toEqual([]);
    expect(TEST_BOOTSTRAP_SECRETS.map((s) => s.name)).toEqual([
      'keycloak-admin',
      'keycloak-db',
      'grafana-admin',
      'grafana-oidc',
      'backstage-oidc',
      'vault-oidc',
      'vault-tls',
    ]);
  });

  it('passes with extra secrets no component reads (e.g. the repository credentials)', () => {
    const repo = entry({
      name: 'argocd-repo',
      namespace: 'argocd',
      keys: ['url', 'password'],
      phase: 1,
      labels: { 'argocd.argoproj.io/secret-type': 'repository' },
    });
    expect(validate(withInventory((s) => [...s, repo]))).toEqual([]);
  });
});

describe('E_BOOTSTRAP_SECRET_UNDECLARED', () => {
  it('names the Secret, its reader and phase, and the hint gives an entry to paste', () => {
    const issues = validate(withInventory((s) => s.filter((x) => x.name !== 'keycloak-admin')));
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_SECRET_UNDECLARED',
        file: PLATFORM_FILE,
        path: 'bootstrapSecrets',
        message:
          'Secret keycloak/keycloak-admin, read by keycloak (bootstrap admin), keycloak-config in phase 4, is not in the bootstrap secret inventory',
        hint: "add { name: 'keycloak-admin', namespace: 'keycloak', keys: ['username', 'password'], phase: 4, consumer: '...', suppliedBy: '...', handover: { to: 'vault', path: 'platform/keycloak/keycloak-admin' } } and seal it with platform-gen seal keycloak-admin",
      },
    ]);
  });

  it.each(TEST_BOOTSTRAP_SECRETS.map((s) => s.name))(
    'the hinted entry for %s, pasted into the inventory, makes the platform valid',
    (name) => {
      const without = withInventory((s) => s.filter((x) => x.name !== name));
      const [undeclared, ...rest] = validate(without);
      expect(rest).toEqual([]);
      expect(undeclared?.code).toBe('E_BOOTSTRAP_SECRET_UNDECLARED');
      expect(undeclared?.message).toContain(`/${name},`);
      const literal = /^add (\{.*\}) and seal it with platform-gen seal (\S+)$/.exec(undeclared?.hint ?? '');
      expect(literal?.[2]).toBe(name);
      // A TypeScript object literal of plain strings and numbers is a YAML flow mapping, too.
      const pasted = parse(literal?.[1] ?? '') as BootstrapSecret;
      expect(pasted.name).toBe(name);
      expect(validate({ ...without, bootstrapSecrets: [...without.bootstrapSecrets, pasted] })).toEqual([]);
    },
  );

  it('reports every missing secret, one issue each', () => {
    const issues = validate(platformData({ bootstrapSecrets: [] }));
    expect(issues.map((i) => i.code)).toEqual(
      Array(TEST_BOOTSTRAP_SECRETS.length).fill('E_BOOTSTRAP_SECRET_UNDECLARED'),
    );
    expect(issues.map((i) => /^Secret (\S+),/.exec(i.message)?.[1])).toEqual(
      TEST_BOOTSTRAP_SECRETS.map((s) => `${s.namespace}/${s.name}`),
    );
  });

  it('a secret read before ESO serves anything is hinted to stay in Git, Vault’s OIDC secret to go to platform/oidc/vault', () => {
    const hint = (name: string) => validate(withInventory((s) => s.filter((x) => x.name !== name)))[0]?.hint ?? '';
    expect(hint('vault-tls')).toContain(
      "phase: 3, consumer: '...', suppliedBy: '...', handover: { to: 'none', reason: '...' }",
    );
    expect(hint('vault-oidc')).toContain(
      "phase: 3, consumer: '...', suppliedBy: '...', handover: { to: 'vault', path: 'platform/oidc/vault' }",
    );
  });
});

describe('which secrets are required depends on the settings', () => {
  const withoutTls = (vault: PlatformDefinition['vault']) => ({
    ...withInventory((s) => s.filter((x) => x.name !== 'vault-tls')),
    vault,
  });

  it('an https:// Vault (or the default server) requires vault-tls', () => {
    for (const vault of [TEST_VAULT, { ...TEST_VAULT, server: 'https://vault.example.com:8200' }]) {
      expect(validate(withoutTls(vault)).map((i) => i.message)).toEqual([
        'Secret vault/vault-tls, read by vault (listener and raft peers) in phase 3, is not in the bootstrap secret inventory',
      ]);
    }
  });

  it('an http:// Vault does not require vault-tls', () => {
    expect(validate(withoutTls({ ...TEST_VAULT, server: 'http://vault.vault.svc:8200' }))).toEqual([]);
  });

  it('the transit seal requires vault-seal-transit, which then passes when declared', () => {
    const transit: PlatformDefinition['vault'] = {
      ...TEST_VAULT,
      seal: { type: 'transit', address: 'https://unseal.example.com:8200', mountPath: 'transit/', keyName: 'k' },
    };
    const platform = { ...platformData(), vault: transit };
    expect(validate(platform)).toEqual([
      expect.objectContaining({
        code: 'E_BOOTSTRAP_SECRET_UNDECLARED',
        path: 'bootstrapSecrets',
        message:
          'Secret vault/vault-seal-transit, read by vault (transit auto-unseal) in phase 3, is not in the bootstrap secret inventory',
      }),
    ]);
    const token = entry({ name: 'vault-seal-transit', namespace: 'vault', keys: ['token'], phase: 3 });
    expect(validate({ ...platform, bootstrapSecrets: [...platform.bootstrapSecrets, token] })).toEqual([]);
    // The KMS seals need no token.
    expect(validate(platformData())).toEqual([]);
  });
});

describe('E_BOOTSTRAP_SECRET_NAMESPACE', () => {
  it('fails a required secret declared in another namespace than its reader’s', () => {
    const i = indexOf('keycloak-admin');
    expect(validate(withSecret('keycloak-admin', (s) => ({ ...s, namespace: 'grafana' })))).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_SECRET_NAMESPACE',
        file: PLATFORM_FILE,
        path: `bootstrapSecrets[${i}].namespace`,
        message:
          'bootstrap secret "keycloak-admin" is read by keycloak (bootstrap admin), keycloak-config in namespace "keycloak", not "grafana"',
        hint: "set namespace: 'keycloak'",
      },
    ]);
  });

  it('fails a secret that targets a tenant namespace, listing the platform namespaces', () => {
    const issues = validate(withInventory((s) => [...s, entry({ name: 'team-db', namespace: 'payments-api' })]));
    expect(codes(issues)).toEqual([
      ['E_BOOTSTRAP_SECRET_NAMESPACE', `bootstrapSecrets[${TEST_BOOTSTRAP_SECRETS.length}].namespace`],
    ]);
    expect(issues[0]?.message).toBe(
      'bootstrap secret "team-db" targets namespace "payments-api", which is not a platform namespace',
    );
    expect(issues[0]?.hint).toContain(
      'argocd, backstage, external-secrets, grafana, keycloak, loki, monitoring, vault',
    );
    expect(issues[0]?.hint).toContain('secrets.ts');
  });

  it('passes an extra secret in any platform namespace', () => {
    for (const namespace of ['keycloak', 'monitoring', 'loki', 'external-secrets']) {
      expect(validate(withInventory((s) => [...s, entry({ name: 'extra', namespace })])), namespace).toEqual([]);
    }
  });
});

describe('E_BOOTSTRAP_SECRET_KEYS', () => {
  it('fails a declared secret lacking a key its reader reads, naming the key', () => {
    const i = indexOf('keycloak-admin');
    expect(validate(withSecret('keycloak-admin', (s) => ({ ...s, keys: ['username'] })))).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_SECRET_KEYS',
        file: PLATFORM_FILE,
        path: `bootstrapSecrets[${i}].keys`,
        message:
          'bootstrap secret "keycloak-admin" lacks key "password" that keycloak (bootstrap admin), keycloak-config reads',
        hint: 'list every key the consumer reads: username, password',
      },
    ]);
  });

  it('names every missing key', () => {
    const issues = validate(withSecret('vault-tls', (s) => ({ ...s, keys: ['tls.crt'] })));
    expect(issues.map((i) => i.message)).toEqual([
      'bootstrap secret "vault-tls" lacks keys "tls.key", "ca.crt" that vault (listener and raft peers) reads',
    ]);
  });

  it('passes extra keys the reader does not read', () => {
    expect(validate(withSecret('keycloak-admin', (s) => ({ ...s, keys: [...s.keys, 'email'] })))).toEqual([]);
  });
});

describe('E_BOOTSTRAP_SECRET_PHASE', () => {
  it('fails a secret declared for a later phase than its reader reads it in', () => {
    const i = indexOf('vault-tls');
    expect(validate(withSecret('vault-tls', (s) => ({ ...s, phase: 4 })))).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_SECRET_PHASE',
        file: PLATFORM_FILE,
        path: `bootstrapSecrets[${i}].phase`,
        message:
          'bootstrap secret "vault-tls" is declared for phase 4, but vault (listener and raft peers) reads it in phase 3',
        hint: 'set phase: 3',
      },
    ]);
    // A handed-over secret too: vault-oidc in phase 4 would reach Vault after its configurer reads it.
    expect(codes(validate(withSecret('vault-oidc', (s) => ({ ...s, phase: 4 }))))).toEqual([
      ['E_BOOTSTRAP_SECRET_PHASE', `bootstrapSecrets[${indexOf('vault-oidc')}].phase`],
    ]);
  });

  it('passes a secret declared earlier than its reader needs it', () => {
    expect(validate(withSecret('vault-tls', (s) => ({ ...s, phase: 2 })))).toEqual([]);
  });
});

describe('E_BOOTSTRAP_HANDOVER_ARGOCD', () => {
  it('fails a secret read in argocd but handed over to Vault (Argo CD has no Vault identity)', () => {
    const n = TEST_BOOTSTRAP_SECRETS.length;
    const issues = validate(
      withInventory((s) => [
        ...s,
        entry({ name: 'argocd-extra', namespace: 'argocd', handover: { to: 'vault', path: 'platform/argocd/extra' } }),
      ]),
    );
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_HANDOVER_ARGOCD',
        file: PLATFORM_FILE,
        path: `bootstrapSecrets[${n}].handover`,
        message:
          'bootstrap secret "argocd-extra" is read in namespace argocd but handed over to Vault; ESO would need a Vault identity in Argo CD\'s namespace',
        hint: "Argo CD has no Vault identity (VLT-1): use handover: { to: 'none', reason: '...' }",
      },
    ]);
  });

  it('Argo CD’s repository credentials handed over are both in argocd and too early', () => {
    const i = TEST_BOOTSTRAP_SECRETS.length;
    const repo = entry({
      name: 'argocd-repo',
      namespace: 'argocd',
      keys: ['url', 'password'],
      phase: 1,
      labels: { 'argocd.argoproj.io/secret-type': 'repository' },
      handover: { to: 'vault', path: 'platform/argocd/repo' },
    });
    const issues = validate(withInventory((s) => [...s, repo]));
    expect(codes(issues)).toEqual([
      ['E_BOOTSTRAP_HANDOVER_ARGOCD', `bootstrapSecrets[${i}].handover`],
      ['E_BOOTSTRAP_HANDOVER_TOO_EARLY', `bootstrapSecrets[${i}].handover`],
    ]);
    expect(issues[0]?.message).toContain('"argocd-repo" is read in namespace argocd but handed over to Vault');
  });

  it('passes an argocd secret that stays in Git', () => {
    expect(validate(withInventory((s) => [...s, entry({ name: 'argocd-extra', namespace: 'argocd' })]))).toEqual([]);
  });
});

describe('E_BOOTSTRAP_HANDOVER_TOO_EARLY', () => {
  it.each([1, 2] as const)('fails a secret handed over to Vault but read in phase %i, before Vault exists', (phase) => {
    const n = TEST_BOOTSTRAP_SECRETS.length;
    const issues = validate(
      withInventory((s) => [
        ...s,
        entry({
          name: 'early',
          namespace: 'keycloak',
          phase,
          handover: { to: 'vault', path: 'platform/keycloak/early' },
        }),
      ]),
    );
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_HANDOVER_TOO_EARLY',
        file: PLATFORM_FILE,
        path: `bootstrapSecrets[${n}].handover`,
        message: `bootstrap secret "early" is read in phase ${phase}, before Vault exists; ESO could serve it from Vault only in phase 4`,
        hint: "keep it in Git: handover: { to: 'none', reason: '...' }",
      },
    ]);
  });

  it('fails a phase-3 handover outside the vault namespace (ESO serves it only in phase 4)', () => {
    const n = TEST_BOOTSTRAP_SECRETS.length;
    const issues = validate(
      withInventory((s) => [
        ...s,
        entry({ name: 'mid', namespace: 'grafana', phase: 3, handover: { to: 'vault', path: 'platform/grafana/mid' } }),
      ]),
    );
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_HANDOVER_TOO_EARLY',
        file: PLATFORM_FILE,
        path: `bootstrapSecrets[${n}].phase`,
        message:
          'bootstrap secret "mid" is handed over in phase 3, but its consumer in "grafana" would read it before ESO serves it (phase 4)',
        hint: "only Vault's own configurer reads a handed-over secret in phase 3; use phase: 4, or handover: { to: 'none', ... }",
      },
    ]);
  });

  it('passes a phase-3 handover in the vault namespace (vault-oidc) and phase-4 handovers elsewhere', () => {
    const vaultOidc = TEST_BOOTSTRAP_SECRETS.find((s) => s.name === 'vault-oidc');
    expect(vaultOidc).toMatchObject({ namespace: 'vault', phase: 3, handover: { to: 'vault' } });
    expect(TEST_BOOTSTRAP_SECRETS.filter((s) => s.phase === 4 && s.handover.to === 'vault')).toHaveLength(5);
    expect(validate(platformData())).toEqual([]);
  });
});

describe('E_BOOTSTRAP_HANDOVER_PATH', () => {
  const i = () => indexOf('vault-oidc');
  const expected = () => [
    {
      severity: 'error',
      code: 'E_BOOTSTRAP_HANDOVER_PATH',
      file: PLATFORM_FILE,
      path: `bootstrapSecrets[${i()}].handover`,
      message:
        'bootstrap secret "vault-oidc" is read from Vault at platform/oidc/vault (by vault-configure (human login through Keycloak)), so it must be handed over there',
      hint: "set handover: { to: 'vault', path: 'platform/oidc/vault' }",
    },
  ];

  it('fails vault-oidc handed over to another path', () => {
    expect(
      validate(withSecret('vault-oidc', (s) => ({ ...s, handover: { to: 'vault', path: 'platform/vault/oidc' } }))),
    ).toEqual(expected());
  });

  it('fails vault-oidc kept in Git once, with the one path that fixes it (not also E_BOOTSTRAP_HANDOVER_REQUIRED)', () => {
    const issues = validate(withSecret('vault-oidc', (s) => ({ ...s, handover: { to: 'none', reason: 'no' } })));
    expect(issues).toEqual(expected());
  });
});

describe('E_BOOTSTRAP_HANDOVER_REQUIRED', () => {
  it('fails grafana-oidc kept in Git: keycloak-config-cli reads the client secret from Vault', () => {
    expect(validate(withSecret('grafana-oidc', (s) => ({ ...s, handover: { to: 'none', reason: 'tests' } })))).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_HANDOVER_REQUIRED',
        file: PLATFORM_FILE,
        path: `bootstrapSecrets[${indexOf('grafana-oidc')}].handover`,
        message:
          'bootstrap secret "grafana-oidc" is the secret of the Keycloak client "grafana", which keycloak-config-cli reads from Vault, but it is not handed over to Vault',
        hint: "set handover: { to: 'vault', path: 'platform/grafana/grafana-oidc' }",
      },
    ]);
  });

  it('fails every confidential client’s secret kept in Git, one issue each', () => {
    const kept = withInventory((secrets) =>
      secrets.map((s) =>
        s.name === 'grafana-oidc' || s.name === 'backstage-oidc'
          ? { ...s, handover: { to: 'none' as const, reason: 'tests' } }
          : s,
      ),
    );
    expect(codes(validate(kept))).toEqual([
      ['E_BOOTSTRAP_HANDOVER_REQUIRED', `bootstrapSecrets[${indexOf('grafana-oidc')}].handover`],
      ['E_BOOTSTRAP_HANDOVER_REQUIRED', `bootstrapSecrets[${indexOf('backstage-oidc')}].handover`],
    ]);
  });

  it('the hinted handover, applied, makes the platform valid', () => {
    const [issue] = validate(
      withSecret('backstage-oidc', (s) => ({ ...s, handover: { to: 'none', reason: 'tests' } })),
    );
    expect(issue?.code).toBe('E_BOOTSTRAP_HANDOVER_REQUIRED');
    const literal = /^set handover: (\{.*\})$/.exec(issue?.hint ?? '');
    const handover = parse(literal?.[1] ?? '') as BootstrapSecret['handover'];
    expect(handover).toEqual({ to: 'vault', path: 'platform/backstage/backstage-oidc' });
    expect(validate(withSecret('backstage-oidc', (s) => ({ ...s, handover })))).toEqual([]);
  });

  it('passes the client secrets handed over to any path, and a non-client secret kept in Git', () => {
    expect(
      validate(withSecret('grafana-oidc', (s) => ({ ...s, handover: { to: 'vault', path: 'platform/elsewhere/x' } }))),
    ).toEqual([]);
    expect(
      validate(withSecret('grafana-admin', (s) => ({ ...s, handover: { to: 'none', reason: 'break-glass' } }))),
    ).toEqual([]);
  });

  it('reports an undeclared client secret once, as undeclared', () => {
    expect(codes(validate(withInventory((s) => s.filter((x) => x.name !== 'grafana-oidc'))))).toEqual([
      ['E_BOOTSTRAP_SECRET_UNDECLARED', 'bootstrapSecrets'],
    ]);
  });
});

describe('E_BOOTSTRAP_VAULT_PATH_DUPLICATE', () => {
  it('fails two secrets handed over to the same Vault path, naming the other secret', () => {
    const issues = validate(
      withSecret('grafana-oidc', (s) => ({ ...s, handover: { to: 'vault', path: 'platform/grafana/grafana-admin' } })),
    );
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_VAULT_PATH_DUPLICATE',
        file: PLATFORM_FILE,
        path: `bootstrapSecrets[${indexOf('grafana-oidc')}].handover.path`,
        message:
          'Vault path "platform/grafana/grafana-admin" is the handover target of bootstrap secret "grafana-admin" too',
        hint: 'give each handed-over secret its own path under platform/',
      },
    ]);
  });

  it('passes distinct paths, however similar', () => {
    expect(
      validate(
        withSecret('grafana-oidc', (s) => ({
          ...s,
          handover: { to: 'vault', path: 'platform/grafana/grafana-admin2' },
        })),
      ),
    ).toEqual([]);
  });
});

describe('E_BOOTSTRAP_SECRET_DUPLICATE', () => {
  it('fails a secret declared twice, pointing at the second entry and naming the first', () => {
    const n = TEST_BOOTSTRAP_SECRETS.length;
    const copy = entry({ name: 'keycloak-db', keys: ['password'] });
    expect(validate(withInventory((s) => [...s, copy]))).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_SECRET_DUPLICATE',
        file: PLATFORM_FILE,
        path: `bootstrapSecrets[${n}].name`,
        message: `bootstrap secret "keycloak-db" is declared twice (also bootstrapSecrets[${indexOf('keycloak-db')}])`,
        hint: 'each secret has one entry (its sealed file is named after it)',
      },
    ]);
  });
});

describe('E_BOOTSTRAP_SECRET_NAME_RESERVED', () => {
  it('fails a name starting with bootstrap-, the prefix of the handover seeds', () => {
    const n = TEST_BOOTSTRAP_SECRETS.length;
    expect(validate(withInventory((s) => [...s, entry({ name: 'bootstrap-keycloak' })]))).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_SECRET_NAME_RESERVED',
        file: PLATFORM_FILE,
        path: `bootstrapSecrets[${n}].name`,
        message: 'bootstrap secret "bootstrap-keycloak" starts with "bootstrap-", the prefix of handover seeds',
        hint: 'name it after what its consumer reads, without "bootstrap-"',
      },
    ]);
  });

  it('passes a name that merely contains bootstrap', () => {
    expect(validate(withInventory((s) => [...s, entry({ name: 'keycloak-bootstrap-x' })]))).toEqual([]);
  });
});

describe('E_SOPS_RECIPIENT_DUPLICATE', () => {
  const first = TEST_SOPS.recipients[0];

  it('fails the same age key listed twice', () => {
    if (first === undefined) throw new Error('TEST_SOPS has no recipient');
    const sops = { recipients: [first, { ...first, name: 'again' }] } as PlatformDefinition['sops'];
    expect(validate(platformData({ sops }))).toEqual([
      {
        severity: 'error',
        code: 'E_SOPS_RECIPIENT_DUPLICATE',
        file: PLATFORM_FILE,
        path: 'sops.recipients[1].recipient',
        message: `recipient ${first.recipient} is listed twice (also sops.recipients[0])`,
        hint: 'list each age key once',
      },
    ]);
  });

  it('fails two recipients with one name', () => {
    if (first === undefined) throw new Error('TEST_SOPS has no recipient');
    const sops = { recipients: [first, { ...first, recipient: OTHER_RECIPIENT }] } as PlatformDefinition['sops'];
    expect(validate(platformData({ sops }))).toEqual([
      {
        severity: 'error',
        code: 'E_SOPS_RECIPIENT_DUPLICATE',
        file: PLATFORM_FILE,
        path: 'sops.recipients[1].name',
        message: `recipient name "${first.name}" is used twice (also sops.recipients[0])`,
        hint: 'give every recipient its own name',
      },
    ]);
  });

  it('passes two distinct recipients', () => {
    if (first === undefined) throw new Error('TEST_SOPS has no recipient');
    const sops = {
      recipients: [first, { name: 'cluster', recipient: OTHER_RECIPIENT, holder: 'tests' }],
    } as PlatformDefinition['sops'];
    expect(validate(platformData({ sops }))).toEqual([]);
  });
});
