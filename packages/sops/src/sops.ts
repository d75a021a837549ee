import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Document, isMap, type YAMLMap } from 'yaml';
import { decryptLeaf, encryptLeaf, isEncryptedValue, type Leaf, leafBytes } from './_cipher.js';
import { compileGoRegex, describeRule, type MetadataReading, readMetadata, ruleMatcher } from './_metadata.js';
import { formatRfc3339Utc } from './_time.js';
import { formatLocation, mapLeaves, type TreeNode, treeFromPlain, treeFromYaml, treeToPlain } from './_tree.js';
import { findSopsPair, newDocument, parseSingleDocument, renderDocument, treeToYamlNode } from './_yaml.js';
import { isAgeRecipient, unwrapDataKey, wrapDataKey } from './age.js';
import { SopsError } from './errors.js';

/** The `version` we write: the SOPS release whose file format this implementation follows. */
export const SOPS_VERSION_WRITTEN = '3.13.2';

/** Encrypt the values of a Kubernetes Secret (`data`, `stringData`) and nothing else. */
export const DEFAULT_ENCRYPTED_REGEX = '^(data|stringData)$';

/**
 * `sops.go` `MACOnlyEncryptedInitialization`: hashed first when `mac_only_encrypted: true`, so such a MAC never
 * equals a full one.
 */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');

export interface EncryptOptions {
  /** X25519 age recipients (`age1…`); at least one. Each gets its own `sops.age[]` entry. */
  readonly recipients: readonly string[];
  /** Keys whose values (and everything below them) are encrypted. Default {@link DEFAULT_ENCRYPTED_REGEX}. */
  readonly encryptedRegex?: string;
  /** Written as `lastmodified` (RFC 3339 UTC, whole seconds). The caller owns the clock. */
  readonly now: Date;
}

/**
 * Encrypts one YAML document (a plain object: a Kubernetes Secret manifest) into SOPS YAML text, as
 * `sops -e --encrypted-regex <regex> --age <recipients>` would. The input is not modified.
 */
export async function encryptDocument(
  doc: Readonly<Record<string, unknown>>,
  options: EncryptOptions,
): Promise<string> {
  const recipients = checkRecipients(options.recipients);
  const encryptedRegex = options.encryptedRegex ?? DEFAULT_ENCRYPTED_REGEX;
  const re = compileGoRegex(encryptedRegex);
  if (re === undefined) {
    throw new SopsError(
      'E_SOPS_BAD_INPUT',
      `encryptedRegex ${JSON.stringify(encryptedRegex)} is not a valid regular expression`,
    );
  }
  const lastModified = formatRfc3339Utc(options.now, 'options.now');
  const tree = treeFromPlain(doc);
  if (tree.kind !== 'map') throw new SopsError('E_SOPS_BAD_INPUT', 'the document to encrypt must be a mapping');
  if (tree.entries.some(([key]) => key === 'sops')) {
    throw new SopsError(
      'E_SOPS_ALREADY_ENCRYPTED',
      'the document already has a top-level `sops` key: it is encrypted already, or uses a key SOPS reserves',
    );
  }

  const dataKey = randomBytes(32);
  const shouldEncrypt = ruleMatcher({ kind: 'encrypted_regex', value: encryptedRegex });
  const hash = createHash('sha512');
  const encrypted = mapLeaves(tree, (value, keys) => {
    // SOPS does not walk into null values: they are neither hashed nor encrypted.
    if (value === null) return null;
    hash.update(leafBytes(value), 'utf8');
    return shouldEncrypt(keys) ? encryptLeaf(value, dataKey, additionalData(keys)) : value;
  });
  const mac = encryptLeaf(hash.digest('hex').toUpperCase(), dataKey, lastModified);

  const age = await Promise.all(
    recipients.map(async (recipient) => ({ recipient, enc: await wrapDataKey(dataKey, recipient) })),
  );
  // Field order of SOPS's YAML store for an age-only file (empty key lists are omitted since SOPS 3.9).
  const sops: TreeNode = {
    kind: 'map',
    entries: [
      [
        'age',
        {
          kind: 'seq',
          items: age.map(({ recipient, enc }) => ({
            kind: 'map',
            entries: [
              ['recipient', { kind: 'leaf', value: recipient }],
              ['enc', { kind: 'leaf', value: enc }],
            ],
          })),
        },
      ],
      ['lastmodified', { kind: 'leaf', value: lastModified }],
      ['mac', { kind: 'leaf', value: mac }],
      ['encrypted_regex', { kind: 'leaf', value: encryptedRegex }],
      ['version', { kind: 'leaf', value: SOPS_VERSION_WRITTEN }],
    ],
  };
  if (encrypted.kind !== 'map') throw new Error('unreachable: mapLeaves keeps the node kind');
  const root: TreeNode = { kind: 'map', entries: [...encrypted.entries, ['sops', sops]] };
  return renderDocument(newDocument(treeToYamlNode(root)));
}

/**
 * Decrypts SOPS YAML text (single document) with age identities (`AGE-SECRET-KEY-1…`). Verifies every value's
 * GCM tag and the file's MAC (which `sops-age` does not), and returns the plain document without `sops`.
 */
export async function decryptDocument(text: string, identities: readonly string[]): Promise<Record<string, unknown>> {
  const opened = await openDocument(text, identities);
  return treeToPlain(opened.plain) as Record<string, unknown>;
}

