/**
 * Phases 0-2 as generated from the example: `.sops.yaml` as the real `sops` reads it, the bootstrap
 * kustomization as the real `kubectl kustomize` renders it (with the KSOPS stand-in of core's render, the
 * one `validate` uses), the Namespaces against the upstream schema, and the authority ledger's tables.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  type Artifact,
  authorityLedger,
  bootstrapNamespaces,
  buildRepoView,
  ENC_VALUE,
  type FileSet,
  mergeOutputs,
  type PlatformDefinition,
  type PlatformModel,
  renderFile,
  sealedFilePath,
  sealedSecretTarget,
  servedByEso,
} from '@platform-gen/core';
import { runTool } from '@platform-gen/core/real-tools';
import { loadExampleModel, WORKSPACE_ROOT } from '@platform-gen/core/testing';
import { Namespace } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { bootstrapArtifacts, bootstrapGenerator, LEDGER_PATH, ledgerMarkdown, sopsConfigArtifact } from './index.js';

type Obj = Record<string, unknown>;

let model: PlatformModel;

beforeAll(async () => {
  model = await loadExampleModel();
});

function artifact(list: readonly Artifact[], path: string): Artifact {
  const found = list.find((a) => a.path === path);
  if (found === undefined) throw new Error(`no artifact ${path} (have ${list.map((a) => a.path).join(', ')})`);
  return found;
}

/** A file's documents as written to disk (header included), parsed back. */
function parsedDocuments(a: Artifact): Obj[] {
  return parseAllDocuments(renderFile(a.path, a.source, a.content)).map((d) => d.toJS() as Obj);
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

function withInventory(bootstrapSecrets: PlatformModel['platform']['bootstrapSecrets']): PlatformModel {
  return { ...model, platform: { ...model.platform, bootstrapSecrets } };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('the generator', () => {
  it('writes exactly .sops.yaml, the bootstrap kustomization, its KSOPS generator and Namespaces, and the ledger', () => {
    const artifacts = bootstrapGenerator.generate(model);
    expect(artifacts.map((a) => a.path).sort()).toEqual(
      [
        '.sops.yaml',
        'docs/generated/authority-ledger.md',
        'kubernetes/bootstrap/ksops.yaml',
        'kubernetes/bootstrap/kustomization.yaml',
        'kubernetes/bootstrap/namespaces.yaml',
      ].sort(),
    );
    expect(() =>
      mergeOutputs([{ generator: bootstrapGenerator.name, owns: bootstrapGenerator.owns, artifacts }]),
    ).not.toThrow();
    // Never a sealed file: their values never pass through generate.
    expect(artifacts.some((a) => a.path.startsWith('kubernetes/bootstrap/secrets/'))).toBe(false);
    for (const a of artifacts) expect(a.source).toBe(model.platformFile);
  });

  it('is idempotent and does not change the model', () => {
    const frozen = deepFreeze(structuredClone(model));
    expect(bootstrapGenerator.generate(frozen)).toEqual(bootstrapGenerator.generate(model));
  });

  it('writes YAML whose content is exactly its documents', () => {
    for (const a of bootstrapArtifacts(model)) {
      expect(parsedDocuments(a), a.path).toEqual(a.documents);
    }
  });
});

describe('.sops.yaml', () => {
  it('holds one creation rule: every sealed file, only values encrypted, for every recipient', () => {
    const config = parse(renderFile('.sops.yaml', model.platformFile, sopsConfigArtifact(model).content)) as {
      creation_rules: { path_regex: string; encrypted_regex: string; age: string }[];
    };
    const rule = only(config.creation_rules);
    expect(Object.keys(rule).sort()).toEqual(['age', 'encrypted_regex', 'path_regex']);
    expect(rule.encrypted_regex).toBe('^(data|stringData)$');
    expect(rule.age).toBe(model.platform.sops.recipients.map((r) => r.recipient).join(','));
    expect(rule.age.split(',')).toEqual([
      'age1pe80l2vujw33mv0pkt8wwkgra406yg68w0lmr9aaf7wmyz5czvqsql9836',
      'age1cpaelldkrvahhu255m2psfjfxzuv6w28puuy47ccpzvtkua005zsxtx5hq',
    ]);
    // SOPS matches path_regex (Go RE2; this one means the same in JavaScript) against the path relative to .sops.yaml.
    const pathRegex = new RegExp(rule.path_regex);
    expect(model.platform.bootstrapSecrets.length).toBeGreaterThan(0);
    for (const secret of model.platform.bootstrapSecrets) {
      expect(pathRegex.test(sealedFilePath(secret.name)), sealedFilePath(secret.name)).toBe(true);
    }
    for (const path of [
      'kubernetes/other.yaml',
      'kubernetes/bootstrap/kustomization.yaml',
      'kubernetes/bootstrap/secrets/x.yaml',
      'kubernetes/bootstrap/secrets/nested/x.sops.yaml',
      'kubernetes/bootstrap/secretsXx.sops.yaml',
      'other/kubernetes/bootstrap/secrets/x.sops.yaml',
      'kubernetes/bootstrap/secrets/x.sopsXyaml',
    ]) {
      expect(pathRegex.test(path), path).toBe(false);
    }
  });
});

describe('kubernetes/bootstrap/', () => {
  it('has a kustomization with the Namespaces as resources and the KSOPS generator as generator', () => {
    const kustomization = only(
      parsedDocuments(artifact(bootstrapArtifacts(model), 'kubernetes/bootstrap/kustomization.yaml')),
    );
    expect(kustomization).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['./namespaces.yaml'],
      generators: ['./ksops.yaml'],
    });
  });

  it('has a KSOPS generator (an exec function named ksops) listing every sealed file of the inventory, in order', () => {
    const ksops = only(parsedDocuments(artifact(bootstrapArtifacts(model), 'kubernetes/bootstrap/ksops.yaml')));
    expect(ksops.apiVersion).toBe('viaduct.ai/v1');
    expect(ksops.kind).toBe('ksops');
    const metadata = ksops.metadata as { name: string; annotations: Record<string, string> };
    expect(metadata.name).toBe('bootstrap-secrets');
    expect(Object.keys(metadata.annotations)).toEqual(['config.kubernetes.io/function']);
    expect(parse(metadata.annotations['config.kubernetes.io/function'] ?? '')).toEqual({ exec: { path: 'ksops' } });
    expect(ksops.files).toEqual(model.platform.bootstrapSecrets.map((s) => `./secrets/${s.name}.sops.yaml`));
    // Relative to the kustomization: exactly the sealed files' paths.
    for (const [i, secret] of model.platform.bootstrapSecrets.entries()) {
      expect(`kubernetes/bootstrap/${String((ksops.files as string[])[i]).slice(2)}`).toBe(sealedFilePath(secret.name));
    }
  });

  it('creates the Namespaces of the seeds and of the ESO-served Secrets (not argocd), never pruned without confirmation', () => {
    const namespaces = parsedDocuments(artifact(bootstrapArtifacts(model), 'kubernetes/bootstrap/namespaces.yaml'));
    const { bootstrapSecrets } = model.platform;
    const expected = new Set([
      ...bootstrapSecrets.map((s) => sealedSecretTarget(s).namespace),
      ...bootstrapSecrets.filter(servedByEso).map((s) => s.namespace),
    ]);
    expected.delete('argocd');
    expect(namespaces.map((n) => (n.metadata as { name: string }).name)).toEqual([...expected].sort());
    expect([...expected].sort()).toEqual(['backstage', 'grafana', 'keycloak', 'vault']);
    expect(bootstrapNamespaces(model.platform)).toEqual([...expected].sort());
    for (const namespace of namespaces) {
      expect(() => new Namespace(namespace as never).validate()).not.toThrow();
      const metadata = namespace.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
      expect(metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Delete=confirm,Prune=confirm');
      expect(metadata.labels['app.kubernetes.io/managed-by']).toBe('platform-gen');
      expect(namespace.spec).toBeUndefined();
    }
  });

  it('negative control: the Namespace schema rejects a broken Namespace, so the check above is not vacuous', () => {
    const [first] = parsedDocuments(artifact(bootstrapArtifacts(model), 'kubernetes/bootstrap/namespaces.yaml'));
    expect(() => new Namespace({ ...first, metadata: { name: 7 } } as never).validate()).toThrow();
  });

  it('with an empty inventory: no ksops.yaml, no namespaces.yaml and no generators key', () => {
    const artifacts = bootstrapArtifacts(withInventory([]));
    expect(artifacts.map((a) => a.path)).toEqual(['kubernetes/bootstrap/kustomization.yaml']);
    const kustomization = only(parsedDocuments(artifact(artifacts, 'kubernetes/bootstrap/kustomization.yaml')));
    expect(kustomization).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [],
    });
    expect('generators' in kustomization).toBe(false);
  });

  it('with only argocd secrets: a generator, but no Namespace to create', () => {
    const argocd = model.platform.bootstrapSecrets.filter((s) => s.namespace === 'argocd');
    expect(argocd.length).toBeGreaterThan(0);
    const artifacts = bootstrapArtifacts(withInventory(argocd));
    expect(artifacts.map((a) => a.path).sort()).toEqual([
      'kubernetes/bootstrap/ksops.yaml',
      'kubernetes/bootstrap/kustomization.yaml',
    ]);
    expect(only(parsedDocuments(artifact(artifacts, 'kubernetes/bootstrap/kustomization.yaml')))).toMatchObject({
      resources: [],
      generators: ['./ksops.yaml'],
    });
  });
});

