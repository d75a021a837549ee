import { parse } from '@cdktf/hcl2json';
import {
  type Artifact,
  CAPABILITIES,
  checkInvariants,
  esoServedByNamespace,
  isUnderPrefix,
  keycloakClientSecrets,
  type NamespaceDefinition,
  type NamespaceModel,
  type PlatformDefinition,
  type PlatformModel,
  type PolicyRule,
  platformEsoPaths,
  type RepoView,
  validateDefinitions,
} from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { vaultConfigGenerator } from './index.js';

type Loaded = Parameters<typeof validateDefinitions>[0];
type Policies = NonNullable<RepoView['policies']>;
type Roles = NonNullable<RepoView['roles']>;

/** The example platform definition, the base of every arbitrary platform. */
let example: PlatformDefinition;

beforeAll(async () => {
  example = (await loadExampleModel()).platform;
});

const lower = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const alnum = fc.string({ unit: fc.constantFrom(...lower), minLength: 1, maxLength: 6 });
/** A DNS-1123 label: letters and digits, '-' inside. */
const dnsLabel = fc
  .tuple(alnum, fc.option(alnum, { nil: undefined }))
  .map(([a, b]) => (b === undefined ? a : `${a}-${b}`));
/** A Vault path segment: [A-Za-z0-9._-], not starting with '.'. */
const vaultSegment = fc
  .tuple(
    fc.constantFrom(...lower, 'A', 'Z', '_', '-'),
    fc.string({ unit: fc.constantFrom(...lower, 'Q', '.', '_', '-'), maxLength: 6 }),
  )
  .map(([first, rest]) => `${first}${rest}`);

interface Shape {
  readonly teams: readonly string[];
  readonly namespaces: readonly {
    readonly suffix: string;
    readonly team: number;
    /** First segment of every prefix: the namespace's own name, or a team-ish word of its own. */
    readonly head: 'name' | 'index';
    readonly prefixes: readonly (readonly string[])[];
  }[];
  readonly vault: { readonly kvMount: string; readonly authMount: string; readonly audience: string };
}

