/**
 * The definition files of a repository as ts-morph source files in memory, for migration steps to edit.
 * Nothing here writes to the disk: the runner compares each file's text before and after, and writes the
 * changed ones only when every step succeeded. Edits go through ts-morph nodes, so code a step does not
 * touch keeps its comments and layout byte for byte.
 *
 * Imported only by the migrate runner, which the command loads lazily: ts-morph costs no other command.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  compareStrings,
  type DefinitionKind,
  type Issue,
  issue,
  NAMESPACES_DIR,
  PLATFORM_FILE,
} from '@platform-gen/core';
import { IndentationText, Node, type ObjectLiteralExpression, Project, QuoteKind, type SourceFile } from 'ts-morph';

const NAMESPACE_FILE = 'namespace.ts';
const SECRETS_FILE = 'secrets.ts';

const DEFINE_FUNCTION: Record<DefinitionKind, string> = {
  platform: 'definePlatform',
  namespace: 'defineNamespace',
  secrets: 'defineSecrets',
};

/** One definition file: `platform/platform.ts`, or `namespace.ts` / `secrets.ts` of a namespace folder. */
export interface DefinitionFile {
  /** Repository-relative path, POSIX separators. */
  readonly file: string;
  readonly kind: DefinitionKind;
  /** The file's syntax tree; edit it in place. */
  readonly source: SourceFile;
}

/** What a migration step edits. */
export interface MigrationProject {
  readonly platform: DefinitionFile;
  /** Every definition file: the platform's first, then each namespace folder's namespace.ts and secrets.ts, in folder order. */
  readonly files: readonly DefinitionFile[];
  /**
   * Calls `edit` with the object literal passed to define<Kind>(...) in every file of `kind`. A file in which
   * that object cannot be found is reported (and the migration refused); the other files are still edited,
   * so every such file is named at once.
   */
  forEachDefinition(kind: DefinitionKind, edit: (object: ObjectLiteralExpression, file: DefinitionFile) => void): void;
  /** Reports a problem at `node` (its file and line); the migration is refused after the current step. */
  report(file: DefinitionFile, node: Node | undefined, problem: { code: string; message: string; hint: string }): void;
}

/** A project as read from the disk, with the problems its steps reported. */
export interface LoadedProject extends MigrationProject {
  readonly problems: readonly Issue[];
  /** The text each file had when it was read. */
  readonly original: ReadonlyMap<string, string>;
}

/** Reads the definition files under `root`; undefined when there is no platform/platform.ts. */
export async function loadProject(root: string): Promise<LoadedProject | undefined> {
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { quoteKind: QuoteKind.Single, indentationText: IndentationText.TwoSpaces },
  });
  const original = new Map<string, string>();
  const files: DefinitionFile[] = [];
  const add = async (file: string, kind: DefinitionKind): Promise<boolean> => {
    const text = await readRegularFile(join(root, file));
    if (text === undefined) return false;
    original.set(file, text);
    files.push({ file, kind, source: project.createSourceFile(`/${file}`, text) });
    return true;
  };
  if (!(await add(PLATFORM_FILE, 'platform'))) return undefined;
  for (const folder of await namespaceFolders(root)) {
    await add(`${NAMESPACES_DIR}/${folder}/${NAMESPACE_FILE}`, 'namespace');
    await add(`${NAMESPACES_DIR}/${folder}/${SECRETS_FILE}`, 'secrets');
  }

  const problems: Issue[] = [];
  const report: MigrationProject['report'] = (file, node, problem) => {
    const at = node === undefined ? { line: 1, column: 1 } : position(file.source, node.getStart());
    problems.push(issue({ ...problem, file: file.file, path: '', ...at }));
  };
  const platform = files[0] as DefinitionFile;
  return {
    platform,
    files,
    problems,
    original,
    report,
    forEachDefinition: (kind, edit) => {
      for (const file of files) {
        if (file.kind !== kind) continue;
        const object = findDefinitionObject(file, report);
        if (object !== undefined) edit(object, file);
      }
    },
  };
}

