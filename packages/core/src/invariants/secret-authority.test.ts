/**
 * PHS-1's secret part on hand-built Applications: a Kubernetes Secret is written from Git (a rendered
 * Secret) or from Vault (an ExternalSecret), never both, by at most one ExternalSecret, and the age key by
 * neither. And the authority ledger of the example: one authority per secret per phase.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Authority, authorityLedger, handsOverToVault, type LedgerRow } from '../bootstrap-secrets.js';
import type { PlatformDefinition } from '../generated/platform.js';
import type { Issue } from '../issues.js';
import type { PlatformModel } from '../model.js';
import type { RenderedObject } from '../render.js';
import type { RepoApplication, RepoView } from '../repo-view.js';
import { loadExampleModel } from '../testing.js';
import { phs1 } from './apps.js';
import { secretAuthorityIssues } from './secret-authority.js';

const MODEL = {
  platformFile: 'platform/platform.ts',
  platform: {} as PlatformDefinition,
  namespaces: [],
} as PlatformModel;

type Obj = Record<string, unknown>;

function secretObject(name: string, namespace: string): Partial<RenderedObject> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    name,
    namespace,
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
      stringData: { value: 'ENC[AES256_GCM,data:eA==,iv:aXY=,tag:dGFn,type:str]' },
    },
  };
}

function externalSecretObject(name: string, namespace: string, target?: string): Partial<RenderedObject> {
  const spec: Obj = {
    secretStoreRef: { kind: 'SecretStore', name: 'vault' },
    target: target === undefined ? { creationPolicy: 'Owner' } : { name: target, creationPolicy: 'Owner' },
    dataFrom: [{ extract: { key: `platform/${namespace}/${name}` } }],
  };
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    name,
    namespace,
    object: { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name, namespace }, spec },
  };
}

/** An Application in its phase's band (wave 10 × phase + order) rendering `objects` from `path` with `tool`. */
function app(
  name: string,
  phase: number,
  order: number,
  path: string,
  tool: 'kustomize' | 'directory',
  objects: Partial<RenderedObject>[],
): RepoApplication {
  const object = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      labels: { 'platform-gen.io/phase': String(phase) },
      annotations: { 'argocd.argoproj.io/sync-wave': String(10 * phase + order) },
    },
  };
  return {
    entry: { file: `kubernetes/argocd-apps/platform/${name}.yaml`, line: 2, generated: true, object },
    name,
    project: 'platform',
    destinationNamespace: undefined,
    sources: [],
    renders: [
      {
        path,
        tool,
        inputs: [],
        objects: objects.map((o) => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'x',
          namespace: undefined,
          // A directory render knows each object's file; kustomize does not.
          file: tool === 'directory' ? `${path}/${o.name ?? 'x'}.yaml` : undefined,
          object: {},
          ...o,
        })),
        error: undefined,
      },
    ],
    missingValueFiles: [],
  };
}

const bootstrap = (...objects: Partial<RenderedObject>[]) =>
  app('bootstrap-secrets', 2, 0, 'kubernetes/bootstrap', 'kustomize', objects);
const platformSecrets = (...objects: Partial<RenderedObject>[]) =>
  app('platform-secrets', 4, 1, 'kubernetes/platform-secrets', 'kustomize', objects);

function check(...applications: RepoApplication[]): { code: string; file: string; message: string }[] {
  const view: RepoView = { model: MODEL, objects: [], applications };
  return secretAuthorityIssues(view).map((i: Issue) => ({ code: i.code, file: i.file, message: i.message }));
}

