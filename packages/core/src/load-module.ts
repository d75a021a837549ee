/**
 * One definition module, imported and copied into plain data: the step every definition goes through, in the
 * loader thread (_load-worker.ts) or, for a file cacheable-source.ts proves can evaluate only literals and the
 * define functions, in the main thread (load-definitions.ts).
 */
import type { FromWorker } from './_load-protocol.js';
import { DEFINE_FUNCTION } from './_load-protocol.js';
import { type DefinitionKind, getDefinitionKind } from './define.js';
import { issue } from './issues.js';
import { toPlainData } from './plain-data.js';

/** What loading one file gives: a worker message without the file name. */
export type ModuleLoad =
  | Omit<Extract<FromWorker, { type: 'import-failed' }>, 'file'>
  | Omit<Extract<FromWorker, { type: 'loaded' }>, 'file'>;

function describeError(error: unknown): { message: string; stack: string } {
  try {
    if (error instanceof Error) return { message: error.message, stack: error.stack ?? '' };
    return { message: String(error), stack: '' };
  } catch {
    return { message: 'a value that cannot be shown', stack: '' };
  }
}

/**
 * Set by a process running platform-gen prebuilt (bin/platform-gen.js, ADR 18), which has no TypeScript loader
 * yet: registers one. Called, once, before the first definition is imported; elsewhere (the sources run through
 * tsx, tests through vitest) it is not set.
 */
const TYPESCRIPT_ON_DEMAND = Symbol.for('platform-gen.typescript-on-demand');

/** The registration, once started: definitions are imported several at a time, and all wait for it. */
let registered: Promise<void> | undefined;

function typescriptReady(): Promise<void> {
  const register = (globalThis as { [TYPESCRIPT_ON_DEMAND]?: () => Promise<void> })[TYPESCRIPT_ON_DEMAND];
  if (register === undefined) return Promise.resolve();
  registered ??= register();
  return registered;
}

/** Imports `url` (the file `file` of kind `kind`) and returns its plain data, or why there is none. */
export async function loadDefinitionModule(file: string, url: string, kind: DefinitionKind): Promise<ModuleLoad> {
  let module: { default?: unknown };
  try {
    await typescriptReady();
    module = (await import(url)) as { default?: unknown };
  } catch (error) {
    return { type: 'import-failed', ...describeError(error) };
  }
  const expected = DEFINE_FUNCTION[kind];
  try {
    if (!('default' in module) || module.default === undefined) {
      return {
        type: 'loaded',
        issues: [
          issue({
            code: 'E_DEF_NO_DEFAULT_EXPORT',
            file,
            line: 1,
            path: '',
            message: `${file} has no default export`,
            hint: `end the file with \`export default ${expected}({ ... })\``,
          }),
        ],
      };
    }
    const actual = getDefinitionKind(module.default);
    if (actual !== kind) {
      return {
        type: 'loaded',
        issues: [
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
        ],
      };
    }
    const plain = toPlainData(module.default, file);
    return { type: 'loaded', issues: plain.issues, ...(plain.issues.length > 0 ? {} : { data: plain.data }) };
  } catch (error) {
    // A Proxy whose traps throw, or a value that defeats copying: not data, and not a crash of platform-gen.
    return {
      type: 'loaded',
      issues: [
        issue({
          code: 'E_DEF_NOT_DATA',
          file,
          path: '',
          message: `reading the exported value failed (${describeError(error).message}); definitions hold plain data only`,
          hint: 'export a plain object literal: no Proxy, no getters, no class instances',
        }),
      ],
    };
  }
}