/**
 * The object literal passed to define<Kind>(...) that the file exports by default: `export default
 * defineX({...})`, or `const x = defineX({...}); export default x`, looking through `as`, `satisfies` and
 * parentheses. Reports the file and line and returns undefined when the file has another shape.
 */
export function findDefinitionObject(
  file: DefinitionFile,
  report: MigrationProject['report'],
): ObjectLiteralExpression | undefined {
  const define = DEFINE_FUNCTION[file.kind];
  const shapes = `\`export default ${define}({ ... })\` or \`const x = ${define}({ ... }); export default x\``;
  const exported = file.source.getExportAssignment((e) => !e.isExportEquals());
  if (exported === undefined) {
    report(file, undefined, {
      code: 'E_MIGRATE_NO_DEFINITION',
      message: `platform-gen migrate found no \`export default\` in ${file.file}`,
      hint: `end the file with ${shapes}, then run platform-gen migrate again`,
    });
    return undefined;
  }
  let expression: Node = unwrap(exported.getExpression());
  if (Node.isIdentifier(expression)) {
    const name = expression.getText();
    const initializer = file.source.getVariableDeclaration(name)?.getInitializer();
    if (initializer !== undefined) expression = unwrap(initializer);
  }
  const argument = Node.isCallExpression(expression) ? expression.getArguments()[0] : undefined;
  const object = argument === undefined ? undefined : unwrap(argument);
  if (
    Node.isCallExpression(expression) &&
    expression.getExpression().getText() === define &&
    object !== undefined &&
    Node.isObjectLiteralExpression(object)
  ) {
    return object;
  }
  report(file, expression, {
    code: 'E_MIGRATE_NO_DEFINITION',
    message: `platform-gen migrate cannot find the object literal passed to ${define}(...) that ${file.file} exports by default`,
    hint: `write the definition as ${shapes}, then run platform-gen migrate again (or make the change of each migration step by hand)`,
  });
  return undefined;
}

/**
 * Inserts `name: initializer` as the first property of `object`, on its own line with the indentation of the
 * property after it (or inline in a one-line object); the rest of the text is left exactly as it was.
 */
export function insertFirstProperty(object: ObjectLiteralExpression, name: string, initializer: string): void {
  const source = object.getSourceFile();
  const first = object.getProperties()[0];
  if (first === undefined) {
    object.replaceWithText(`{ ${name}: ${initializer} }`);
    return;
  }
  const text = source.getFullText();
  const open = object.getStart() + 1;
  const between = text.slice(open, first.getStart());
  const newline = between.indexOf('\n');
  if (newline < 0) {
    source.insertText(first.getStart(), `${name}: ${initializer}, `);
    return;
  }
  // Before the first property's leading comments: they stay with the property they describe.
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineStart = text.lastIndexOf('\n', first.getStart() - 1) + 1;
  const indentation = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
  source.insertText(open + newline + 1, `${indentation}${name}: ${initializer},${eol}`);
}

/** Looks through `x as T`, `x satisfies T`, `(x)` and `x!`. */
function unwrap(node: Node): Node {
  let current = node;
  while (
    Node.isAsExpression(current) ||
    Node.isSatisfiesExpression(current) ||
    Node.isParenthesizedExpression(current) ||
    Node.isNonNullExpression(current)
  ) {
    current = current.getExpression();
  }
  return current;
}

export function position(source: SourceFile, pos: number): { line: number; column: number } {
  const { line, column } = source.getLineAndColumnAtPos(pos);
  return { line, column };
}

/** Namespace folders, sorted; symbolic links are not followed (validate reports them). */
async function namespaceFolders(root: string): Promise<string[]> {
  try {
    const entries = await readdir(join(root, NAMESPACES_DIR), { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort(compareStrings);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The text of a regular file; undefined when there is none (a link is not followed: it would be written through). */
async function readRegularFile(path: string): Promise<string | undefined> {
  try {
    if (!(await lstat(path)).isFile()) return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return readFile(path, 'utf8');
}
