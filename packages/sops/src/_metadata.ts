/**
 * The `sops` mapping of a file (`stores/stores.go` `Metadata`), read leniently: every problem is collected, so
 * `inspectDocument` can report them all while decryption throws the first.
 */

import { canonicalRfc3339 } from './_time.js';
import { type TreeNode, treeToPlain } from './_tree.js';
import type { AgeStanza } from './age.js';
import { SopsError } from './errors.js';

/** The rule that decides which leaves are encrypted; SOPS allows at most one per file. */
export interface EncryptionRule {
  readonly kind: 'encrypted_regex' | 'unencrypted_regex' | 'encrypted_suffix' | 'unencrypted_suffix';
  readonly value: string;
}

/** What SOPS assumes when a file names no rule (`sops.DefaultUnencryptedSuffix`). */
const DEFAULT_RULE: EncryptionRule = { kind: 'unencrypted_suffix', value: '_unencrypted' };

const RULE_KINDS = ['unencrypted_suffix', 'encrypted_suffix', 'unencrypted_regex', 'encrypted_regex'] as const;
const COMMENT_RULES = ['encrypted_comment_regex', 'unencrypted_comment_regex'] as const;
/** Master key types other than age; we keep them untouched but cannot use them. */
const OTHER_KEY_TYPES = ['pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms'] as const;

export interface MetadataReading {
  readonly age: readonly AgeStanza[];
  /** Non-empty master key lists other than age, e.g. `['pgp']`. */
  readonly otherKeyTypes: readonly string[];
  readonly lastModified: string | undefined;
  /** `lastmodified` as SOPS re-formats it for the MAC's additional data. */
  readonly macAdditionalData: string | undefined;
  readonly mac: string | undefined;
  readonly rule: EncryptionRule | undefined;
  readonly macOnlyEncrypted: boolean;
  readonly version: string | undefined;
  readonly problems: readonly SopsError[];
}

