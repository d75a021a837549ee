/**
 * Test helper: a fresh copy of the example platform repository in a temporary directory, with ways to
 * mutate it, snapshot it (content, mtime and inode of every entry) and run platform-gen on it, either
 * in-process through `main()` or as the real binary in a child process.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import {
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.js';

/** The platform-gen workspace these tests belong to. */
export const WORKSPACE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = join(WORKSPACE_ROOT, 'packages/cli/bin/platform-gen.js');

/** What the example repository consists of, relative to the workspace root. */
const EXAMPLE_ENTRIES = [
  'package.json',
  'platform',
  'namespaces',
  'kubernetes',
  'charts',
  'docs/generated',
  '.platform-gen',
  '.gitattributes',
  '.sops.yaml',
  'CODEOWNERS',
  'docs/platform.md',
  '.github',
];
/** Generated TypeScript inside the toolchain's packages: owned by platform-gen, so part of the copy. */
const GENERATED_TYPES_DIRS = ['packages/core/src/generated', 'packages/charts-gen/src/generated'];

export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** One entry of a snapshot: what a write, delete, rename or chmod would change. */
export interface SnapshotEntry {
  readonly type: 'file' | 'dir' | 'symlink';
  readonly mtimeMs: number;
  readonly ino: number;
  readonly mode: number;
  /** File content, or symlink target; empty for a folder. */
  readonly content: string;
}

export type Snapshot = ReadonlyMap<string, SnapshotEntry>;

export interface TempRepo {
  /** Absolute path of the repository copy. */
  readonly root: string;
  /** A folder next to the repository (not inside it), for symlink targets and the like. */
  readonly outside: string;
  path(relative: string): string;
  read(relative: string): Promise<string>;
  /** Writes a file, creating its folder. */
  write(relative: string, content: string): Promise<void>;
  /** Writes a file under `outside`, creating its folder; returns its absolute path. */
  writeOutside(relative: string, content: string): Promise<string>;
  /** Removes a file or folder (recursively). */
  remove(relative: string): Promise<void>;
  /** Moves a file or folder inside the repository (creating the target's folder), keeping inode and mtime. */
  rename(from: string, to: string): Promise<void>;
  /** Replaces the first occurrence of `search` in a file; fails when it is not there. */
  replace(relative: string, search: string, replacement: string): Promise<void>;
  symlink(target: string, relative: string): Promise<void>;
  exists(relative: string): Promise<boolean>;
  snapshot(): Promise<Snapshot>;
  /** Runs `main(args)` in this process with the repository as current directory. */
  run(args: readonly string[]): Promise<RunResult>;
  /** Runs the real `platform-gen` binary in a child process with the repository as current directory. */
  runBinary(args: readonly string[], options?: BinaryOptions): Promise<RunResult>;
}

const created = new Set<string>();

