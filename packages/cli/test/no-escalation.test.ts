/**
 * No escalation by a team (issue #10). A team owns only `namespaces/<ns>/secrets.ts`; whatever it writes
 * there, validation refuses it (and nothing is generated) or the generated files give the team exactly the
 * reach the admins approved: the same Vault roles and policies, namespaces, Kubernetes permissions, Argo CD
 * projects, network policies, Grafana tenants and Keycloak group as with an empty secrets.ts, plus
 * ExternalSecrets that read only under the namespace's approved prefixes. Any other file it edits is routed
 * to the admins by CODEOWNERS. Reach is read back from the generated files (reach.ts), not from the model.
 *
 * Runs are seeded (FC_SEED overrides the seed) and counted; each property prints its seed, runs and how
 * many generated edits validation accepted or refused. docs/threat-model.md records the counts.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Artifact,
  checkInvariants,
  isUnderPrefix,
  loadDefinitions,
  mergeOutputs,
  type PlatformDefinition,
  type PlatformModel,
  type RepoObject,
  renderFile,
  validateDefinitions,
} from '@platform-gen/core';
import { WORKSPACE_ROOT } from '@platform-gen/core/testing';
import { codeownersArtifact } from '@platform-gen/reviewers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATORS } from '../src/generators.js';
import {
  type Approved,
  escalations,
  type Principal,
  type Reach,
  reachOf,
  storeMount,
  storeRules,
  vaultAllows,
} from './reach.js';
import { createTempRepo, removeTempRepos } from './temp-repo.js';

type Loaded = Awaited<ReturnType<typeof loadDefinitions>>;

const SEED = Number(process.env.FC_SEED ?? 20_260_110);
const RUNS = { secrets: 250, extraFields: 200, codeowners: 300, prefixes: 100 } as const;

/** Printed per property, so CI logs carry the counts docs/threat-model.md records. */
function report(property: string, numRuns: number, counts: Record<string, number> = {}): void {
  const extra = Object.entries(counts)
    .map(([k, v]) => ` ${k}=${v}`)
    .join('');
  // biome-ignore lint/suspicious/noConsole: the seed and counts are part of the output CI keeps (issue #10)
  console.log(`[no-escalation] ${property}: seed=${SEED} numRuns=${numRuns}${extra}`);
}

let loaded: Loaded;
let platform: PlatformDefinition;
let principals: Principal[];
/** Team of each example namespace. */
let teamOf: Map<string, string>;
/** Reach of each team with every secrets.ts empty: only admin-owned files contribute. */
let approvedReach: Map<string, Reach>;
/** Reach of each team in the example as it is. */
let currentReach: Map<string, Reach>;
/** Per namespace: prefixes, mount and ESO policy rules, from the generated files with every secrets.ts empty. */
let approvedNs: Map<string, Approved>;
let currentFiles: Map<string, string>;
/** The generated files with every secrets.ts empty. */
let approvedFiles: Artifact[];

function withSecrets(base: Loaded, namespace: string, data: unknown, present = true): Loaded {
  return {
    ...base,
    namespaces: base.namespaces.map((folder) =>
      folder.folder !== namespace
        ? folder
        : {
            ...folder,
            secrets: present ? { kind: 'secrets', file: `${folder.dir}/secrets.ts`, data } : undefined,
          },
    ),
  };
}

/** Every generator's output, merged as the pipeline merges it (a path conflict or an unowned path throws). */
function generateAll(model: PlatformModel): Artifact[] {
  const outputs = GENERATORS.map((g) => ({ generator: g.name, owns: g.owns, artifacts: g.generate(model) }));
  mergeOutputs(outputs);
  return outputs.flatMap((o) => o.artifacts);
}

function modelOf(definitions: Loaded): PlatformModel {
  const validated = validateDefinitions(definitions);
  if (validated.model === undefined) throw new Error(validated.issues.map((i) => i.message).join('\n'));
  return validated.model;
}

async function reachAll(artifacts: readonly Artifact[]): Promise<Map<string, Reach>> {
  const out = new Map<string, Reach>();
  for (const who of principals) out.set(who.team, await reachOf(artifacts, who));
  return out;
}

function objectsOf(artifacts: readonly Artifact[]): RepoObject[] {
  return artifacts
    .filter((a) => a.path.startsWith('kubernetes/') && a.documents !== undefined)
    .flatMap((a) =>
      (a.documents ?? []).map((object) => ({
        file: a.path,
        line: 1,
        generated: true,
        object: object as Readonly<Record<string, unknown>>,
      })),
    );
}

