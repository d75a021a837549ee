/**
 * The secret scan of SEC-1: private keys, age identities, Vault tokens and unseal keys, cloud credentials,
 * API tokens, credential-looking literals and plaintext Kubernetes Secret values, in the text of any file.
 *
 * Pure: a path and its text in, findings out (reading the repository is repo-view's job). A finding never
 * carries the secret: it says where the secret is, what kind it is, and shows a redacted preview.
 * Exemptions come from a reviewed allowlist at the repository root (`.secret-scan-allow`).
 */
import { isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import { type Excerpt, type Issue, issue } from './issues.js';
import { ENC_VALUE, plaintextValues } from './sealed-state.js';

export type SecretKind =
  | 'private-key'
  | 'age-identity'
  | 'vault-token'
  | 'vault-unseal-key'
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'gcp-service-account-key'
  | 'azure-storage-key'
  | 'github-token'
  | 'slack-token'
  | 'credential-literal'
  | 'kubernetes-secret-value';

/** Issue codes of the scan, one per family of kinds. */
export const SECRET_CODES = {
  privateKey: 'E_SECRET_PRIVATE_KEY',
  ageIdentity: 'E_SECRET_AGE_IDENTITY',
  vaultToken: 'E_SECRET_VAULT_TOKEN',
  vaultUnsealKey: 'E_SECRET_VAULT_UNSEAL_KEY',
  cloudCredential: 'E_SECRET_CLOUD_CREDENTIAL',
  apiToken: 'E_SECRET_API_TOKEN',
  plaintextValue: 'E_SECRET_PLAINTEXT_VALUE',
  allowStale: 'E_SECRET_ALLOW_STALE',
  allowInvalid: 'E_SECRET_ALLOW_INVALID',
} as const;

/** The hand-written, reviewed list of exemptions, at the repository root (not under `.platform-gen/`, which the generator owns). */
export const SECRET_SCAN_ALLOWLIST = '.secret-scan-allow';

export interface SecretFinding {
  readonly file: string;
  /** 1-based line and column of the secret's first character. */
  readonly line: number;
  readonly column: number;
  readonly kind: SecretKind;
  readonly code: string;
  /** What was found, e.g. `an AWS access key id`. */
  readonly what: string;
  /** A public prefix or a few characters, then `…`: never the secret itself. */
  readonly preview: string;
  /** For a value of a Kubernetes Secret: its field, e.g. `stringData.password`; otherwise empty. */
  readonly path: string;
  /** The finding's line with the secret replaced by its preview, safe to print. */
  readonly excerpt: Excerpt;
}

export interface ScanOptions {
  /** Look for plaintext values in `kind: Secret` YAML documents (default true; off where SEC-1 checks the parsed objects). */
  readonly kubernetesSecrets?: boolean;
}

/** How a file writes `key = value`: decides which assignment shapes the credential-literal detector reads. */
type Syntax = 'yaml' | 'env' | 'code' | 'text';

interface Hit {
  readonly start: number;
  readonly end: number;
  readonly preview: string;
  readonly path?: string;
}

interface Detector {
  readonly kind: SecretKind;
  readonly code: string;
  readonly what: string;
  find(text: string, syntax: Syntax, options: ScanOptions): Hit[];
}

/**
 * The preview of a value without a public prefix: at most 4 of its characters and never more than a quarter
 * of it, then `…` and its length. (Formats with one show the prefix alone: `AKIA…`, `ghp_…`, `hvs.…`.)
 */
export function redact(secret: string): string {
  const shown = Math.min(4, Math.floor(secret.length / 4));
  if (secret.length === 0) return '(empty)';
  return `${secret.slice(0, shown)}… (${secret.length} characters)`;
}

interface PatternSpec {
  readonly kind: SecretKind;
  readonly code: string;
  readonly what: string;
  /** Each text must contain one of these before the patterns run (a cheap filter; case-sensitive). */
  readonly needles: readonly string[];
  /** Global, with indices (`dg`); the secret is the named group `secret`, or the whole match. */
  readonly patterns: readonly RegExp[];
  /** Characters that must not come right before the match (a `\n` escape in a string does not count). */
  readonly notAfter?: RegExp;
  readonly preview: (secret: string) => string;
  readonly accept?: (secret: string) => boolean;
}

/** Whether the match at `start` is at a boundary: not right after a character of `word`, unless that is a `\n`, `\r` or `\t` escape. */
function atBoundary(text: string, start: number, word: RegExp): boolean {
  const before = text[start - 1];
  if (before === undefined || !word.test(before)) return true;
  return /[nrt]/.test(before) && text[start - 2] === '\\';
}

function patternDetector(spec: PatternSpec): Detector {
  return {
    kind: spec.kind,
    code: spec.code,
    what: spec.what,
    find(text) {
      if (!spec.needles.some((n) => text.includes(n))) return [];
      const hits: Hit[] = [];
      for (const pattern of spec.patterns) {
        for (const match of text.matchAll(pattern)) {
          const span = match.indices?.groups?.secret ?? match.indices?.[0];
          if (span === undefined) continue;
          if (spec.notAfter !== undefined && !atBoundary(text, span[0], spec.notAfter)) continue;
          const secret = text.slice(span[0], span[1]);
          if (spec.accept !== undefined && !spec.accept(secret)) continue;
          hits.push({ start: span[0], end: span[1], preview: spec.preview(secret) });
        }
      }
      return hits;
    },
  };
}

const DASHES = '-'.repeat(5);
const BASE64 = 'A-Za-z0-9+/';
/** The age identity alphabet (Bech32, upper case). */
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

/** The documented AWS example keys (`…EXAMPLE`, `…EXAMPLEKEY`): published, never valid. */
const notAwsExample = (secret: string) => !/EXAMPLE(KEY)?$/.test(secret);

const privateKey = patternDetector({
  kind: 'private-key',
  code: SECRET_CODES.privateKey,
  what: 'a private key (PEM)',
  needles: ['PRIVATE KEY'],
  // The header, then (after a line break, a literal `\n` in JSON or a string, and any armor headers) key
  // material; the finding spans the whole block, up to its END line when there is one.
  patterns: [
    new RegExp(
      `${DASHES}BEGIN (?<label>(?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY(?: BLOCK)?)${DASHES}` +
        `(?:\\r?\\n|\\\\n|[ \\t"'+])+(?:(?:Proc-Type|DEK-Info|Version|Comment):[^\\n]*(?:\\r?\\n|\\\\n)(?:[ \\t]|\\r?\\n|\\\\n)*)*[${BASE64}=]{16,}` +
        `(?:[^]{0,16384}?${DASHES}END \\k<label>${DASHES})?`,
      'dg',
    ),
  ],
  preview: (secret) => `${/BEGIN [A-Z ]+KEY(?: BLOCK)?/.exec(secret)?.[0] ?? 'BEGIN PRIVATE KEY'}…`,
});

const ageIdentity = patternDetector({
  kind: 'age-identity',
  code: SECRET_CODES.ageIdentity,
  what: 'an age identity (private key)',
  needles: ['AGE-SECRET-KEY-'],
  patterns: [new RegExp(`AGE-SECRET-KEY-(?:PQ-)?1[${BECH32}]{20,}`, 'dg')],
  notAfter: /[A-Za-z0-9-]/,
  preview: (secret) => `${secret.slice(0, secret.indexOf('1') + 1)}…`,
});

const vaultToken = patternDetector({
  kind: 'vault-token',
  code: SECRET_CODES.vaultToken,
  what: 'a Vault token',
  needles: ['hvs.', 'hvb.', 'hvr.', 's.'],
  patterns: [
    /hv[sbr]\.[A-Za-z0-9_-]{24,}/dg,
    // A legacy service token has no type prefix: only where it is named a token (VAULT_TOKEN=, X-Vault-Token:, Root Token:).
    /token["']?[ \t]*[:=][ \t]*["']?(?<secret>s\.[A-Za-z0-9]{24})(?![A-Za-z0-9])/dgi,
  ],
  notAfter: /[A-Za-z0-9_.-]/,
  preview: (secret) => `${secret.slice(0, secret.indexOf('.') + 1)}…`,
});

const vaultUnsealKey = patternDetector({
  kind: 'vault-unseal-key',
  code: SECRET_CODES.vaultUnsealKey,
  what: 'a Vault unseal or recovery key (vault operator init output)',
  needles: ['Key 1:', 'unseal_keys_', 'recovery_keys_'],
  patterns: [
    new RegExp(`^[ \\t]*(?:Unseal|Recovery) Key \\d+:[ \\t]*(?<secret>[${BASE64}]{40,}={0,2})[ \\t]*$`, 'dgm'),
    new RegExp(`"(?:unseal|recovery)_keys_(?:b64|hex)"[ \\t]*:[ \\t]*\\[\\s*"(?<secret>[${BASE64}]{40,}={0,2})"`, 'dg'),
  ],
  preview: (secret) => redact(secret),
});

const awsAccessKeyId = patternDetector({
  kind: 'aws-access-key-id',
  code: SECRET_CODES.cloudCredential,
  what: 'an AWS access key id',
  needles: ['AKIA', 'ASIA'],
  patterns: [/(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/dg],
  notAfter: /[A-Za-z0-9]/,
  preview: (secret) => `${secret.slice(0, 4)}…`,
  accept: notAwsExample,
});

const awsSecretAccessKey = patternDetector({
  kind: 'aws-secret-access-key',
  code: SECRET_CODES.cloudCredential,
  what: 'an AWS secret access key',
  needles: ['ccess', 'CCESS'],
  // aws_secret_access_key (credentials file), AWS_SECRET_ACCESS_KEY (env), secretAccessKey (SDK options).
  patterns: [
    new RegExp(`secret_?access_?key["']?[ \\t]*(?:=|:)[ \\t]*["']?(?<secret>[${BASE64}]{40})(?![${BASE64}=])`, 'dgi'),
  ],
  preview: (secret) => redact(secret),
  accept: notAwsExample,
});

/** The `private_key` of a service-account key file: a PEM key, JSON-escaped. */
const GCP_PRIVATE_KEY = new RegExp(`"private_key"\\s*:\\s*"(?<secret>${DASHES}BEGIN [^"]{20,})"`, 'dg');

const gcpServiceAccountKey: Detector = {
  kind: 'gcp-service-account-key',
  code: SECRET_CODES.cloudCredential,
  what: 'a GCP service-account key (JSON)',
  find(text) {
    if (!text.includes('service_account') || !/"type"\s*:\s*"service_account"/.test(text)) return [];
    const hits: Hit[] = [];
    for (const match of text.matchAll(GCP_PRIVATE_KEY)) {
      const span = match.indices?.groups?.secret;
      if (span !== undefined) hits.push({ start: span[0], end: span[1], preview: 'BEGIN PRIVATE KEY…' });
    }
    return hits;
  },
};

const azureStorageKey = patternDetector({
  kind: 'azure-storage-key',
  code: SECRET_CODES.cloudCredential,
  what: 'an Azure storage account key (connection string)',
  needles: ['AccountKey=', 'SharedAccessKey='],
  patterns: [new RegExp(`(?:AccountKey|SharedAccessKey)=(?<secret>[${BASE64}]{40,}={0,2})`, 'dg')],
  notAfter: /[A-Za-z0-9]/,
  preview: (secret) => redact(secret),
});

const githubToken = patternDetector({
  kind: 'github-token',
  code: SECRET_CODES.apiToken,
  what: 'a GitHub token',
  needles: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  patterns: [/gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/dg, /github_pat_[A-Za-z0-9_]{50,}/dg],
  notAfter: /[A-Za-z0-9_]/,
  preview: (secret) => `${secret.startsWith('github_pat_') ? 'github_pat_' : secret.slice(0, 4)}…`,
});

const slackToken = patternDetector({
  kind: 'slack-token',
  code: SECRET_CODES.apiToken,
  what: 'a Slack token or webhook',
  needles: ['xox', 'xapp-', 'hooks.slack.com'],
  patterns: [
    /xox[abposr]-\d{6,}-[A-Za-z0-9-]{8,}/dg,
    /xapp-\d-[A-Z0-9]{6,}-\d{6,}-[a-z0-9]{16,}/dg,
    /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/T[A-Z0-9]{6,}\/[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/dg,
  ],
  notAfter: /[A-Za-z0-9-]/,
  preview: (secret) => `${secret.startsWith('https:') ? 'https://hooks.slack.com/' : secret.slice(0, 5)}…`,
});

/**
 * Words that make a key hold a credential when they end it: `password`, `clientSecret`, `VAULT_TOKEN`,
 * `api_key`, … The patterns start at the word (fast to search for) and require it to end the key.
 */
const CREDENTIAL_WORD =
  '(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|credentials?)(?![A-Za-z0-9_.-])';
/** `key: "value"`, `"key": "value"`, `key = 'value'`, `KEY="value"`: in every kind of file. */
const QUOTED_ASSIGNMENT = new RegExp(
  `${CREDENTIAL_WORD}["']?[ \\t]*(?:=|:=|:|=>)[ \\t]*(["'\`])(?<secret>(?:(?!\\1)[^\\\\\\n]|\\\\.)*)\\1`,
  'dgi',
);
/** `key: value` on its own line (YAML, and prose or code blocks in text files). */
const YAML_ASSIGNMENT = new RegExp(
  `^[ \\t]*(?:-[ \\t]+)?["']?[A-Za-z0-9_.-]*${CREDENTIAL_WORD}["']?[ \\t]*:[ \\t]+(?<secret>[^\\s'"#&*!|>{[%@\`][^\\s]*)[ \\t]*(?:[ \\t]#.*)?$`,
  'dgim',
);
/** `KEY=value` / `export KEY=value` (.env files, shell). */
const ENV_ASSIGNMENT = new RegExp(
  `^[ \\t]*(?:export[ \\t]+)?[A-Za-z0-9_.-]*${CREDENTIAL_WORD}=(?<secret>[^\\s'"\`$#][^\\s]*)[ \\t]*$`,
  'dgim',
);

/** Values that name or point at a secret rather than being one. */
const PLACEHOLDER = /changeme|change-me|change_me|example|placeholder|redacted|dummy|your[-_]|xxxx|\*\*\*|todo|fixme/i;

/** Entropy (bits per character) of `text`. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/**
 * Whether a literal assigned to a credential-named key looks like a real secret: long, random, mixing
 * character classes; not a reference (`$(env:…)`, `${…}`, `{{ … }}`, `<…>`, `secretKeyRef`), a placeholder
 * (`changeme`), a SOPS value (`ENC[…]`), a digest (`sha256:…`, hex of a digest's length), a Vault path,
 * a URL, an identifier or a name.
 */
export function looksLikeSecretValue(value: string): boolean {
  if (value.length < 10 || value.length > 1000 || /\s/.test(value)) return false;
  if (/[$]\(|[$]\{|\{\{|%\(|^[$]|^<.*>$|^ENC\[|^sha(256|384|512):|@sha256:|:\/\//.test(value)) return false;
  if (ENC_VALUE.test(value) || PLACEHOLDER.test(value) || /secretKeyRef/i.test(value)) return false;
  if (/^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i.test(value)) return false;
  // A path (Vault's `secret/data/…`, a file), an identifier (`clientSecret`, `VAULT_TOKEN`) or a name.
  if (/^[a-z0-9_.{}-]*(\/[a-z0-9_.{}-]*)+$/.test(value)) return false;
  if (/^[A-Za-z]+$/.test(value) || /^[A-Z][A-Z0-9_]*$/.test(value) || /^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+$/.test(value))
    return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9_.-]/].filter((c) => c.test(value)).length;
  const random = entropy(value);
  if (classes >= 3 && random >= 3) return true;
  // A long token of letters and digits only (base64, base32).
  return value.length >= 24 && /[0-9]/.test(value) && /^[A-Za-z0-9+/=]+$/.test(value) && random >= 3.5;
}

const credentialLiteral: Detector = {
  kind: 'credential-literal',
  code: SECRET_CODES.plaintextValue,
  what: 'a credential in clear (a literal assigned to a password, secret or token key)',
  find(text, syntax) {
    const patterns = [QUOTED_ASSIGNMENT];
    if (syntax === 'yaml' || syntax === 'text') patterns.push(YAML_ASSIGNMENT);
    if (syntax === 'env' || syntax === 'text') patterns.push(ENV_ASSIGNMENT);
    const hits: Hit[] = [];
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const span = match.indices?.groups?.secret;
        const value = match.groups?.secret;
        if (span === undefined || value === undefined || !looksLikeSecretValue(value)) continue;
        hits.push({ start: span[0], end: span[1], preview: redact(value) });
      }
    }
    return hits;
  },
};

const SECRET_DOCUMENT = /^kind:[ \t]*["']?Secret["']?[ \t]*$/m;

const kubernetesSecretValue: Detector = {
  kind: 'kubernetes-secret-value',
  code: SECRET_CODES.plaintextValue,
  what: 'a plaintext value of a Kubernetes Secret',
  find(text, syntax, options) {
    if (syntax !== 'yaml' || options.kubernetesSecrets === false || !SECRET_DOCUMENT.test(text)) return [];
    const hits: Hit[] = [];
    for (const document of parseAllDocuments(text, { lineCounter: new LineCounter(), version: '1.1' })) {
      if (document.errors.length > 0) continue;
      const value: unknown = document.toJS();
      if (typeof value !== 'object' || value === null || (value as { kind?: unknown }).kind !== 'Secret') continue;
      const root = document.contents;
      for (const leak of plaintextValues(value as Record<string, unknown>)) {
        const [section = '', ...rest] = leak.split('.');
        const key = rest.join('.');
        const values = isMap(root) ? root.get(section, true) : undefined;
        const pair = isMap(values)
          ? values.items.find((p) => isScalar(p.key) && String(p.key.value) === key)
          : undefined;
        const node = pair?.value ?? pair?.key;
        const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
        if (range === undefined) continue;
        const raw = isScalar(pair?.value) ? String(pair.value.value ?? '') : '';
        hits.push({ start: range[0], end: range[1], preview: redact(raw), path: leak });
      }
    }
    return hits;
  },
};

/**
 * Every detector, most specific first: where two find the same characters, the first one's finding stands
 * (a GCP key's `private_key` holds a PEM header; a `VAULT_TOKEN=hvs.…` line is a credential assignment too).
 */
export const SECRET_DETECTORS: readonly Detector[] = [
  gcpServiceAccountKey,
  privateKey,
  ageIdentity,
  vaultToken,
  vaultUnsealKey,
  awsAccessKeyId,
  awsSecretAccessKey,
  azureStorageKey,
  githubToken,
  slackToken,
  kubernetesSecretValue,
  credentialLiteral,
];

function syntaxOf(path: string): Syntax {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (/\.ya?ml$/.test(name)) return 'yaml';
  if (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')) return 'env';
  if (/\.(?:[cm]?[jt]sx?|json5?|jsonc|hcl|tf|tfvars)$/.test(name)) return 'code';
  return 'text';
}

/** 0-based offset of the start of each line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Index of the line holding `offset` (binary search). */
function lineIndex(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

const EXCERPT_WIDTH = 120;

/**
 * The line of `hit`, printable (non-ASCII escaped), cut around the caret, with this and every other secret
 * on it replaced by its preview: an excerpt never shows a secret, not even a second one on the same line.
 */
function redactedExcerpt(
  text: string,
  starts: readonly number[],
  index: number,
  hit: Hit,
  all: readonly Hit[],
): Excerpt {
  const lineStart = starts[index] ?? 0;
  const next = starts[index + 1];
  const lineEnd =
    (next === undefined ? text.length : next - 1) - (text[(next ?? text.length + 1) - 2] === '\r' ? 1 : 0);
  let before = '';
  let line = '';
  let at = lineStart;
  for (const other of all.filter((h) => h.start < lineEnd && h.end > lineStart).sort((a, b) => a.start - b.start)) {
    line += printable(text.slice(at, Math.max(at, other.start)));
    if (other === hit) before = line;
    line += other.preview;
    at = Math.min(Math.max(at, other.end), lineEnd);
  }
  line += printable(text.slice(at, lineEnd));
  const start = Math.max(0, before.length - EXCERPT_WIDTH / 2);
  const cut = (start > 0 ? '…' : '') + line.slice(start, start + EXCERPT_WIDTH);
  return { text: cut.trimEnd(), caret: before.length - start + (start > 0 ? 1 : 0) + 1 };
}

function printable(text: string): string {
  return text
    .replace(/\t/g, ' ')
    .replace(/[^\x20-\x7e]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);
}

/** Every secret in `text` (the content of the repository file `file`), in order of position. */
export function scanText(file: string, text: string, options: ScanOptions = {}): SecretFinding[] {
  const syntax = syntaxOf(file);
  const kept: { detector: Detector; hit: Hit }[] = [];
  for (const detector of SECRET_DETECTORS) {
    for (const hit of detector.find(text, syntax, options)) {
      if (kept.some((k) => hit.start < k.hit.end && k.hit.start < hit.end)) continue;
      kept.push({ detector, hit });
    }
  }
  if (kept.length === 0) return [];
  const starts = lineStarts(text);
  const hits = kept.map((k) => k.hit);
  return kept
    .sort((a, b) => a.hit.start - b.hit.start)
    .map(({ detector, hit }) => {
      const index = lineIndex(starts, hit.start);
      return {
        file,
        line: index + 1,
        column: hit.start - (starts[index] ?? 0) + 1,
        kind: detector.kind,
        code: detector.code,
        what: detector.what,
        preview: hit.preview,
        path: hit.path ?? '',
        excerpt: redactedExcerpt(text, starts, index, hit, hits),
      };
    });
}

/** One exemption: a file (or a folder, ending in `/`), optionally one line of it, and why. */
export interface AllowEntry {
  /** 1-based line of the entry in the allowlist. */
  readonly entryLine: number;
  readonly path: string;
  readonly line: number | undefined;
  readonly reason: string;
}

/**
 * Parses the allowlist: `#` comments and blank lines are skipped; every other line is
 * `<path>[:<line>] <reason>`, the path repository-relative (a folder ends in `/`), the reason mandatory.
 */
export function parseAllowlist(text: string): { entries: AllowEntry[]; issues: Issue[] } {
  const entries: AllowEntry[] = [];
  const issues: Issue[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?<path>[^\s:]+)(?::(?<at>\d+))?(?:\s+(?<reason>.*))?$/.exec(line);
    const path = match?.groups?.path ?? '';
    const reason = match?.groups?.reason?.trim() ?? '';
    const problem =
      match === null
        ? 'is not "<path>[:<line>] <reason>"'
        : path.startsWith('/') || path.split('/').includes('..')
          ? `names ${path}, which is not a repository-relative path`
          : !/[A-Za-z]/.test(reason)
            ? `exempts ${path} without a reason`
            : undefined;
    if (problem !== undefined) {
      issues.push(
        issue({
          code: SECRET_CODES.allowInvalid,
          file: SECRET_SCAN_ALLOWLIST,
          line: i + 1,
          column: 1,
          path: '',
          message: `SEC-1: secret-scan allowlist entry ${problem}`,
          hint: 'write one entry per line: the repository-relative path (a folder ends in /), optionally :<line>, then why it is not a secret (e.g. "published test key of the sops-age project")',
        }),
      );
      return;
    }
    const at = match?.groups?.at;
    entries.push({ entryLine: i + 1, path, line: at === undefined ? undefined : Number(at), reason });
  });
  return { entries, issues };
}

function allows(entry: AllowEntry, found: SecretFinding): boolean {
  const fileMatches = entry.path.endsWith('/') ? found.file.startsWith(entry.path) : found.file === entry.path;
  return fileMatches && (entry.line === undefined || entry.line === found.line);
}

/** How to get rid of a secret of each kind: rotate (Git keeps it), where it belongs instead, how to exempt it. */
function hintFor(kind: SecretKind): string {
  const rotate: Readonly<Record<SecretKind, string>> = {
    'private-key': 'issue a new key pair and revoke this one',
    'age-identity':
      'create a new identity with platform-gen keygen, which writes it outside the repository, then platform-gen rekey',
    'vault-token': 'vault token revoke',
    'vault-unseal-key': 'vault operator rekey; -target=recovery for recovery keys',
    'aws-access-key-id': 'deactivate the access key in IAM and create a new one',
    'aws-secret-access-key': 'deactivate the access key in IAM and create a new one',
    'gcp-service-account-key': "delete the service account's key and create a new one",
    'azure-storage-key': "regenerate the storage account's key",
    'github-token': "revoke it in GitHub's settings",
    'slack-token': "revoke it in the Slack app's settings",
    'credential-literal': 'change it where it is used',
    'kubernetes-secret-value': 'change it where it is used',
  };
  const home: Partial<Record<SecretKind, string>> = {
    'age-identity': 'only age recipients (public keys) belong in the repository',
    'vault-token':
      'nothing in Git authenticates to Vault: workloads get secrets through ESO, people log in through Keycloak',
    'vault-unseal-key': 'unseal and recovery keys go to their holders, never into Git',
    'credential-literal':
      'reference it instead ($(env:…), a secretKeyRef, a Vault path): a bootstrap secret is sealed with platform-gen seal, everything else lives in Vault and reaches Kubernetes through an ExternalSecret',
  };
  const where =
    home[kind] ??
    'a bootstrap secret is sealed with platform-gen seal; everything else lives in Vault and reaches Kubernetes through an ExternalSecret';
  const exempt =
    kind === 'credential-literal'
      ? `a false positive or deliberate test data is exempted in ${SECRET_SCAN_ALLOWLIST}, with a reason`
      : `deliberate, public test data is exempted in ${SECRET_SCAN_ALLOWLIST}, with a reason`;
  return `it is in the Git history now, so deleting it is not enough: rotate it first (${rotate[kind]}), then remove it; ${where}; ${exempt}`;
}

export interface ScannedText {
  readonly file: string;
  readonly content: string;
}

/**
 * The scan of every text as issues, after the allowlist (read from `.secret-scan-allow` among `texts`).
 * An allowlist entry that exempts nothing is reported, so the list cannot outlive what it exempts.
 */
export function secretScanIssues(
  texts: readonly ScannedText[],
  options: { readonly kubernetesSecretsCheckedElsewhere?: ReadonlySet<string> } = {},
): Issue[] {
  const allowText = texts.find((t) => t.file === SECRET_SCAN_ALLOWLIST)?.content ?? '';
  const allowlist = parseAllowlist(allowText);
  const used = new Set<AllowEntry>();
  const seen = new Set<string>();
  const issues: Issue[] = [...allowlist.issues];
  for (const text of texts) {
    const kubernetesSecrets = !(options.kubernetesSecretsCheckedElsewhere?.has(text.file) ?? false);
    for (const found of scanText(text.file, text.content, { kubernetesSecrets })) {
      // A generated file is scanned as generated and as on disk: the same finding once.
      const key = `${found.file}:${found.line}:${found.column}:${found.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const exemptions = allowlist.entries.filter((entry) => allows(entry, found));
      if (exemptions.length > 0) {
        for (const entry of exemptions) used.add(entry);
        continue;
      }
      issues.push(
        issue({
          code: found.code,
          file: found.file,
          line: found.line,
          column: found.column,
          path: found.path,
          message: `SEC-1: ${found.what} [${found.kind}]: ${found.preview}`,
          hint: hintFor(found.kind),
          excerpt: found.excerpt,
        }),
      );
    }
  }
  for (const entry of allowlist.entries) {
    if (used.has(entry)) continue;
    const target = entry.line === undefined ? entry.path : `${entry.path}:${entry.line}`;
    issues.push(
      issue({
        code: SECRET_CODES.allowStale,
        file: SECRET_SCAN_ALLOWLIST,
        line: entry.entryLine,
        column: 1,
        path: '',
        message: `SEC-1: allowlist entry ${target} exempts nothing: the secret scan finds nothing there`,
        hint: 'remove the entry (the file or its secret is gone), or correct its path or line number',
      }),
    );
  }
  return issues;
}
