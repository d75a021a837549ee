/**
 * Finds and imports the definition files of a platform repository. This module and the writer are
 * the only parts of core that touch the disk; everything after loading is pure.
 *
 * Layout: `platform/platform.ts` and `namespaces/<name>/{namespace,secrets}.ts`, each with
 * `export default defineX({...})`. The files are imported in a worker thread (_load-worker.ts), bounded in time.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromWorker, WorkerInput } from './_load-protocol.js';
import type { DefinitionKind } from './define.js';
import { type Issue, issue, quote } from './issues.js';
import { explainDnsLabel } from './names.js';

export const PLATFORM_FILE = 'platform/platform.ts';
export const NAMESPACES_DIR = 'namespaces';
export const NAMESPACE_FILE = 'namespace.ts';
export const SECRETS_FILE = 'secrets.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

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

/** Default time one definition file may take to load; `PLATFORM_GEN_LOAD_TIMEOUT_MS` overrides it. */
export const DEFAULT_LOAD_TIMEOUT_MS = 20_000;
export const LOAD_TIMEOUT_ENV = 'PLATFORM_GEN_LOAD_TIMEOUT_MS';

export interface LoadOptions {
  /** Time one definition file may take to import and copy, in ms. Default: the env variable, else 20 s. */
  readonly timeoutMs?: number;
}

interface PendingFile {
  readonly file: string;
  readonly kind: DefinitionKind;
}

/**
 * Definitions are imported in one worker thread, not in this one: a definition that loops forever, waits on
 * something that never settles or calls process.exit() stops only that thread. Each file has `timeoutMs`;
 * when it runs out the worker is terminated and the file it was loading is reported (E_DEFINITION_TIMEOUT).
 */
export async function loadDefinitions(root: string, options: LoadOptions = {}): Promise<LoadedDefinitions> {
  const issues: Issue[] = [];
  const pending: PendingFile[] = [];

  const platformFound = await definitionFile(root, PLATFORM_FILE, issues);
  if (platformFound) pending.push({ file: PLATFORM_FILE, kind: 'platform' });
  else if (platformFound === undefined) {
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
  const layout: { folder: string; dir: string; namespaceFile: string; secretsFile: string | undefined }[] = [];
  for (const folder of folders) {
    const dir = `${NAMESPACES_DIR}/${folder}`;
    const namespaceFile = `${dir}/${NAMESPACE_FILE}`;
    const secretsFile = `${dir}/${SECRETS_FILE}`;
    await checkNamespaceFiles(root, dir, issues);
    const namespaceFound = await definitionFile(root, namespaceFile, issues);
    if (namespaceFound) pending.push({ file: namespaceFile, kind: 'namespace' });
    else if (namespaceFound === undefined) {
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
    const secretsFound = await definitionFile(root, secretsFile, issues);
    if (secretsFound) pending.push({ file: secretsFile, kind: 'secrets' });
    layout.push({ folder, dir, namespaceFile, secretsFile: secretsFound ? secretsFile : undefined });
  }

  const loaded = await importDefinitions(root, pending, options.timeoutMs ?? timeoutFromEnv(), issues);
  const platform = loaded.get(PLATFORM_FILE);
  const namespaces = layout.map(
    ({ folder, dir, namespaceFile, secretsFile }): LoadedNamespaceFolder => ({
      folder,
      dir,
      namespace: loaded.get(namespaceFile),
      secrets: secretsFile === undefined ? undefined : loaded.get(secretsFile),
    }),
  );
  return { platform, namespaces, issues };
}

function timeoutFromEnv(): number {
  const raw = process.env[LOAD_TIMEOUT_ENV];
  const value = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_LOAD_TIMEOUT_MS;
}

/**
 * Whether a definition file is there to load: true; absent: undefined; there but not loadable (a symbolic
 * link, a folder): false, with the issue reported. Definitions are never read through links, so what
 * reviewers see in the repository is what is loaded.
 */
async function definitionFile(root: string, file: string, issues: Issue[]): Promise<boolean | undefined> {
  // A link anywhere on the way (platform/ itself, say) counts as well as the file being one.
  const parts = file.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const partial = parts.slice(0, i).join('/');
    let stats: import('node:fs').Stats;
    try {
      stats = await lstat(join(root, partial));
    } catch {
      return undefined;
    }
    if (stats.isSymbolicLink()) {
      // namespaces/<folder> links are reported by listNamespaceFolders and never get here.
      issues.push(
        issue({
          code: 'E_DEF_SYMLINK',
          file: partial,
          line: 1,
          path: '',
          message: `${partial} is a symbolic link; platform-gen reads definitions only from real files in the repository`,
          hint: 'replace the link with the file (or folder) itself, so reviewers see the definition in this repository',
        }),
      );
      return false;
    }
    if (i === parts.length && !stats.isFile()) {
      issues.push(
        issue({
          code: 'E_DEF_NOT_A_FILE',
          file,
          line: 1,
          path: '',
          message: `${file} is not a regular file`,
          hint: `make ${file} a TypeScript file with the definition, or remove it`,
        }),
      );
      return false;
    }
  }
  return true;
}

/** Imports every pending file in one worker thread; returns what loaded, keyed by file, and adds the issues. */
async function importDefinitions(
  root: string,
  pending: readonly PendingFile[],
  timeoutMs: number,
  issues: Issue[],
): Promise<Map<string, LoadedDefinition>> {
  const loaded = new Map<string, LoadedDefinition>();
  if (pending.length === 0) return loaded;
  const kinds = new Map(pending.map((p) => [p.file, p.kind]));
  const input: WorkerInput = { files: pending.map((p) => ({ ...p, absolute: join(root, p.file) })) };
  const worker = new Worker(new URL('./_load-worker-entry.mjs', import.meta.url), { workerData: input });
  const importFailures: { file: string; message: string; stack: string }[] = [];
  const settled = new Set<string>();
  let current: string | undefined;

  /** Files after `current` that never loaded because the worker stopped. */
  const notLoaded = () => pending.map((p) => p.file).filter((f) => !settled.has(f) && f !== current);
  const stopped = (what: string) => {
    const rest = notLoaded();
    return rest.length === 0 ? what : `${what}; ${rest.length} definition file(s) after it were not loaded`;
  };

  await new Promise<void>((resolveDone) => {
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      void worker.terminate();
      resolveDone();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const file = current ?? pending[0]?.file ?? PLATFORM_FILE;
        issues.push(
          issue({
            code: 'E_DEFINITION_TIMEOUT',
            file,
            line: 1,
            path: '',
            message: stopped(
              `loading ${file} did not finish within ${formatSeconds(timeoutMs)}: its code (or a module it imports) runs at load time and does not end`,
            ),
            hint: `a definition must evaluate quickly: look for an endless loop or a wait at load time in ${file}; ${LOAD_TIMEOUT_ENV} raises the limit (ms)`,
          }),
        );
        finish();
      }, timeoutMs);
    };
    arm();
    worker.on('message', (message: FromWorker) => {
      if (finished) return;
      if (message.type === 'loading') {
        current = message.file;
        arm();
      } else if (message.type === 'import-failed') {
        settled.add(message.file);
        importFailures.push(message);
      } else if (message.type === 'loaded') {
        settled.add(message.file);
        issues.push(...message.issues);
        const kind = kinds.get(message.file);
        if (message.issues.length === 0 && kind !== undefined)
          loaded.set(message.file, { kind, file: message.file, data: message.data });
      } else if (message.type === 'done') {
        finish();
      }
    });
    worker.on('error', (error) => {
      if (finished) return;
      // Thrown after its module finished (a timer, a rejected promise): blame the file named in the stack.
      const file = blame(root, error, pending) ?? current ?? PLATFORM_FILE;
      const frame = findFrame(error.stack ?? '', join(root, file));
      issues.push(
        issue({
          code: 'E_DEF_LOAD',
          file,
          ...(frame === undefined ? { line: 1 } : frame),
          path: '',
          message: stopped(`loading the definitions failed: ${(error.message || String(error)).split('\n')[0] ?? ''}`),
          hint: 'a definition must evaluate without errors, including callbacks and promises it starts at load time',
        }),
      );
      finish();
    });
    worker.on('exit', () => {
      if (finished) return;
      const file = current ?? PLATFORM_FILE;
      issues.push(
        issue({
          code: 'E_DEF_LOAD',
          file,
          line: 1,
          path: '',
          message: stopped(
            `loading ${file} stopped the loader: it calls process.exit(), or awaits at load time something that never settles`,
          ),
          hint: 'a definition only exports data: remove process.exit() and any top-level await that cannot finish',
        }),
      );
      finish();
    });
  });

  for (const failure of importFailures) {
    issues.push(await describeLoadError(join(root, failure.file), failure.file, failure.message, failure.stack));
  }
  return loaded;
}

