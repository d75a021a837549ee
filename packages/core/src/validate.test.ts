import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Issue, issue } from './issues.js';
import type { LoadedDefinitions, LoadedNamespaceFolder } from './load-definitions.js';
import { TEST_PLATFORM } from './testing.js';
import { validateDefinitions } from './validate.js';

const PLATFORM_FILE = 'platform/platform.ts';

function platformData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...TEST_PLATFORM,
    teams: [
      { name: 'payments', group: 'team-payments' },
      { name: 'storefront', group: 'team-storefront' },
    ],
    ...overrides,
  };
}

interface FolderSpec {
  readonly name?: string;
  readonly team?: string;
  readonly prefixes?: readonly string[];
  readonly extra?: Record<string, unknown>;
  /** Secrets requested as `[name, key]`; no secrets file when left out. */
  readonly secrets?: readonly (readonly [string, string])[];
}

/** A namespace folder as the loader returns it. */
function folder(name: string, spec: FolderSpec = {}): LoadedNamespaceFolder {
  const dir = `namespaces/${name}`;
  return {
    folder: name,
    dir,
    namespace: {
      kind: 'namespace',
      file: `${dir}/namespace.ts`,
      data: {
        name: spec.name ?? name,
        team: spec.team ?? 'payments',
        vault: { approvedPrefixes: [...(spec.prefixes ?? [name.replace('-', '/')])] },
        ...spec.extra,
      },
    },
    secrets:
      spec.secrets === undefined
        ? undefined
        : {
            kind: 'secrets',
            file: `${dir}/secrets.ts`,
            data: { secrets: spec.secrets.map(([secret, key]) => ({ name: secret, key })) },
          },
  };
}

function loaded(
  namespaces: readonly LoadedNamespaceFolder[],
  platform: Record<string, unknown> | undefined = platformData(),
  issues: readonly Issue[] = [],
): LoadedDefinitions {
  return {
    platform: platform === undefined ? undefined : { kind: 'platform', file: PLATFORM_FILE, data: platform },
    namespaces,
    issues,
  };
}

/** Code, file and path of each issue. */
const where = (issues: readonly Issue[]) => issues.map((i) => ({ code: i.code, file: i.file, path: i.path }));

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('validateDefinitions: valid definitions', () => {
  it('builds the model: namespaces in folder order, secrets default to []', () => {
    const input = loaded([
      folder('payments-api', { secrets: [['db', 'payments/api/db']] }),
      folder('payments-batch', { extra: { podSecurity: 'baseline', description: 'Nightly jobs' } }),
      folder('storefront-web', { team: 'storefront', secrets: [] }),
    ]);
    const result = validateDefinitions(input);
    expect(result.issues).toEqual([]);
    expect(result.model).toEqual({
      platformFile: PLATFORM_FILE,
      platform: platformData(),
      namespaces: [
        {
          name: 'payments-api',
          dir: 'namespaces/payments-api',
          file: 'namespaces/payments-api/namespace.ts',
          definition: { name: 'payments-api', team: 'payments', vault: { approvedPrefixes: ['payments/api'] } },
          secretsFile: 'namespaces/payments-api/secrets.ts',
          secrets: [{ name: 'db', key: 'payments/api/db' }],
        },
        {
          name: 'payments-batch',
          dir: 'namespaces/payments-batch',
          file: 'namespaces/payments-batch/namespace.ts',
          definition: {
            name: 'payments-batch',
            team: 'payments',
            vault: { approvedPrefixes: ['payments/batch'] },
            podSecurity: 'baseline',
            description: 'Nightly jobs',
          },
          secretsFile: undefined,
          secrets: [],
        },
        {
          name: 'storefront-web',
          dir: 'namespaces/storefront-web',
          file: 'namespaces/storefront-web/namespace.ts',
          definition: { name: 'storefront-web', team: 'storefront', vault: { approvedPrefixes: ['storefront/web'] } },
          secretsFile: 'namespaces/storefront-web/secrets.ts',
          secrets: [],
        },
      ],
    });
    expect(result.model?.namespaces.map((n) => n.name)).toEqual(['payments-api', 'payments-batch', 'storefront-web']);
  });

  it('builds a model without namespaces', () => {
    expect(validateDefinitions(loaded([])).model?.namespaces).toEqual([]);
  });

  it('accepts a secret key equal to an approved prefix and keys deep below it', () => {
    const result = validateDefinitions(
      loaded([
        folder('payments-api', {
          secrets: [
            ['a', 'payments/api'],
            ['b', 'payments/api/x/y/z'],
          ],
        }),
      ]),
    );
    expect(result.issues).toEqual([]);
  });

  it('keeps warnings of the loader and still builds the model', () => {
    const warning = issue({ severity: 'warning', code: 'W_X', message: 'm', hint: 'h', file: 'x', path: '' });
    const result = validateDefinitions(loaded([], platformData(), [warning]));
    expect(result.issues).toEqual([warning]);
    expect(result.model).toBeDefined();
  });

  it('does not mutate its (deeply frozen) input', () => {
    const input = deepFreeze(
      loaded([
        folder('payments-api', { secrets: [['db', 'payments/api/db']] }),
        folder('storefront-web', { team: 'storefront' }),
      ]),
    );
    const before = structuredClone(input);
    const result = validateDefinitions(input);
    expect(result.issues).toEqual([]);
    expect(input).toEqual(before);
  });

  it('does not mutate its input when reporting issues', () => {
    const input = deepFreeze(
      loaded([
        folder('kube-x', {
          team: 'nobody',
          prefixes: ['a', 'a/b'],
          secrets: [
            ['s', 'b'],
            ['s', 'a'],
          ],
        }),
      ]),
    );
    const before = structuredClone(input);
    expect(validateDefinitions(input).issues.length).toBeGreaterThan(0);
    expect(input).toEqual(before);
  });
});