describe('kubernetes/bootstrap/ as the real kubectl kustomize renders it (KSOPS stand-in)', () => {
  let root: string;
  let files: FileSet;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'bootstrap-kustomize-'));
    // The example's sealed files, as committed (random values, sealed for throwaway recipients).
    for (const secret of model.platform.bootstrapSecrets) {
      const path = sealedFilePath(secret.name);
      await mkdir(dirname(join(root, path)), { recursive: true });
      await copyFile(join(WORKSPACE_ROOT, path), join(root, path));
    }
    const bootstrapApp = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'bootstrap-secrets', namespace: 'argocd' },
      spec: {
        project: 'platform',
        source: { repoURL: model.platform.git.repoURL, targetRevision: 'main', path: 'kubernetes/bootstrap' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      },
    };
    files = mergeOutputs([
      {
        generator: bootstrapGenerator.name,
        owns: bootstrapGenerator.owns,
        artifacts: bootstrapGenerator.generate(model),
      },
      {
        generator: 'test',
        owns: ['kubernetes/argocd-apps/'],
        artifacts: [
          {
            path: 'kubernetes/argocd-apps/platform/bootstrap-secrets.yaml',
            source: model.platformFile,
            content: '',
            documents: [bootstrapApp],
          },
        ],
      },
    ]);
    // Written to disk as well, for kubectl itself.
    for (const file of files.values()) {
      await mkdir(dirname(join(root, file.path)), { recursive: true });
      await writeFile(join(root, file.path), file.content);
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('without the stand-in, kubectl refuses the exec generator (why validate needs one)', () => {
    const result = runTool('kubectl', ['kustomize', join(root, 'kubernetes/bootstrap')]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/external plugins disabled; unable to load external plugin 'ksops'/);
  });

  it('renders exactly the Namespaces and one Secret per inventory entry at its target, every value ENC[...]', async () => {
    const { view, issues } = await buildRepoView(root, model, files);
    expect(issues).toEqual([]);
    const app = only(view.applications ?? []);
    const render = only(app.renders);
    expect(render.tool).toBe('kustomize');
    expect(render.error).toBeUndefined();

    const kinds = (kind: string) => render.objects.filter((o) => o.kind === kind);
    expect(render.objects.length).toBe(kinds('Namespace').length + kinds('Secret').length);
    expect(kinds('Namespace').map((o) => o.name)).toEqual(bootstrapNamespaces(model.platform));

    const secrets = kinds('Secret');
    expect(secrets.map((o) => `${o.namespace}/${o.name}`).sort()).toEqual(
      model.platform.bootstrapSecrets
        .map((s) => sealedSecretTarget(s))
        .map((t) => `${t.namespace}/${t.name}`)
        .sort(),
    );
    for (const secret of model.platform.bootstrapSecrets) {
      const target = sealedSecretTarget(secret);
      const rendered = secrets.find((o) => o.name === target.name && o.namespace === target.namespace);
      const object = rendered?.object as Obj;
      expect(object.sops, secret.name).toBeUndefined();
      const values = { ...((object.data as Obj | undefined) ?? {}), ...((object.stringData as Obj | undefined) ?? {}) };
      expect(Object.keys(values).sort(), secret.name).toEqual([...secret.keys].sort());
      for (const [key, value] of Object.entries(values)) {
        expect(ENC_VALUE.test(String(value)), `${secret.name}.${key}`).toBe(true);
      }
      const labels = (object.metadata as { labels: Record<string, string> }).labels;
      expect(labels['platform-gen.io/bootstrap-secret']).toBe(secret.name);
    }
  });

  it('fails the render when a listed sealed file does not exist, naming it', async () => {
    const missing = model.platform.bootstrapSecrets[0];
    if (missing === undefined) throw new Error('the example has no bootstrap secret');
    const path = join(root, sealedFilePath(missing.name));
    const content = await readFile(path);
    await rm(path);
    try {
      const { view } = await buildRepoView(root, model, files);
      const render = only(only(view.applications ?? []).renders);
      expect(render.objects).toEqual([]);
      expect(render.error).toBe(`ksops: ./secrets/${missing.name}.sops.yaml does not exist (KSOPS stand-in)`);
    } finally {
      await writeFile(path, content);
    }
  });
});

