/**
 * The guard against losing a namespace by accident: a generate that would delete every generated file of a
 * namespace (its definition folder was removed or renamed) needs `--allow-delete <namespace>`.
 */
import type { FileSet } from './file-set.js';
import { compareStrings, type Issue, issue, quote } from './issues.js';
import { OUTPUT_DIRS } from './layout.js';
import { NAMESPACE_FILE, NAMESPACES_DIR } from './load-definitions.js';

export interface DeletedNamespace {
  readonly namespace: string;
  /** Files of the namespace's output folder that would be deleted. */
  readonly files: number;
}

/**
 * Namespaces whose output folder loses every file and gets none back. Only namespaces the last run generated
 * count (`previous`: the paths of the ownership manifest): a stray copy of generated files is an orphan, not a
 * namespace Argo CD runs.
 */
export function deletedNamespaces(
  files: FileSet,
  remove: readonly string[],
  previous: ReadonlySet<string>,
): DeletedNamespace[] {
  const kept = new Set<string>();
  for (const path of files.keys()) {
    const namespace = namespaceOf(path);
    if (namespace !== undefined) kept.add(namespace);
  }
  const removed = new Map<string, number>();
  const generatedBefore = new Set<string>();
  for (const path of remove) {
    const namespace = namespaceOf(path);
    if (namespace === undefined || kept.has(namespace)) continue;
    removed.set(namespace, (removed.get(namespace) ?? 0) + 1);
    if (previous.has(path)) generatedBefore.add(namespace);
  }
  return [...removed]
    .filter(([namespace]) => generatedBefore.has(namespace))
    .map(([namespace, count]) => ({ namespace, files: count }))
    .sort((a, b) => compareStrings(a.namespace, b.namespace));
}

function namespaceOf(path: string): string | undefined {
  if (!path.startsWith(OUTPUT_DIRS.namespaces)) return undefined;
  const rest = path.slice(OUTPUT_DIRS.namespaces.length);
  const slash = rest.indexOf('/');
  return slash <= 0 ? undefined : rest.slice(0, slash);
}

/** One error per deleted namespace not named by `--allow-delete`. */
export function deleteGuardIssues(deleted: readonly DeletedNamespace[], allowed: readonly string[]): Issue[] {
  return deleted
    .filter((d) => !allowed.includes(d.namespace))
    .map((d) =>
      issue({
        code: 'E_NS_DELETE_NOT_ALLOWED',
        file: `${NAMESPACES_DIR}/${d.namespace}/${NAMESPACE_FILE}`,
        line: 1,
        path: '',
        message: `namespace ${quote(d.namespace)} has no definition any more: this generate would delete all ${d.files} files of ${OUTPUT_DIRS.namespaces}${d.namespace}/ and its Application, Vault policy and role, so Argo CD would prune the namespace and everything in it`,
        hint: `if the namespace is meant to go, run \`platform-gen generate --allow-delete ${d.namespace}\`; if it was renamed or moved by mistake, restore ${NAMESPACES_DIR}/${d.namespace}/`,
      }),
    );
}