describe('validateDefinitions: namespace rules', () => {
  it('E_NS_RESERVED: a reserved name', () => {
    const result = validateDefinitions(loaded([folder('kube-system', { prefixes: [] })]));
    expect(result.model).toBeUndefined();
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'E_NS_RESERVED',
        file: 'namespaces/kube-system/namespace.ts',
        path: 'name',
        message: 'namespace name "kube-system" is reserved: names starting with "kube-" are reserved for the system',
        hint: expect.stringMatching(/^choose another name; reserved are kube-\*, openshift-\*, argocd, /),
      },
    ]);
  });

  it.each(['default', 'vault', 'argocd', 'platform'])('E_NS_RESERVED: %j', (name) => {
    expect(where(validateDefinitions(loaded([folder(name, { prefixes: [] })])).issues)).toEqual([
      { code: 'E_NS_RESERVED', file: `namespaces/${name}/namespace.ts`, path: 'name' },
    ]);
  });

  it('E_NS_FOLDER_MISMATCH: the name differs from the folder', () => {
    const result = validateDefinitions(loaded([folder('payments-api', { name: 'payments-apis' })]));
    expect(result.model).toBeUndefined();
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'E_NS_FOLDER_MISMATCH',
        file: 'namespaces/payments-api/namespace.ts',
        path: 'name',
        message: 'name "payments-apis" does not match its folder namespaces/payments-api/',
        hint: "rename the folder to namespaces/payments-apis/ or set name: 'payments-api'",
      },
    ]);
  });

  it('E_NS_DUPLICATE: two folders define the same name; the later one is reported', () => {
    const result = validateDefinitions(
      loaded([folder('payments-api'), folder('payments-api-copy', { name: 'payments-api', prefixes: ['other'] })]),
    );
    expect(where(result.issues)).toEqual([
      { code: 'E_NS_FOLDER_MISMATCH', file: 'namespaces/payments-api-copy/namespace.ts', path: 'name' },
      { code: 'E_NS_DUPLICATE', file: 'namespaces/payments-api-copy/namespace.ts', path: 'name' },
    ]);
    expect(result.issues[1]?.message).toBe(
      'namespace "payments-api" is also defined in namespaces/payments-api/namespace.ts',
    );
  });

  it('E_NS_TEAM_UNKNOWN: the team is not declared', () => {
    const result = validateDefinitions(loaded([folder('payments-api', { team: 'paymnets' })]));
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'E_NS_TEAM_UNKNOWN',
        file: 'namespaces/payments-api/namespace.ts',
        path: 'team',
        message: 'team "paymnets" is not declared in platform/platform.ts',
        hint: 'use one of payments, storefront, or declare the team in platform/platform.ts (teams[])',
      },
    ]);
  });

  it('skips the team check when the platform definition is invalid, reporting the platform', () => {
    const result = validateDefinitions(
      loaded([folder('payments-api', { team: 'nobody' })], platformData({ teams: [] })),
    );
    expect(where(result.issues)).toEqual([{ code: 'E_LIST_INVALID', file: PLATFORM_FILE, path: 'teams' }]);
  });

  it('E_NS_PREFIX_NESTED: one namespace lists a prefix and one below it (or twice)', () => {
    const result = validateDefinitions(
      loaded([folder('payments-api', { prefixes: ['payments/api', 'payments/api/db', 'other', 'other'] })]),
    );
    expect(result.issues.map((i) => [i.code, i.path, i.message])).toEqual([
      [
        'E_NS_PREFIX_NESTED',
        'vault.approvedPrefixes[1]',
        'approved prefix "payments/api/db" overlaps vault.approvedPrefixes[0] of the same namespace',
      ],
      [
        'E_NS_PREFIX_NESTED',
        'vault.approvedPrefixes[3]',
        'approved prefix "other" overlaps vault.approvedPrefixes[2] of the same namespace',
      ],
    ]);
  });

  it('E_NS_PREFIX_OVERLAP: prefixes of two namespaces overlap', () => {
    const result = validateDefinitions(
      loaded([
        folder('payments-api', { prefixes: ['payments'] }),
        folder('payments-batch', { prefixes: ['x', 'payments/batch'] }),
      ]),
    );
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'E_NS_PREFIX_OVERLAP',
        file: 'namespaces/payments-batch/namespace.ts',
        path: 'vault.approvedPrefixes[1]',
        message:
          'approved prefix "payments/batch" overlaps "payments" of namespace "payments-api" (namespaces/payments-api/namespace.ts)',
        hint: expect.stringMatching(/^give each namespace its own Vault prefixes/),
      },
    ]);
  });

  it('E_NS_PREFIX_OVERLAP: the same issues, in the same order, as comparing every pair (property)', () => {
    const segment = fc.constantFrom('a', 'b', 'ab', 'a-b');
    const prefix = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
    const spaces = fc.array(fc.array(prefix, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(spaces, (lists) => {
        const folders = lists.map((prefixes, n) => folder(`ns-${n}`, { prefixes }));
        const found = validateDefinitions(loaded(folders)).issues.filter((i) => i.code === 'E_NS_PREFIX_OVERLAP');
        // The reference: every prefix against every earlier one of another namespace, the first overlap wins.
        const under = (p: string, q: string) => p === q || p.startsWith(`${q}/`);
        const claimed: { prefix: string; n: number }[] = [];
        const expected: string[] = [];
        lists.forEach((prefixes, n) => {
          prefixes.forEach((p, i) => {
            const clash = claimed.find((c) => c.n !== n && (under(c.prefix, p) || under(p, c.prefix)));
            if (clash !== undefined) expected.push(`ns-${n}[${i}] ${p} ~ ${clash.prefix} of ns-${clash.n}`);
            claimed.push({ prefix: p, n });
          });
        });
        const shown = found.map((i) => {
          const [, n] = /namespaces\/ns-(\d+)\//.exec(i.file) ?? [];
          const [, index] = /\[(\d+)\]$/.exec(i.path) ?? [];
          const [, p, q, m] = /prefix "(.*)" overlaps "(.*)" of namespace "ns-(\d+)"/.exec(i.message) ?? [];
          return `ns-${n}[${index}] ${p} ~ ${q} of ns-${m}`;
        });
        expect(shown).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('does not treat sibling prefixes with a common start as overlapping', () => {
    const result = validateDefinitions(
      loaded([
        folder('payments-api', { prefixes: ['payments/api'] }),
        folder('payments-batch', { prefixes: ['payments/api2'] }),
      ]),
    );
    expect(result.issues).toEqual([]);
  });
});

describe('validateDefinitions: secrets rules', () => {
  it('E_SECRET_DUPLICATE: a secret name is requested twice', () => {
    const result = validateDefinitions(
      loaded([
        folder('payments-api', {
          secrets: [
            ['db', 'payments/api/db'],
            ['psp', 'payments/api/psp'],
            ['db', 'payments/api/db2'],
          ],
        }),
      ]),
    );
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'E_SECRET_DUPLICATE',
        file: 'namespaces/payments-api/secrets.ts',
        path: 'secrets[2].name',
        message: 'secret "db" is requested twice (also secrets[0])',
        hint: 'each Kubernetes Secret is requested once; rename one or merge their properties',
      },
    ]);
  });

  it('E_SECRET_OUTSIDE_PREFIX: a key outside every approved prefix (segment-wise)', () => {
    const result = validateDefinitions(
      loaded([
        folder('payments-api', { prefixes: ['payments/api', 'shared/x'], secrets: [['db', 'payments/api2/db']] }),
      ]),
    );
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'E_SECRET_OUTSIDE_PREFIX',
        file: 'namespaces/payments-api/secrets.ts',
        path: 'secrets[0].key',
        message: 'Vault key "payments/api2/db" is outside the prefixes approved for namespace "payments-api"',
        hint: 'use a key under payments/api/ or shared/x/, or ask a platform admin to approve another prefix in namespaces/payments-api/namespace.ts',
      },
    ]);
  });

  it('E_SECRET_OUTSIDE_PREFIX: no prefix approved yet', () => {
    const result = validateDefinitions(
      loaded([folder('payments-api', { prefixes: [], secrets: [['db', 'payments/api/db']] })]),
    );
    expect(result.issues.map((i) => [i.code, i.hint])).toEqual([
      [
        'E_SECRET_OUTSIDE_PREFIX',
        'no Vault prefix is approved for this namespace yet: ask a platform admin to add one to namespaces/payments-api/namespace.ts (vault.approvedPrefixes)',
      ],
    ]);
  });

  it('does not check keys against an invalid namespace definition, reporting only the definition', () => {
    const input = loaded([folder('payments-api', { prefixes: ['/bad'], secrets: [['db', 'elsewhere/db']] })]);
    expect(where(validateDefinitions(input).issues)).toEqual([
      { code: 'E_VAULT_PATH_INVALID', file: 'namespaces/payments-api/namespace.ts', path: 'vault.approvedPrefixes[0]' },
    ]);
  });

  it('reports schema errors of a secrets file and no semantic rule for it', () => {
    const input = loaded([
      folder('payments-api', {
        secrets: [
          ['Bad Name', 'elsewhere'],
          ['Bad Name', 'x'],
        ],
      }),
    ]);
    expect(where(validateDefinitions(input).issues)).toEqual([
      { code: 'E_SECRET_NAME_INVALID', file: 'namespaces/payments-api/secrets.ts', path: 'secrets[0].name' },
      { code: 'E_SECRET_NAME_INVALID', file: 'namespaces/payments-api/secrets.ts', path: 'secrets[1].name' },
    ]);
  });
});