function blame(root: string, error: Error, pending: readonly PendingFile[]): string | undefined {
  const stack = error.stack ?? '';
  return pending.find((p) => findFrame(stack, join(root, p.file)) !== undefined)?.file;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Namespace folders, sorted; symlinked folders are reported (definitions are never read through links). */
async function listNamespaceFolders(root: string, issues: Issue[]): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    if ((await lstat(join(root, NAMESPACES_DIR))).isSymbolicLink()) {
      issues.push(
        issue({
          code: 'E_NS_SYMLINK',
          file: NAMESPACES_DIR,
          line: 1,
          path: '',
          message: `${NAMESPACES_DIR} is a symbolic link; platform-gen reads definitions only from real folders`,
          hint: 'replace the link with the folder itself, so reviewers see the definitions in this repository',
        }),
      );
      return [];
    }
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
  const folders: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    // The name must equal the folder and be a DNS-1123 label: any other folder can never hold a valid namespace.
    // Reported here, before it is imported (a `\\` or `%` in a path cannot even be imported as a URL).
    if (!DNS_LABEL.test(entry.name)) {
      issues.push(
        issue({
          code: 'E_NS_FOLDER_INVALID',
          file: `${NAMESPACES_DIR}/${entry.name}`,
          line: 1,
          path: '',
          message: `folder ${quote(`${NAMESPACES_DIR}/${entry.name}`)} cannot hold a namespace: ${explainDnsLabel(entry.name)}; the folder is named like the namespace, a DNS-1123 label`,
          hint: "rename the folder (and the name in its namespace.ts) to lower-case letters, digits and '-', at most 63 characters",
        }),
      );
      continue;
    }
    folders.push(entry.name);
  }
  return folders.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
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

/** Turns an import failure into an issue at the line it happened: syntax errors via TypeScript's parser, throws via the stack. */
async function describeLoadError(absolute: string, file: string, message: string, stack: string): Promise<Issue> {
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
  const frame = findFrame(stack, absolute);
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
