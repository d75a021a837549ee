import { isEncryptedValue, isWellFormedEncryptedValue } from './_cipher.js';
import { type EncryptionRule, readMetadata, ruleMatcher } from './_metadata.js';
import { formatLocation, mapLeaves, type TreeNode, treeFromYaml } from './_tree.js';
import { findSopsPair, parseSingleDocument } from './_yaml.js';
import type { SopsErrorCode } from './errors.js';
import { SopsError } from './errors.js';

/** One thing wrong with a file, as `inspectDocument` reports it instead of throwing. */
export interface SopsInspectionIssue {
  readonly code: SopsErrorCode;
  readonly message: string;
}

/** What can be read from a SOPS file without any key. */
export interface SopsInspection {
  /** A single YAML mapping document with a top-level `sops` mapping. */
  readonly isSops: boolean;
  /** `sops.age[].recipient`, in file order. */
  readonly recipients: readonly string[];
  /** `sops.lastmodified` as written. */
  readonly lastModified: string | undefined;
  /** `sops.encrypted_regex`, when that is the file's rule. */
  readonly encryptedRegex: string | undefined;
  /** The file's encryption rule; SOPS's default `unencrypted_suffix: _unencrypted` when it names none. */
  readonly rule: EncryptionRule | undefined;
  /** `sops.version`: the SOPS version that wrote the file. */
  readonly version: string | undefined;
  /**
   * Leaves the file's rule says are encrypted but that are not `ENC[…]` (nor empty): plaintext in Git. Written
   * as `stringData.password`, `data["tls.crt"]`, `items[0].value`.
   */
  readonly plaintextLeaks: readonly string[];
  /** Everything else that is wrong, or that this implementation cannot decrypt. Empty for a good file. */
  readonly issues: readonly SopsInspectionIssue[];
}

/**
 * Reads a file's metadata without any key: whether it is SOPS, its age recipients, `lastmodified`, rule, and
 * the plaintext leaks. Never throws on a malformed file: it reports it (`isSops: false` or `issues`).
 * It cannot check the MAC or the GCM tags; that needs the data key ({@link decryptDocument}).
 */
export function inspectDocument(text: string): SopsInspection {
  const empty = {
    isSops: false,
    recipients: [],
    lastModified: undefined,
    encryptedRegex: undefined,
    rule: undefined,
    version: undefined,
    plaintextLeaks: [],
  } as const;
  let parsed: ReturnType<typeof parseSingleDocument>;
  try {
    parsed = parseSingleDocument(String(text));
  } catch (error) {
    return { ...empty, issues: [toIssue(error)] };
  }
  const { doc, root } = parsed;
  if (findSopsPair(root) === undefined) {
    return {
      ...empty,
      issues: [{ code: 'E_SOPS_NOT_SOPS', message: 'the document has no top-level `sops` metadata' }],
    };
  }
  let tree: TreeNode;
  try {
    tree = treeFromYaml(root, doc);
  } catch (error) {
    return { ...empty, isSops: true, issues: [toIssue(error)] };
  }
  if (tree.kind !== 'map') return { ...empty, isSops: true, issues: [] };
  const sopsNode = tree.entries.find(([key]) => key === 'sops')?.[1] ?? { kind: 'leaf', value: null };
  const meta = readMetadata(sopsNode);
  const issues: SopsInspectionIssue[] = meta.problems.map(toIssue);
  if (meta.age.length > 0 && meta.otherKeyTypes.length > 0) {
    issues.push({
      code: 'E_SOPS_UNSUPPORTED',
      message: `the file also has ${meta.otherKeyTypes.join(', ')} master keys; they are kept but not used`,
    });
  }

  const plaintextLeaks: string[] = [];
  if (meta.rule !== undefined) {
    let shouldEncrypt: ((keys: readonly string[]) => boolean) | undefined;
    try {
      shouldEncrypt = ruleMatcher(meta.rule);
    } catch {
      // readMetadata already reported the regular expression.
    }
    const data: TreeNode = { kind: 'map', entries: tree.entries.filter(([key]) => key !== 'sops') };
    if (shouldEncrypt !== undefined) {
      const check = shouldEncrypt;
      mapLeaves(data, (value, keys, location) => {
        if (value === null || !check(keys)) return value;
        if (typeof value !== 'string' || (value !== '' && !isEncryptedValue(value))) {
          plaintextLeaks.push(formatLocation(location));
        } else if (value !== '' && !isWellFormedEncryptedValue(value)) {
          issues.push({
            code: 'E_SOPS_MALFORMED',
            message: `${formatLocation(location)} is not a valid ENC[AES256_GCM,…] value`,
          });
        }
        return value;
      });
    }
  }
  return {
    isSops: true,
    recipients: meta.age.map((stanza) => stanza.recipient),
    lastModified: meta.lastModified,
    encryptedRegex: meta.rule?.kind === 'encrypted_regex' ? meta.rule.value : undefined,
    rule: meta.rule,
    version: meta.version,
    plaintextLeaks,
    issues,
  };
}

function toIssue(error: unknown): SopsInspectionIssue {
  if (error instanceof SopsError) return { code: error.code, message: error.message };
  return { code: 'E_SOPS_MALFORMED', message: error instanceof Error ? error.message : String(error) };
}
