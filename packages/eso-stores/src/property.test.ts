import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import {
  checkInvariants,
  esoVaultRoleName,
  isUnderPrefix,
  type NamespaceDefinition,
  type NamespaceModel,
  type PlatformDefinition,
  type PlatformModel,
  type RepoObject,
  type SecretRequest,
  validateDefinitions,
} from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import fc from 'fast-check';
import { ServiceAccount } from 'kubernetes-models/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { esoStoresGenerator } from './index.js';

type Loaded = Parameters<typeof validateDefinitions>[0];

/** The example platform definition, the base of every arbitrary platform. */
let example: PlatformDefinition;

beforeAll(async () => {
  example = (await loadExampleModel()).platform;
});

interface Doc {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec?: {
    readonly provider?: {
      readonly vault?: {
        readonly auth?: {
          readonly kubernetes?: { readonly role?: string; readonly serviceAccountRef?: Record<string, unknown> };
        };
      };
    };
    readonly secretStoreRef?: { readonly kind?: string; readonly name?: string };
    readonly data?: readonly { readonly remoteRef: { readonly key: string } }[];
    readonly dataFrom?: readonly { readonly extract?: { readonly key: string }; readonly find?: unknown }[];
  };
}

const lower = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const alnum = fc.string({ unit: fc.constantFrom(...lower), minLength: 1, maxLength: 6 });
/** A Vault path segment: [a-z0-9._-], not starting with '.'. */
const vaultSegment = fc
  .tuple(
    fc.constantFrom(...lower, '_', '-'),
    fc.string({ unit: fc.constantFrom(...lower, '.', '_', '-'), maxLength: 6 }),
  )
  .map(([first, rest]) => `${first}${rest}`);
/** A DNS-1123 label: letters and digits, '-' inside. */
const dnsLabel = fc
  .tuple(alnum, fc.option(alnum, { nil: undefined }))
  .map(([a, b]) => (b === undefined ? a : `${a}-${b}`));
const secretProperty = fc
  .tuple(
    fc.constantFrom(...lower, 'A', 'Z', '_', '-'),
    fc.string({ unit: fc.constantFrom(...lower, '.', '_', '-'), maxLength: 8 }),
  )
  .map(([first, rest]) => `${first}${rest}`);

interface Shape {
  readonly teams: readonly string[];
  readonly namespaces: readonly {
    readonly suffix: string;
    readonly team: number;
    readonly prefixes: readonly string[];
    readonly secrets: readonly {
      readonly prefix: number;
      readonly extra: readonly string[];
      readonly properties: readonly string[] | undefined;
      readonly refreshInterval: string | undefined;
    }[];
  }[];
  readonly groupPrefix: string | undefined;
  readonly caBundle: string | undefined;
  readonly vault: { readonly kvMount: string; readonly authMount: string; readonly audience: string };
}

const shapeArbitrary: fc.Arbitrary<Shape> = fc.record({
  teams: fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 3 }),
  namespaces: fc.array(
    fc.record({
      suffix: dnsLabel,
      team: fc.nat(),
      prefixes: fc.uniqueArray(vaultSegment, { minLength: 1, maxLength: 3 }),
      secrets: fc.array(
        fc.record({
          prefix: fc.nat(),
          extra: fc.array(vaultSegment, { maxLength: 3 }),
          properties: fc.option(fc.uniqueArray(secretProperty, { minLength: 1, maxLength: 3 }), { nil: undefined }),
          refreshInterval: fc.option(fc.constantFrom('1h', '15m', '30s', '1h30m'), { nil: undefined }),
        }),
        { maxLength: 4 },
      ),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  groupPrefix: fc.option(fc.constantFrom('oidc:', 'k8s-', ''), { nil: undefined }),
  caBundle: fc.option(fc.constantFrom('LS0tLS1CRUdJTg==', 'QUJD'), { nil: undefined }),
  vault: fc.record({
    kvMount: fc.constantFrom('secret', 'kv', 'tenant_kv'),
    authMount: fc.constantFrom('kubernetes', 'k8s-main'),
    audience: fc.constantFrom('vault', 'vault-prod'),
  }),
});

/** The items as a non-empty tuple, as the schema types want them; the arbitraries never make them empty. */
function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('expected at least one item');
  return [first, ...rest];
}