beforeAll(async () => {
  loaded = await loadDefinitions(WORKSPACE_ROOT);
  const example = modelOf(loaded);
  platform = example.platform;
  const prefix = platform.identity.kubernetesGroupPrefix ?? '';
  principals = platform.teams.map((t) => ({ team: t.name, group: t.group, kubernetesGroup: `${prefix}${t.group}` }));
  teamOf = new Map(example.namespaces.map((ns) => [ns.name, ns.definition.team]));

  const current = generateAll(example);
  currentFiles = new Map(current.map((a) => [a.path, a.content]));
  currentReach = await reachAll(current);

  let empty = loaded;
  for (const folder of loaded.namespaces) empty = withSecrets(empty, folder.folder, undefined, false);
  const emptyModel = modelOf(empty);
  approvedFiles = generateAll(emptyModel);
  approvedReach = await reachAll(approvedFiles);
  approvedNs = new Map();
  for (const ns of emptyModel.namespaces) {
    approvedNs.set(ns.name, {
      namespace: ns.name,
      prefixes: ns.definition.vault.approvedPrefixes,
      mount: storeMount(approvedFiles, ns.name),
      rules: await storeRules(approvedFiles, ns.name),
    });
  }
});

afterAll(removeTempRepos);

// ---------------------------------------------------------------------------------------------------------
// Arbitrary secrets.ts content

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const word = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength: 6 });
/** A valid Vault path segment (also upper case, '.', '_' and '-'). */
const segment = fc
  .tuple(
    fc.constantFrom(...ALNUM, 'A', 'Z', '_', '-'),
    fc.string({ unit: fc.constantFrom(...ALNUM, 'Q', '.', '_', '-'), maxLength: 6 }),
  )
  .map(([a, b]) => `${a}${b}`);
/** Segments that must never get through: traversal, globs, unicode look-alikes, control and quote characters. */
const nastySegment = fc.constantFrom(
  '..',
  '.',
  '',
  '*',
  '+',
  '.hidden',
  'ü',
  'ａｐｉ',
  'api\u200b',
  '\u202eipa',
  '%2e%2e',
  '\\',
  '"',
  "'",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder in a Vault key, not a JavaScript one
  '${x}',
  '$(id)',
  '\n',
  ' ',
  '\u0000',
  'a b',
);
const tail = fc.array(fc.oneof({ weight: 5, arbitrary: segment }, { weight: 1, arbitrary: nastySegment }), {
  maxLength: 3,
});

interface Context {
  readonly namespace: string;
  readonly own: readonly string[];
  readonly others: readonly string[];
}

const join_ = (parts: readonly string[]) => parts.join('/');

