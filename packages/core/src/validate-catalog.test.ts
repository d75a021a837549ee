/**
 * The cross-field rules of the portal's catalog, through validateDefinitions: team members listed once per
 * team, unique domain and system names, owners that are declared teams, systems in declared domains, and
 * namespaces joining a declared system. For each rule a definition that passes and one broken in exactly one
 * way, reported with its code, file, field path and a message naming the culprit.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogDefinition, CatalogSystem, PlatformDefinition, TeamDefinition } from './generated/platform.js';
import type { Issue } from './issues.js';
import type { LoadedDefinitions, LoadedNamespaceFolder } from './load-definitions.js';
import { TEST_PLATFORM } from './testing.js';
import { validateDefinitions } from './validate.js';

const PLATFORM_FILE = 'platform/platform.ts';

const TEAMS: PlatformDefinition['teams'] = [
  {
    name: 'payments',
    group: 'team-payments',
    members: [{ username: 'alice', displayName: 'Alice Example', email: 'alice@example.com' }, { username: 'bob' }],
  },
  { name: 'storefront', group: 'team-storefront', members: [{ username: 'carol' }] },
];

/** The example's catalog: one domain, two systems in it. */
const CATALOG: CatalogDefinition = {
  domains: [{ name: 'commerce', description: 'Selling and getting paid', owner: 'storefront' }],
  systems: [
    { name: 'payments', description: 'Card payments', domain: 'commerce', owner: 'payments' },
    { name: 'webshop', domain: 'commerce', owner: 'storefront' },
  ],
};

function platformData(overrides: Partial<PlatformDefinition> = {}): PlatformDefinition {
  return structuredClone({ ...TEST_PLATFORM, teams: TEAMS, catalog: CATALOG, ...overrides });
}

/** A namespace folder as the loader returns it, joining `system` when given. */
function folder(name: string, system?: string): LoadedNamespaceFolder {
  const dir = `namespaces/${name}`;
  return {
    folder: name,
    dir,
    namespace: {
      kind: 'namespace',
      file: `${dir}/namespace.ts`,
      data: {
        name,
        team: 'payments',
        vault: { approvedPrefixes: [name.replace('-', '/')] },
        ...(system === undefined ? {} : { system }),
      },
    },
    secrets: undefined,
  };
}

function validate(platform: PlatformDefinition, namespaces: readonly LoadedNamespaceFolder[] = []): readonly Issue[] {
  const loaded: LoadedDefinitions = {
    platform: { kind: 'platform', file: PLATFORM_FILE, data: platform },
    namespaces,
    issues: [],
  };
  return validateDefinitions(loaded).issues;
}

const codes = (issues: readonly Issue[]) => issues.map((i) => [i.code, i.path]);

const withTeams = (change: (teams: TeamDefinition[]) => TeamDefinition[]) =>
  platformData({ teams: change(structuredClone([...TEAMS])) as PlatformDefinition['teams'] });

const withCatalog = (catalog: CatalogDefinition) => platformData({ catalog });

describe('the catalog of a platform', () => {
  it('passes with members, a domain and systems owned by declared teams, and namespaces joining them', () => {
    expect(validate(platformData(), [folder('payments-api', 'payments'), folder('storefront-web', 'webshop')])).toEqual(
      [],
    );
  });

  it('passes without a catalog, without members, and with a namespace that joins no system', () => {
    const { catalog: _catalog, ...bare } = platformData({ teams: [{ name: 'payments', group: 'team-payments' }] });
    expect(validate(bare, [folder('payments-api')])).toEqual([]);
    expect(validate(withCatalog({}), [folder('payments-api')])).toEqual([]);
  });

  it('the validated model keeps the catalog, the members and the namespace’s system', () => {
    const loaded: LoadedDefinitions = {
      platform: { kind: 'platform', file: PLATFORM_FILE, data: platformData() },
      namespaces: [folder('payments-api', 'payments')],
      issues: [],
    };
    const { model } = validateDefinitions(loaded);
    expect(model?.platform.catalog).toEqual(CATALOG);
    expect(model?.platform.teams.map((t) => (t.members ?? []).map((m) => m.username))).toEqual([
      ['alice', 'bob'],
      ['carol'],
    ]);
    expect(model?.namespaces.map((ns) => ns.definition.system)).toEqual(['payments']);
  });
});

describe('E_MEMBER_DUPLICATE', () => {
  it('fails a person listed twice in one team, pointing at the second entry and naming the first', () => {
    const issues = validate(
      withTeams(([payments, ...rest]) => [
        { ...(payments as TeamDefinition), members: [...(payments?.members ?? []), { username: 'alice' }] },
        ...rest,
      ]),
    );
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_MEMBER_DUPLICATE',
        file: PLATFORM_FILE,
        path: 'teams[0].members[2].username',
        message: '"alice" is listed twice in team "payments" (also members[0])',
        hint: 'list each person once per team',
      },
    ]);
  });

  it('passes one person in two teams (membership is per team)', () => {
    const issues = validate(
      withTeams(([payments, storefront]) => [
        payments as TeamDefinition,
        { ...(storefront as TeamDefinition), members: [{ username: 'carol' }, { username: 'alice' }] },
      ]),
    );
    expect(issues).toEqual([]);
  });
});

