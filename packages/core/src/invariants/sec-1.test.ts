/**
 * SEC-1 on hand-built repository views: declared bootstrap secrets sealed for exactly the recipients, no
 * Secret values in clear in any file under kubernetes/ or rendered by an Application, no private key or
 * token in any text.
 */
import { describe, expect, it } from 'vitest';
import type { PlatformDefinition } from '../generated/platform.js';
import type { Issue } from '../issues.js';
import type { PlatformModel } from '../model.js';
import type { RenderedObject, SourceRender } from '../render.js';
import type { RepoApplication, RepoObject, RepoText, RepoView } from '../repo-view.js';
import { TEST_DIRECT_SECRET, TEST_RECIPIENTS, TEST_SEED_SECRET, testEncValue } from '../testing.js';
import { findSecretText, sec1 } from './sec-1.js';

const { alice: ALICE, bob: BOB } = TEST_RECIPIENTS;
const PLATFORM_FILE = 'platform/platform.ts';
const BECH32_UPPER = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';
/** Shaped like an age identity (58 bech32 characters after the prefix); not one anybody holds. */
const AGE_IDENTITY = `AGE-SECRET-KEY-1${BECH32_UPPER.repeat(2).slice(0, 58)}`;

const ARGOCD_OIDC = TEST_DIRECT_SECRET;
const KEYCLOAK_ADMIN = TEST_SEED_SECRET;

function model(recipients: readonly string[] = [ALICE]): PlatformModel {
  return {
    platformFile: PLATFORM_FILE,
    // SEC-1 reads the recipients and the inventory only.
    platform: {
      sops: { recipients: recipients.map((recipient, i) => ({ name: `r${i}`, recipient, holder: 'tests' })) },
      bootstrapSecrets: [ARGOCD_OIDC, KEYCLOAK_ADMIN],
    } as unknown as PlatformDefinition,
    namespaces: [],
  };
}

type Doc = Record<string, unknown>;

const enc = (data: string) => testEncValue(data);

function sops(recipients: readonly string[] = [ALICE]): Doc {
  return {
    age: recipients.map((recipient) => ({ recipient, enc: '-----BEGIN AGE ENCRYPTED FILE-----\n' })),
    lastmodified: '2025-01-02T03:04:05Z',
    mac: enc('MAC'),
    encrypted_regex: '^(data|stringData)$',
    version: '3.13.2',
  };
}

function secret(name: string, namespace: string, stringData: Doc, extra: Doc = {}): Doc {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', stringData, ...extra };
}

const SEALED_ARGOCD = 'kubernetes/bootstrap/secrets/argocd-oidc.sops.yaml';
const SEALED_KEYCLOAK = 'kubernetes/bootstrap/secrets/keycloak-admin.sops.yaml';

/** Both declared secrets sealed correctly for ALICE, as hand-written files read from disk. */
function sealedFiles(): RepoObject[] {
  return [
    {
      file: SEALED_ARGOCD,
      line: 1,
      generated: false,
      object: secret('argocd-oidc', 'argocd', { clientSecret: enc('c') }, { sops: sops() }),
    },
    {
      file: SEALED_KEYCLOAK,
      line: 1,
      generated: false,
      object: secret('bootstrap-keycloak-admin', 'vault', { username: enc('u'), password: enc('p') }, { sops: sops() }),
    },
  ];
}

function view(objects: readonly RepoObject[], extra: Partial<RepoView> = {}): RepoView {
  return { model: model(), objects, ...extra };
}

const where = (issues: readonly Issue[]) =>
  issues.map((i) => ({ code: i.code, file: i.file, line: i.line, path: i.path, message: i.message }));

function kustomizeApp(name: string, path: string, objects: Partial<RenderedObject>[]): RepoApplication {
  const render: SourceRender = {
    path,
    tool: 'kustomize',
    inputs: [`${path}/kustomization.yaml`],
    objects: objects.map((o) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      name: 'x',
      namespace: 'ns',
      file: undefined,
      object: {},
      ...o,
    })),
    error: undefined,
  };
  return {
    entry: { file: `kubernetes/argocd-apps/platform/${name}.yaml`, line: 2, generated: true, object: {} },
    name,
    project: 'platform',
    destinationNamespace: 'ns',
    sources: [],
    renders: [render],
    missingValueFiles: [],
  };
}

