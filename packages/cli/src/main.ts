/**
 * The platform-gen command line. Only this package owns `process`: exit codes, output, the disk root.
 */
import { resolve } from 'node:path';
import { PlatformError } from '@platform-gen/core';
import type { Observation } from '@platform-gen/core/run-record';
import { Command, CommanderError } from 'commander';
import { EXIT, EXIT_CODES_HELP, internalError } from './exit-codes.js';
import { type Io, processIo } from './io.js';

export type { Io } from './io.js';

// Each command's module is imported when it runs, not at start: --help and a command that needs little
// (keygen, secrets) do not load every generator, ts-morph or the Kubernetes client.

/** What the prebuilt fast path (fast-path.ts) already saw of a `generate` it hands on: used, not seen again. */
export interface Prepared {
  readonly root: string;
  readonly check: boolean;
  readonly seen: Observation;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo, prepared?: Prepared): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('platform-gen')
    .description('Generate a Kubernetes platform (Argo CD, Vault, External Secrets, ...) from typed definitions.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run platform-gen --help for usage)');

  const rootOption = (cmd: Command) =>
    cmd.option('--root <dir>', 'platform repository root (default: the current directory)');
  const rootOf = (options: { root?: string }) => resolve(io.cwd, options.root ?? '.');

  rootOption(
    program
      .command('generate')
      .description('generate every file from the definitions and write what changed')
      .option('--check', 'write nothing; print a diff of every drifted, missing or orphaned file and exit 1 if any')
      .option(
        '--allow-delete <namespace>',
        'allow deleting every generated file of a namespace whose definition was removed; repeatable',
        (value: string, previous: string[]) => [...previous, value],
        [],
      )
      .addHelpText('after', EXIT_CODES_HELP),
  ).action(async (options: { check?: boolean; allowDelete: string[]; root?: string }) => {
    const root = rootOf(options);
    const check = options.check === true;
    const seen = prepared?.root === root && prepared.check === check ? prepared.seen : undefined;
    code = await (await import('./commands/generate.js')).generateCommand(
      root,
      { check, allowDelete: options.allowDelete },
      io,
      seen,
    );
  });

  rootOption(
    program
      .command('validate')
      .description('validate the definitions and the repository; write nothing')
      .addHelpText('after', EXIT_CODES_HELP),
  ).action(async (options: { root?: string }) => {
    code = await (await import('./commands/validate.js')).validateCommand(rootOf(options), io);
  });

  rootOption(
    program
      .command('diff')
      .description(
        'what a change to the definitions does, object by object, grouped by namespace and component, Vault access changes first; writes nothing',
      )
      .option(
        '--base <ref>',
        'compare with the generated files of this Git ref instead of those on disk (e.g. origin/main)',
      )
      .option('--markdown', 'print Markdown for a pull-request comment')
      .option('--exit-code', 'exit 1 when there are differences (like git diff --exit-code)')
      .addHelpText(
        'after',
        `\nExamples:\n  platform-gen diff                                   # what pnpm generate would change\n  platform-gen diff --base origin/main --markdown     # a pull request's effect, for a PR comment\n${EXIT_CODES_HELP}\n  (diff exits 0 when it computed the diff, even a non-empty one, unless --exit-code)`,
      ),
  ).action(async (options: { base?: string; markdown?: boolean; exitCode?: boolean; root?: string }) => {
    code = await (await import('./commands/diff.js')).diffCommand(
      rootOf(options),
      { base: options.base, markdown: options.markdown === true, exitCode: options.exitCode === true },
      io,
    );
  });

  rootOption(
    program
      .command('explain')
      .description(
        'where a file or namespace comes from, which rules check it, and what removing its definition would change; writes nothing',
      )
      .argument('<path|namespace>', 'a file of the repository (generated or hand-written) or a namespace name')
      .addHelpText(
        'after',
        `\nExamples:\n  platform-gen explain kubernetes/vault-config/files/policy-eso-payments-api.hcl\n  platform-gen explain payments-api\n${EXIT_CODES_HELP}`,
      ),
  ).action(async (target: string, options: { root?: string }) => {
    code = await (await import('./commands/explain.js')).explainCommand(rootOf(options), target, io);
  });

  rootOption(
    program
      .command('migrate')
      .description(
        'rewrite the definitions of an older format into the current one (after upgrading platform-gen), then validate',
      )
      .option('--dry-run', 'write nothing; print a unified diff of every file it would change')
      .addHelpText(
        'after',
        `\nRun it when validate or generate reports E_FORMAT_OUTDATED; then run pnpm generate.\n${EXIT_CODES_HELP}`,
      ),
  ).action(async (options: { dryRun?: boolean; root?: string }) => {
    code = await (await import('./commands/migrate.js')).migrateCommand(
      rootOf(options),
      { dryRun: options.dryRun === true },
      io,
    );
  });

  rootOption(
    program
      .command('bootstrap')
      .description(
        'phase 1, before Argo CD exists: install Argo CD, give its repo-server the age key, apply the root Application (idempotent)',
      )
      .requiredOption('--context <name>', 'kubeconfig context of the cluster to install into')
      .requiredOption('--age-key <file>', 'age identity file (AGE-SECRET-KEY-1…); becomes the Secret argocd/sops-age')
      .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG or ~/.kube/config)')
      .option('--chart <path>', 'local argo-cd chart (folder or .tgz) instead of the Helm repository')
      .option('--dry-run', 'print the plan (objects in order, and the waits); contact no cluster')
      .addHelpText('after', EXIT_CODES_HELP),
  ).action(
    async (options: {
      context: string;
      ageKey: string;
      kubeconfig?: string;
      chart?: string;
      dryRun?: boolean;
      root?: string;
    }) => {
      const path = (file: string | undefined) => (file === undefined ? undefined : resolve(io.cwd, file));
      code = await (await import('./commands/bootstrap.js')).bootstrapCommand(
        rootOf(options),
        {
          context: options.context,
          ageKey: resolve(io.cwd, options.ageKey),
          kubeconfig: path(options.kubeconfig),
          chart: path(options.chart),
          dryRun: options.dryRun === true,
        },
        io,
      );
    },
  );

  rootOption(
    program
      .command('keygen')
      .description('phase 0: create an age identity outside the repository (mode 0600) and print its recipient')
      .requiredOption('--out <file>', 'where to write the identity; refused inside a Git work tree, never overwritten')
      .addHelpText('after', EXIT_CODES_HELP),
  ).action(async (options: { out: string; root?: string }) => {
    code = await (await import('./commands/keygen.js')).keygenCommand(rootOf(options), options.out, io, new Date());
  });

  rootOption(
    program
      .command('new-namespace')
      .description(
        'scaffold namespaces/<name>/namespace.ts and secrets.ts for a tenant namespace, then generate (refuses invalid input, writing nothing)',
      )
      .argument('<name>', 'the namespace: a DNS-1123 label, not reserved, not taken')
      .requiredOption('--team <team>', 'owning team, as declared under teams in platform/platform.ts')
      .option('--prefix <vault path>', 'Vault KV prefix to approve for its secrets (default: <team>/<name>)')
      .option('--description <text>', 'one line on what runs in the namespace')
      .addHelpText(
        'after',
        `\nExample:\n  platform-gen new-namespace payments-ledger --team payments --description 'Ledger service'\n${EXIT_CODES_HELP}`,
      ),
  ).action(async (name: string, options: { team: string; prefix?: string; description?: string; root?: string }) => {
    code = await (await import('./commands/new-namespace.js')).newNamespaceCommand(
      rootOf(options),
      {
        name,
        team: options.team,
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        ...(options.description === undefined ? {} : { description: options.description }),
      },
      io,
    );
  });

  const collect = (value: string, previous: string[]) => [...previous, value];
  rootOption(
    program
      .command('seal')
      .description(
        'encrypt one bootstrap secret of the inventory into kubernetes/bootstrap/secrets/<name>.sops.yaml for every age recipient',
      )
      .argument('<name>', 'the secret, as declared under bootstrapSecrets in platform/platform.ts')
      .option('--file <path>', 'values as a YAML or JSON mapping key: value ("-" or nothing: standard input)')
      .option(
        '--from-file <key=path>',
        "one key's value from a file (e.g. tls.crt=./vault.crt); repeatable",
        collect,
        [],
      )
      .option('--generate <key>', 'fill this key with 32 random bytes (base64url); repeatable', collect, [])
      .addHelpText(
        'after',
        `\nValues are never taken from the command line. Example:\n  printf 'username: admin\\n' | platform-gen seal keycloak-admin --generate password\n${EXIT_CODES_HELP}`,
      ),
  ).action(async (name: string, options: { file?: string; fromFile: string[]; generate: string[]; root?: string }) => {
    code = await (await import('./commands/seal.js')).sealCommand(
      rootOf(options),
      name,
      {
        ...(options.file === undefined ? {} : { file: options.file }),
        fromFile: options.fromFile,
        generate: options.generate,
        stdin: io.stdin ?? (() => Promise.resolve('')),
        now: new Date(),
      },
      io,
    );
  });

  rootOption(
    program
      .command('rekey')
      .description('re-encrypt sealed files for the current age recipients (values unchanged), like sops updatekeys')
      .argument('[names...]', 'secrets to re-encrypt (default: every sealed file whose recipients differ)')
      .requiredOption('--age-key <file>', 'an age identity file that can decrypt the files now')
      .addHelpText('after', EXIT_CODES_HELP),
  ).action(async (names: string[], options: { ageKey: string; root?: string }) => {
    code = await (await import('./commands/seal.js')).rekeyCommand(rootOf(options), names, options.ageKey, io);
  });

  rootOption(
    program
      .command('secrets')
      .description('list the bootstrap secret inventory: sealed, missing or stale (exit 1 if any is not sealed)')
      .option('--json', "print JSON (with each secret's authority per phase)")
      .addHelpText('after', EXIT_CODES_HELP),
  ).action(async (options: { json?: boolean; root?: string }) => {
    code = await (await import('./commands/secrets.js')).secretsCommand(
      rootOf(options),
      { json: options.json === true },
      io,
    );
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    return handleError(error, io);
  }
}

/** The one place errors become exit codes. A user error prints no stack trace. */
export function handleError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here with code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof PlatformError) {
    io.err(
      `platform-gen: internal error ${error.code}: ${error.message}\nThis is a bug in platform-gen; nothing was written.\n`,
    );
    return EXIT.internal;
  }
  io.err(internalError(error));
  return EXIT.internal;
}