/** Keys inside, outside, traversing, look-alike, unicode, empty. */
function keyArbitrary(ctx: Context): fc.Arbitrary<string> {
  const own = fc.constantFrom(...ctx.own);
  const other = fc.constantFrom(...ctx.others);
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(own, tail).map(([p, t]) => join_([p, ...t])) },
    { weight: 2, arbitrary: fc.tuple(other, tail).map(([p, t]) => join_([p, ...t])) },
    // Look-alikes of an approved prefix: `payments/api2`, `payments/api.old`, its parent, another case.
    {
      weight: 2,
      arbitrary: fc
        .tuple(own, fc.constantFrom('2', '-x', '.old', '_', 'x', ' '), tail)
        .map(([p, s, t]) => join_([`${p}${s}`, ...t])),
    },
    { weight: 1, arbitrary: own.map((p) => p.split('/').slice(0, -1).join('/') || p.toUpperCase()) },
    { weight: 1, arbitrary: own.map((p) => p.replace(/^./, (c) => c.toUpperCase())) },
    // Traversal and path tricks around an approved prefix.
    {
      weight: 2,
      arbitrary: fc
        .tuple(own, other, fc.constantFrom('/../', '/./', '//', '/%2e%2e/', '\\..\\', '/.../'))
        .map(([p, o, via]) => `${p}${via}${o}`),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(own, fc.constantFrom('/', '/*', '*', '/+', '/+/x', ' ', '\n')).map(([p, s]) => `${p}${s}`),
    },
    { weight: 1, arbitrary: own.map((p) => `/${p}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('platform', 'secret/data', 'sys', 'auth'), tail)
        .map(([h, t]) => join_([h, ...t])),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constant('') },
  );
}

const nameArbitrary = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(word, fc.option(word, { nil: undefined })).map(([a, b]) => (b ? `${a}-${b}` : a)) },
  // A small pool makes duplicates likely; some collide with names the platform uses itself.
  { weight: 2, arbitrary: fc.constantFrom('db', 'db', 'vault', 'eso-vault', 'default', 'kube-root-ca.crt', 'a.b') },
  { weight: 1, arbitrary: fc.constantFrom('', 'DB', '-db', 'db-', 'db_1', '..', 'a/b', 'ü', 'x'.repeat(254)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
);

const propertyArbitrary = fc.oneof(
  { weight: 4, arbitrary: segment },
  { weight: 1, arbitrary: fc.constantFrom('..', '.', '', '..x', 'a/b', 'ü', 'a b', 'x'.repeat(254)) },
);

const refreshArbitrary = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('1h', '15m', '30s', '1h30m', '0s', '1.5h', '10µs', '100ms') },
  { weight: 2, arbitrary: fc.constantFrom('', '1d', '-1h', 'h', '1', '1h\n', ' 1h', '9'.repeat(40), '1H') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(3600, null, true) },
);

/** Fields that would widen access if secrets.ts could carry them; the schema has none of them. */
const WIDENING_FIELDS = [
  'approvedPrefixes',
  'namespace',
  'policies',
  'policy',
  'team',
  'store',
  'secretStoreRef',
  'serviceAccount',
  'role',
  'mount',
  'path',
  'dataFrom',
  'find',
  'target',
  'template',
  'vault',
  'capabilities',
] as const;

const SECRET_FIELDS = new Set(['name', 'key', 'properties', 'refreshInterval']);
const extraKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WIDENING_FIELDS) },
  {
    weight: 1,
    arbitrary: fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !SECRET_FIELDS.has(k) && k !== 'secrets'),
  },
);

/** An entry with every field drawn from the wild arbitraries above, and sometimes a field the schema lacks. */
function wildEntry(ctx: Context): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(
      {
        name: nameArbitrary,
        key: keyArbitrary(ctx),
        properties: fc.array(propertyArbitrary, { maxLength: 4 }),
        refreshInterval: refreshArbitrary,
        extra: fc.tuple(extraKey, fc.jsonValue({ maxDepth: 2 })),
      },
      { requiredKeys: ['name', 'key'] },
    )
    .map(({ extra, ...entry }) => (extra === undefined ? entry : { ...entry, [extra[0]]: extra[1] }));
}

/**
 * An entry whose name, properties and interval are valid, so the key decides: inside an approved prefix
 * (often), or a key the schema's grammar allows that still lies outside (another namespace's prefix, a
 * look-alike, the prefix's parent, another case).
 */
function plainEntry(ctx: Context): fc.Arbitrary<Record<string, unknown>> {
  const own = fc.constantFrom(...ctx.own);
  const inside = fc.tuple(own, fc.array(segment, { maxLength: 3 })).map(([p, t]) => join_([p, ...t]));
  const outside = fc.oneof(
    fc.tuple(fc.constantFrom(...ctx.others), fc.array(segment, { maxLength: 2 })).map(([p, t]) => join_([p, ...t])),
    fc.tuple(own, fc.constantFrom('2', '-x', '.old', '_')).map(([p, x]) => `${p}${x}`),
    own.map((p) => p.split('/').slice(0, -1).join('/') || `${p}x`),
    own.map((p) => p.replace(/^./, (c) => c.toUpperCase())),
    fc.tuple(fc.constant('platform'), fc.array(segment, { maxLength: 2 })).map(([h, t]) => join_([h, ...t])),
  );
  return fc.record(
    {
      name: fc.tuple(word, fc.option(word, { nil: undefined })).map(([a, b]) => (b ? `${a}-${b}` : a)),
      key: fc.oneof({ weight: 5, arbitrary: inside }, { weight: 1, arbitrary: outside }),
      properties: fc.uniqueArray(segment, { minLength: 1, maxLength: 3 }),
      refreshInterval: fc.constantFrom('1h', '15m', '30s', '1h30m', '0s', '100ms'),
    },
    { requiredKeys: ['name', 'key'] },
  );
}

function secretsFileArbitrary(ctx: Context): fc.Arbitrary<{ data: unknown; present: boolean }> {
  const entry = fc.oneof({ weight: 12, arbitrary: plainEntry(ctx) }, { weight: 1, arbitrary: wildEntry(ctx) });
  const list = fc.array(entry, { maxLength: 5 });
  return fc.oneof(
    { weight: 12, arbitrary: list.map((secrets) => ({ data: { secrets }, present: true })) },
    // Wild entries only: nearly always refused, each for its own reason.
    {
      weight: 3,
      arbitrary: fc
        .array(wildEntry(ctx), { minLength: 1, maxLength: 3 })
        .map((secrets) => ({ data: { secrets }, present: true })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(list, extraKey, fc.jsonValue({ maxDepth: 2 }))
        .map(([secrets, k, v]) => ({ data: { secrets, [k]: v }, present: true })),
    },
    { weight: 1, arbitrary: fc.constant({ data: undefined, present: false }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<unknown>({}, { secrets: {} }, { secrets: 'x' }, [], null, 'secrets', { secrets: [null] })
        .map((data) => ({ data, present: true })),
    },
  );
}

function contextArbitrary(): fc.Arbitrary<Context> {
  const contexts = [...approvedNs.values()].map((ns) => ({
    namespace: ns.namespace,
    own: ns.prefixes,
    others: [...approvedNs.values()].filter((o) => o !== ns).flatMap((o) => o.prefixes),
  }));
  return fc.constantFrom(...contexts);
}

/** Only the edited namespace's ExternalSecret files may differ from the example's. */
function changedPaths(artifacts: readonly Artifact[]): string[] {
  const after = new Map(artifacts.map((a) => [a.path, a.content]));
  const paths = new Set([...after.keys(), ...currentFiles.keys()]);
  return [...paths].filter((p) => after.get(p) !== currentFiles.get(p)).sort();
}

describe('no escalation by a team: arbitrary secrets.ts content', () => {
  it('is refused with errors in that file only, or reaches exactly what the admins approved', async () => {
    const counts = { accepted: 0, refused: 0, acceptedSecrets: 0 };
    await fc.assert(
      fc.asyncProperty(
        contextArbitrary().chain((ctx) => fc.record({ ctx: fc.constant(ctx), file: secretsFileArbitrary(ctx) })),
        async ({ ctx, file }) => {
          const definitions = withSecrets(loaded, ctx.namespace, file.data, file.present);
          const validated = validateDefinitions(definitions);
          const secretsFile = `namespaces/${ctx.namespace}/secrets.ts`;
          const errors = validated.issues.filter((i) => i.severity === 'error');
          if (errors.length > 0) {
            counts.refused += 1;
            // Nothing to generate from, and every error points at the team's own file.
            expect(validated.model).toBeUndefined();
            expect(errors.filter((i) => i.file !== secretsFile)).toEqual([]);
            return;
          }
          counts.accepted += 1;
          const model = validated.model;
          expect(model).toBeDefined();
          if (model === undefined) return;
          const requested = model.namespaces.find((ns) => ns.name === ctx.namespace)?.secrets ?? [];
          counts.acceptedSecrets += requested.length;

          const artifacts = generateAll(model);
          const ns = approvedNs.get(ctx.namespace);
          if (ns === undefined) throw new Error(`no approved reach for ${ctx.namespace}`);
          for (const who of principals) {
            const reach = await reachOf(artifacts, who);
            const approved = approvedReach.get(who.team);
            const current = currentReach.get(who.team);
            if (approved === undefined || current === undefined) throw new Error(`no reach for ${who.team}`);
            if (teamOf.get(ctx.namespace) === who.team) {
              expect(escalations(approved, reach, ns, current.externalSecrets)).toEqual([]);
              const own = reach.externalSecrets.filter((e) => e.namespace === ctx.namespace);
              expect(own.map((e) => e.target).sort()).toEqual(requested.map((s) => s.name).sort());
            } else {
              // Another team's edit changes nothing this team reaches.
              expect(reach).toEqual(current);
            }
          }
          const changed = changedPaths(artifacts);
          const folder = `kubernetes/namespaces/${ctx.namespace}/external-secrets/external-secret-`;
          expect(changed.filter((p) => !p.startsWith(folder))).toEqual([]);
          expect(checkInvariants({ model, objects: objectsOf(artifacts) })).toEqual([]);
        },
      ),
      { seed: SEED, numRuns: RUNS.secrets },
    );
    report('arbitrary secrets.ts', RUNS.secrets, counts);
    // Both branches are exercised, or the property says little.
    expect(counts.accepted).toBeGreaterThan(RUNS.secrets / 10);
    expect(counts.refused).toBeGreaterThan(RUNS.secrets / 10);
  });

  it('refuses every field secrets.ts does not define, at the top level and in each entry', () => {
    fc.assert(
      fc.property(
        contextArbitrary().chain((ctx) =>
          fc.record({
            ctx: fc.constant(ctx),
            secrets: fc.array(
              fc
                .tuple(fc.constantFrom(...ctx.own), fc.array(segment, { maxLength: 2 }))
                .map(([p, t]) => join_([p, ...t])),
              { minLength: 1, maxLength: 3 },
            ),
            where: fc.nat(),
            field: extraKey,
            value: fc.jsonValue({ maxDepth: 2 }),
          }),
        ),
        ({ ctx, secrets, where, field, value }) => {
          // Names unique by index: the only thing wrong is the extra field.
          const named = secrets.map((key, i) => ({ name: `s${i}`, key }));
          const at = where % (named.length + 1);
          const data =
            at === named.length
              ? { secrets: named, [field]: value }
              : { secrets: named.map((s, i) => (i === at ? { ...s, [field]: value } : s)) };
          const validated = validateDefinitions(withSecrets(loaded, ctx.namespace, data));
          expect(validated.model).toBeUndefined();
          const unknown = validated.issues.filter((i) => i.code === 'E_UNKNOWN_FIELD');
          expect(unknown).toHaveLength(1);
          expect(unknown[0]?.file).toBe(`namespaces/${ctx.namespace}/secrets.ts`);
          expect(unknown[0]?.message).toContain(`unknown field "${field}"`);
        },
      ),
      { seed: SEED, numRuns: RUNS.extraFields },
    );
    report('fields secrets.ts does not define', RUNS.extraFields);
  });

  it('the reach comparison fails when the generated files do widen access (the check can fail)', async () => {
    const ns = approvedNs.get('payments-api');
    const team = principals.find((p) => p.team === teamOf.get('payments-api'));
    if (ns === undefined || team === undefined) throw new Error('the example has no payments-api');
    const base = approvedFiles;
    const approved = approvedReach.get(team.team);
    if (approved === undefined) throw new Error('no approved reach');
    const mutate = async (edit: (a: Artifact) => Artifact | Artifact[]) =>
      escalations(approved, await reachOf(base.flatMap(edit), team), ns, approved.externalSecrets);
    const replace = (path: string, from: string, to: string) => (a: Artifact) =>
      a.path === path ? { ...a, content: a.content.replace(from, to) } : a;

    expect(await mutate((a) => a)).toEqual([]);
    expect(
      await mutate(
        replace(
          'kubernetes/vault-config/files/policy-eso-payments-api.hcl',
          'secret/data/payments/api/*',
          'secret/data/*',
        ),
      ),
    ).toEqual([
      'vault: gained eso-payments-api read secret/data/*',
      'vault: lost eso-payments-api read secret/data/payments/api/*',
    ]);
    expect(
      await mutate(
        replace(
          'kubernetes/vault-config/files/role-eso-payments-api.json',
          '"payments-api"',
          '"payments-api", "storefront-web"',
        ),
      ),
    ).toContain('vaultRoles: gained eso-payments-api: eso-vault@payments-api,storefront-web -> eso-payments-api');
    expect(
      await mutate(
        replace(
          'kubernetes/argocd-apps/root/projects.yaml',
          'payments-api.git\n  destinations:\n',
          'payments-api.git\n  destinations:\n    - server: https://kubernetes.default.svc\n      namespace: vault\n',
        ),
      ),
    ).toEqual(['argo: gained team-payments destination https://kubernetes.default.svc vault']);
    const widened = await mutate(
      replace('kubernetes/namespaces/payments-api/rbac.yaml', '      - pods\n', '      - pods\n      - secrets\n'),
    );
    expect(widened).toContain('permissions: gained payments-api /secrets create');
    // An ExternalSecret reading another namespace's key, added to the files: refused by prefix and by policy.
    const stray = currentFiles.get(
      'kubernetes/namespaces/payments-api/external-secrets/external-secret-psp-api-key.yaml',
    );
    if (stray === undefined) throw new Error('the example has no psp-api-key');
    const extra: Artifact = {
      path: 'kubernetes/namespaces/payments-api/external-secrets/external-secret-stolen.yaml',
      source: 'test',
      content: stray.replace('payments/api/psp', 'storefront/web/session').replace('name: psp-api-key', 'name: stolen'),
    };
    expect(
      await mutate((a) => (a.path.endsWith('/secret-store.yaml') && a.path.includes('payments-api') ? [a, extra] : a)),
    ).toEqual([
      'externalSecrets: payments-api/stolen key storefront/web/session is outside payments/api',
      "externalSecrets: payments-api/stolen key storefront/web/session is not readable by the namespace's own policy",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Admin-approved prefixes and team requests

describe('no escalation by a team: arbitrary approved prefixes and requests', () => {
  it('the ESO policy follows the approved prefixes only, never wider, and lets ESO read each requested key', async () => {
    const counts = { keys: 0 };
    await fc.assert(
      fc.asyncProperty(
        contextArbitrary().chain((ctx) =>
          fc.record({
            ctx: fc.constant(ctx),
            // Heads below the namespace's own name never overlap another namespace's prefixes.
            prefixes: fc.uniqueArray(fc.array(segment, { maxLength: 2 }), {
              minLength: 1,
              maxLength: 3,
              selector: (s) => s[0] ?? '',
            }),
            requests: fc.array(fc.tuple(fc.nat(), fc.array(segment, { maxLength: 3 })), { maxLength: 4 }),
          }),
        ),
        async ({ ctx, prefixes: tails, requests }) => {
          const prefixes = tails.some((t) => t.length === 0)
            ? [ctx.namespace]
            : tails.map((t) => join_([ctx.namespace, ...t]));
          const secrets = requests.map(([i, t], j) => ({
            name: `s${j}`,
            key: join_([prefixes[i % prefixes.length] ?? '', ...t]),
          }));
          const definitions = withSecrets(loaded, ctx.namespace, { secrets });
          const edited: Loaded = {
            ...definitions,
            namespaces: definitions.namespaces.map((f) => {
              if (f.folder !== ctx.namespace || f.namespace === undefined) return f;
              const data = f.namespace.data as { vault: Record<string, unknown> };
              return {
                ...f,
                namespace: { ...f.namespace, data: { ...data, vault: { ...data.vault, approvedPrefixes: prefixes } } },
              };
            }),
          };
          const artifacts = generateAll(modelOf(edited));
          const rules = await storeRules(artifacts, ctx.namespace);
          const mount = storeMount(artifacts, ctx.namespace);
          // Exactly the approved prefixes, read on data and list on metadata, nothing else.
          expect(rules.map((r) => `${r.capabilities.join(',')} ${r.path}`).sort()).toEqual(
            prefixes
              .flatMap((p) => [
                `read ${mount}/data/${p}`,
                `read ${mount}/data/${p}/*`,
                `list ${mount}/metadata/${p}`,
                `list ${mount}/metadata/${p}/*`,
              ])
              .sort(),
          );
          for (const s of secrets) {
            counts.keys += 1;
            expect(vaultAllows(rules, `${mount}/data/${s.key}`, 'read')).toBe(true);
          }
          // Nothing under another namespace's prefix, nor the platform's own, is readable.
          for (const other of ctx.others) {
            expect(vaultAllows(rules, `${mount}/data/${other}/x`, 'read')).toBe(false);
          }
          expect(vaultAllows(rules, `${mount}/data/platform/x`, 'read')).toBe(false);
          for (const p of prefixes) {
            expect(vaultAllows(rules, `${mount}/data/${p}x`, 'read')).toBe(false);
            expect(rules.some((r) => r.capabilities.some((c) => !['read', 'list'].includes(c)))).toBe(false);
            expect(isUnderPrefix(p, ctx.namespace)).toBe(true);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS.prefixes },
    );
    report('approved prefixes and requests', RUNS.prefixes, counts);
  });
});

// ---------------------------------------------------------------------------------------------------------
// CODEOWNERS: edits outside the team's own secrets.ts go to the admins

interface Rule {
  readonly pattern: string;
  readonly regex: RegExp;
  readonly owners: readonly string[];
}

/** A CODEOWNERS pattern as GitHub reads it (gitignore rules; a path that names a folder covers what is below it). */
function patternRegex(pattern: string): RegExp {
  if (/[[\]!\\]/.test(pattern)) throw new Error(`pattern ${pattern} uses syntax this test does not model`);
  const directoryOnly = pattern.endsWith('/');
  const body = directoryOnly ? pattern.slice(0, -1) : pattern;
  const anchored = body.includes('/');
  const glob = body
    .replace(/^\//, '')
    .split('/')
    .map((part) =>
      part === '**'
        ? '.*'
        : part
            .split('*')
            .map((s) => s.replace(/[.+?^${}()|]/g, '\\$&'))
            .join('[^/]*'),
    )
    .join('/');
  // `docs/*` covers only files directly in docs/; anything else also covers what lies below it.
  const below = directoryOnly ? '/.*' : body.endsWith('/*') ? '' : '(/.*)?';
  return new RegExp(`^${anchored ? '' : '(.*/)?'}${glob}${below}$`);
}

function parseCodeowners(text: string): Rule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [pattern = '', ...owners] = line.split(/\s+/);
      return { pattern, regex: patternRegex(pattern), owners };
    });
}