describe('SEC-1: declared bootstrap secrets', () => {
  it('reports a stale sealed file even in a view without texts (only a missing one needs the disk)', () => {
    const plaintext: RepoObject = {
      file: SEALED_ARGOCD,
      line: 1,
      generated: false,
      object: secret('argocd-oidc', 'argocd', { clientSecret: 'hunter2' }),
    };
    const issues = sec1.check(view([plaintext]));
    expect(issues.map((i) => i.code)).toEqual(['E_BOOTSTRAP_SECRET_STALE']);
    expect(issues[0]?.message).toContain('stringData.clientSecret not encrypted');
  });

  it('passes when every declared secret is sealed for exactly the recipients, read from disk', () => {
    expect(sec1.check(view(sealedFiles(), { texts: [] }))).toEqual([]);
  });

  it('reports a missing sealed file only when the view was read from disk (texts present)', () => {
    const onlyArgocd = sealedFiles().filter((o) => o.file === SEALED_ARGOCD);
    // Generated files only (no texts): sealed files are hand-written, so their absence says nothing.
    expect(sec1.check(view(onlyArgocd))).toEqual([]);
    const issues = sec1.check(view(onlyArgocd, { texts: [] }));
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'E_BOOTSTRAP_SECRET_MISSING',
        file: PLATFORM_FILE,
        path: 'bootstrapSecrets[1]',
        message: `SEC-1: bootstrap secret keycloak-admin is declared but ${SEALED_KEYCLOAK} does not exist`,
        hint: 'seal it: platform-gen seal keycloak-admin < values.yaml (one "key: value" line per key: username, password)',
      },
    ]);
  });

  it('reports a stale file at its line, with every problem, and hints at rekey for a recipient change', () => {
    const files = sealedFiles();
    const stale = { ...files[1], line: 3 } as RepoObject;
    const issues = sec1.check({ model: model([ALICE, BOB]), objects: [files[0] as RepoObject, stale], texts: [] });
    expect(where(issues)).toEqual([
      {
        code: 'E_BOOTSTRAP_SECRET_STALE',
        file: SEALED_ARGOCD,
        line: 1,
        path: '',
        message: `SEC-1: sealed file of bootstrap secret argocd-oidc: not encrypted for ${BOB}`,
      },
      {
        code: 'E_BOOTSTRAP_SECRET_STALE',
        file: SEALED_KEYCLOAK,
        line: 3,
        path: '',
        message: `SEC-1: sealed file of bootstrap secret keycloak-admin: not encrypted for ${BOB}`,
      },
    ]);
    expect(issues[0]?.hint).toBe(
      're-encrypt it for the current recipients: platform-gen rekey --age-key <identity file> argocd-oidc',
    );
  });

  it('reports a sealed file holding a plaintext value, and hints at sealing it again', () => {
    const files = sealedFiles();
    const leaked = {
      ...files[0],
      object: secret('argocd-oidc', 'argocd', { clientSecret: 'hunter2' }, { sops: sops() }),
    } as RepoObject;
    const issues = sec1.check(view([leaked, files[1] as RepoObject], { texts: [] }));
    expect(where(issues)).toEqual([
      {
        code: 'E_BOOTSTRAP_SECRET_STALE',
        file: SEALED_ARGOCD,
        line: 1,
        path: '',
        message: 'SEC-1: sealed file of bootstrap secret argocd-oidc: stringData.clientSecret not encrypted',
      },
    ]);
    expect(issues[0]?.hint).toBe('seal it again: platform-gen seal argocd-oidc');
  });

  it('reports a handed-over secret sealed under its consumer’s name instead of as a seed', () => {
    const files = sealedFiles();
    const direct = {
      ...files[1],
      object: secret('keycloak-admin', 'keycloak', { username: enc('u'), password: enc('p') }, { sops: sops() }),
    } as RepoObject;
    expect(where(sec1.check(view([files[0] as RepoObject, direct], { texts: [] })))).toEqual([
      {
        code: 'E_BOOTSTRAP_SECRET_STALE',
        file: SEALED_KEYCLOAK,
        line: 1,
        path: '',
        message:
          'SEC-1: sealed file of bootstrap secret keycloak-admin: it holds Secret keycloak/keycloak-admin, the inventory expects vault/bootstrap-keycloak-admin',
      },
    ]);
  });
});