export function readMetadata(node: TreeNode): MetadataReading {
  const problems: SopsError[] = [];
  const malformed = (message: string) => problems.push(new SopsError('E_SOPS_MALFORMED', `sops.${message}`));
  const plain = treeToPlain(node);
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return {
      age: [],
      otherKeyTypes: [],
      lastModified: undefined,
      macAdditionalData: undefined,
      mac: undefined,
      rule: undefined,
      macOnlyEncrypted: false,
      version: undefined,
      problems: [new SopsError('E_SOPS_MALFORMED', 'the top-level `sops` key is not a mapping')],
    };
  }
  const meta = plain as Record<string, unknown>;

  const age: AgeStanza[] = [];
  const ageList = meta.age ?? [];
  if (!Array.isArray(ageList)) malformed('age is not a list');
  else {
    for (const [i, entry] of ageList.entries()) {
      const { recipient, enc } = (entry ?? {}) as Record<string, unknown>;
      if (typeof recipient === 'string' && typeof enc === 'string') age.push({ recipient, enc });
      else malformed(`age[${i}] needs the strings recipient and enc`);
    }
  }

  const otherKeyTypes = OTHER_KEY_TYPES.filter((type) => Array.isArray(meta[type]) && meta[type].length > 0);
  const keyGroups = meta.key_groups;
  if (Array.isArray(keyGroups) && keyGroups.length > 0) {
    problems.push(
      new SopsError(
        'E_SOPS_UNSUPPORTED',
        `sops.key_groups (${keyGroups.length} groups, Shamir threshold ${String(meta.shamir_threshold ?? keyGroups.length)}) is not supported; only a flat sops.age list is`,
      ),
    );
  } else if (age.length === 0) {
    if (otherKeyTypes.length > 0) {
      problems.push(
        new SopsError(
          'E_SOPS_UNSUPPORTED',
          `the file is encrypted only for ${otherKeyTypes.join(', ')} master keys; this implementation reads age keys only`,
        ),
      );
    } else if (problems.length === 0) malformed('age lists no recipient, and there is no other master key');
  }

  let lastModified: string | undefined;
  let macAdditionalData: string | undefined;
  if (typeof meta.lastmodified !== 'string') malformed('lastmodified is missing or not a string');
  else {
    lastModified = meta.lastmodified;
    macAdditionalData = canonicalRfc3339(lastModified);
    if (macAdditionalData === undefined)
      malformed(`lastmodified ${JSON.stringify(lastModified)} is not an RFC 3339 time`);
  }

  let mac: string | undefined;
  if (typeof meta.mac !== 'string' || meta.mac === '') malformed('mac is missing');
  else mac = meta.mac;

  let rule: EncryptionRule | undefined;
  const named = RULE_KINDS.filter((kind) => meta[kind] !== undefined && meta[kind] !== '');
  const commentRules = COMMENT_RULES.filter((kind) => meta[kind] !== undefined && meta[kind] !== '');
  if (named.length + commentRules.length > 1) {
    malformed(`names ${[...named, ...commentRules].join(' and ')}; SOPS allows one encryption rule per file`);
  } else if (commentRules.length > 0) {
    problems.push(
      new SopsError('E_SOPS_UNSUPPORTED', `sops.${commentRules[0]} is not supported (it depends on YAML comments)`),
    );
  } else {
    const [kind] = named;
    if (kind === undefined) rule = DEFAULT_RULE;
    else {
      const value = meta[kind];
      if (typeof value !== 'string') malformed(`${kind} is not a string`);
      else {
        rule = { kind, value };
        if (kind.endsWith('_regex') && compileGoRegex(value) === undefined) {
          problems.push(
            new SopsError(
              'E_SOPS_UNSUPPORTED',
              `sops.${kind} ${JSON.stringify(value)} is not a regular expression JavaScript can run (Go RE2 syntax such as (?i) is not portable)`,
            ),
          );
        }
      }
    }
  }

  const macOnly = meta.mac_only_encrypted;
  if (macOnly !== undefined && typeof macOnly !== 'boolean') malformed('mac_only_encrypted is not a boolean');

  const version =
    typeof meta.version === 'string' || typeof meta.version === 'number' ? String(meta.version) : undefined;

  return {
    age,
    otherKeyTypes,
    lastModified,
    macAdditionalData,
    mac,
    rule,
    macOnlyEncrypted: macOnly === true,
    version,
    problems,
  };
}

/**
 * A JavaScript RegExp for a Go regular expression, or `undefined` when JavaScript cannot compile it. Unicode mode
 * first (Go matches UTF-8 code points); plain mode accepts the identity escapes Unicode mode rejects.
 */
export function compileGoRegex(source: string): RegExp | undefined {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(source, flags);
    } catch {
      // try the next mode
    }
  }
  return undefined;
}

/**
 * `tree.shouldBeEncrypted` for one rule: suffix and regex rules are tested against every key on the path, and
 * any match decides.
 */
export function ruleMatcher(rule: EncryptionRule): (keys: readonly string[]) => boolean {
  switch (rule.kind) {
    case 'unencrypted_suffix':
      return (keys) => !keys.some((key) => key.endsWith(rule.value));
    case 'encrypted_suffix':
      return (keys) => keys.some((key) => key.endsWith(rule.value));
    case 'unencrypted_regex': {
      const re = compileGoRegex(rule.value);
      if (re === undefined) throw new SopsError('E_SOPS_UNSUPPORTED', `cannot compile unencrypted_regex ${rule.value}`);
      return (keys) => !keys.some((key) => re.test(key));
    }
    case 'encrypted_regex': {
      const re = compileGoRegex(rule.value);
      if (re === undefined) throw new SopsError('E_SOPS_UNSUPPORTED', `cannot compile encrypted_regex ${rule.value}`);
      return (keys) => keys.some((key) => re.test(key));
    }
  }
}

/** How a rule reads in messages: `encrypted_regex ^(data|stringData)$`. */
export function describeRule(rule: EncryptionRule): string {
  return `${rule.kind} ${rule.value}`;
}