/** Copies the example repository (or a copy of it, `from`) into a fresh temporary directory. */
export async function createTempRepo(options: { from?: string; keep?: boolean } = {}): Promise<TempRepo> {
  const from = options.from ?? WORKSPACE_ROOT;
  const base = await mkdtemp(join(tmpdir(), 'platform-gen-test-'));
  // `keep`: a template other repositories are copied from; removed when the process exits, not by removeTempRepos.
  if (options.keep === true) process.once('exit', () => rmSync(base, { recursive: true, force: true }));
  else created.add(base);
  const root = join(base, 'repo');
  const outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  for (const entry of EXAMPLE_ENTRIES) {
    await cp(join(from, entry), join(root, entry), { recursive: true, preserveTimestamps: true });
  }
  for (const dir of GENERATED_TYPES_DIRS) {
    await cp(join(from, dir), join(root, dir), { recursive: true, preserveTimestamps: true });
  }
  // Definitions import '@platform-gen/core': resolve it through the workspace's node_modules.
  await symlink(join(WORKSPACE_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');

  const path = (relative: string) => join(root, relative);
  return {
    root,
    outside,
    path,
    read: (relative) => readFile(path(relative), 'utf8'),
    write: async (relative, content) => {
      await mkdir(dirname(path(relative)), { recursive: true });
      await writeFile(path(relative), content);
    },
    writeOutside: async (relative, content) => {
      const target = join(outside, relative);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
      return target;
    },
    remove: (relative) => rm(path(relative), { recursive: true, force: true }),
    rename: async (from, to) => {
      await mkdir(dirname(path(to)), { recursive: true });
      await rename(path(from), path(to));
    },
    replace: async (relative, search, replacement) => {
      const text = await readFile(path(relative), 'utf8');
      if (!text.includes(search)) throw new Error(`${relative} does not contain ${JSON.stringify(search)}`);
      await writeFile(path(relative), text.replace(search, replacement));
    },
    symlink: async (target, relative) => {
      await mkdir(dirname(path(relative)), { recursive: true });
      await symlink(target, path(relative));
    },
    exists: async (relative) => {
      try {
        await lstat(path(relative));
        return true;
      } catch {
        return false;
      }
    },
    snapshot: () => takeSnapshot(root),
    run: (args) => runInProcess(root, args),
    runBinary: (args, options) => runBinary(root, args, options),
  };
}

/** Removes every temporary directory `createTempRepo` made. Call it from `afterAll`/`afterEach`. */
export async function removeTempRepos(): Promise<void> {
  for (const base of [...created]) {
    await rm(base, { recursive: true, force: true });
    created.delete(base);
  }
}

/** Every file, folder and symlink under `dir` (node_modules excluded), without following links. */
export async function takeSnapshot(dir: string): Promise<Snapshot> {
  const entries = new Map<string, SnapshotEntry>();
  const walk = async (relative: string): Promise<void> => {
    const names = (await readdir(join(dir, relative))).sort();
    for (const name of names) {
      if (name === 'node_modules') continue;
      const rel = relative === '' ? name : `${relative}/${name}`;
      const absolute = join(dir, rel);
      const stats = await lstat(absolute);
      const common = { mtimeMs: stats.mtimeMs, ino: stats.ino, mode: stats.mode };
      if (stats.isSymbolicLink()) {
        entries.set(rel, { type: 'symlink', ...common, content: await readlink(absolute) });
      } else if (stats.isDirectory()) {
        entries.set(rel, { type: 'dir', ...common, content: '' });
        await walk(rel);
      } else {
        entries.set(rel, { type: 'file', ...common, content: await readFile(absolute, 'utf8') });
      }
    }
  };
  await walk('');
  return entries;
}

/** Human-readable differences between two snapshots; empty when not one entry changed. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const differences: string[] = [];
  for (const [path, entry] of before) {
    const now = after.get(path);
    if (now === undefined) {
      differences.push(`removed: ${path}`);
      continue;
    }
    for (const key of ['type', 'content', 'mtimeMs', 'ino', 'mode'] as const) {
      if (entry[key] !== now[key]) differences.push(`${key} changed: ${path}`);
    }
  }
  for (const path of after.keys()) {
    if (!before.has(path)) differences.push(`added: ${path}`);
  }
  return differences;
}

/** Paths (files only) whose content or mtime differ between two snapshots, or that appeared or vanished. */
export function changedFiles(before: Snapshot, after: Snapshot): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths]
    .filter((path) => {
      const a = before.get(path);
      const b = after.get(path);
      if (a?.type === 'dir' || b?.type === 'dir') return false;
      return a === undefined || b === undefined || a.content !== b.content || a.mtimeMs !== b.mtimeMs;
    })
    .sort();
}

export async function runInProcess(cwd: string, args: readonly string[]): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (text) => out.push(text), err: (text) => err.push(text), cwd });
  return { code, out: out.join(''), err: err.join('') };
}

export interface BinaryOptions {
  /** Given to node before the script (e.g. `--import`). */
  readonly nodeOptions?: readonly string[];
  /** On top of this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs bin/platform-gen.js in a new process. */
export function runBinary(cwd: string, args: readonly string[], options: BinaryOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === null) {
        reject(new Error(`platform-gen was killed by ${String(signal)}`));
        return;
      }
      resolvePromise({ code, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** One problem line of the report, with the file heading it appeared under. */
export interface ReportedIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: string;
  readonly code: string;
  /** `<field>: <message>`, or the message alone. */
  readonly text: string;
}

/**
 * Parses the report of packages/cli/src/report.ts:
 * `<file> (N problems)` headings, each followed by `  <line>:<col>  <severity> <CODE>  <text>` lines.
 */
export function parseReport(text: string): { issues: ReportedIssue[]; headings: Map<string, number> } {
  const issues: ReportedIssue[] = [];
  const headings = new Map<string, number>();
  let file: string | undefined;
  for (const line of text.split('\n')) {
    const heading = /^(\S.*) \((\d+) problems?\)$/.exec(line);
    if (heading?.[1] !== undefined) {
      file = heading[1];
      headings.set(file, Number(heading[2]));
      continue;
    }
    const found = /^ {2}(\d+):(\d+) {2}(error|warning) (\S+) {2}(.*)$/.exec(line);
    if (found !== null && file !== undefined) {
      issues.push({
        file,
        line: Number(found[1]),
        column: Number(found[2]),
        severity: found[3] ?? '',
        code: found[4] ?? '',
        text: found[5] ?? '',
      });
    }
  }
  return { issues, headings };
}
