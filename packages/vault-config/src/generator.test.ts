/**
 * Vault's configuration as generated from the example definitions, checked with the real tools: every
 * policy through HashiCorp's HCL parser, the scripts through shellcheck, the kustomization through
 * `kubectl kustomize`, and the Jobs against the upstream Kubernetes schemas.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import {
  type Artifact,
  CAPABILITIES,
  checkInvariants,
  DEFAULT_VAULT_SERVER,
  esoServedByNamespace,
  handsOverToVault,
  type NamespaceModel,
  oidcIssuer,
  type PlatformModel,
  type PolicyRule,
  platformEsoPaths,
  policyToHcl,
  type RepoView,
  renderFile,
  sealedSecretTarget,
} from '@platform-gen/core';
import { runTool } from '@platform-gen/core/real-tools';
import { loadExampleModel } from '@platform-gen/core/testing';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, ServiceAccount } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { vaultConfigGenerator } from './index.js';

const DIR = 'kubernetes/vault-config/';
const FILES = `${DIR}files/`;

type Policies = NonNullable<RepoView['policies']>;
type Roles = NonNullable<RepoView['roles']>;
type KubeObject = Record<string, unknown>;

interface Role {
  readonly bound_service_account_names: readonly string[];
  readonly bound_service_account_namespaces: readonly string[];
  readonly audience: string;
  readonly alias_name_source: string;
  readonly token_policies: readonly string[];
  readonly token_ttl: string;
  readonly token_max_ttl: string;
}

interface EnvVar {
  readonly name: string;
  readonly value: string;
}

interface JobShape {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly annotations: Record<string, string>;
  };
  readonly spec: {
    readonly template: {
      readonly spec: {
        readonly serviceAccountName: string;
        readonly containers: readonly { readonly command: readonly string[]; readonly env: readonly EnvVar[] }[];
        readonly volumes: readonly { readonly name: string; readonly configMap?: { readonly name: string } }[];
      };
    };
  };
}

/** The parts of a pod spec the handover adds: seed volumes, their mounts, the pod's fsGroup. */
interface SeededPodSpec {
  readonly securityContext: Record<string, unknown>;
  readonly containers: readonly {
    readonly env: readonly EnvVar[];
    readonly volumeMounts: readonly {
      readonly name: string;
      readonly mountPath: string;
      readonly readOnly?: boolean;
    }[];
  }[];
  readonly volumes: readonly {
    readonly name: string;
    readonly secret?: { readonly secretName: string; readonly defaultMode: number };
  }[];
}

const WRITE_CAPABILITIES = new Set(['create', 'update', 'patch', 'delete', 'sudo', 'recover']);
const HOOK = 'argocd.argoproj.io/hook';
/** The real shellcheck, installed by the set-up script (README). */
const SHELLCHECK = '/usr/bin/shellcheck';

let model: PlatformModel;
let artifacts: readonly Artifact[];

beforeAll(async () => {
  model = await loadExampleModel();
  artifacts = vaultConfigGenerator.generate(model);
});

function file(artifactsOf: readonly Artifact[], name: string): Artifact {
  const found = artifactsOf.find((a) => a.path === `${FILES}${name}`);
  if (found === undefined) throw new Error(`no artifact ${FILES}${name}`);
  return found;
}

function documentsOf(artifact: Artifact | undefined): readonly unknown[] {
  if (artifact?.documents === undefined)
    throw new Error(`${artifact?.path ?? 'a missing artifact'} carries no documents`);
  return artifact.documents;
}

function rulesOf(artifact: Artifact): readonly PolicyRule[] {
  const first = artifact.documents?.[0] as { rules?: readonly PolicyRule[] } | undefined;
  if (first?.rules === undefined) throw new Error(`${artifact.path} carries no rules`);
  return first.rules;
}

function policyRules(name: string): readonly PolicyRule[] {
  return rulesOf(file(artifacts, `policy-${name}.hcl`));
}

function roleOf(artifact: Artifact): Role {
  const first = artifact.documents?.[0] as { role?: Role } | undefined;
  if (first?.role === undefined) throw new Error(`${artifact.path} carries no role`);
  return first.role;
}

const policyArtifacts = (list: readonly Artifact[]) => list.filter((a) => a.path.endsWith('.hcl'));
const roleArtifacts = (list: readonly Artifact[]) => list.filter((a) => /\/role-[^/]+\.json$/.test(a.path));
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function viewOf(m: PlatformModel, list: readonly Artifact[]): RepoView {
  const policies: Policies = policyArtifacts(list).map((a) => ({
    file: a.path,
    name: baseName(a.path)
      .replace(/^policy-/, '')
      .replace(/\.hcl$/, ''),
    generated: true,
    rules: rulesOf(a),
    lines: new Map(),
  }));
  const roles: Roles = roleArtifacts(list).map((a) => ({
    file: a.path,
    name: baseName(a.path)
      .replace(/^role-/, '')
      .replace(/\.json$/, ''),
    generated: true,
    role: roleOf(a) as unknown as Record<string, unknown>,
  }));
  return { model: m, objects: [], policies, roles };
}

