import { describe, expect, it } from 'vitest';
import { renderFile } from '../file-set.js';
import { policyToHcl } from '../hcl.js';
import { toYamlDocuments } from '../yaml.js';
import { diffGenerations, groupOf, sourceOf, vaultFileKind } from './generation-diff.js';
import { renderDiffMarkdown, renderDiffText, VAULT_FLAG } from './render-diff.js';

const ES_FILE = 'kubernetes/namespaces/shop/external-secrets/external-secret-db.yaml';
const POLICY_FILE = 'kubernetes/vault-config/files/policy-eso-shop.hcl';

function externalSecret(name: string, key: string) {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: 'shop', annotations: { 'platform-gen.io/source': 'namespaces/shop/secrets.ts' } },
    spec: { data: [{ secretKey: 'password', remoteRef: { key } }] },
  };
}

function yamlFile(path: string, source: string, ...documents: unknown[]): [string, string] {
  return [path, renderFile(path, source, toYamlDocuments(documents))];
}

function policyFile(paths: readonly string[]): [string, string] {
  const rules = paths.map((path) => ({ path, capabilities: ['read' as const] }));
  return [POLICY_FILE, renderFile(POLICY_FILE, 'namespaces/shop/namespace.ts', policyToHcl(rules))];
}

describe('diffGenerations', () => {
  it('is empty for equal generations', async () => {
    const files = new Map([yamlFile(ES_FILE, 'namespaces/shop/secrets.ts', externalSecret('db', 'shop/db'))]);
    const diff = await diffGenerations(files, new Map(files));
    expect(diff).toEqual({ vault: [], groups: [], compared: 1 });
    expect(renderDiffText(diff, 'test')).toContain('No changes (1 generated file compared).');
  });

  it('reports added, removed and changed objects in the namespace they belong to', async () => {
    const source = 'namespaces/shop/secrets.ts';
    const before = new Map([
      yamlFile(ES_FILE, source, externalSecret('db', 'shop/db'), externalSecret('old', 'shop/old')),
    ]);
    const after = new Map([
      yamlFile(ES_FILE, source, externalSecret('db', 'shop/db2'), externalSecret('new', 'shop/new')),
    ]);
    const diff = await diffGenerations(before, after);
    expect(diff.vault).toEqual([]);
    expect(diff.groups.map((g) => [g.kind, g.name])).toEqual([['namespace', 'shop']]);
    expect(diff.groups[0]?.objects.map((o) => [o.change, o.label, o.fields.map((f) => f.path)])).toEqual([
      ['added', 'ExternalSecret shop/new', []],
      ['removed', 'ExternalSecret shop/old', []],
      ['changed', 'ExternalSecret shop/db', ['spec.data[secretKey=password].remoteRef.key']],
    ]);
    const text = renderDiffText(diff, 'test');
    expect(text).toContain(
      '  + ExternalSecret shop/new  kubernetes/namespaces/shop/external-secrets/external-secret-db.yaml',
    );
    expect(text).toContain('      spec.data[secretKey=password].remoteRef.key: shop/db → shop/db2');
    expect(text).toContain('platform-gen diff: 1 object added, 1 removed, 1 changed.');
  });

  it('keys objects by identity, so a moved object is one change, not a removal and an addition', async () => {
    const before = new Map([
      yamlFile('kubernetes/namespaces/shop/a.yaml', 'namespaces/shop', externalSecret('db', 'k')),
    ]);
    const after = new Map([
      yamlFile('kubernetes/namespaces/shop/b.yaml', 'namespaces/shop', externalSecret('db', 'k')),
    ]);
    const diff = await diffGenerations(before, after);
    expect(diff.groups[0]?.objects).toEqual([
      expect.objectContaining({
        change: 'changed',
        file: 'kubernetes/namespaces/shop/b.yaml',
        movedFrom: 'kubernetes/namespaces/shop/a.yaml',
      }),
    ]);
  });

  it('lists Vault policy changes apart, as the paths granted and taken away (read with the HCL parser)', async () => {
    const before = new Map([policyFile(['secret/data/shop/a'])]);
    const after = new Map([policyFile(['secret/data/shop/a', 'secret/data/shop/b'])]);
    const diff = await diffGenerations(before, after);
    expect(diff.vault).toEqual([
      {
        change: 'changed',
        path: POLICY_FILE,
        what: 'policy',
        lines: ['+ path "secret/data/shop/b" capabilities = ["read"]'],
      },
    ]);
    expect(diff.groups[0]?.files[0]).toMatchObject({ path: POLICY_FILE, display: 'vault' });
    const text = renderDiffText(diff, 'test');
    expect(text.indexOf(VAULT_FLAG)).toBeLessThan(text.indexOf('namespace shop'));
    const markdown = renderDiffMarkdown(diff, 'From `main`');
    expect(markdown).toContain(`### ${VAULT_FLAG}`);
    expect(markdown).toContain('```diff\n  + path "secret/data/shop/b" capabilities = ["read"]\n  ```');
  });

  it('shows role changes field by field', async () => {
    const path = 'kubernetes/vault-config/files/role-eso-shop.json';
    const diff = await diffGenerations(
      new Map([[path, '{"token_policies": ["eso-shop"]}\n']]),
      new Map([[path, '{"token_policies": ["eso-shop", "admin"]}\n']]),
    );
    expect(diff.vault[0]?.lines).toEqual(['+ token_policies[]: admin']);
  });

  it('compares other files as text: a short patch for scripts, counts only for docs', async () => {
    const diff = await diffGenerations(
      new Map([
        ['kubernetes/vault-config/files/init.sh', 'a\nb\n'],
        ['docs/generated/x.md', 'one\n'],
      ]),
      new Map([
        ['kubernetes/vault-config/files/init.sh', 'a\nc\n'],
        ['docs/generated/x.md', 'two\n'],
      ]),
    );
    expect(diff.groups.map((g) => [g.name, g.files.map((f) => [f.path, f.display, f.lines])])).toEqual([
      ['vault-config', [['kubernetes/vault-config/files/init.sh', 'patch', ['@@ -1,2 +1,2 @@', ' a', '-b', '+c']]]],
      ['repository', [['docs/generated/x.md', 'summary', ['@@ -1,1 +1,1 @@', '-one', '+two']]]],
    ]);
    expect(renderDiffText(diff, 't')).not.toContain('+two');
  });

  it('escapes Markdown and never prints Secret values', async () => {
    const secret = (value: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'a|b', namespace: 'vault' },
      data: { token: value },
    });
    const path = 'kubernetes/bootstrap/x.yaml';
    const diff = await diffGenerations(
      new Map([yamlFile(path, 'platform/platform.ts', secret('czE='))]),
      new Map([yamlFile(path, 'platform/platform.ts', secret('czI='))]),
    );
    const markdown = renderDiffMarkdown(diff, 'Here');
    expect(markdown).toContain('| changed | `Secret vault/a\\|b` |');
    expect(markdown).toContain('`data.token`: (value changed)');
    expect(markdown + renderDiffText(diff, 't')).not.toMatch(/czE|czI/);
  });
});