describe('E_CATALOG_DUPLICATE', () => {
  it('fails a domain declared twice, at the second one', () => {
    const domains = [...(CATALOG.domains ?? []), { name: 'commerce', owner: 'payments' }];
    expect(validate(withCatalog({ ...CATALOG, domains }))).toEqual([
      {
        severity: 'error',
        code: 'E_CATALOG_DUPLICATE',
        file: PLATFORM_FILE,
        path: 'catalog.domains[1].name',
        message: 'domain "commerce" is declared twice',
        hint: 'give every domain a unique name',
      },
    ]);
  });

  it('fails a system declared twice, at the second one', () => {
    const systems = [...(CATALOG.systems ?? []), { name: 'payments', owner: 'payments' }];
    expect(validate(withCatalog({ ...CATALOG, systems }))).toEqual([
      {
        severity: 'error',
        code: 'E_CATALOG_DUPLICATE',
        file: PLATFORM_FILE,
        path: 'catalog.systems[2].name',
        message: 'system "payments" is declared twice',
        hint: 'give every system a unique name',
      },
    ]);
  });

  it('passes a domain and a system of the same name (different kinds of entity)', () => {
    const catalog: CatalogDefinition = {
      domains: [{ name: 'payments', owner: 'payments' }],
      systems: [{ name: 'payments', domain: 'payments', owner: 'payments' }],
    };
    expect(validate(withCatalog(catalog))).toEqual([]);
  });
});

describe('E_CATALOG_OWNER_UNKNOWN', () => {
  it('fails a domain owned by no declared team, listing the teams', () => {
    const catalog = { ...CATALOG, domains: [{ name: 'commerce', owner: 'sales' }] };
    expect(validate(withCatalog(catalog))).toEqual([
      {
        severity: 'error',
        code: 'E_CATALOG_OWNER_UNKNOWN',
        file: PLATFORM_FILE,
        path: 'catalog.domains[0].owner',
        message: 'domain "commerce" is owned by "sales", which is no team',
        hint: 'use one of the teams: payments, storefront',
      },
    ]);
  });

  it('fails a system owned by no declared team', () => {
    const systems: CatalogSystem[] = [
      { name: 'payments', domain: 'commerce', owner: 'payments' },
      { name: 'webshop', domain: 'commerce', owner: 'team-storefront' },
    ];
    const issues = validate(withCatalog({ ...CATALOG, systems }));
    expect(codes(issues)).toEqual([['E_CATALOG_OWNER_UNKNOWN', 'catalog.systems[1].owner']]);
    // The Keycloak group is not the team's name.
    expect(issues[0]?.message).toBe('system "webshop" is owned by "team-storefront", which is no team');
  });

  it('passes every owner a declared team', () => {
    const catalog: CatalogDefinition = {
      domains: [{ name: 'commerce', owner: 'payments' }],
      systems: [{ name: 'webshop', owner: 'payments' }],
    };
    expect(validate(withCatalog(catalog))).toEqual([]);
  });
});

describe('E_CATALOG_DOMAIN_UNKNOWN', () => {
  it('fails a system in an undeclared domain, listing the declared ones', () => {
    const systems = [{ name: 'payments', domain: 'finance', owner: 'payments' }];
    expect(validate(withCatalog({ ...CATALOG, systems }))).toEqual([
      {
        severity: 'error',
        code: 'E_CATALOG_DOMAIN_UNKNOWN',
        file: PLATFORM_FILE,
        path: 'catalog.systems[0].domain',
        message: 'system "payments" is in domain "finance", which is not declared',
        hint: 'declare it under catalog.domains, or use one of: commerce',
      },
    ]);
  });

  it('says so when no domain is declared at all', () => {
    const issues = validate(withCatalog({ systems: [{ name: 'payments', domain: 'commerce', owner: 'payments' }] }));
    expect(codes(issues)).toEqual([['E_CATALOG_DOMAIN_UNKNOWN', 'catalog.systems[0].domain']]);
    expect(issues[0]?.hint).toBe('declare it under catalog.domains, or use one of: none declared');
  });

  it('passes a system in no domain', () => {
    expect(validate(withCatalog({ systems: [{ name: 'payments', owner: 'payments' }] }))).toEqual([]);
  });
});

describe('E_NS_SYSTEM_UNKNOWN', () => {
  it('fails a namespace joining an undeclared system, in the namespace’s file, listing the systems', () => {
    expect(validate(platformData(), [folder('payments-api', 'billing')])).toEqual([
      {
        severity: 'error',
        code: 'E_NS_SYSTEM_UNKNOWN',
        file: 'namespaces/payments-api/namespace.ts',
        path: 'system',
        message: 'namespace "payments-api" joins system "billing", which the platform\'s catalog does not declare',
        hint: 'declare it under catalog.systems in the platform definition, or use one of: payments, webshop',
      },
    ]);
  });

  it('fails a namespace joining a system when the platform has no catalog', () => {
    const { catalog: _catalog, ...bare } = platformData();
    const issues = validate(bare, [folder('payments-api', 'payments')]);
    expect(codes(issues)).toEqual([['E_NS_SYSTEM_UNKNOWN', 'system']]);
    expect(issues[0]?.hint).toBe(
      'declare it under catalog.systems in the platform definition, or use one of: none declared',
    );
  });

  it('a domain is not a system: joining one fails', () => {
    expect(codes(validate(platformData(), [folder('payments-api', 'commerce')]))).toEqual([
      ['E_NS_SYSTEM_UNKNOWN', 'system'],
    ]);
  });

  it('passes namespaces joining declared systems, one issue per namespace that does not', () => {
    const issues = validate(platformData(), [
      folder('payments-api', 'payments'),
      folder('payments-batch', 'ledger'),
      folder('storefront-web', 'webshop'),
    ]);
    expect(issues.map((i) => [i.code, i.file])).toEqual([
      ['E_NS_SYSTEM_UNKNOWN', 'namespaces/payments-batch/namespace.ts'],
    ]);
  });
});