/** The ESO rules a namespace must get: exactly these, nothing else. */
function expectedEsoRules(mount: string, ns: NamespaceModel): PolicyRule[] {
  return ns.definition.vault.approvedPrefixes.flatMap((prefix) => [
    { path: `${mount}/data/${prefix}`, capabilities: ['read'] },
    { path: `${mount}/data/${prefix}/*`, capabilities: ['read'] },
    { path: `${mount}/metadata/${prefix}`, capabilities: ['list'] },
    { path: `${mount}/metadata/${prefix}/*`, capabilities: ['list'] },
  ]);
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** A glob over a whole mount (`*`, `<mount>/*`, `auth/<mount>/*`) or a `+` segment at its root. */
function isMountRootGlob(path: string): boolean {
  return /^[*+]$/.test(path) || /^[^/]+\/[*+]/.test(path) || /^auth\/[^/]+\/[*+]/.test(path);
}

/** A copy of the example with other namespace names, prefixes and KV mount; everything else equal. */
function renamedModel(): PlatformModel {
  const namespaces: NamespaceModel[] = ['zq-alpha', 'zq-beta'].map((name) => ({
    name,
    dir: `namespaces/${name}`,
    file: `namespaces/${name}/namespace.ts`,
    definition: { name, team: 'payments', vault: { approvedPrefixes: [`zq/${name}`, `zq-extra/${name}/x`] } },
    secretsFile: undefined,
    secrets: [],
  }));
  return {
    ...model,
    platform: { ...model.platform, vault: { ...model.platform.vault, kvMount: 'zqkv' } },
    namespaces,
  };
}

describe('policies', () => {
  it('every .hcl file parses with the HCL parser to exactly its rules, as the one HCL emitter wrote them', async () => {
    const policies = policyArtifacts(artifacts);
    expect(policies.map((a) => baseName(a.path)).sort()).toEqual(
      [
        'policy-platform-admin.hcl',
        'policy-platform-auditor.hcl',
        'policy-platform-configurer.hcl',
        // The platform namespaces ESO serves handed-over bootstrap secrets in (phase 4), then the tenants'.
        ...esoServedByNamespace(model.platform).map(([ns]) => `policy-eso-${ns}.hcl`),
        ...model.namespaces.map((ns) => `policy-eso-${ns.name}.hcl`),
      ].sort(),
    );
    for (const policy of policies) {
      const rules = rulesOf(policy);
      expect(policy.content).toBe(policyToHcl(rules));
      const parsed = await parse(baseName(policy.path), renderFile(policy.path, policy.source, policy.content));
      const blocks = Object.entries(parsed.path as Record<string, { capabilities: unknown }[]>).flatMap(
        ([path, list]) => list.map((block) => ({ path, block })),
      );
      // The parser sorts the paths; the count is kept, so a repeated or injected block would show.
      expect(blocks.sort(byPath), policy.path).toEqual(
        rules
          .map((rule) => ({
            path: rule.path,
            block: { capabilities: CAPABILITIES.filter((c) => rule.capabilities.includes(c)) },
          }))
          .sort(byPath),
      );
    }
  });

  it("gives each namespace's ESO policy read on data/ and list on metadata/ of its own approved prefixes only", () => {
    const mount = model.platform.vault.kvMount;
    for (const ns of model.namespaces) {
      const artifact = file(artifacts, `policy-eso-${ns.name}.hcl`);
      expect(artifact.source).toBe(ns.file);
      const rules = rulesOf(artifact);
      expect([...rules].sort(byPath)).toEqual(expectedEsoRules(mount, ns).sort(byPath));
      for (const rule of rules) {
        expect(rule.capabilities.every((c) => c === 'read' || c === 'list')).toBe(true);
        // Nothing of another namespace's prefixes.
        for (const other of model.namespaces.filter((o) => o !== ns)) {
          for (const prefix of other.definition.vault.approvedPrefixes) {
            expect(rule.path.includes(`/${prefix}`), `${rule.path} vs ${other.name}`).toBe(false);
          }
        }
      }
    }
  });

  it('passes every invariant (ISO-2, ESO-1, VLT-1) over the generated policies and roles', () => {
    expect(checkInvariants(viewOf(model, artifacts))).toEqual([]);
  });

  it('and the invariants do see a widened ESO policy (the check above is not vacuous)', () => {
    const ns = model.namespaces[0];
    if (ns === undefined) throw new Error('the example has no namespace');
    const widened = artifacts.map((a) =>
      a.path === `${FILES}policy-eso-${ns.name}.hcl`
        ? {
            ...a,
            documents: [
              {
                name: `eso-${ns.name}`,
                rules: [...rulesOf(a), { path: `${model.platform.vault.kvMount}/data/*`, capabilities: ['update'] }],
              },
            ],
          }
        : a,
    );
    expect(
      checkInvariants(viewOf(model, widened))
        .map((i) => i.code)
        .sort(),
    ).toEqual(['E_ESO1', 'E_ISO2']);
  });

  it('platform-auditor reads no secret value: no read on any <mount>/data/ path, and no write at all', () => {
    const rules = policyRules('platform-auditor');
    const mount = model.platform.vault.kvMount;
    for (const rule of rules) {
      if (rule.path.startsWith(`${mount}/data/`) || rule.path === `${mount}/data` || rule.path === `${mount}/*`) {
        expect(rule.capabilities, rule.path).not.toContain('read');
      }
      expect(rule.path).not.toMatch(/^\*|^\+/);
      const writes = rule.capabilities.filter((c) => WRITE_CAPABILITIES.has(c) && c !== 'sudo');
      expect(writes, rule.path).toEqual([]);
      // sudo only where Vault requires it to read the audit configuration.
      if (rule.capabilities.includes('sudo')) expect(rule.path).toBe('sys/audit');
    }
    // Key names of the KV mount are listable, values not.
    expect(rules).toContainEqual({ path: `${mount}/metadata/*`, capabilities: ['list'] });
  });

  it('platform-configurer and platform-admin write nothing through a glob at a mount root', () => {
    for (const name of ['platform-configurer', 'platform-admin']) {
      for (const rule of policyRules(name)) {
        if (isMountRootGlob(rule.path)) {
          expect(
            rule.capabilities.filter((c) => WRITE_CAPABILITIES.has(c)),
            `${name}: ${rule.path}`,
          ).toEqual([]);
        }
      }
    }
  });

  it('platform-configurer reads one secret only (the OIDC client secret) and can only create the handover paths', () => {
    const mount = model.platform.vault.kvMount;
    const kv = policyRules('platform-configurer').filter((r) => r.path === mount || r.path.startsWith(`${mount}/`));
    const handover = model.platform.bootstrapSecrets.filter(handsOverToVault).map((s) => s.handover.path);
    expect(handover).toContain('platform/oidc/vault');
    expect(handover.length).toBeGreaterThan(1);
    // Exactly: create on each handover data path (read too on the OIDC client secret, which it reads), and
    // read on each handover metadata path (to see whether a value exists). Nothing else in the KV mount.
    expect([...kv].sort(byPath)).toEqual(
      handover
        .flatMap((path): PolicyRule[] => [
          {
            path: `${mount}/data/${path}`,
            capabilities: path === 'platform/oidc/vault' ? ['create', 'read'] : ['create'],
          },
          { path: `${mount}/metadata/${path}`, capabilities: ['read'] },
        ])
        .sort(byPath),
    );
    // Reads secret data only at the OIDC client secret.
    expect(kv.filter((r) => r.path.startsWith(`${mount}/data/`) && r.capabilities.includes('read'))).toEqual([
      { path: `${mount}/data/platform/oidc/vault`, capabilities: ['create', 'read'] },
    ]);
    // Never overwrites, patches, deletes, destroys or lists anything in the KV mount: Git never wins over Vault.
    for (const rule of kv) {
      expect(
        rule.capabilities.filter((c) => c !== 'create' && c !== 'read'),
        rule.path,
      ).toEqual([]);
      expect(rule.path).not.toMatch(/\/(delete|undelete|destroy)\//);
    }
    expect(policyRules('platform-configurer').some((r) => r.path.includes('*') && r.path.startsWith(mount))).toBe(
      false,
    );
    expect(policyRules('platform-configurer').some((r) => r.path.includes('+') && r.path.startsWith(mount))).toBe(
      false,
    );
  });

  it('platform-configurer has no KV rule at all when nothing is handed over but still reads the OIDC client secret', () => {
    const mount = model.platform.vault.kvMount;
    const none: PlatformModel = { ...model, platform: { ...model.platform, bootstrapSecrets: [] } };
    const kv = rulesOf(file(vaultConfigGenerator.generate(none), 'policy-platform-configurer.hcl')).filter((r) =>
      r.path.startsWith(`${mount}/`),
    );
    expect(kv).toEqual([{ path: `${mount}/data/platform/oidc/vault`, capabilities: ['read'] }]);
  });

  it('platform-admin writes secret values (ADR 7) but changes neither policies, auth, mounts nor audit', () => {
    const mount = model.platform.vault.kvMount;
    for (const rule of policyRules('platform-admin')) {
      const writes = rule.capabilities.filter((c) => WRITE_CAPABILITIES.has(c));
      if (writes.length === 0) continue;
      if (rule.path === 'sys/audit') {
        // Listing audit devices needs sudo; enabling one is sys/audit/<path>, which admins do not get.
        expect(writes).toEqual(['sudo']);
        continue;
      }
      expect([`${mount}/data/*`, `${mount}/metadata/*`, `${mount}/delete/*`, `${mount}/undelete/*`]).toContain(
        rule.path,
      );
      expect(writes).not.toContain('sudo');
    }
    // Never destroy versions for good.
    expect(policyRules('platform-admin').some((r) => r.path.startsWith(`${mount}/destroy`))).toBe(false);
  });
});

describe('roles', () => {
  it('binds each ESO role to exactly one ServiceAccount, namespace and policy, with the platform audience and 15m TTL', () => {
    for (const ns of model.namespaces) {
      const artifact = file(artifacts, `role-eso-${ns.name}.json`);
      expect(artifact.source).toBe(ns.file);
      expect(JSON.parse(artifact.content)).toEqual(roleOf(artifact));
      expect(roleOf(artifact)).toEqual({
        bound_service_account_names: ['eso-vault'],
        bound_service_account_namespaces: [ns.name],
        audience: model.platform.vault.audience,
        alias_name_source: 'serviceaccount_name',
        token_policies: [`eso-${ns.name}`],
        token_ttl: '15m',
        token_max_ttl: '30m',
      });
    }
  });

  it('has no role for the argocd namespace and none binding "*"', () => {
    const roles = roleArtifacts(artifacts).map(roleOf);
    // The configurer's, one per platform namespace ESO serves handed-over secrets in, one per tenant namespace.
    expect(
      roleArtifacts(artifacts)
        .map((a) => baseName(a.path))
        .sort(),
    ).toEqual(
      [
        'role-platform-configurer.json',
        'role-eso-backstage.json',
        'role-eso-grafana.json',
        'role-eso-keycloak.json',
        ...model.namespaces.map((ns) => `role-eso-${ns.name}.json`),
      ].sort(),
    );
    expect(roles).toHaveLength(model.namespaces.length + 1 + esoServedByNamespace(model.platform).length);
    for (const role of roles) {
      expect(role.bound_service_account_namespaces).not.toContain('argocd');
      expect(role.bound_service_account_namespaces).not.toContain('*');
      expect(role.bound_service_account_names).not.toContain('*');
      expect(role.bound_service_account_namespaces).toHaveLength(1);
      expect(role.bound_service_account_names).toHaveLength(1);
    }
  });

  it('binds the configurer role only to vault/vault-configurer and its own policy', () => {
    expect(roleOf(file(artifacts, 'role-platform-configurer.json'))).toEqual({
      bound_service_account_names: ['vault-configurer'],
      bound_service_account_namespaces: ['vault'],
      audience: model.platform.vault.audience,
      alias_name_source: 'serviceaccount_name',
      token_policies: ['platform-configurer'],
      token_ttl: '10m',
      token_max_ttl: '20m',
    });
  });

  it('gives every role only policies that are generated', () => {
    const policies = new Set(policyArtifacts(artifacts).map((a) => baseName(a.path).slice('policy-'.length, -4)));
    for (const role of roleArtifacts(artifacts).map(roleOf)) {
      for (const policy of role.token_policies) expect(policies).toContain(policy);
    }
  });
});

describe('scripts', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vault-config-scripts-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it.each(['init.sh', 'configure.sh'])('%s passes shellcheck as POSIX sh', async (name) => {
    const script = file(artifacts, name);
    const path = join(scratch, name);
    await writeFile(path, renderFile(script.path, script.source, script.content));
    const result = spawnSync(SHELLCHECK, ['-s', 'sh', path], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('are constants: other namespace names and KV mount change env and files only, never the scripts', () => {
    const renamed = vaultConfigGenerator.generate(renamedModel());
    for (const name of ['init.sh', 'configure.sh']) {
      expect(file(renamed, name).content).toBe(file(artifacts, name).content);
      expect(file(renamed, name).content).not.toContain('zq');
    }
    // Everything else outside files/ is the same but for KV_MOUNT and the list of files.
    const outside = (list: readonly Artifact[]) => list.filter((a) => !a.path.startsWith(FILES));
    const before = new Map(outside(artifacts).map((a) => [a.path, a]));
    const after = outside(renamed);
    expect(after.map((a) => a.path).sort()).toEqual([...before.keys()].sort());
    for (const artifact of after) {
      const original = before.get(artifact.path);
      if (artifact.path.endsWith('kustomization.yaml')) continue;
      if (artifact.path.endsWith('-job.yaml')) {
        const [job] = artifact.documents as JobShape[];
        const [originalJob] = documentsOf(original) as JobShape[];
        const envOf = (j: JobShape | undefined) => j?.spec.template.spec.containers[0]?.env ?? [];
        const withoutEnv = (j: JobShape | undefined) =>
          JSON.parse(JSON.stringify(j), (key, value) => (key === 'env' ? undefined : value)) as unknown;
        expect(withoutEnv(job)).toEqual(withoutEnv(originalJob));
        expect(
          envOf(job).filter((e) => !envOf(originalJob).some((o) => o.name === e.name && o.value === e.value)),
        ).toEqual([{ name: 'KV_MOUNT', value: 'zqkv' }]);
        continue;
      }
      expect(artifact.content, artifact.path).toBe(original?.content);
    }
  });

  it("contain no value of the example's definitions", () => {
    const { platform } = model;
    const values = [
      ...model.namespaces.flatMap((ns) => [ns.name, ...ns.definition.vault.approvedPrefixes]),
      ...platform.teams.flatMap((t) => [t.name, t.group]),
      platform.domain,
      platform.name,
      platform.identity.adminGroup,
      platform.identity.auditorGroup,
      oidcIssuer(platform),
      platform.git.repoURL,
      ...platform.vault.recovery.pgpKeys,
    ];
    for (const name of ['init.sh', 'configure.sh']) {
      const content = file(artifacts, name).content;
      for (const value of values) expect(content, `${name} contains ${value}`).not.toContain(value);
    }
  });
});

describe('the kustomization as kubectl kustomize renders it', () => {
  let root: string;
  let objects: KubeObject[];

  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const named = (name: string) => {
    const found = objects.find((o) => (o.metadata as { name: string }).name === name);
    if (found === undefined) throw new Error(`nothing named ${name} rendered`);
    return found;
  };
  const filesMap = () => {
    const maps = ofKind('ConfigMap').filter((o) => (o.metadata as { name: string }).name !== 'vault-recovery-keys');
    expect(maps).toHaveLength(1);
    return maps[0] as { metadata: { name: string }; data: Record<string, string> };
  };
  const jobs = () => ofKind('Job') as unknown as JobShape[];
  const job = (name: string) => jobs().find((j) => j.metadata.name === name) as JobShape;
  const env = (name: string) =>
    Object.fromEntries(job(name).spec.template.spec.containers[0]?.env.map((e) => [e.name, e.value]) ?? []);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vault-config-kustomize-'));
    for (const artifact of artifacts) {
      const path = join(root, artifact.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, renderFile(artifact.path, artifact.source, artifact.content));
    }
    const result = runTool('kubectl', ['kustomize', join(root, DIR)]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    objects = parseAllDocuments(result.stdout).map((d) => d.toJS() as KubeObject);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('renders the ServiceAccount, two ConfigMaps and two Jobs, all in the vault namespace, and no Secret', () => {
    expect(objects.map((o) => `${String(o.kind)}/${(o.metadata as { name: string }).name}`).sort()).toEqual(
      [
        `ConfigMap/${filesMap().metadata.name}`,
        'ConfigMap/vault-recovery-keys',
        'Job/vault-configure',
        'Job/vault-init',
        'ServiceAccount/vault-configurer',
      ].sort(),
    );
    expect(ofKind('Secret')).toEqual([]);
    for (const object of objects) expect((object.metadata as { namespace: string }).namespace).toBe('vault');
    new ServiceAccount(named('vault-configurer') as never).validate();
    for (const map of ofKind('ConfigMap')) new ConfigMap(map as never).validate();
  });

  it('puts every policy, role and script in one ConfigMap with a hashed name that both Jobs mount', () => {
    const map = filesMap();
    expect(map.metadata.name).toMatch(/^vault-config-files-[a-z0-9]{10}$/);
    const generatedFiles = artifacts.filter((a) => a.path.startsWith(FILES));
    expect(Object.keys(map.data).sort()).toEqual(generatedFiles.map((a) => baseName(a.path)).sort());
    for (const artifact of generatedFiles) {
      expect(map.data[baseName(artifact.path)], artifact.path).toBe(
        renderFile(artifact.path, artifact.source, artifact.content),
      );
    }
    for (const name of [
      'init.sh',
      'configure.sh',
      'oidc-role-default.json',
      ...policyArtifacts(artifacts).map((a) => baseName(a.path)),
      ...roleArtifacts(artifacts).map((a) => baseName(a.path)),
    ]) {
      expect(Object.keys(map.data)).toContain(name);
    }
    expect(jobs()).toHaveLength(2);
    for (const j of jobs()) {
      const config = j.spec.template.spec.volumes.find((v) => v.name === 'config');
      expect(config?.configMap?.name, j.metadata.name).toBe(map.metadata.name);
      const [shell, script] = j.spec.template.spec.containers[0]?.command ?? [];
      expect(shell).toBe('/bin/sh');
      expect(Object.keys(map.data)).toContain(String(script).replace('/config/', ''));
    }
  });

  it('renders Jobs that validate against the upstream schema and are Sync hooks (init in wave 1, configure in wave 2)', () => {
    for (const j of jobs()) new Job(j as never).validate();
    expect(job('vault-init').metadata.annotations[HOOK]).toBe('Sync');
    expect(job('vault-configure').metadata.annotations[HOOK]).toBe('Sync');
    expect(job('vault-init').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
    expect(job('vault-configure').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('2');
    for (const j of jobs()) {
      expect(j.metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBe('BeforeHookCreation');
      expect(j.spec.template.spec.serviceAccountName).toBe('vault-configurer');
    }
    expect(job('vault-init').spec.template.spec.containers[0]?.command).toEqual(['/bin/sh', '/config/init.sh']);
    expect(job('vault-configure').spec.template.spec.containers[0]?.command).toEqual([
      '/bin/sh',
      '/config/configure.sh',
    ]);
    // Only init sees the recovery keys.
    const recoveryVolumes = (name: string) =>
      job(name).spec.template.spec.volumes.filter((v) => v.configMap?.name === 'vault-recovery-keys');
    expect(recoveryVolumes('vault-init')).toHaveLength(1);
    expect(recoveryVolumes('vault-configure')).toHaveLength(0);
  });

  it('carries the recovery keys as binaryData only (public keys, nothing else)', () => {
    const keys = named('vault-recovery-keys');
    expect(keys.data).toBeUndefined();
    expect(keys.binaryData).toEqual(
      Object.fromEntries(model.platform.vault.recovery.pgpKeys.map((key, i) => [`key-${i + 1}.gpg`, key])),
    );
  });

  it('passes every value to the scripts through env, from the definitions', () => {
    const { vault } = model.platform;
    const common = {
      VAULT_ADDR: vault.server ?? DEFAULT_VAULT_SERVER,
      KV_MOUNT: vault.kvMount,
      K8S_AUTH_MOUNT: vault.kubernetesAuthMount,
      OIDC_DISCOVERY_URL: oidcIssuer(model.platform),
    };
    expect(env('vault-configure')).toEqual(common);
    expect(env('vault-init')).toEqual({
      ...common,
      RECOVERY_SHARES: String(vault.recovery.pgpKeys.length),
      RECOVERY_THRESHOLD: String(vault.recovery.threshold),
      RECOVERY_KEYS: vault.recovery.pgpKeys.map((_, i) => `/recovery/key-${i + 1}.gpg`).join(','),
    });
  });

  it('mounts in the configure Job exactly one seed per handed-over secret: Secret bootstrap-<name>, mode 0440, read-only', () => {
    const seeds = model.platform.bootstrapSecrets.filter(handsOverToVault);
    expect(seeds.map((s) => s.name)).toEqual([
      'vault-oidc',
      'keycloak-admin',
      'keycloak-db',
      'grafana-admin',
      'grafana-oidc',
      'backstage-oidc',
    ]);
    const spec = job('vault-configure').spec.template.spec as unknown as SeededPodSpec;
    const seedVolumes = spec.volumes.filter((v) => v.secret !== undefined);
    expect(seedVolumes).toEqual(
      seeds.map((s) => ({ name: `seed-${s.name}`, secret: { secretName: `bootstrap-${s.name}`, defaultMode: 0o440 } })),
    );
    // Each seed is the Secret its sealed file holds, in the Job's own namespace (a pod mounts no other).
    for (const s of seeds) {
      expect(sealedSecretTarget(s)).toEqual({ name: `bootstrap-${s.name}`, namespace: 'vault' });
    }
    const mounts = spec.containers[0]?.volumeMounts.filter((m) => m.name.startsWith('seed-'));
    expect(mounts).toEqual(
      seeds.map((s) => ({ name: `seed-${s.name}`, mountPath: `/seeds/${s.name}`, readOnly: true })),
    );
    // Group-readable files (0440) for the Job's user: the pod's fsGroup owns them.
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsGroup: 1000, fsGroup: 1000 });
    // No seed value ever passes through env or the command line.
    expect(JSON.stringify(spec.containers[0]?.env)).not.toContain('seed');
  });

  it('mounts no seed, and has no fsGroup, in the init Job', () => {
    const spec = job('vault-init').spec.template.spec as unknown as SeededPodSpec;
    expect(spec.volumes.filter((v) => v.secret !== undefined)).toEqual([]);
    expect(spec.containers[0]?.volumeMounts.filter((m) => m.mountPath.startsWith('/seeds'))).toEqual([]);
    expect(spec.securityContext).not.toHaveProperty('fsGroup');
  });

  it('ships the handover path of every mounted seed in the ConfigMap, under the name configure.sh reads', () => {
    const map = filesMap();
    const spec = job('vault-configure').spec.template.spec as unknown as SeededPodSpec;
    const mounted = (spec.containers[0]?.volumeMounts ?? [])
      .filter((m) => m.mountPath.startsWith('/seeds/'))
      .map((m) => m.mountPath.slice('/seeds/'.length));
    expect(mounted.length).toBeGreaterThan(0);
    for (const name of mounted) {
      const secret = model.platform.bootstrapSecrets.find((s) => s.name === name);
      if (secret?.handover.to !== 'vault') throw new Error(`${name} is mounted but not handed over`);
      expect(map.data[`handover-${name}.path`], name).toBe(`${secret.handover.path}\n`);
    }
    expect(file(artifacts, 'configure.sh').content).toContain('path=$(cat "/config/handover-$name.path")');
    expect(file(artifacts, 'configure.sh').content).toContain('for dir in /seeds/*/; do');
  });

  // Regression: the init Job was a PreSync hook, applied before the ServiceAccount and ConfigMaps it needs
  // (plain resources are applied in the Sync phase). Now both Jobs are Sync hooks in waves after them.
  it('runs each Job only after the objects it needs exist (they are plain resources of wave 0)', () => {
    const init = job('vault-init');
    const needed = [
      init.spec.template.spec.serviceAccountName,
      ...init.spec.template.spec.volumes.flatMap((v) => (v.configMap === undefined ? [] : [v.configMap.name])),
    ];
    expect(needed).toHaveLength(3);
    for (const name of needed) {
      const annotations = ((named(name).metadata as { annotations?: Record<string, string> }).annotations ??
        {}) as Record<string, string>;
      expect(annotations[HOOK], `${name} must be a plain resource, applied before the hooks`).toBeUndefined();
      expect(annotations['argocd.argoproj.io/sync-wave'] ?? '0').toBe('0');
    }
  });
});

describe('the phase 3 handover', () => {
  const handedOver = () => model.platform.bootstrapSecrets.filter(handsOverToVault);

  it('writes one handover-<name>.path file per seed, holding exactly its Vault path (inside the KV mount)', () => {
    const pathFiles = artifacts.filter((a) => /\/handover-[^/]+\.path$/.test(a.path));
    expect(pathFiles.map((a) => baseName(a.path))).toEqual(handedOver().map((s) => `handover-${s.name}.path`));
    for (const secret of handedOver()) {
      const artifact = file(artifacts, `handover-${secret.name}.path`);
      expect(artifact.content).toBe(`${secret.handover.path}\n`);
      expect(artifact.source).toBe(model.platformFile);
    }
    expect(file(artifacts, 'handover-keycloak-admin.path').content).toBe('platform/keycloak/admin\n');
  });

  it('lists every handover file in the ConfigMap generator', () => {
    const kustomization = artifacts.find((a) => a.path === `${DIR}kustomization.yaml`);
    const [k] = documentsOf(kustomization) as { configMapGenerator: { files: string[] }[] }[];
    for (const secret of handedOver()) {
      expect(k?.configMapGenerator[0]?.files).toContain(`files/handover-${secret.name}.path`);
    }
  });

  it('gives each platform namespace ESO serves a policy reading exactly its data paths (Keycloak’s with the clients’ secrets): no glob, no list, no write', () => {
    const mount = model.platform.vault.kvMount;
    const served = esoServedByNamespace(model.platform);
    expect(served.map(([ns]) => ns)).toEqual(['backstage', 'grafana', 'keycloak']);
    const paths = new Map(platformEsoPaths(model.platform));
    expect(Object.fromEntries(paths)).toEqual({
      backstage: ['platform/backstage/oidc'],
      grafana: ['platform/grafana/admin', 'platform/grafana/oidc'],
      // Its own two secrets, and the secrets of the confidential clients vault, grafana and backstage.
      keycloak: [
        'platform/backstage/oidc',
        'platform/grafana/oidc',
        'platform/keycloak/admin',
        'platform/keycloak/db',
        'platform/oidc/vault',
      ],
    });
    for (const [ns, secrets] of served) {
      const artifact = file(artifacts, `policy-eso-${ns}.hcl`);
      expect(artifact.source).toBe(model.platformFile);
      const rules = rulesOf(artifact);
      expect(rules).toEqual(
        (paths.get(ns) ?? []).map((path) => ({ path: `${mount}/data/${path}`, capabilities: ['read'] })),
      );
      for (const secret of secrets) expect(paths.get(ns), ns).toContain(secret.handover.path);
      for (const rule of rules) {
        expect(rule.path, ns).not.toMatch(/[*+]/);
        expect(rule.path, ns).not.toContain('/metadata/');
        expect(rule.capabilities, ns).toEqual(['read']);
      }
      expect(roleOf(file(artifacts, `role-eso-${ns}.json`))).toEqual({
        bound_service_account_names: ['eso-vault'],
        bound_service_account_namespaces: [ns],
        audience: model.platform.vault.audience,
        alias_name_source: 'serviceaccount_name',
        token_policies: [`eso-${ns}`],
        token_ttl: '15m',
        token_max_ttl: '30m',
      });
    }
    // The phase-3 handover is read by the configurer only: no ESO policy for the vault namespace.
    expect(artifacts.some((a) => a.path === `${FILES}policy-eso-vault.hcl`)).toBe(false);
    expect(artifacts.some((a) => a.path === `${FILES}role-eso-vault.json`)).toBe(false);
  });

  it('and the invariants see a platform ESO policy widened to a glob or to list (the check above is not vacuous)', () => {
    const mount = model.platform.vault.kvMount;
    const widen = (extra: PolicyRule) =>
      artifacts.map((a) =>
        a.path === `${FILES}policy-eso-grafana.hcl`
          ? { ...a, documents: [{ name: 'eso-grafana', rules: [...rulesOf(a), extra] }] }
          : a,
      );
    expect(
      checkInvariants(viewOf(model, widen({ path: `${mount}/data/platform/*`, capabilities: ['read'] }))).map(
        (i) => i.code,
      ),
    ).toEqual(['E_ISO2']);
    expect(
      checkInvariants(
        viewOf(model, widen({ path: `${mount}/data/platform/grafana/admin`, capabilities: ['read', 'update'] })),
      )
        .map((i) => i.code)
        .sort(),
    ).toEqual(['E_ESO1', 'E_ISO2']);
    // Below a handed-over path, or list on its metadata: more than the exact paths, so ISO-2 too.
    for (const path of [`${mount}/data/platform/grafana/admin/*`, `${mount}/metadata/platform/grafana/admin`]) {
      const capabilities: PolicyRule['capabilities'] = path.includes('/metadata/') ? ['list'] : ['read'];
      expect(
        checkInvariants(viewOf(model, widen({ path, capabilities }))).map((i) => i.code),
        path,
      ).toEqual(['E_ISO2']);
    }
  });

  it('only eso-keycloak reads the clients’ secrets: eso-grafana reading Vault’s OIDC secret is ISO-2', () => {
    const mount = model.platform.vault.kvMount;
    const clients = [`${mount}/data/platform/oidc/vault`, `${mount}/data/platform/backstage/oidc`];
    for (const path of clients)
      expect(rulesOf(file(artifacts, 'policy-eso-keycloak.hcl')).map((r) => r.path)).toContain(path);
    for (const path of clients) {
      const widened = artifacts.map((a) =>
        a.path === `${FILES}policy-eso-grafana.hcl`
          ? { ...a, documents: [{ name: 'eso-grafana', rules: [...rulesOf(a), { path, capabilities: ['read'] }] }] }
          : a,
      );
      const issues = checkInvariants(viewOf(model, widened));
      expect(
        issues.map((i) => [i.code, i.path]),
        path,
      ).toEqual([['E_ISO2', `path["${path}"]`]]);
    }
  });

  it('without handed-over secrets: no seed, no handover file, no fsGroup, no platform ESO policy', () => {
    const none: PlatformModel = {
      ...model,
      platform: {
        ...model.platform,
        bootstrapSecrets: model.platform.bootstrapSecrets.filter((s) => !handsOverToVault(s)),
      },
    };
    const generated = vaultConfigGenerator.generate(none);
    expect(generated.filter((a) => a.path.includes('/handover-'))).toEqual([]);
    expect(generated.filter((a) => /policy-eso-(backstage|grafana|keycloak)\.hcl$/.test(a.path))).toEqual([]);
    const [configure] = documentsOf(generated.find((a) => a.path === `${DIR}configure-job.yaml`)) as {
      spec: { template: { spec: SeededPodSpec } };
    }[];
    const spec = configure?.spec.template.spec;
    expect(spec?.volumes.filter((v) => v.secret !== undefined)).toEqual([]);
    expect(spec?.securityContext).not.toHaveProperty('fsGroup');
    expect(checkInvariants(viewOf(none, generated))).toEqual([]);
  });
});

describe('a platform with a CA bundle', () => {
  it('ships the CA as a file and points VAULT_CACERT at it', () => {
    const caBundle = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
    const withCa: PlatformModel = {
      ...model,
      platform: { ...model.platform, vault: { ...model.platform.vault, caBundle, server: 'https://vault.zq:8200' } },
    };
    const generated = vaultConfigGenerator.generate(withCa);
    expect(file(generated, 'vault-ca.crt').content).toBe(Buffer.from(caBundle, 'base64').toString('utf8'));
    const kustomization = generated.find((a) => a.path === `${DIR}kustomization.yaml`);
    const [k] = documentsOf(kustomization) as { configMapGenerator: { files: string[] }[] }[];
    expect(k?.configMapGenerator[0]?.files).toContain('files/vault-ca.crt');
    for (const name of ['init-job.yaml', 'configure-job.yaml']) {
      const [j] = documentsOf(generated.find((a) => a.path === `${DIR}${name}`)) as JobShape[];
      const envOf = Object.fromEntries(j?.spec.template.spec.containers[0]?.env.map((e) => [e.name, e.value]) ?? []);
      expect(envOf.VAULT_CACERT).toBe('/config/vault-ca.crt');
      expect(envOf.VAULT_ADDR).toBe('https://vault.zq:8200');
    }
    // The scripts do not change.
    expect(file(generated, 'init.sh').content).toBe(file(artifacts, 'init.sh').content);
    expect(file(generated, 'configure.sh').content).toBe(file(artifacts, 'configure.sh').content);
  });
});