/** The model a shape describes, and the same definitions as the loader would return them. */
function build(shape: Shape): { model: PlatformModel; loaded: Loaded } {
  // Fields the shape does not vary (cluster, git, Vault's seal...) come from the example platform, so the
  // property keeps up with new required fields of the platform definition.
  const { kubernetesGroupPrefix: _prefix, ...identity } = example.identity;
  const { caBundle: _ca, server: _server, ...vault } = example.vault;
  // The example's catalog and code owners name the example's teams, which the shape replaces.
  const { catalog: _catalog, ...base } = example;
  const { codeowners: _codeowners, ...git } = example.git;
  const platform: PlatformDefinition = {
    ...base,
    git,
    name: 'prop',
    identity: {
      ...identity,
      adminGroup: 'admins',
      auditorGroup: 'auditors',
      ...(shape.groupPrefix === undefined ? {} : { kubernetesGroupPrefix: shape.groupPrefix }),
    },
    vault: {
      ...vault,
      kvMount: shape.vault.kvMount,
      kubernetesAuthMount: shape.vault.authMount,
      audience: shape.vault.audience,
      ...(shape.caBundle === undefined ? {} : { caBundle: shape.caBundle }),
    },
    teams: nonEmpty(shape.teams.map((name) => ({ name, group: `team-${name}` }))),
  };
  const namespaces: NamespaceModel[] = shape.namespaces.map((n, i) => {
    const name = `t${i}-${n.suffix}`;
    const prefixes = n.prefixes.map((segment) => `${name}/${segment}`);
    const definition: NamespaceDefinition = {
      name,
      team: shape.teams[n.team % shape.teams.length] ?? '',
      vault: { approvedPrefixes: prefixes },
    };
    const secrets: SecretRequest[] = n.secrets.map((s, j) => ({
      name: `s${j}-${n.suffix}`,
      key: [prefixes[s.prefix % prefixes.length] ?? '', ...s.extra].join('/'),
      ...(s.properties === undefined ? {} : { properties: nonEmpty(s.properties) }),
      ...(s.refreshInterval === undefined ? {} : { refreshInterval: s.refreshInterval }),
    }));
    const dir = `namespaces/${name}`;
    return {
      name,
      dir,
      file: `${dir}/namespace.ts`,
      definition,
      secretsFile: secrets.length === 0 ? undefined : `${dir}/secrets.ts`,
      secrets,
    };
  });
  const model: PlatformModel = { platformFile: 'platform/platform.ts', platform, namespaces };
  const loaded: Loaded = {
    platform: { kind: 'platform', file: 'platform/platform.ts', data: platform },
    namespaces: namespaces.map((ns) => ({
      folder: ns.name,
      dir: ns.dir,
      namespace: { kind: 'namespace', file: ns.file, data: ns.definition },
      secrets:
        ns.secretsFile === undefined
          ? undefined
          : { kind: 'secrets', file: ns.secretsFile, data: { secrets: ns.secrets } },
    })),
    issues: [],
  };
  return { model, loaded };
}

/** The tenants' wiring (the platform namespaces' own, after the handover, is tested in platform-secrets.test.ts). */
function generated(model: PlatformModel): RepoObject[] {
  const tenants = esoStoresGenerator.generate(model).filter((a) => a.path.startsWith('kubernetes/namespaces/'));
  return tenants.flatMap((artifact) =>
    (artifact.documents ?? []).map((document) => ({
      file: artifact.path,
      line: 1,
      generated: true,
      object: document as Readonly<Record<string, unknown>>,
    })),
  );
}

function keysOf(doc: Doc): string[] {
  return [
    ...(doc.spec?.data ?? []).map((d) => d.remoteRef.key),
    ...(doc.spec?.dataFrom ?? []).map((d) => d.extract?.key ?? '<no extract>'),
  ];
}

/** Every namespace+name pair (or value) occurs once. */
function expectUnique(values: readonly string[], what: string): void {
  expect(new Set(values).size, `${what}: ${values.join(', ')}`).toBe(values.length);
}