/**
 * Re-wraps the data key for a new recipient set, like `sops updatekeys`: one identity must open the current data
 * key (and the file must verify). Values, IVs, `lastmodified` and `mac` stay byte-identical; only `sops.age`
 * changes. Master keys of other types (PGP, KMS, …) are kept as they are.
 */
export async function rewrapDocument(
  text: string,
  identities: readonly string[],
  recipients: readonly string[],
): Promise<string> {
  const wanted = checkRecipients(recipients);
  const { doc, sopsMap, dataKey } = await openDocument(text, identities);
  const age = await Promise.all(
    wanted.map(async (recipient) => ({ recipient, enc: await wrapDataKey(dataKey, recipient) })),
  );
  // Editing the parsed document keeps every other node, its order and its text as it was.
  sopsMap.set('age', doc.createNode(age));
  return renderDocument(doc);
}

interface OpenedDocument {
  readonly doc: Document;
  readonly sopsMap: YAMLMap;
  readonly plain: TreeNode;
  readonly dataKey: Uint8Array;
}

/** Parses, opens the data key, decrypts every value and verifies the MAC. */
async function openDocument(text: string, identities: readonly string[]): Promise<OpenedDocument> {
  const { doc, root } = parseSingleDocument(text);
  const sopsPair = findSopsPair(root);
  if (sopsPair === undefined) {
    throw new SopsError(
      'E_SOPS_NOT_SOPS',
      'the document has no top-level `sops` metadata, so it is not SOPS-encrypted',
    );
  }
  if (!isMap(sopsPair.value)) throw new SopsError('E_SOPS_MALFORMED', 'the top-level `sops` key is not a mapping');
  const tree = treeFromYaml(root, doc);
  if (tree.kind !== 'map') throw new Error('unreachable: the root is a mapping');
  const sopsNode = tree.entries.find(([key]) => key === 'sops')?.[1];
  if (sopsNode === undefined) throw new Error('unreachable: the sops pair exists');
  const meta = readMetadata(sopsNode);
  const [problem] = meta.problems;
  if (problem !== undefined) throw problem;
  const { rule, mac, macAdditionalData } = requireFields(meta);

  const dataKey = await unwrapDataKey(meta.age, identities);
  const shouldEncrypt = ruleMatcher(rule);
  const hash = createHash('sha512');
  if (meta.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  const data: TreeNode = { kind: 'map', entries: tree.entries.filter(([key]) => key !== 'sops') };
  const plain = mapLeaves(data, (value, keys, location): Leaf => {
    if (value === null) return null;
    const encrypted = shouldEncrypt(keys);
    let clear = value;
    if (encrypted) {
      const where = formatLocation(location);
      if (typeof value !== 'string' || (value !== '' && !isEncryptedValue(value))) {
        throw new SopsError(
          'E_SOPS_MALFORMED',
          `${where} is plaintext although ${describeRule(rule)} selects it for encryption; it was edited outside SOPS (re-encrypt the file)`,
        );
      }
      clear = decryptLeaf(value, dataKey, additionalData(keys), where);
    }
    if (!meta.macOnlyEncrypted || encrypted) hash.update(leafBytes(clear), 'utf8');
    return clear;
  });

  let stored: Leaf;
  try {
    stored = decryptLeaf(mac, dataKey, macAdditionalData, 'sops.mac');
  } catch (cause) {
    throw new SopsError(
      'E_SOPS_MAC_MISMATCH',
      'sops.mac does not decrypt: the MAC or sops.lastmodified was edited (the MAC is bound to lastmodified)',
      { cause },
    );
  }
  const computed = hash.digest();
  const storedBytes =
    typeof stored === 'string' && /^[0-9A-Fa-f]{128}$/.test(stored) ? Buffer.from(stored, 'hex') : undefined;
  if (storedBytes === undefined || !timingSafeEqual(storedBytes, computed)) {
    throw new SopsError(
      'E_SOPS_MAC_MISMATCH',
      'MAC mismatch: a value, key or their order changed after the file was encrypted (an edit outside SOPS, ' +
        'even of an unencrypted field such as metadata.name); re-create the file from its plaintext',
    );
  }
  return { doc, sopsMap: sopsPair.value, plain, dataKey };
}

function requireFields(meta: MetadataReading) {
  const { rule, mac, macAdditionalData } = meta;
  if (rule === undefined || mac === undefined || macAdditionalData === undefined) {
    throw new Error('unreachable: readMetadata reports a problem for every missing field');
  }
  return { rule, mac, macAdditionalData };
}

/** The additional data SOPS authenticates a value with: its keys joined by `:`, plus a trailing `:`. */
function additionalData(keys: readonly string[]): string {
  return `${keys.join(':')}:`;
}

function checkRecipients(recipients: readonly string[]): readonly string[] {
  if (recipients.length === 0) throw new SopsError('E_SOPS_BAD_INPUT', 'at least one age recipient is required');
  const seen = new Set<string>();
  for (const [index, recipient] of recipients.entries()) {
    if (!isAgeRecipient(recipient)) {
      // Never echo what may be a private key passed by mistake.
      const shown = /^age-/i.test(recipient) ? '' : ` ${JSON.stringify(recipient)}`;
      throw new SopsError(
        'E_SOPS_BAD_KEY',
        `recipient #${index + 1}${shown} is not an X25519 age recipient (age1 followed by 58 lower-case Bech32 characters)`,
      );
    }
    if (seen.has(recipient)) throw new SopsError('E_SOPS_BAD_INPUT', `recipient ${recipient} is listed twice`);
    seen.add(recipient);
  }
  return recipients;
}