describe('SEC-1: no Secret values in clear', () => {
  it('reports a hand-written plaintext Secret under kubernetes/, naming the file, line and key', () => {
    const plain: RepoObject = {
      file: 'kubernetes/apps/db.yaml',
      line: 7,
      generated: false,
      object: secret('db', 'apps', { password: 'hunter2' }),
    };
    const issues = sec1.check(view([...sealedFiles(), plain]));
    expect(where(issues)).toEqual([
      {
        code: 'E_SEC1',
        file: 'kubernetes/apps/db.yaml',
        line: 7,
        path: 'stringData.password',
        message: 'SEC-1: Secret db: is a plaintext Secret in Git (stringData.password)',
      },
    ]);
    expect(issues[0]?.hint).toContain('ExternalSecret');
    expect(issues[0]?.hint).toContain('platform-gen seal');
  });

  it('reports base64 data as plaintext too (base64 is no encryption)', () => {
    const plain: RepoObject = {
      file: 'kubernetes/apps/db.yaml',
      line: 1,
      generated: false,
      object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { a: 'aHVudGVyMg==', b: enc('b') } },
    };
    expect(where(sec1.check(view([plain])))).toEqual([
      {
        code: 'E_SEC1',
        file: 'kubernetes/apps/db.yaml',
        line: 1,
        path: 'data.a',
        message: 'SEC-1: Secret db: is a plaintext Secret in Git (data.a)',
      },
    ]);
  });

  it('passes a Secret without values (e.g. a service-account token request) and non-Secret objects', () => {
    const objects: RepoObject[] = [
      {
        file: 'kubernetes/apps/token.yaml',
        line: 1,
        generated: false,
        object: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 't' },
          type: 'kubernetes.io/service-account-token',
        },
      },
      {
        file: 'kubernetes/apps/config.yaml',
        line: 1,
        generated: false,
        object: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'c' },
          data: { password: 'not a secret kind' },
        },
      },
    ];
    expect(sec1.check(view(objects))).toEqual([]);
  });

  it('reports a SOPS-encrypted Secret outside the inventory with one value left in clear', () => {
    const partly: RepoObject = {
      file: 'kubernetes/apps/partly.sops.yaml',
      line: 1,
      generated: false,
      object: secret('partly', 'apps', { a: enc('a'), b: 'in clear' }, { sops: sops() }),
    };
    expect(where(sec1.check(view([partly])))).toEqual([
      {
        code: 'E_SEC1',
        file: 'kubernetes/apps/partly.sops.yaml',
        line: 1,
        path: 'stringData.b',
        message: 'SEC-1: Secret partly: is a SOPS file with stringData.b not encrypted',
      },
    ]);
  });

  it('passes a fully encrypted SOPS Secret outside the inventory', () => {
    const sealed: RepoObject = {
      file: 'kubernetes/apps/sealed.sops.yaml',
      line: 1,
      generated: false,
      object: secret('sealed', 'apps', { a: enc('a') }, { sops: sops() }),
    };
    expect(sec1.check(view([sealed]))).toEqual([]);
  });

  it('reports a Secret a kustomize render produces with plaintext values, naming the Application and source', () => {
    const app = kustomizeApp('monitoring', 'kubernetes/monitoring', [
      {
        name: 'grafana',
        namespace: 'monitoring',
        object: secret('grafana', 'monitoring', { 'admin-password': 'admin' }),
      },
    ]);
    const issues = sec1.check(view(sealedFiles(), { applications: [app] }));
    expect(where(issues)).toEqual([
      {
        code: 'E_SEC1',
        file: 'kubernetes/monitoring',
        line: 1,
        path: 'stringData.admin-password',
        message:
          'SEC-1: Application monitoring renders Secret monitoring/grafana with plaintext values (stringData.admin-password) from kubernetes/monitoring (kustomize)',
      },
    ]);
    expect(issues[0]?.hint).toContain('ExternalSecret');
  });

  it('passes the bootstrap render, whose Secrets come from the sealed files with ENC[...] values', () => {
    const app = kustomizeApp('bootstrap-secrets', 'kubernetes/bootstrap', [
      { name: 'argocd-oidc', namespace: 'argocd', object: secret('argocd-oidc', 'argocd', { clientSecret: enc('c') }) },
    ]);
    expect(sec1.check(view(sealedFiles(), { applications: [app] }))).toEqual([]);
  });

  it('leaves directory renders to the file check (one finding per Secret, not two)', () => {
    const plain: RepoObject = {
      file: 'kubernetes/apps/db.yaml',
      line: 1,
      generated: false,
      object: secret('db', 'apps', { password: 'x' }),
    };
    const app: RepoApplication = {
      ...kustomizeApp('apps', 'kubernetes/apps', []),
      renders: [
        {
          path: 'kubernetes/apps',
          tool: 'directory',
          inputs: [plain.file],
          objects: [
            { apiVersion: 'v1', kind: 'Secret', name: 'db', namespace: 'apps', file: plain.file, object: plain.object },
          ],
          error: undefined,
        },
      ],
    };
    expect(sec1.check(view([plain], { applications: [app] })).map((i) => i.file)).toEqual(['kubernetes/apps/db.yaml']);
  });
});

