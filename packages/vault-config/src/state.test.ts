import { type NamespaceModel, type PlatformModel, policyToHcl } from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Changes,
  desiredVaultState,
  isManagedVaultName,
  planVaultChanges,
  type VaultState,
  vaultConfigGenerator,
} from './index.js';

let example: PlatformModel;

beforeAll(async () => {
  example = await loadExampleModel();
  // The test relies on the example's three namespaces.
  expect(example.namespaces.map((ns) => ns.name)).toEqual(['payments-api', 'payments-batch', 'storefront-web']);
});

function namespace(name: string, team: string, prefixes: readonly string[]): NamespaceModel {
  return {
    name,
    dir: `namespaces/${name}`,
    file: `namespaces/${name}/namespace.ts`,
    definition: { name, team, vault: { approvedPrefixes: [...prefixes] } },
    secretsFile: undefined,
    secrets: [],
  };
}

/** The example with payments-batch removed, orders-api added, and storefront-web's prefix changed. */
function stateB(): PlatformModel {
  const kept = example.namespaces.filter((ns) => ns.name === 'payments-api');
  const storefront = example.namespaces.find((ns) => ns.name === 'storefront-web');
  if (storefront === undefined) throw new Error('no storefront-web');
  const changed: NamespaceModel = {
    ...storefront,
    definition: { ...storefront.definition, vault: { approvedPrefixes: ['storefront/www'] } },
  };
  const namespaces = [...kept, namespace('orders-api', 'payments', ['orders/api']), changed].sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  return { ...example, namespaces };
}

function withExtra(state: VaultState, policies: Record<string, string>, roles: Record<string, string>): VaultState {
  return {
    policies: new Map([...state.policies, ...Object.entries(policies)]),
    roles: new Map([...state.roles, ...Object.entries(roles)]),
  };
}

const PLATFORM_POLICIES = ['platform-admin', 'platform-auditor', 'platform-configurer'];

describe('desiredVaultState', () => {
  it('holds every generated policy as its HCL and every role as its JSON', () => {
    const state = desiredVaultState(example);
    expect([...state.policies.keys()].sort()).toEqual(
      [...PLATFORM_POLICIES, 'eso-payments-api', 'eso-payments-batch', 'eso-storefront-web'].sort(),
    );
    expect([...state.roles.keys()].sort()).toEqual(
      ['platform-configurer', 'eso-payments-api', 'eso-payments-batch', 'eso-storefront-web'].sort(),
    );
    // The same bytes the generator writes (without the header), so the plan describes what the Job applies.
    const artifacts = vaultConfigGenerator.generate(example);
    for (const [name, hcl] of state.policies) {
      const artifact = artifacts.find((a) => a.path.endsWith(`/policy-${name}.hcl`));
      expect(artifact?.content, name).toBe(hcl);
    }
    for (const [name, json] of state.roles) {
      const artifact = artifacts.find((a) => a.path.endsWith(`/role-${name}.json`));
      expect(JSON.parse(artifact?.content ?? 'null'), name).toEqual(JSON.parse(json));
    }
    expect(state.policies.get('eso-payments-api')).toBe(
      policyToHcl([
        { path: 'secret/data/payments/api', capabilities: ['read'] },
        { path: 'secret/data/payments/api/*', capabilities: ['read'] },
        { path: 'secret/metadata/payments/api', capabilities: ['list'] },
        { path: 'secret/metadata/payments/api/*', capabilities: ['list'] },
      ]),
    );
  });
});

