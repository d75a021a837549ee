/**
 * `platform-gen bootstrap`: the one step before Argo CD exists (phase 1). From the repository as committed:
 * install Argo CD, hand its repo-server the age identity, apply the root Application. Safe to re-run.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  COMPONENTS,
  handsOverToVault,
  hasErrors,
  OUTPUT_DIRS,
  type PlatformModel,
  runPipeline,
  sealedFilePath,
} from '@platform-gen/core';
import { getAgeKeyFileProblem } from '../bootstrap/age-key.js';
import { type ApplyOptions, applyBootstrapPlan, FIELD_MANAGER, loadClusterTarget } from '../bootstrap/apply.js';
import { appliedObjects, BootstrapError, describeStep, planBootstrap } from '../bootstrap/plan.js';
import { getLocalChartWarning, parseObjects, renderArgoCd } from '../bootstrap/render.js';
import { EXIT } from '../exit-codes.js';
import { GENERATORS } from '../generators.js';
import type { Io } from '../main.js';
import { count } from '../plural.js';
import { formatIssues } from '../report.js';

/** The root Application's folder and file (written by @platform-gen/argo-apps). */
const ROOT_DIR = `${OUTPUT_DIRS.argoApps}root/`;
const ROOT_FILE = `${ROOT_DIR}root.yaml`;

export interface BootstrapOptions {
  /** kubeconfig context to install into; must exist in the kubeconfig. */
  readonly context: string;
  /** Absolute path of the age identity file. Its content goes to the cluster and nowhere else. */
  readonly ageKey: string;
  /** Absolute path of a kubeconfig file; undefined: KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig: string | undefined;
  /** Absolute path of a local argo-cd chart (folder or .tgz) to use instead of the Helm repository. */
  readonly chart: string | undefined;
  readonly dryRun: boolean;
  /**
   * Applied after the `sops-age` Secret and before the root Application, in order: the decrypted phase-1
   * bootstrap Secrets. Their values are never printed.
   */
  readonly extraObjects?: readonly Record<string, unknown>[];
  /** Polling and request limits (tests shorten them). */
  readonly apply?: Omit<ApplyOptions, 'log'>;
}

