/**
 * `platform-gen new-namespace NAME --team TEAM`: scaffolds namespaces/NAME/{namespace,secrets}.ts, then
 * regenerates. The would-be definition is validated in memory, together with every definition already in
 * the repository, by core's own `validateDefinitions`: the naming, team and Vault prefix rules live there
 * only. Any problem refuses before anything is written.
 */
import { lstat, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Issue,
  loadDefinitions,
  loadModel,
  NAMESPACES_DIR,
  type NamespaceDefinition,
  validateDefinitions,
} from '@platform-gen/core';
import { EXIT } from '../exit-codes.js';
import { locked, needsLock } from '../locked.js';
import type { Io } from '../main.js';
import { formatIssues } from '../report.js';
import { renderNamespaceFiles } from '../scaffold/namespace-files.js';
import { generateCommand } from './generate.js';

export interface NewNamespaceOptions {
  readonly name: string;
  readonly team: string;
  /** The Vault prefix to approve; default `<team>/<name>`. */
  readonly prefix?: string;
  readonly description?: string;
}

/** The default approved Vault prefix: unique, since namespace names are, and inside the team's own tree. */
function defaultPrefix(team: string, name: string): string {
  return `${team}/${name}`;
}

export async function newNamespaceCommand(root: string, options: NewNamespaceOptions, io: Io): Promise<number> {
  // Held from the first read of the definitions to the end of the generate it runs.
  if (needsLock(root)) return locked(root, 'new-namespace', io, () => newNamespaceCommand(root, options, io));
  const { name, team } = options;
  const prefix = options.prefix ?? defaultPrefix(team, name);
  const definition: NamespaceDefinition = {
    name,
    team,
    ...(options.description === undefined ? {} : { description: options.description }),
    vault: { approvedPrefixes: [prefix] },
  };
  const dir = `${NAMESPACES_DIR}/${name}`;
  const namespaceFile = `${dir}/namespace.ts`;
  const secretsFile = `${dir}/secrets.ts`;
  const secrets = { secrets: [] };

  // The repository's definitions plus the new one, last, so a clash between them is reported on the new one.
  const loaded = await loadDefinitions(root);
  const { issues } = validateDefinitions({
    ...loaded,
    namespaces: [
      ...loaded.namespaces.filter((ns) => ns.folder !== name),
      {
        folder: name,
        dir,
        namespace: { kind: 'namespace', file: namespaceFile, data: definition },
        secrets: { kind: 'secrets', file: secretsFile, data: secrets },
      },
    ],
  });
  const ours = (i: Issue) => i.file === namespaceFile || i.file === secretsFile;
  const errors = issues.filter((i) => i.severity === 'error' && ours(i));
  // Only a valid DNS label is looked up on disk: a name like `../x` must never become a path.
  const nameValid = !errors.some((i) => i.path === 'name' && i.code !== 'E_NS_RESERVED');
  // A default prefix built from an invalid name is invalid too: report the name alone.
  const problems =
    nameValid || options.prefix !== undefined ? errors : errors.filter((i) => !i.path.startsWith('vault.'));
  const existing = nameValid ? await entryType(join(root, dir)) : undefined;
  const inExisting = (i: Issue) => existing !== undefined && i.file.startsWith(`${dir}/`);
  const elsewhere = issues.filter((i) => i.severity === 'error' && !ours(i) && !inExisting(i));

  if (problems.length > 0 || existing !== undefined || elsewhere.length > 0) {
    // The name is not echoed here: an invalid one may hold anything; each problem quotes it safely.
    const lines = ['platform-gen: new-namespace refused; nothing was written.'];
    if (existing !== undefined) {
      lines.push(
        `  ${dir}/ already exists (a ${existing}): new-namespace never overwrites.`,
        `    fix: choose another name, or edit ${namespaceFile} by hand and run pnpm generate`,
      );
    }
    for (const problem of problems) {
      lines.push(`  ${optionOf(problem, options)}: ${problem.message}`, `    fix: ${problem.hint}`);
    }
    io.err(`${lines.join('\n')}\n`);
    if (elsewhere.length > 0) {
      // Reloaded through loadModel for the report only: it points each problem at its line.
      const located = (await loadModel(root)).issues.filter((i) => i.severity === 'error' && !inExisting(i));
      io.err(formatIssues(located.length > 0 ? located : elsewhere));
      io.err(
        'platform-gen: the definitions already in the repository have the problems above; fix them first (platform-gen validate), then run new-namespace again.\n',
      );
    }
    return EXIT.invalid;
  }

  const files = await renderNamespaceFiles(definition);
  await mkdir(join(root, NAMESPACES_DIR), { recursive: true });
  try {
    // Not recursive, and `wx` below: a folder created meanwhile is refused, never overwritten.
    await mkdir(join(root, dir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    io.err(`platform-gen: new-namespace ${name} refused: ${dir}/ appeared while it ran; nothing was written.\n`);
    return EXIT.invalid;
  }
  await writeFile(join(root, namespaceFile), files.namespace, { flag: 'wx' });
  await writeFile(join(root, secretsFile), files.secrets, { flag: 'wx' });
  io.out(`  created   ${namespaceFile}\n  created   ${secretsFile}\n`);
  if (options.prefix === undefined) {
    io.out(
      `platform-gen: approved Vault prefix ${prefix} (the default <team>/<name>; choose another with --prefix).\n`,
    );
  }

  const code = await generateCommand(root, { check: false }, io);
  if (code !== EXIT.ok) {
    io.err(
      `platform-gen: ${dir}/ was created, but regenerating failed (see above). The new files stay; fix the problem, then run: pnpm generate\n`,
    );
    return EXIT.invalid;
  }
  io.out(
    `platform-gen: namespace ${name} created for team ${team}. Review ${namespaceFile} (sources, system, network), and let the team request secrets in ${secretsFile}.\n`,
  );
  return EXIT.ok;
}

/** The command-line argument a problem of the would-be definition came from. */
function optionOf(problem: Issue, options: NewNamespaceOptions): string {
  if (problem.file.endsWith('/secrets.ts')) return problem.path === '' ? 'secrets.ts' : `secrets.ts ${problem.path}`;
  const field = problem.path.split(/[.[]/)[0];
  if (field === 'name') return '<name>';
  if (field === 'team') return '--team';
  if (field === 'description') return '--description';
  if (field === 'vault') {
    return options.prefix === undefined
      ? `--prefix (default ${defaultPrefix(options.team, options.name)})`
      : '--prefix';
  }
  return problem.path === '' ? '<name>' : problem.path;
}

async function entryType(path: string): Promise<string | undefined> {
  try {
    const stats = await lstat(path);
    return stats.isSymbolicLink() ? 'symbolic link' : stats.isDirectory() ? 'folder' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
