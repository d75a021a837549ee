/**
 * Every command of the real binary, on a temporary copy of the example repository, through an error path:
 * the exit code, a message that says what is wrong and what to do, and not one entry of the tree changed.
 * The list of commands is read from `--help`, so a new command without a case here fails this file.
 * (Success paths live in each command's own test file.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTempRepo, diffSnapshots, removeTempRepos, type TempRepo } from './temp-repo.js';

afterAll(removeTempRepos);

interface ErrorCase {
  readonly args: readonly string[];
  /** Prepares the copy before the snapshot is taken. */
  readonly setup?: (repo: TempRepo) => Promise<void>;
  readonly code: number;
  /** What the command must say: on stderr, or on stdout where `stdout` is set (secrets lists its inventory there). */
  readonly message: RegExp;
  readonly stdout?: true;
}

const BROKEN_TEAM = async (repo: TempRepo) =>
  repo.replace('namespaces/payments-api/namespace.ts', "team: 'payments'", "team: 'paymnets'");

const CASES: Readonly<Record<string, ErrorCase>> = {
  generate: {
    args: ['generate'],
    setup: BROKEN_TEAM,
    code: 1,
    message:
      /namespaces\/payments-api\/namespace\.ts \(1 problem\)\n.*E_NS_TEAM_UNKNOWN[\s\S]*\| *\^\n[\s\S]*Nothing was written\.\n$/,
  },
  validate: { args: ['validate'], setup: BROKEN_TEAM, code: 1, message: /E_NS_TEAM_UNKNOWN[\s\S]*fix: / },
  diff: { args: ['diff'], setup: BROKEN_TEAM, code: 1, message: /E_NS_TEAM_UNKNOWN[\s\S]*fix: / },
  explain: {
    args: ['explain', 'payments-apx'],
    code: 1,
    message: /"payments-apx" is neither a namespace nor a file of this repository\.\n {2}did you mean: payments-api/,
  },
  migrate: {
    args: ['migrate'],
    setup: (repo) => repo.replace('platform/platform.ts', 'formatVersion: 2', 'formatVersion: 99'),
    code: 1,
    message: /format 99|newer platform-gen/,
  },
  bootstrap: {
    args: ['bootstrap', '--context', 'nowhere', '--age-key', '/nonexistent/age-key.txt', '--dry-run'],
    setup: BROKEN_TEAM,
    code: 1,
    message: /E_NS_TEAM_UNKNOWN/,
  },
  keygen: {
    args: ['keygen', '--out', 'namespaces/identity.txt'],
    code: 1,
    message:
      /refusing to write an age identity to .*namespaces\/identity\.txt: it is inside .*a work tree that could commit it\.\nWrite it outside any repository/,
  },
  'new-namespace': {
    args: ['new-namespace', 'vault', '--team', 'payments'],
    code: 1,
    message:
      /new-namespace refused; nothing was written\.\n {2}<name>: namespace name "vault" is reserved.*\n {4}fix: choose another name/,
  },
  seal: {
    args: ['seal', 'nope'],
    code: 1,
    message:
      /nope is not in the bootstrap secret inventory of platform\/platform\.ts \(declared: .*\)\. Declare it under bootstrapSecrets first\.\nNothing was written\.\n$/,
  },
  rekey: {
    args: ['rekey', '--age-key', '/nonexistent/age-key.txt'],
    code: 1,
    message: /cannot read the age identity file \/nonexistent\/age-key\.txt/,
  },
  secrets: {
    args: ['secrets'],
    setup: (repo) => repo.remove('kubernetes/bootstrap/secrets/grafana-admin.sops.yaml'),
    code: 1,
    message:
      /grafana\/grafana-admin +4 +missing[\s\S]*1 missing, 0 stale\.\n {2}seal what is missing: platform-gen seal grafana-admin/,
    stdout: true,
  },
};

/** Command names listed under "Commands:" in the binary's --help. */
function commandsOf(help: string): string[] {
  const section = help.slice(help.indexOf('Commands:'), help.indexOf('Exit codes:'));
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1] ?? '').filter((name) => name !== 'help');
}

describe('every command of the binary', () => {
  it('has an error-path case here (the list comes from --help)', async () => {
    const repo = await createTempRepo();
    const help = await repo.runBinary(['--help']);
    expect(help.code).toBe(0);
    expect(commandsOf(help.out).sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const [command, c] of Object.entries(CASES)) {
    it.concurrent(`${command}: exit ${c.code}, says what to fix, writes nothing (binary)`, async () => {
      const repo = await createTempRepo();
      await c.setup?.(repo);
      const before = await repo.snapshot();
      const result = await repo.runBinary(c.args);
      expect(result.code, `${result.out}\n${result.err}`).toBe(c.code);
      expect(c.stdout === true ? result.out : result.err).toMatch(c.message);
      expect(result.err).not.toMatch(/internal error|\n {4}at /);
      expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
    });
  }

  it.concurrent('usage errors exit 2 and point at --help (binary)', async () => {
    const repo = await createTempRepo();
    const before = await repo.snapshot();
    for (const args of [['frobnicate'], ['generate', '--frobnicate'], ['explain'], ['seal']]) {
      const result = await repo.runBinary(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toMatch(/^error: .*\n\(run platform-gen --help for usage\)\n$/);
    }
    expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
  });
});