describe('grouping', () => {
  it('puts tenant files in their namespace, component folders in their component, the rest in the repository', () => {
    expect(groupOf('kubernetes/argocd-apps/tenants/tenant--shop.yaml', 'namespaces/shop/namespace.ts')).toEqual({
      kind: 'namespace',
      name: 'shop',
    });
    expect(groupOf('kubernetes/namespaces/shop/rbac.yaml', '')).toEqual({ kind: 'namespace', name: 'shop' });
    expect(groupOf('kubernetes/argocd-apps/platform/vault.yaml', 'platform/platform.ts')).toEqual({
      kind: 'component',
      name: 'argocd',
    });
    expect(groupOf('charts/keycloak/values.yaml', 'platform/platform.ts')).toEqual({
      kind: 'component',
      name: 'keycloak',
    });
    expect(groupOf('kubernetes/vault-config/init-job.yaml', 'platform/platform.ts')).toEqual({
      kind: 'component',
      name: 'vault-config',
    });
    expect(groupOf('CODEOWNERS', 'platform/platform.ts')).toEqual({ kind: 'repository', name: 'repository' });
  });

  it('reads the source from the generated header', () => {
    expect(sourceOf(renderFile('a.yaml', 'namespaces/shop', 'x: 1'))).toBe('namespaces/shop');
    expect(sourceOf('x: 1\n')).toBe('');
  });

  it('knows which Vault files grant access', () => {
    expect(vaultFileKind('kubernetes/vault-config/files/policy-eso-a.hcl')).toBe('policy');
    expect(vaultFileKind('kubernetes/vault-config/files/role-eso-a.json')).toBe('role');
    expect(vaultFileKind('kubernetes/vault-config/files/group-platform-admins.policies')).toBe('group policies');
    expect(vaultFileKind('kubernetes/vault-config/files/init.sh')).toBeUndefined();
    expect(vaultFileKind('kubernetes/vault-config/init-job.yaml')).toBeUndefined();
  });
});