/** Owners of a path: the last matching rule wins. */
function ownersOf(rules: readonly Rule[], path: string): readonly string[] {
  let owners: readonly string[] = [];
  for (const rule of rules) if (rule.regex.test(path)) owners = rule.owners;
  return owners;
}

interface OwnersShape {
  readonly teams: readonly { readonly name: string; readonly handle: boolean }[];
  readonly namespaces: readonly { readonly suffix: string; readonly team: number }[];
}

const ownersShape: fc.Arbitrary<OwnersShape> = fc.record({
  teams: fc.uniqueArray(fc.record({ name: word, handle: fc.boolean() }), {
    minLength: 1,
    maxLength: 4,
    selector: (t) => t.name,
  }),
  namespaces: fc.array(fc.record({ suffix: word, team: fc.nat() }), { minLength: 1, maxLength: 6 }),
});

const ADMINS = '@org/platform-admins';

function ownersModel(shape: OwnersShape): PlatformModel {
  const { catalog: _catalog, ...base } = platform;
  const teams = shape.teams.map((t) => ({ name: t.name, group: `team-${t.name}` }));
  const handles = Object.fromEntries(shape.teams.filter((t) => t.handle).map((t) => [t.name, `@org/team-${t.name}`]));
  const definitions: Loaded = {
    platform: {
      kind: 'platform',
      file: 'platform/platform.ts',
      data: {
        ...base,
        git: { ...base.git, codeowners: { admins: ADMINS, teams: handles } },
        teams,
      },
    },
    namespaces: shape.namespaces.map((n, i) => {
      const name = `n${i}-${n.suffix}`;
      const dir = `namespaces/${name}`;
      return {
        folder: name,
        dir,
        namespace: {
          kind: 'namespace',
          file: `${dir}/namespace.ts`,
          data: { name, team: teams[n.team % teams.length]?.name ?? '', vault: { approvedPrefixes: [`${name}/app`] } },
        },
        secrets: undefined,
      };
    }),
    issues: [],
  };
  return modelOf(definitions);
}