describe('validateDefinitions: platform rules', () => {
  it('E_TEAM_DUPLICATE: a team is declared twice', () => {
    const teams = [
      { name: 'payments', group: 'team-payments' },
      { name: 'payments', group: 'team-payments-2' },
    ];
    const result = validateDefinitions(loaded([], platformData({ teams })));
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'E_TEAM_DUPLICATE',
        file: PLATFORM_FILE,
        path: 'teams[1].name',
        message: 'team "payments" is declared twice (also teams[0])',
        hint: 'give every team a unique name, or merge the two entries',
      },
    ]);
  });

  it('E_GROUP_DUPLICATE: two teams share a group, or a team uses the admin group', () => {
    const teams = [
      { name: 'payments', group: 'team-x' },
      { name: 'storefront', group: 'team-x' },
      { name: 'ops', group: 'platform-admins' },
    ];
    const result = validateDefinitions(loaded([], platformData({ teams })));
    expect(result.issues.map((i) => [i.code, i.path, i.message])).toEqual([
      ['E_GROUP_DUPLICATE', 'teams[1].group', 'group "team-x" of team "storefront" is already used by teams[0].group'],
      [
        'E_GROUP_DUPLICATE',
        'teams[2].group',
        'group "platform-admins" of team "ops" is already used by identity.adminGroup',
      ],
    ]);
  });

  it('E_GROUP_DUPLICATE: the auditor group is the admin group', () => {
    const identity = { realm: 'platform', adminGroup: 'admins', auditorGroup: 'admins' };
    const result = validateDefinitions(loaded([], platformData({ identity })));
    expect(result.issues.map((i) => [i.code, i.path, i.message])).toEqual([
      [
        'E_GROUP_DUPLICATE',
        'identity.auditorGroup',
        'identity.auditorGroup "admins" is the same group as identity.adminGroup',
      ],
    ]);
  });

  it('builds no model without a platform definition, passing on the loader issue', () => {
    const missing = issue({
      code: 'E_PLATFORM_MISSING',
      message: 'm',
      hint: 'h',
      file: PLATFORM_FILE,
      path: '',
      line: 1,
    });
    const result = validateDefinitions(loaded([folder('payments-api')], undefined, [missing]));
    expect(result).toEqual({ issues: [missing], model: undefined });
  });

  it('builds no model when a namespace folder has no definition', () => {
    const lone: LoadedNamespaceFolder = { folder: 'x', dir: 'namespaces/x', namespace: undefined, secrets: undefined };
    const missing = issue({
      code: 'E_NS_DEFINITION_MISSING',
      message: 'm',
      hint: 'h',
      file: 'namespaces/x/namespace.ts',
      path: '',
    });
    const result = validateDefinitions(loaded([lone], platformData(), [missing]));
    expect(result).toEqual({ issues: [missing], model: undefined });
  });
});