const shapeArbitrary: fc.Arbitrary<Shape> = fc.record({
  teams: fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 3 }),
  namespaces: fc.array(
    fc.record({
      suffix: dnsLabel,
      team: fc.nat(),
      head: fc.constantFrom('name' as const, 'index' as const),
      // Each prefix: one to three segments below the namespace's own head; distinct first segments keep
      // the prefixes of one namespace apart.
      prefixes: fc.uniqueArray(fc.array(vaultSegment, { minLength: 0, maxLength: 2 }), {
        minLength: 0,
        maxLength: 3,
        selector: (segments) => segments[0] ?? '',
      }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  vault: fc.record({
    kvMount: fc.constantFrom('secret', 'kv', 'tenant_kv', 'kv-2'),
    authMount: fc.constantFrom('kubernetes', 'k8s-main'),
    audience: fc.constantFrom('vault', 'vault-prod'),
  }),
});

function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('expected at least one item');
  return [first, ...rest];
}

/** The model a shape describes, and the same definitions as the loader would return them. */
function build(shape: Shape): { model: PlatformModel; loaded: Loaded } {
  // The example's catalog and code owners name the example's teams, which the shape replaces.
  const { catalog: _catalog, ...base } = example;
  const { codeowners: _codeowners, ...git } = example.git;
  const platform: PlatformDefinition = {
    ...base,
    git,
    name: 'prop',
    vault: {
      ...example.vault,
      kvMount: shape.vault.kvMount,
      kubernetesAuthMount: shape.vault.authMount,
      audience: shape.vault.audience,
    },
    teams: nonEmpty(shape.teams.map((name) => ({ name, group: `team-${name}` }))),
  };
  const namespaces: NamespaceModel[] = shape.namespaces.map((n, i) => {
    const name = `t${i}-${n.suffix}`;
    const head = n.head === 'name' ? name : `p${i}`;
    // An empty segment list stands for the head itself; it cannot sit beside longer prefixes (overlap).
    const tails: readonly (readonly string[])[] = n.prefixes.some((segments) => segments.length === 0)
      ? [[]]
      : n.prefixes;
    const prefixes = tails.map((segments) => [head, ...segments].join('/'));
    const definition: NamespaceDefinition = {
      name,
      team: shape.teams[n.team % shape.teams.length] ?? '',
      vault: { approvedPrefixes: prefixes },
    };
    const dir = `namespaces/${name}`;
    return { name, dir, file: `${dir}/namespace.ts`, definition, secretsFile: undefined, secrets: [] };
  });
  const model: PlatformModel = { platformFile: 'platform/platform.ts', platform, namespaces };
  const loaded: Loaded = {
    platform: { kind: 'platform', file: 'platform/platform.ts', data: platform },
    namespaces: namespaces.map((ns) => ({
      folder: ns.name,
      dir: ns.dir,
      namespace: { kind: 'namespace', file: ns.file, data: ns.definition },
      secrets: undefined,
    })),
    issues: [],
  };
  return { model, loaded };
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function rulesOf(artifact: Artifact): readonly PolicyRule[] {
  const first = artifact.documents?.[0] as { rules?: readonly PolicyRule[] } | undefined;
  if (first?.rules === undefined) throw new Error(`${artifact.path} carries no rules`);
  return first.rules;
}

function roleOf(artifact: Artifact): Record<string, unknown> {
  const first = artifact.documents?.[0] as { role?: Record<string, unknown> } | undefined;
  if (first?.role === undefined) throw new Error(`${artifact.path} carries no role`);
  return first.role;
}

/** The repository view of the generated policy and role files, as the pipeline builds it. */
function viewOf(model: PlatformModel, artifacts: readonly Artifact[]): RepoView {
  const policies: Policies = artifacts
    .filter((a) => a.path.endsWith('.hcl'))
    .map((a) => ({
      file: a.path,
      name: baseName(a.path).slice('policy-'.length, -'.hcl'.length),
      generated: true,
      rules: rulesOf(a),
      lines: new Map(),
    }));
  const roles: Roles = artifacts
    .filter((a) => /\/role-[^/]+\.json$/.test(a.path))
    .map((a) => ({
      file: a.path,
      name: baseName(a.path).slice('role-'.length, -'.json'.length),
      generated: true,
      role: roleOf(a),
    }));
  return { model, objects: [], policies, roles };
}

const NUM_RUNS = 200;

describe('generated Vault policies and roles for arbitrary valid models', () => {
  it('the arbitrary models are valid definitions (the property is about valid input)', () => {
    fc.assert(
      fc.property(shapeArbitrary, (shape) => {
        const { model, loaded } = build(shape);
        const validated = validateDefinitions(loaded);
        expect(validated.issues.filter((i) => i.severity === 'error')).toEqual([]);
        expect(validated.model).toEqual(model);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('every ESO role/policy pair satisfies ISO-2, and no invariant finds anything', () => {
    fc.assert(
      fc.property(shapeArbitrary, (shape) => {
        const { model } = build(shape);
        const { kvMount, audience } = model.platform.vault;
        const artifacts = vaultConfigGenerator.generate(model);
        const view = viewOf(model, artifacts);
        expect(checkInvariants(view)).toEqual([]);

        const esoRoles = (view.roles ?? []).filter((r) => r.name.startsWith('eso-'));
        const esoPolicies = (view.policies ?? []).filter((p) => p.name.startsWith('eso-'));
        // One per tenant namespace, and one per platform namespace with a SecretStore: where ESO serves
        // handed-over secrets, and Keycloak's (the confidential clients' secrets).
        const platformPaths = platformEsoPaths(model.platform);
        const served = new Map(esoServedByNamespace(model.platform));
        expect(served.size).toBeGreaterThan(0);
        expect(platformPaths.map(([ns]) => ns)).toEqual(['backstage', 'grafana', 'keycloak']);
        expect(esoRoles.map((r) => r.name).sort()).toEqual(
          [...model.namespaces.map((ns) => `eso-${ns.name}`), ...platformPaths.map(([ns]) => `eso-${ns}`)].sort(),
        );
        expect(esoPolicies.map((p) => p.name).sort()).toEqual(esoRoles.map((r) => r.name).sort());

        // A platform namespace's policy reads exactly its paths: no glob, no list, no write.
        for (const [ns, paths] of platformPaths) {
          const own = `eso-${ns}`;
          const role = esoRoles.find((r) => r.name === own)?.role;
          expect(role?.bound_service_account_names).toEqual(['eso-vault']);
          expect(role?.bound_service_account_namespaces).toEqual([ns]);
          expect(role?.token_policies).toEqual([own]);
          expect(role?.audience).toBe(audience);
          // Its handed-over secrets, and in Keycloak's namespace each confidential client's secret as well.
          const clients = ns === 'keycloak' ? keycloakClientSecrets(model.platform).map((c) => c.path) : [];
          const handedOver = (served.get(ns) ?? []).map((secret) => secret.handover.path);
          expect(paths).toEqual([...new Set([...handedOver, ...clients])].sort());
          expect(esoPolicies.find((p) => p.name === own)?.rules).toEqual(
            paths.map((path) => ({ path: `${kvMount}/data/${path}`, capabilities: ['read'] })),
          );
        }

        for (const ns of model.namespaces) {
          const own = `eso-${ns.name}`;
          const role = esoRoles.find((r) => r.name === own)?.role;
          expect(role?.bound_service_account_names).toEqual(['eso-vault']);
          expect(role?.bound_service_account_namespaces).toEqual([ns.name]);
          expect(role?.token_policies).toEqual([own]);
          expect(role?.audience).toBe(audience);
          expect(role?.token_ttl).toBe('15m');

          const approved = ns.definition.vault.approvedPrefixes;
          const rules = esoPolicies.find((p) => p.name === own)?.rules ?? [];
          expect(rules).toHaveLength(approved.length * 4);
          for (const rule of rules) {
            const data = new RegExp(`^${kvMount}/data/(.+?)(/\\*)?$`).exec(rule.path);
            const metadata = new RegExp(`^${kvMount}/metadata/(.+?)(/\\*)?$`).exec(rule.path);
            if (data !== null) {
              expect(rule.capabilities).toEqual(['read']);
              expect(approved).toContain(data[1]);
            } else {
              expect(metadata, rule.path).not.toBeNull();
              expect(rule.capabilities).toEqual(['list']);
              expect(approved).toContain(metadata?.[1]);
            }
            // Never under another namespace's prefix.
            const key = (data ?? metadata)?.[1] ?? '';
            for (const other of model.namespaces.filter((o) => o !== ns)) {
              for (const prefix of other.definition.vault.approvedPrefixes) {
                expect(isUnderPrefix(key, prefix) || isUnderPrefix(prefix, key)).toBe(false);
              }
            }
          }
        }
        // No role for the Argo CD namespace, none for everything.
        for (const role of view.roles ?? []) {
          expect(role.role.bound_service_account_namespaces).not.toContain('argocd');
          expect(role.role.bound_service_account_namespaces).not.toContain('*');
          expect(role.role.bound_service_account_names).not.toContain('*');
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('HCL reads every generated policy back as exactly its rules', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArbitrary, async (shape) => {
        const artifacts = vaultConfigGenerator.generate(build(shape).model);
        for (const artifact of artifacts.filter((a) => a.path.endsWith('.hcl'))) {
          const parsed = await parse('policy.hcl', artifact.content);
          const paths = (parsed.path ?? {}) as Record<string, { capabilities: string[] }[]>;
          const rules = rulesOf(artifact);
          expect(Object.values(paths).flat()).toHaveLength(rules.length);
          for (const rule of rules) {
            expect(paths[rule.path], rule.path).toEqual([
              { capabilities: CAPABILITIES.filter((c) => rule.capabilities.includes(c)) },
            ]);
          }
        }
      }),
      { numRuns: 50 },
    );
  });
});