/** Paths a team's pull request might touch, near and far from its own secrets.ts. */
function pathArbitrary(model: PlatformModel): fc.Arbitrary<string> {
  const ns = fc.constantFrom(...model.namespaces.map((n) => n.name));
  return fc.oneof(
    { weight: 3, arbitrary: ns.map((n) => `namespaces/${n}/secrets.ts`) },
    { weight: 2, arbitrary: ns.map((n) => `namespaces/${n}/namespace.ts`) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          ns,
          fc.constantFrom(
            'secrets.ts.bak',
            'Secrets.ts',
            'secrets.tsx',
            'secrets.js',
            'sub/secrets.ts',
            'README.md',
            '.secrets.ts',
            'secrets.ts~',
          ),
        )
        .map(([n, f]) => `namespaces/${n}/${f}`),
    },
    { weight: 1, arbitrary: ns.map((n) => `namespaces/${n}x/secrets.ts`) },
    { weight: 1, arbitrary: ns.map((n) => `x/namespaces/${n}/secrets.ts`) },
    { weight: 1, arbitrary: word.map((w) => `namespaces/${w}/secrets.ts`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'platform/platform.ts',
        'CODEOWNERS',
        '.github/CODEOWNERS',
        '.github/workflows/platform.yml',
        'package.json',
        'pnpm-lock.yaml',
        'packages/core/src/validate.ts',
        'packages/core/schemas/secrets.schema.json',
        'docs/threat-model.md',
        '.sops.yaml',
      ),
    },
    { weight: 2, arbitrary: ns.map((n) => `kubernetes/namespaces/${n}/external-secrets/external-secret-x.yaml`) },
    { weight: 1, arbitrary: ns.map((n) => `kubernetes/vault-config/files/policy-eso-${n}.hcl`) },
    { weight: 2, arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map(join_) },
  );
}