describe('validateDefinitions: every issue at once', () => {
  it('reports all problems of all files in one run', () => {
    const teams = [
      { name: 'payments', group: 'team-payments' },
      { name: 'payments', group: 'team-payments' },
    ];
    const input = loaded(
      [
        folder('default', { prefixes: [] }),
        folder('payments-api', {
          prefixes: ['payments', 'payments/api'],
          secrets: [
            ['db', 'x/db'],
            ['db', 'payments/db'],
          ],
        }),
        folder('payments-batch', { name: 'batch', team: 'ghost', prefixes: ['payments/batch'] }),
        folder('storefront-web', { name: 'payments-api', prefixes: ['storefront/web'] }),
      ],
      platformData({ teams }),
    );
    const result = validateDefinitions(input);
    expect(result.model).toBeUndefined();
    expect(where(result.issues)).toEqual([
      { code: 'E_TEAM_DUPLICATE', file: PLATFORM_FILE, path: 'teams[1].name' },
      { code: 'E_GROUP_DUPLICATE', file: PLATFORM_FILE, path: 'teams[1].group' },
      { code: 'E_NS_RESERVED', file: 'namespaces/default/namespace.ts', path: 'name' },
      { code: 'E_NS_PREFIX_NESTED', file: 'namespaces/payments-api/namespace.ts', path: 'vault.approvedPrefixes[1]' },
      { code: 'E_NS_FOLDER_MISMATCH', file: 'namespaces/payments-batch/namespace.ts', path: 'name' },
      { code: 'E_NS_TEAM_UNKNOWN', file: 'namespaces/payments-batch/namespace.ts', path: 'team' },
      { code: 'E_NS_FOLDER_MISMATCH', file: 'namespaces/storefront-web/namespace.ts', path: 'name' },
      { code: 'E_NS_DUPLICATE', file: 'namespaces/storefront-web/namespace.ts', path: 'name' },
      {
        code: 'E_NS_PREFIX_OVERLAP',
        file: 'namespaces/payments-batch/namespace.ts',
        path: 'vault.approvedPrefixes[0]',
      },
      { code: 'E_SECRET_OUTSIDE_PREFIX', file: 'namespaces/payments-api/secrets.ts', path: 'secrets[0].key' },
      { code: 'E_SECRET_DUPLICATE', file: 'namespaces/payments-api/secrets.ts', path: 'secrets[1].name' },
    ]);
  });
});
