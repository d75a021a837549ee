/**
 * Finds and imports the definition files of a platform repository. This module and the writer are
 * the only parts of core that touch the disk; everything after loading is pure.
 *
 * Layout: `platform/platform.ts` and `namespaces/<name>/{namespace,secrets}.ts`, each with
 * `export default defineX({...})`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DefinitionKind, getDefinitionKind } from './define.js';
import { type Issue, issue } from './issues.js';
import { toPlainData } from './plain-data.js';

export const PLATFORM_FILE = 'platform/platform.ts';
export const NAMESPACES_DIR = 'namespaces';
export const NAMESPACE_FILE = 'namespace.ts';
export const SECRETS_FILE = 'secrets.ts';

export interface LoadedDefinition {
  readonly kind: DefinitionKind;
  /** Repository-relative path. */
  readonly file: string;
  /** The exported value as plain data, not yet validated. */
  readonly data: unknown;
}

export interface LoadedNamespaceFolder {
  /** Folder name under namespaces/. */
  readonly folder: string;
  readonly dir: string;
  readonly namespace: LoadedDefinition | undefined;
  readonly secrets: LoadedDefinition | undefined;
}

export interface LoadedDefinitions {
  readonly platform: LoadedDefinition | undefined;
  /** Sorted by folder name. */
  readonly namespaces: readonly LoadedNamespaceFolder[];
  readonly issues: readonly Issue[];
}

const DEFINE_FUNCTION: Record<DefinitionKind, string> = {
  platform: 'definePlatform',
  namespace: 'defineNamespace',
  secrets: 'defineSecrets',
};

let generation = 0;

export async function loadDefinitions(root: string): Promise<LoadedDefinitions> {
  const issues: Issue[] = [];
  // Each load gets fresh module instances, so a long-lived process sees edited definitions.
  generation += 1;

  let platform: LoadedDefinition | undefined;
  if (await exists(join(root, PLATFORM_FILE))) {
    platform = await loadDefinition(root, PLATFORM_FILE, 'platform', issues);
  } else {
    issues.push(
      issue({
        code: 'E_PLATFORM_MISSING',
        file: PLATFORM_FILE,
        line: 1,
        path: '',
        message: `${PLATFORM_FILE} does not exist`,
        hint: 'create it with `export default definePlatform({ ... })` (see the example in the README)',
      }),
    );
  }

  const folders = await listNamespaceFolders(root, issues);
  const namespaces: LoadedNamespaceFolder[] = [];
  for (const folder of folders) {
    const dir = `${NAMESPACES_DIR}/${folder}`;
    const namespaceFile = `${dir}/${NAMESPACE_FILE}`;
    const secretsFile = `${dir}/${SECRETS_FILE}`;
    await checkNamespaceFiles(root, dir, issues);
    let namespace: LoadedDefinition | undefined;
    if (await exists(join(root, namespaceFile))) {
      namespace = await loadDefinition(root, namespaceFile, 'namespace', issues);
    } else {
      issues.push(
        issue({
          code: 'E_NS_DEFINITION_MISSING',
          file: namespaceFile,
          line: 1,
          path: '',
          message: `folder ${dir}/ has no ${NAMESPACE_FILE}`,
          hint: `add ${namespaceFile} with \`export default defineNamespace({ name: '${folder}', ... })\`, or remove the folder`,
        }),
      );
    }
    const secrets = (await exists(join(root, secretsFile)))
      ? await loadDefinition(root, secretsFile, 'secrets', issues)
      : undefined;
    namespaces.push({ folder, dir, namespace, secrets });
  }
  return { platform, namespaces, issues };
}

/** Namespace folders, sorted; symlinked folders are reported (definitions are never read through links). */
async function listNamespaceFolders(root: string, issues: Issue[]): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(root, NAMESPACES_DIR), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  for (const entry of entries) {
    if (entry.isSymbolicLink()) {
      issues.push(
        issue({
          code: 'E_NS_SYMLINK',
          file: `${NAMESPACES_DIR}/${entry.name}`,
          line: 1,
          path: '',
          message: `${NAMESPACES_DIR}/${entry.name} is a symbolic link; platform-gen reads definitions only from real folders`,
          hint: 'replace the link with the folder itself, so reviewers see the definitions in this repository',
        }),
      );
    }
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** TypeScript files in a namespace folder that platform-gen would not read: most likely a misnamed definition. */
async function checkNamespaceFiles(root: string, dir: string, issues: Issue[]): Promise<void> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name === NAMESPACE_FILE || entry.name === SECRETS_FILE || !/\.[cm]?[jt]s$/.test(entry.name)) continue;
    issues.push(
      issue({
        code: 'E_NS_UNKNOWN_FILE',
        file: `${dir}/${entry.name}`,
        line: 1,
        path: '',
        message: `${dir}/${entry.name} is not read by platform-gen: a namespace folder holds only ${NAMESPACE_FILE} and ${SECRETS_FILE}`,
        hint: `rename it to ${NAMESPACE_FILE} or ${SECRETS_FILE} if it is a definition, or move it out of ${dir}/`,
      }),
    );
  }
}