describe('planVaultChanges', () => {
  it('from the example to B: adds the new namespace, changes the changed prefix, removes the removed one', () => {
    const plan = planVaultChanges(desiredVaultState(example), desiredVaultState(stateB()));
    expect(plan.policies).toEqual<Changes>({
      added: ['eso-orders-api'],
      changed: ['eso-storefront-web'],
      removed: ['eso-payments-batch'],
      unchanged: ['eso-payments-api', ...PLATFORM_POLICIES],
    });
    // A role does not depend on the prefixes: storefront-web's is unchanged.
    expect(plan.roles).toEqual<Changes>({
      added: ['eso-orders-api'],
      changed: [],
      removed: ['eso-payments-batch'],
      unchanged: ['eso-payments-api', 'eso-storefront-web', 'platform-configurer'],
    });
  });

  it('from B back to the example: the exact inverse', () => {
    const plan = planVaultChanges(desiredVaultState(stateB()), desiredVaultState(example));
    expect(plan.policies).toEqual<Changes>({
      added: ['eso-payments-batch'],
      changed: ['eso-storefront-web'],
      removed: ['eso-orders-api'],
      unchanged: ['eso-payments-api', ...PLATFORM_POLICIES],
    });
    expect(plan.roles).toEqual<Changes>({
      added: ['eso-payments-batch'],
      changed: [],
      removed: ['eso-orders-api'],
      unchanged: ['eso-payments-api', 'eso-storefront-web', 'platform-configurer'],
    });
  });

  it('never removes names it does not manage, whatever they hold', () => {
    const current = withExtra(
      desiredVaultState(example),
      { 'my-own-policy': 'path "x" {}', default: '...', root: '', 'team-payments-writer': 'x', 'Eso-upper': 'x' },
      { 'my-own-role': '{}', default: '{}', 'argocd-sneaky': '{}' },
    );
    const plan = planVaultChanges(current, desiredVaultState(stateB()));
    expect(plan.policies.removed).toEqual(['eso-payments-batch']);
    expect(plan.roles.removed).toEqual(['eso-payments-batch']);
    for (const changes of [plan.policies, plan.roles]) {
      const listed = [...changes.added, ...changes.changed, ...changes.removed, ...changes.unchanged];
      for (const name of ['my-own-policy', 'default', 'root', 'team-payments-writer', 'Eso-upper', 'my-own-role']) {
        expect(listed).not.toContain(name);
      }
    }
  });

  it('removes managed names that are no longer declared, e.g. one left behind by hand', () => {
    const current = withExtra(
      desiredVaultState(example),
      { 'eso-gone': 'x', 'platform-old': 'x' },
      { 'eso-gone': '{}' },
    );
    const plan = planVaultChanges(current, desiredVaultState(example));
    expect(plan.policies.removed).toEqual(['eso-gone', 'platform-old']);
    expect(plan.roles.removed).toEqual(['eso-gone']);
  });

  it('changes everything the mount is part of when the KV mount changes', () => {
    const moved: PlatformModel = {
      ...example,
      platform: { ...example.platform, vault: { ...example.platform.vault, kvMount: 'kv' } },
    };
    const plan = planVaultChanges(desiredVaultState(example), desiredVaultState(moved));
    // The auditor's and admin's mount paths, the configurer's OIDC secret, every ESO policy.
    expect(plan.policies.changed).toEqual([
      'eso-payments-api',
      'eso-payments-batch',
      'eso-storefront-web',
      ...PLATFORM_POLICIES,
    ]);
    expect(plan.roles.changed).toEqual([]);
  });

  it('changes nothing between identical states', () => {
    const state = desiredVaultState(example);
    const plan = planVaultChanges(state, desiredVaultState(example));
    for (const [changes, names] of [
      [plan.policies, state.policies],
      [plan.roles, state.roles],
    ] as const) {
      expect(changes.added).toEqual([]);
      expect(changes.changed).toEqual([]);
      expect(changes.removed).toEqual([]);
      expect(changes.unchanged).toEqual([...names.keys()].sort());
    }
  });

  it('adds everything to an empty Vault, and an empty declaration removes only managed names', () => {
    const empty: VaultState = { policies: new Map(), roles: new Map() };
    const desired = desiredVaultState(example);
    const up = planVaultChanges(empty, desired);
    expect(up.policies.added).toEqual([...desired.policies.keys()].sort());
    expect(up.roles.added).toEqual([...desired.roles.keys()].sort());
    const current = withExtra(desired, { default: 'x' }, { 'my-own-role': '{}' });
    const down = planVaultChanges(current, empty);
    expect(down.policies.removed).toEqual([...desired.policies.keys()].sort());
    expect(down.roles.removed).toEqual([...desired.roles.keys()].sort());
  });

  it('partitions every declared name into exactly one of added, changed, unchanged (property)', () => {
    const name = fc.oneof(
      fc.constantFrom('eso-a', 'eso-b', 'platform-x', 'default', 'root', 'mine', 'esox', 'platformy'),
      fc.string({ maxLength: 8 }),
    );
    const state = fc
      .dictionary(name, fc.constantFrom('1', '2'), { maxKeys: 6 })
      .map((entries) => new Map(Object.entries(entries)));
    fc.assert(
      fc.property(state, state, (current, desired) => {
        const plan = planVaultChanges({ policies: current, roles: current }, { policies: desired, roles: desired });
        const { added, changed, unchanged, removed } = plan.policies;
        expect([...added, ...changed, ...unchanged].sort()).toEqual([...desired.keys()].sort());
        expect(new Set([...added, ...changed, ...unchanged]).size).toBe(desired.size);
        for (const n of removed) {
          expect(desired.has(n)).toBe(false);
          expect(current.has(n)).toBe(true);
          expect(isManagedVaultName(n)).toBe(true);
        }
        for (const n of current.keys()) {
          if (!desired.has(n) && isManagedVaultName(n)) expect(removed).toContain(n);
          if (!isManagedVaultName(n)) expect(removed).not.toContain(n);
        }
        expect(plan.roles).toEqual(plan.policies);
      }),
      { numRuns: 200 },
    );
  });
});

describe('isManagedVaultName', () => {
  it.each([
    ['eso-payments-api', true],
    ['platform-configurer', true],
    ['platform-', true],
    ['default', false],
    ['root', false],
    ['my-own-policy', false],
    ['esopayments', false],
    ['platform', false],
    ['ESO-upper', false],
    [' eso-space', false],
  ])('%j: %s', (name, managed) => {
    expect(isManagedVaultName(name)).toBe(managed);
  });
});
