/**
 * Reading and writing SOPS YAML with the `yaml` package.
 *
 * Output follows what `sops -e` writes (4-space indentation, sequences indented under their key, the armored
 * data keys as literal blocks), so a later `sops edit`/`updatekeys` by a human produces a small diff. Strings
 * that YAML 1.1 (yaml.v3 in SOPS, Helm, KSOPS's kustomize) or YAML 1.2 would read as anything but the same
 * string are double-quoted, because SOPS hashes the value it reads: a `yes` read as a bool breaks the MAC.
 */
import {
  Document,
  isMap,
  isScalar,
  Pair,
  parse,
  parseAllDocuments,
  Scalar,
  visit,
  YAMLMap,
  YAMLSeq,
  type Node as YamlNode,
} from 'yaml';
import type { TreeNode } from './_tree.js';
import { SopsError } from './errors.js';

const TO_STRING = { indent: 4, indentSeq: true, lineWidth: 0, minContentWidth: 0 } as const;

/** Builds YAML nodes from a tree, keeping its key order. */
export function treeToYamlNode(node: TreeNode): YamlNode {
  switch (node.kind) {
    case 'leaf':
      return new Scalar(node.value);
    case 'seq': {
      const seq = new YAMLSeq();
      for (const item of node.items) seq.items.push(treeToYamlNode(item));
      return seq;
    }
    case 'map': {
      const map = new YAMLMap();
      for (const [key, value] of node.entries) map.items.push(new Pair(new Scalar(key), treeToYamlNode(value)));
      return map;
    }
  }
}

/** A new document whose root is `root`. */
export function newDocument(root: YamlNode): Document {
  const doc = new Document(null, { version: '1.2' });
  doc.contents = root;
  return doc;
}

/** Serializes a document with our fixed options; armored age files (`enc`) become literal blocks. */
export function renderDocument(doc: Document): string {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (node.value.includes('\n')) {
        // Armored age files as literal blocks, like sops. Any other multi-line text double-quoted: block
        // scalars lose whitespace-only lines (" \n" read back as "\n"), which would break the MAC.
        node.type = node.value.startsWith('-----BEGIN AGE ENCRYPTED FILE-----')
          ? Scalar.BLOCK_LITERAL
          : Scalar.QUOTE_DOUBLE;
        return;
      }
      if (readsAsOtherThan(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString(TO_STRING);
}

/**
 * Plain scalars with a meaning beyond their text: `<<` is a merge key for yaml.v3 (and YAML 1.1), `=` the 1.1
 * "value" key. As values they read back as strings, so the round-trip test below misses them.
 */
const SPECIAL_PLAIN = new Set(['<<', '=']);

/** Whether a plain scalar `text` would be read back as something else under YAML 1.1 or 1.2. */
function readsAsOtherThan(text: string): boolean {
  if (SPECIAL_PLAIN.has(text)) return true;
  for (const version of ['1.1', '1.2'] as const) {
    try {
      if (parse(text, { version, logLevel: 'silent' }) !== text) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/** The parsed single document of `text` and its root mapping. Throws `E_SOPS_NOT_SOPS` for anything else. */
export function parseSingleDocument(text: string): { doc: Document; root: YAMLMap } {
  let docs: Document[];
  try {
    docs = parseAllDocuments(text, { intAsBigInt: true, logLevel: 'silent' }) as Document[];
  } catch (cause) {
    throw new SopsError('E_SOPS_NOT_SOPS', 'the text is not YAML', { cause });
  }
  if (!Array.isArray(docs) || docs.length === 0)
    throw new SopsError('E_SOPS_NOT_SOPS', 'the text holds no YAML document');
  const [doc] = docs;
  if (doc === undefined) throw new SopsError('E_SOPS_NOT_SOPS', 'the text holds no YAML document');
  const error = doc.errors[0];
  if (error !== undefined)
    throw new SopsError('E_SOPS_NOT_SOPS', `the text is not valid YAML: ${error.message}`, { cause: error });
  if (docs.length > 1) {
    throw new SopsError(
      'E_SOPS_UNSUPPORTED',
      `the text holds ${docs.length} YAML documents; only single-document SOPS files are supported (split the file)`,
    );
  }
  const root = doc.contents;
  if (!isMap(root)) throw new SopsError('E_SOPS_NOT_SOPS', 'the YAML document is not a mapping, so it is no SOPS file');
  return { doc, root };
}

/** The `sops` pair of the root mapping, if any (a string key `sops`, as SOPS looks it up). */
export function findSopsPair(root: YAMLMap): Pair | undefined {
  return root.items.find((pair): pair is Pair => isScalar(pair.key) && pair.key.value === 'sops') as Pair | undefined;
}