describe('findSecretText', () => {
  it('finds an age identity, with its line', () => {
    expect(AGE_IDENTITY).toMatch(/^AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}$/);
    expect(findSecretText(`# created: 2025-01-01\n# public key: ${ALICE}\n${AGE_IDENTITY}\n`)).toEqual({
      what: 'an age identity (private key)',
      line: 3,
    });
  });

  it('finds an OpenSSH, RSA or PGP private key', () => {
    const key = (header: string) => `a: 1\nb: |\n  ${header}\n  b3BlbnNzaC1rZXktdjE=\n`;
    for (const header of [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      '-----BEGIN RSA PRIVATE KEY-----',
      '-----BEGIN PRIVATE KEY-----',
      '-----BEGIN PGP PRIVATE KEY BLOCK-----',
    ]) {
      expect(findSecretText(key(header)), header).toEqual({ what: 'a private key (PEM)', line: 3 });
    }
  });

  it('finds a Vault token of 24 characters or more, but not a shorter hvs. word', () => {
    expect(findSecretText(`export VAULT_TOKEN=hvs.${'A1b2C3d4'.repeat(3)}\n`)).toEqual({
      what: 'a Vault token',
      line: 1,
    });
    expect(findSecretText(`x\ny\ntoken: hvb.${'x'.repeat(90)}`)).toEqual({ what: 'a Vault token', line: 3 });
    expect(findSecretText(`hvs.${'a'.repeat(23)}`)).toBeUndefined();
    expect(findSecretText('see docs/hvs.md')).toBeUndefined();
  });

  it('does not take an age recipient (public key), an ENC[...] value, a public key or a certificate for a secret', () => {
    const harmless = [
      `recipient: ${ALICE}`,
      `age: ${ALICE},${BOB}`,
      `password: ${enc('hunter2')}`,
      '-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----',
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      '-----BEGIN PGP PUBLIC KEY BLOCK-----',
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl tests',
      'paste the public key, never the AGE-SECRET-KEY line',
    ].join('\n');
    expect(findSecretText(harmless)).toBeUndefined();
  });
});

describe('SEC-1: no key or token in any text (the secret scan, tested in secret-scan.test.ts)', () => {
  it('reports the file and line of an age identity, wherever it is', () => {
    const texts: RepoText[] = [
      { file: 'kubernetes/apps/notes.txt', content: 'nothing here\n' },
      { file: 'charts/app/values.yaml', content: `a: 1\nb: 2\nkey: ${AGE_IDENTITY}\n` },
    ];
    const issues = sec1.check(view(sealedFiles(), { texts }));
    expect(where(issues)).toEqual([
      {
        code: 'E_SECRET_AGE_IDENTITY',
        file: 'charts/app/values.yaml',
        line: 3,
        path: '',
        message: 'SEC-1: an age identity (private key) [age-identity]: AGE-SECRET-KEY-1…',
      },
    ]);
    expect(issues[0]?.column).toBe(6);
    expect(issues[0]?.hint).toContain('rotate it');
    expect(JSON.stringify(issues)).not.toContain(AGE_IDENTITY);
  });

  it('reports a plaintext Secret once: as an object under kubernetes/ (E_SEC1), by the scan anywhere else', () => {
    const yaml = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n';
    const plain: RepoObject = {
      file: 'kubernetes/apps/db.yaml',
      line: 1,
      generated: false,
      object: secret('db', 'apps', { password: 'hunter2' }),
    };
    const texts: RepoText[] = [
      { file: plain.file, content: yaml },
      { file: 'docs/examples/db.yaml', content: yaml },
    ];
    const issues = sec1.check(view([...sealedFiles(), plain], { texts }));
    expect(issues.map((i) => [i.code, i.file, i.line, i.path])).toEqual([
      ['E_SEC1', 'kubernetes/apps/db.yaml', 1, 'stringData.password'],
      ['E_SECRET_PLAINTEXT_VALUE', 'docs/examples/db.yaml', 6, 'stringData.password'],
    ]);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('passes the texts of sealed files (ENC values, age recipients, encrypted data keys)', () => {
    const texts: RepoText[] = [
      {
        file: SEALED_ARGOCD,
        content: `stringData:\n  clientSecret: ${enc('c')}\nsops:\n  age:\n    - recipient: ${ALICE}\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n`,
      },
    ];
    expect(sec1.check(view(sealedFiles(), { texts }))).toEqual([]);
  });
});