describe('PHS-1: one authority per secret', () => {
  it('passes the handover as generated: a seed in vault from Git, the consumer’s Secret from Vault', () => {
    expect(
      check(
        bootstrap(secretObject('bootstrap-keycloak-admin', 'vault'), secretObject('argocd-oidc', 'argocd')),
        platformSecrets(externalSecretObject('keycloak-admin', 'keycloak')),
      ),
    ).toEqual([]);
  });

  it('fails a Secret both sealed in Git and targeted by an ExternalSecret in another Application, naming both', () => {
    expect(
      check(
        bootstrap(secretObject('keycloak-admin', 'keycloak')),
        platformSecrets(externalSecretObject('keycloak-admin', 'keycloak')),
      ),
    ).toEqual([
      {
        code: 'E_PHS1',
        file: 'kubernetes/platform-secrets',
        message:
          'PHS-1: Secret keycloak/keycloak-admin has two authorities: Git (SOPS) (Secret in kubernetes/bootstrap, Application bootstrap-secrets) and Vault (ExternalSecret keycloak/keycloak-admin in kubernetes/platform-secrets, Application platform-secrets)',
      },
    ]);
  });

  it('matches an ExternalSecret by spec.target.name when it differs from its own name', () => {
    expect(
      check(
        bootstrap(secretObject('keycloak-admin', 'keycloak')),
        platformSecrets(externalSecretObject('admin-from-vault', 'keycloak', 'keycloak-admin')),
      ),
    ).toEqual([
      {
        code: 'E_PHS1',
        file: 'kubernetes/platform-secrets',
        message:
          'PHS-1: Secret keycloak/keycloak-admin has two authorities: Git (SOPS) (Secret in kubernetes/bootstrap, Application bootstrap-secrets) and Vault (ExternalSecret keycloak/admin-from-vault in kubernetes/platform-secrets, Application platform-secrets)',
      },
    ]);
    // And not by its own name when the target is another Secret.
    expect(
      check(
        bootstrap(secretObject('admin-from-vault', 'keycloak')),
        platformSecrets(externalSecretObject('admin-from-vault', 'keycloak', 'keycloak-admin')),
      ),
    ).toEqual([]);
  });

  it('tells Secrets apart by namespace', () => {
    expect(
      check(bootstrap(secretObject('oidc', 'grafana')), platformSecrets(externalSecretObject('oidc', 'backstage'))),
    ).toEqual([]);
  });

  it('names the files of a directory render', () => {
    const issues = check(
      app('apps', 4, 2, 'kubernetes/apps', 'directory', [
        secretObject('db', 'apps'),
        externalSecretObject('db-es', 'apps', 'db'),
      ]),
    );
    expect(issues.map((i) => i.message)).toEqual([
      'PHS-1: Secret apps/db has two authorities: Git (SOPS) (Secret in kubernetes/apps/db.yaml, Application apps) and Vault (ExternalSecret apps/db-es in kubernetes/apps/db-es.yaml, Application apps)',
    ]);
    expect(issues.map((i) => i.file)).toEqual(['kubernetes/apps/db-es.yaml']);
  });

  it('fails two ExternalSecrets writing one Secret, at the second', () => {
    expect(
      check(
        platformSecrets(externalSecretObject('grafana-admin', 'grafana')),
        app('grafana', 4, 5, 'kubernetes/grafana', 'kustomize', [
          externalSecretObject('admin', 'grafana', 'grafana-admin'),
        ]),
      ),
    ).toEqual([
      {
        code: 'E_PHS1',
        file: 'kubernetes/grafana',
        message:
          'PHS-1: Secret grafana/grafana-admin is written by 2 ExternalSecrets: ExternalSecret grafana/grafana-admin in kubernetes/platform-secrets, Application platform-secrets; ExternalSecret grafana/admin in kubernetes/grafana, Application grafana',
      },
    ]);
  });

  it('passes one Secret rendered twice from Git (APP-2 reports a double render, not PHS-1)', () => {
    expect(
      check(
        bootstrap(secretObject('argocd-oidc', 'argocd')),
        app('x', 2, 1, 'kubernetes/x', 'kustomize', [secretObject('argocd-oidc', 'argocd')]),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      'a rendered Secret',
      secretObject('sops-age', 'argocd'),
      'Git (SOPS) (Secret in kubernetes/bootstrap, Application bootstrap-secrets)',
    ],
    [
      'an ExternalSecret',
      externalSecretObject('age', 'argocd', 'sops-age'),
      'Vault (ExternalSecret argocd/age in kubernetes/bootstrap, Application bootstrap-secrets)',
    ],
  ] as const)('fails argocd/sops-age written by %s: it belongs to the offline root', (_, object, writer) => {
    const issues = check(bootstrap(object));
    expect(issues).toEqual([
      {
        code: 'E_PHS1',
        file: 'kubernetes/bootstrap',
        message: `PHS-1: Secret argocd/sops-age is the offline root's age identity, but ${writer} writes it`,
      },
    ]);
  });

  it('passes a sops-age Secret in another namespace (only Argo CD’s is the age key)', () => {
    expect(check(bootstrap(secretObject('sops-age', 'vault')))).toEqual([]);
  });

  it('is part of PHS-1: a clean handover passes it, two authorities fail it', () => {
    const clean = [
      bootstrap(secretObject('bootstrap-keycloak-admin', 'vault')),
      platformSecrets(externalSecretObject('keycloak-admin', 'keycloak')),
    ];
    expect(phs1.check({ model: MODEL, objects: [], applications: clean })).toEqual([]);
    const twice = [
      bootstrap(secretObject('keycloak-admin', 'keycloak')),
      platformSecrets(externalSecretObject('keycloak-admin', 'keycloak')),
    ];
    expect(
      phs1.check({ model: MODEL, objects: [], applications: twice }).map((i) => [i.code, i.message.split(':')[0]]),
    ).toEqual([['E_PHS1', 'PHS-1']]);
  });
});

describe('the authority ledger of the example', () => {
  let platform: PlatformDefinition;
  let rows: LedgerRow[];
  beforeAll(async () => {
    platform = (await loadExampleModel()).platform;
    rows = authorityLedger(platform);
  });

  const AUTHORITIES: readonly Authority[] = ['offline root', 'Git (SOPS)', 'Vault'];
  const rowOf = (name: string) => {
    const row = rows.find((r) => r.secret === name);
    if (row === undefined) throw new Error(`no ledger row for ${name}`);
    return row;
  };

  it('has the age key first, then one row per inventory entry, in order', () => {
    expect(rows.map((r) => r.secret)).toEqual(['sops-age', ...platform.bootstrapSecrets.map((s) => s.name)]);
    expect(new Set(rows.map((r) => `${r.namespace}/${r.secret}`)).size).toBe(rows.length);
  });

  it('gives every row exactly one authority in each of the phases 0-4', () => {
    for (const row of rows) {
      expect(row.authority, row.secret).toHaveLength(5);
      for (const authority of row.authority) expect(AUTHORITIES, row.secret).toContain(authority);
    }
  });

  it('keeps the age key with the offline root in every phase, with no copy but Argo CD’s Secret', () => {
    expect(rowOf('sops-age')).toMatchObject({
      namespace: 'argocd',
      authority: ['offline root', 'offline root', 'offline root', 'offline root', 'offline root'],
      copies: ['Secret argocd/sops-age'],
    });
  });

  it('hands over to Vault in phase 3: offline root, Git in 1-2, Vault in 3-4; the others stay in Git', () => {
    const handedOver = platform.bootstrapSecrets.filter(handsOverToVault).map((s) => s.name);
    const kept = platform.bootstrapSecrets.filter((s) => !handsOverToVault(s)).map((s) => s.name);
    expect(handedOver).toEqual([
      'vault-oidc',
      'keycloak-admin',
      'keycloak-db',
      'grafana-admin',
      'grafana-oidc',
      'backstage-oidc',
    ]);
    expect(kept).toEqual(['argocd-repo', 'vault-tls']);
    for (const name of handedOver) {
      expect(rowOf(name).authority, name).toEqual(['offline root', 'Git (SOPS)', 'Git (SOPS)', 'Vault', 'Vault']);
    }
    for (const name of kept) {
      expect(rowOf(name).authority, name).toEqual([
        'offline root',
        'Git (SOPS)',
        'Git (SOPS)',
        'Git (SOPS)',
        'Git (SOPS)',
      ]);
    }
  });

  it('lists the Kubernetes copies: the seed and ESO’s Secret after a phase-4 handover, Keycloak’s copy of a client secret, the consumer’s Secret otherwise', () => {
    expect(rowOf('keycloak-admin').copies).toEqual([
      'Secret vault/bootstrap-keycloak-admin (from kubernetes/bootstrap/secrets/keycloak-admin.sops.yaml)',
      'Secret keycloak/keycloak-admin (ExternalSecret, from Vault)',
    ]);
    // Read from Vault by the configurer: no Secret in vault besides the seed; Keycloak reads its copy from Vault.
    expect(rowOf('vault-oidc').copies).toEqual([
      'Secret vault/bootstrap-vault-oidc (from kubernetes/bootstrap/secrets/vault-oidc.sops.yaml)',
      'Secret keycloak/keycloak-clients key VAULT_CLIENT_SECRET (ExternalSecret, from Vault)',
    ]);
    // A confidential client's secret: the consumer's Secret and Keycloak's, both written by ESO from Vault.
    expect(rowOf('grafana-oidc').copies).toEqual([
      'Secret vault/bootstrap-grafana-oidc (from kubernetes/bootstrap/secrets/grafana-oidc.sops.yaml)',
      'Secret grafana/grafana-oidc (ExternalSecret, from Vault)',
      'Secret keycloak/keycloak-clients key GRAFANA_CLIENT_SECRET (ExternalSecret, from Vault)',
    ]);
    expect(rowOf('backstage-oidc').copies).toEqual([
      'Secret vault/bootstrap-backstage-oidc (from kubernetes/bootstrap/secrets/backstage-oidc.sops.yaml)',
      'Secret backstage/backstage-oidc (ExternalSecret, from Vault)',
      'Secret keycloak/keycloak-clients key BACKSTAGE_CLIENT_SECRET (ExternalSecret, from Vault)',
    ]);
    // Kept in Git: only the consumer's own Secret.
    expect(rowOf('argocd-repo').copies).toEqual([
      'Secret argocd/argocd-repo (from kubernetes/bootstrap/secrets/argocd-repo.sops.yaml)',
    ]);
    // Argo CD signs in as a public client: no row for an Argo CD OIDC secret at all.
    expect(rows.map((r) => r.secret)).not.toContain('argocd-oidc');
  });

  it('says how authority moves: once into Vault, never back; or never, with the reason', () => {
    expect(rowOf('keycloak-admin').handover).toBe(
      'phase 3: copied once into secret/platform/keycloak/admin if absent; never overwritten from Git, never copied back',
    );
    const tls = platform.bootstrapSecrets.find((s) => s.name === 'vault-tls');
    expect(tls?.handover.to).toBe('none');
    expect(rowOf('vault-tls').handover).toBe(`never: ${tls?.handover.to === 'none' ? tls.handover.reason : ''}`);
  });
});