const NUM_RUNS = 100;

describe('generated ESO wiring for arbitrary valid models', () => {
  it('the arbitrary models are valid definitions (the property is about valid input)', () => {
    fc.assert(
      fc.property(shapeArbitrary, (shape) => {
        const { model, loaded } = build(shape);
        const validated = validateDefinitions(loaded);
        expect(validated.issues).toEqual([]);
        expect(validated.model).toEqual(model);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('keeps every namespace to its own prefixes, store, ServiceAccount and Vault role; invariants hold', () => {
    fc.assert(
      fc.property(shapeArbitrary, (shape) => {
        const { model } = build(shape);
        const objects = generated(model);
        const docs = objects.map((o) => o.object as unknown as Doc);
        const approved = new Map(model.namespaces.map((ns) => [ns.name, ns.definition.vault.approvedPrefixes]));

        const stores = docs.filter((d) => d.kind === 'SecretStore');
        const accounts = docs.filter((d) => d.kind === 'ServiceAccount');
        const externalSecrets = docs.filter((d) => d.kind === 'ExternalSecret');
        expect(docs.length).toBe(stores.length + accounts.length + externalSecrets.length);

        // One store and one ESO ServiceAccount per namespace, never shared.
        expect(stores.map((s) => s.metadata.namespace).sort()).toEqual(model.namespaces.map((n) => n.name).sort());
        expect(accounts.map((a) => a.metadata.namespace).sort()).toEqual(model.namespaces.map((n) => n.name).sort());
        expectUnique(
          stores.map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
          'SecretStores',
        );
        expectUnique(
          accounts.map((a) => `${a.metadata.namespace}/${a.metadata.name}`),
          'ESO ServiceAccounts',
        );
        for (const account of accounts) expect(account.metadata.name).toBe('eso-vault');

        // Each store authenticates as its namespace's own role and ServiceAccount.
        const roles = stores.map((s) => s.spec?.provider?.vault?.auth?.kubernetes?.role ?? '');
        expectUnique(roles, 'Vault roles');
        for (const store of stores) {
          const kubernetes = store.spec?.provider?.vault?.auth?.kubernetes;
          expect(kubernetes?.role).toBe(esoVaultRoleName(store.metadata.namespace));
          expect(kubernetes?.serviceAccountRef).toEqual({ name: 'eso-vault', audiences: [shape.vault.audience] });
        }

        // Every ExternalSecret reads only under its own namespace's prefixes, through its own store.
        const requested = model.namespaces.reduce((n, ns) => n + ns.secrets.length, 0);
        expect(externalSecrets).toHaveLength(requested);
        for (const secret of externalSecrets) {
          const own = approved.get(secret.metadata.namespace) ?? [];
          const keys = keysOf(secret);
          expect(keys.length).toBeGreaterThan(0);
          for (const key of keys) {
            expect(
              own.some((prefix) => isUnderPrefix(key, prefix)),
              `${key} under ${own.join(', ')}`,
            ).toBe(true);
            for (const [namespace, prefixes] of approved) {
              if (namespace === secret.metadata.namespace) continue;
              expect(prefixes.some((prefix) => isUnderPrefix(key, prefix))).toBe(false);
            }
          }
          expect(secret.spec?.dataFrom?.some((d) => d.find !== undefined) ?? false).toBe(false);
          expect(secret.spec?.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'vault' });
        }

        // Every object sits in its namespace's folder, and the platform invariants find nothing.
        for (const object of objects) {
          expect(
            object.file.startsWith(`kubernetes/namespaces/${(object.object as unknown as Doc).metadata.namespace}/`),
          ).toBe(true);
        }
        expect(checkInvariants({ model, objects })).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('every generated object validates against the upstream schemas', () => {
    fc.assert(
      fc.property(shapeArbitrary, (shape) => {
        for (const { object } of generated(build(shape).model)) {
          if (object.kind === 'SecretStore') new SecretStore(object as never).validate();
          else if (object.kind === 'ExternalSecret') new ExternalSecret(object as never).validate();
          else new ServiceAccount(object as never).validate();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