async function loadDefinition(
  root: string,
  file: string,
  kind: DefinitionKind,
  issues: Issue[],
): Promise<LoadedDefinition | undefined> {
  const absolute = join(root, file);
  let module: { default?: unknown };
  try {
    module = (await import(`${pathToFileURL(absolute).href}?platform-gen=${generation}`)) as { default?: unknown };
  } catch (error) {
    issues.push(await describeLoadError(absolute, file, error));
    return undefined;
  }
  const expected = DEFINE_FUNCTION[kind];
  if (!('default' in module) || module.default === undefined) {
    issues.push(
      issue({
        code: 'E_DEF_NO_DEFAULT_EXPORT',
        file,
        line: 1,
        path: '',
        message: `${file} has no default export`,
        hint: `end the file with \`export default ${expected}({ ... })\``,
      }),
    );
    return undefined;
  }
  const actual = getDefinitionKind(module.default);
  if (actual !== kind) {
    issues.push(
      issue({
        code: 'E_DEF_WRONG_KIND',
        file,
        path: '',
        message:
          actual === undefined
            ? `${file} exports a value that was not made with ${expected}()`
            : `${file} exports a ${actual} definition (made with ${DEFINE_FUNCTION[actual]}()), but this file holds the ${kind} definition`,
        hint: `export default ${expected}({ ... }) from '@platform-gen/core'`,
      }),
    );
    return undefined;
  }
  const plain = toPlainData(module.default, file);
  issues.push(...plain.issues);
  return plain.issues.length > 0 ? undefined : { kind, file, data: plain.data };
}

/** Turns an import failure into an issue at the line it happened: syntax errors via TypeScript's parser, throws via the stack. */
async function describeLoadError(absolute: string, file: string, error: unknown): Promise<Issue> {
  const message = error instanceof Error ? error.message : String(error);
  const syntax = await findSyntaxError(absolute);
  if (syntax !== undefined) {
    return issue({
      code: 'E_DEF_SYNTAX',
      file,
      line: syntax.line,
      column: syntax.column,
      path: '',
      message: `syntax error: ${syntax.message}`,
      hint: 'fix the TypeScript syntax at this line (`pnpm typecheck` shows the same error)',
    });
  }
  const frame = error instanceof Error ? findFrame(error.stack ?? '', absolute) : undefined;
  return issue({
    code: 'E_DEF_LOAD',
    file,
    ...(frame === undefined ? { line: 1 } : frame),
    path: '',
    message: `loading the definition failed: ${message.split('\n')[0] ?? ''}`,
    hint: 'a definition must evaluate without errors: check imports and any code that runs at load time',
  });
}

async function findSyntaxError(
  absolute: string,
): Promise<{ line: number; column: number; message: string } | undefined> {
  const text = await readFile(absolute, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const { ts } = await import('ts-morph');
  const result = ts.transpileModule(text, {
    fileName: absolute,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const first = result.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (first?.file === undefined || first.start === undefined) return undefined;
  const { line, character } = first.file.getLineAndCharacterOfPosition(first.start);
  return { line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(first.messageText, ' ') };
}

/** Line and column of the first stack frame in the definition file (frames show a file URL or a plain path). */
function findFrame(stack: string, absolute: string): { line: number; column: number } | undefined {
  const names = [pathToFileURL(absolute).href, absolute];
  for (const frame of stack.split('\n')) {
    for (const name of names) {
      const at = frame.indexOf(name);
      if (at < 0) continue;
      const match = /^(?:\?[^:]*)?:(\d+):(\d+)/.exec(frame.slice(at + name.length));
      if (match?.[1] !== undefined && match[2] !== undefined)
        return { line: Number(match[1]), column: Number(match[2]) };
    }
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