export async function bootstrapCommand(root: string, options: BootstrapOptions, io: Io): Promise<number> {
  // 1. The repository: valid, and exactly what a fresh generation gives (Argo CD syncs what is committed).
  const result = await runPipeline(root, GENERATORS);
  if (hasErrors(result.issues) || result.plan === undefined || result.model === undefined) {
    io.err(formatIssues(result.issues));
    io.err('platform-gen: bootstrap refused: fix the definitions first. No cluster was contacted.\n');
    return EXIT.invalid;
  }
  if (result.issues.length > 0) io.err(formatIssues(result.issues));
  if (result.plan.drift.length > 0) {
    for (const drift of result.plan.drift) io.err(`  ${drift.kind.padEnd(8)} ${drift.path}\n`);
    io.err(
      `platform-gen: bootstrap refused: the repository differs from a fresh generation (${count(result.plan.drift.length, 'file')}): run pnpm generate and commit first. Argo CD syncs what is committed, so bootstrap installs exactly that. No cluster was contacted.\n`,
    );
    return EXIT.invalid;
  }

  try {
    // 2. The age identity: read, checked, kept in memory only.
    const ageKey = await readAgeKey(options.ageKey);
    // Phase 1 secrets (Git credentials, ...) must exist before Argo CD can read Git: decrypted here, in memory.
    const phaseOne = await decryptPhaseOneSecrets(root, result.model, ageKey, options.ageKey);

    // 3. The cluster's kubeconfig context (read only: nothing is contacted yet).
    const target = await loadClusterTarget({ kubeconfig: options.kubeconfig, context: options.context });

    // 4. Argo CD as its own Application will render it, and the root Application with its project.
    const render = { root, kubeVersion: result.model.platform.cluster.kubeVersion, chart: options.chart };
    const warning = getLocalChartWarning(render);
    if (warning !== undefined) io.err(`platform-gen: warning: ${warning}\n`);
    const rendered = renderArgoCd(render);
    const rootFolder: Record<string, unknown>[] = [];
    for (const file of await rootFolderFiles(root)) {
      rootFolder.push(...parseObjects(await readFile(join(root, file), 'utf8'), file));
    }
    const plan = planBootstrap({
      namespace: COMPONENTS.argocd.namespace,
      rendered,
      ageKey,
      extraObjects: [...phaseOne, ...(options.extraObjects ?? [])],
      root: parseObjects(await readFile(join(root, ROOT_FILE), 'utf8'), ROOT_FILE),
      rootFolder,
    });
    const objects = appliedObjects(plan).length;

    // 5. --dry-run: the plan, and nothing else.
    if (options.dryRun) {
      io.out(
        `platform-gen: bootstrap plan for context ${target.context} (${target.server}); --dry-run: nothing applied\n`,
      );
      for (const step of plan.steps) io.out(`  ${describeStep(step)}\n`);
      io.out(
        `platform-gen: ${count(objects, 'object')} would be applied server-side (field manager ${FIELD_MANAGER}). No cluster was contacted.\n`,
      );
      return EXIT.ok;
    }

    // 6. Apply, server-side: a re-run converges to the same state.
    io.out(`platform-gen: bootstrapping Argo CD into context ${target.context} (${target.server})\n`);
    const { applied } = await applyBootstrapPlan(target, plan, {
      ...options.apply,
      log: (line) => io.out(`  ${line}\n`),
    });
    io.out(
      `platform-gen: ${count(applied, 'object')} applied server-side (field manager ${FIELD_MANAGER}). Argo CD now syncs the root Application from Git.\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof BootstrapError) {
      io.err(`platform-gen: bootstrap failed (${error.code}): ${error.message}\n`);
      return EXIT.invalid;
    }
    throw error;
  }
}

/** The identity file's content; a BootstrapError (never quoting the file) when it is unreadable or holds no identity. */
async function readAgeKey(path: string): Promise<string> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new BootstrapError('E_BOOTSTRAP_AGE_KEY', `cannot read the age key file ${path} (${reason})`);
  }
  const problem = getAgeKeyFileProblem(content);
  if (problem !== undefined) {
    throw new BootstrapError(
      'E_BOOTSTRAP_AGE_KEY',
      `the age key file ${path} is not an age identity file: ${problem}. No cluster was contacted.`,
    );
  }
  return content;
}

/**
 * The sealed files of the bootstrap secrets Argo CD itself reads in phase 1 (no handover), decrypted with
 * the age identity and their MAC verified. The identity must be one of the platform's recipients.
 */
async function decryptPhaseOneSecrets(
  root: string,
  model: PlatformModel,
  ageKey: string,
  keyFile: string,
): Promise<Record<string, unknown>[]> {
  const { ageRecipientOf, decryptDocument, parseAgeIdentityFile, SopsError } = await import('@platform-gen/sops');
  const identities = parseAgeIdentityFile(ageKey);
  const recipients = model.platform.sops.recipients;
  const own: string[] = [];
  for (const identity of identities) {
    try {
      own.push(await ageRecipientOf(identity));
    } catch {
      throw new BootstrapError(
        'E_BOOTSTRAP_AGE_KEY',
        `the age key file ${keyFile} holds a line that is not a valid age identity. No cluster was contacted.`,
      );
    }
  }
  if (!recipients.some((r) => own.includes(r.recipient))) {
    throw new BootstrapError(
      'E_BOOTSTRAP_AGE_KEY',
      `the age key file ${keyFile} is for ${own.join(', ')}, which is none of the platform's sops.recipients (${recipients.map((r) => r.name).join(', ')}): Argo CD could not decrypt the bootstrap secrets with it. No cluster was contacted.`,
    );
  }
  const objects: Record<string, unknown>[] = [];
  for (const secret of model.platform.bootstrapSecrets) {
    if (secret.phase !== 1 || handsOverToVault(secret)) continue;
    const file = sealedFilePath(secret.name);
    try {
      objects.push(await decryptDocument(await readFile(join(root, file), 'utf8'), identities));
    } catch (error) {
      const reason = error instanceof SopsError ? `${error.code}: ${error.message}` : 'unreadable';
      throw new BootstrapError(
        'E_BOOTSTRAP_SEALED_FILE',
        `cannot decrypt ${file} (${reason}). No cluster was contacted.`,
      );
    }
  }
  return objects;
}

/** The YAML files of the root Application's folder, sorted. */
async function rootFolderFiles(root: string): Promise<string[]> {
  const names = await readdir(join(root, ROOT_DIR));
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${ROOT_DIR}${name}`);
}