describe('no escalation by a team: files it does not own', () => {
  it('CODEOWNERS gives a team only its own namespaces’ secrets.ts; every other path is the admins’ alone', () => {
    let teamOwned = 0;
    let adminOnly = 0;
    fc.assert(
      fc.property(
        ownersShape.chain((shape) => {
          const model = ownersModel(shape);
          return fc.record({
            model: fc.constant(model),
            paths: fc.array(pathArbitrary(model), { minLength: 1, maxLength: 20 }),
          });
        }),
        ({ model, paths }) => {
          const artifact = codeownersArtifact(model);
          if (artifact === undefined) throw new Error('codeowners configured, yet no CODEOWNERS');
          const rules = parseCodeowners(artifact.content);
          const handles = model.platform.git.codeowners?.teams ?? {};
          for (const path of paths) {
            const owners = ownersOf(rules, path);
            // The admins can review everything.
            expect(owners, path).toContain(ADMINS);
            const others = owners.filter((o) => o !== ADMINS);
            if (others.length === 0) {
              adminOnly += 1;
              continue;
            }
            teamOwned += 1;
            // Exactly one team, and only on a secrets.ts of a namespace the admins gave that team.
            expect(others, path).toHaveLength(1);
            const match = /^namespaces\/([^/]+)\/secrets\.ts$/.exec(path);
            expect(match, `${path} is owned by ${others.join(' ')}`).not.toBeNull();
            const namespace = model.namespaces.find((n) => n.name === match?.[1]);
            expect(namespace, path).toBeDefined();
            expect(others[0]).toBe(handles[namespace?.definition.team ?? '']);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS.codeowners },
    );
    report('CODEOWNERS routing', RUNS.codeowners, { teamOwned, adminOnly });
    expect(teamOwned).toBeGreaterThan(0);
    expect(adminOnly).toBeGreaterThan(0);
  });

  it('the committed CODEOWNERS is the generated one, and the matcher reads it as GitHub does', async () => {
    const model = modelOf(loaded);
    const text = await readFile(join(WORKSPACE_ROOT, 'CODEOWNERS'), 'utf8');
    const artifact = codeownersArtifact(model);
    expect(text).toBe(
      artifact === undefined ? undefined : renderFile(artifact.path, artifact.source, artifact.content),
    );
    const rules = parseCodeowners(text);
    const admins = model.platform.git.codeowners?.admins ?? '';
    expect(ownersOf(rules, 'namespaces/payments-api/secrets.ts')).toEqual(['@example/team-payments', admins]);
    expect(ownersOf(rules, 'namespaces/payments-api/namespace.ts')).toEqual([admins]);
    expect(ownersOf(rules, 'namespaces/payments-api/secrets.ts.bak')).toEqual([admins]);
    expect(ownersOf(rules, 'x/namespaces/payments-api/secrets.ts')).toEqual([admins]);
    // gitignore semantics: a pattern without a trailing slash also names a folder and what lies below it, so
    // CODEOWNERS gives anything below a folder named secrets.ts back to the admins alone.
    expect(ownersOf(rules, 'namespaces/payments-api/secrets.ts/evil.yaml')).toEqual([admins]);
    expect(patternRegex('docs/*').test('docs/a/b.md')).toBe(false);
    expect(patternRegex('docs/').test('a/docs/b/c.md')).toBe(true);
  });

  it('a folder named secrets.ts (admin-owned in CODEOWNERS) is also refused by the loader', async () => {
    const repo = await createTempRepo();
    await repo.remove('namespaces/payments-api/secrets.ts');
    await repo.write('namespaces/payments-api/secrets.ts/evil.ts', 'export default {};\n');
    const result = await repo.run(['validate']);
    expect(result.code, result.err).toBe(1);
    // A definition error at the folder itself (E_DEF_NOT_A_FILE): CI fails, nothing is generated from it.
    expect(result.err).toMatch(/namespaces\/payments-api\/secrets\.ts[\s\S]*error E_DEF_[A-Z_]+/);
  });
});