describe('the authority ledger', () => {
  /** Cells of a Markdown table row, split at unescaped pipes. */
  function cells(line: string): string[] {
    return line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  }

  /** Rows of the table whose header starts with `| secret | phase 0`. */
  function authorityRows(markdown: string): string[][] {
    const lines = markdown.split('\n');
    const header = lines.findIndex((l) => l.startsWith('| secret | phase 0'));
    expect(header).toBeGreaterThan(0);
    const rows: string[][] = [];
    for (const line of lines.slice(header + 2)) {
      if (!line.startsWith('|')) break;
      rows.push(cells(line));
    }
    return rows;
  }

  it('is written to docs/generated/authority-ledger.md from the ledger rows', () => {
    const ledger = artifact(bootstrapGenerator.generate(model), LEDGER_PATH);
    expect(ledger.content).toBe(ledgerMarkdown(model.platform, authorityLedger(model.platform)));
  });

  it('has one row per secret (the age key first) with five authority cells, then handover and copies', () => {
    const rows = authorityRows(ledgerMarkdown(model.platform, authorityLedger(model.platform)));
    const ledger = authorityLedger(model.platform);
    expect(rows.map((r) => r[0])).toEqual(ledger.map((r) => `\`${r.namespace}/${r.secret}\``));
    expect(rows.map((r) => r[0])).toEqual([
      '`argocd/sops-age`',
      ...model.platform.bootstrapSecrets.map((s) => `\`${s.namespace}/${s.name}\``),
    ]);
    for (const [i, row] of rows.entries()) {
      expect(row, row[0]).toHaveLength(8);
      expect(row.slice(1, 6), row[0]).toEqual([...(ledger[i]?.authority ?? [])]);
    }
    expect(rows[0]?.slice(1, 6)).toEqual(Array(5).fill('offline root'));
  });

  it('escapes | and folds line breaks in table cells, so a definition cannot add or split cells', () => {
    const [first, ...rest] = model.platform.bootstrapSecrets;
    if (first === undefined) throw new Error('the example has no bootstrap secret');
    const tricky = {
      ...first,
      consumer: 'a | b',
      suppliedBy: 'c\nd | e',
      handover: { to: 'none' as const, reason: 'x | y' },
    };
    const [recipient, ...others] = model.platform.sops.recipients;
    const platform: PlatformDefinition = {
      ...model.platform,
      bootstrapSecrets: [tricky, ...rest],
      sops: { recipients: [{ ...recipient, holder: 'safe | vault' }, ...others] },
    };
    const markdown = ledgerMarkdown(platform, authorityLedger(platform));
    const rows = authorityRows(markdown);
    const row = rows.find((r) => r[0] === `\`${tricky.namespace}/${tricky.name}\``);
    expect(row).toHaveLength(8);
    expect(row?.[6]).toBe('never: x \\| y');
    // Consumers and suppliers: one row, three cells.
    const consumerLine = markdown.split('\n').find((l) => l.startsWith(`| \`${tricky.namespace}/${tricky.name}\` | a`));
    expect(consumerLine).toBe(`| \`${tricky.namespace}/${tricky.name}\` | a \\| b | c d \\| e |`);
    expect(cells(consumerLine ?? '')).toHaveLength(3);
    expect(markdown).toContain('| safe \\| vault |');
  });
});
