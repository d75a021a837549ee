/**
 * definitions ──load──▶ validate ──▶ PlatformModel ──generators──▶ FileSet ──▶ plan (write | --check)
 *
 * Returns everything the CLI needs to report or write; writes nothing itself.
 */
import { BOOKKEEPING_GENERATOR, BOOKKEEPING_OWNS, bookkeepingArtifacts } from './bookkeeping.js';
import { type FileSet, type Generator, type GeneratorOutput, mergeOutputs } from './file-set.js';
import { checkInvariants } from './invariants/index.js';
import { hasErrors, type Issue, sortIssues } from './issues.js';
import { loadDefinitions } from './load-definitions.js';
import { locateIssues } from './locate.js';
import type { PlatformModel } from './model.js';
import { RepoSnapshot, type SnapshotSeed } from './repo-snapshot.js';
import { buildRepoView, readRepoTexts } from './repo-view.js';
import {
  DEFINITION_SCHEMA_TYPES,
  generateSchemaTypes,
  getSchemaTypesCacheDir,
  SCHEMA_TYPES_DIR,
} from './schema-types.js';
import { secretScanIssues } from './secret-scan.js';
import { validateDefinitions } from './validate.js';
import { planWrite, type WritePlan } from './write-files.js';

export interface PipelineResult {
  /** Every issue, sorted, with lines filled in. */
  readonly issues: readonly Issue[];
  readonly model: PlatformModel | undefined;
  /** Present only when the definitions are valid. */
  readonly files: FileSet | undefined;
  /** Present only when the definitions are valid. */
  readonly plan: WritePlan | undefined;
  /** Every definition's value depends on its bytes alone (LoadedDefinitions.pure): the run may be recorded. */
  readonly pure: boolean;
}

const SCHEMA_TYPES_GENERATOR = '@platform-gen/core (schema types)';

/** Every output prefix: the generators' and core's own. */
export function allOwnedPrefixes(generators: readonly Generator[]): string[] {
  return [...generators.flatMap((g) => g.owns), SCHEMA_TYPES_DIR, ...BOOKKEEPING_OWNS];
}

/** Loads and validates the definitions, then generates and plans. Nothing is written. */
export async function runPipeline(
  root: string,
  generators: readonly Generator[],
  /** What was read of the repository already this run (the run record's look at it): not read again. */
  options: { readonly reads?: SnapshotSeed | undefined } = {},
): Promise<PipelineResult> {
  const loaded = await loadDefinitions(root);
  // Read now, so the loaded definitions are not kept alive to the end of the run (memory, at 10,000 namespaces).
  const pure = loaded.pure === true;
  const validated = validateDefinitions(loaded);
  const model = validated.model;
  if (model === undefined || hasErrors(validated.issues)) {
    // Nothing to generate, but a secret in the repository is still reported with the rest (all errors at once).
    const secrets = secretScanIssues(await readRepoTexts(root, new Map()));
    const issues = [...validated.issues, ...secrets];
    return { issues: await finish(root, issues), model: undefined, files: undefined, plan: undefined, pure: false };
  }
  const files = await generateFileSet(model, generators, { schemaTypesCache: getSchemaTypesCacheDir(root) });
  const owns = allOwnedPrefixes(generators);
  // One look at the disk for the whole run: planWrite, the repository view and the secret scan share each
  // folder listing and each file's bytes.
  const disk = new RepoSnapshot(root, options.reads);
  const plan = await planWrite(root, files, owns, disk);
  const repo = await buildRepoView(root, model, files, new Set(plan.remove), disk);
  const issues = [...validated.issues, ...plan.issues, ...repo.issues, ...checkInvariants(repo.view)];
  // Any error (an unowned file, a broken invariant) means the plan must not be applied.
  return { issues: await finish(root, issues), model, files, plan: hasErrors(issues) ? undefined : plan, pure };
}

/**
 * Every file the generators (and core's bookkeeping) produce for a valid model: pure, reads and writes nothing but
 * the schema-types cache, when one is given (its entries are keyed by everything they depend on).
 */
export async function generateFileSet(
  model: PlatformModel,
  generators: readonly Generator[],
  /** Where generated schema types are cached (schema-types.ts); none by default. */
  options: { readonly schemaTypesCache?: string | undefined } = {},
): Promise<FileSet> {
  const cache = options.schemaTypesCache;
  const outputs: GeneratorOutput[] = [];
  for (const g of generators) {
    outputs.push({
      generator: g.name,
      owns: g.owns,
      artifacts: [...g.generate(model), ...(await generateSchemaTypes(g.schemaTypes ?? [], cache))],
    });
  }
  outputs.push({
    generator: SCHEMA_TYPES_GENERATOR,
    owns: [SCHEMA_TYPES_DIR],
    artifacts: await generateSchemaTypes(DEFINITION_SCHEMA_TYPES, cache),
  });
  const generatedPaths = outputs.flatMap((o) => o.artifacts.map((a) => a.path));
  return mergeOutputs([
    ...outputs,
    {
      generator: BOOKKEEPING_GENERATOR,
      owns: BOOKKEEPING_OWNS,
      artifacts: bookkeepingArtifacts(generatedPaths, allOwnedPrefixes(generators)),
    },
  ]);
}

/** Loads and validates the definitions only (no generation, no checks of the repository): for commands that need the model. */
export async function loadModel(root: string): Promise<{ model: PlatformModel | undefined; issues: Issue[] }> {
  const validated = validateDefinitions(await loadDefinitions(root));
  const issues = await finish(root, validated.issues);
  return { model: hasErrors(issues) ? undefined : validated.model, issues };
}

async function finish(root: string, issues: readonly Issue[]): Promise<Issue[]> {
  return sortIssues(await locateIssues(root, issues));
}
