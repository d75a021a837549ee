/**
 * Test helper: a copy of the example repository whose bootstrap secrets are sealed for two fresh age
 * identities the test holds (the example's own recipients are throwaway keys nobody has), with known
 * values, so tests can decrypt what platform-gen wrote and look for those values everywhere.
 */
import { readFile } from 'node:fs/promises';
import { generateAgeIdentity } from '@platform-gen/sops';
import { stringify } from 'yaml';
import { createTempRepo, runInProcess, type TempRepo } from './temp-repo.js';

/** The example's recipients, as platform/platform.ts spells them. */
export const EXAMPLE_RECIPIENTS = {
  offline: 'age1pe80l2vujw33mv0pkt8wwkgra406yg68w0lmr9aaf7wmyz5czvqsql9836',
  cluster: 'age1cpaelldkrvahhu255m2psfjfxzuv6w28puuy47ccpzvtkua005zsxtx5hq',
} as const;

export interface TestKey {
  readonly identity: string;
  readonly recipient: string;
  /** Absolute path of an age identity file holding it (outside the repository). */
  readonly file: string;
}

export interface SealedRepo {
  readonly repo: TempRepo;
  readonly offline: TestKey;
  readonly cluster: TestKey;
  /** Inventory name → key → the plaintext value sealed. */
  readonly values: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** Keys of each bootstrap secret of the example, read from its definition. */
async function inventoryKeys(repo: TempRepo): Promise<Map<string, string[]>> {
  const { loadModel } = await import('@platform-gen/core');
  const { model } = await loadModel(repo.root);
  if (model === undefined) throw new Error('the example platform does not validate');
  return new Map(model.platform.bootstrapSecrets.map((s) => [s.name, [...s.keys]]));
}

export async function newTestKey(repo: TempRepo, name: string): Promise<TestKey> {
  const { identity, recipient } = await generateAgeIdentity();
  const file = await repo.writeOutside(`${name}.agekey`, `# public key: ${recipient}\n${identity}\n`);
  return { identity, recipient, file };
}

/** A value nobody would write by accident, unique per secret and key, with YAML-hostile characters. */
function valueFor(secret: string, key: string): string {
  return `s3cr3t-${secret}-${key}-"quoted" 'single' #hash: ${'$'}{dollar} ✓`;
}

/** Sealing runs seal once per secret and then generate: done once per test process, then copied. */
let template: Promise<SealedRepo> | undefined;

async function sealTemplate(): Promise<SealedRepo> {
  const repo = await createTempRepo({ keep: true });
  const offline = await newTestKey(repo, 'offline');
  const cluster = await newTestKey(repo, 'cluster');
  await repo.replace('platform/platform.ts', EXAMPLE_RECIPIENTS.offline, offline.recipient);
  await repo.replace('platform/platform.ts', EXAMPLE_RECIPIENTS.cluster, cluster.recipient);
  const values = new Map<string, Record<string, string>>();
  for (const [name, keys] of await inventoryKeys(repo)) {
    const secretValues = Object.fromEntries(keys.map((key) => [key, valueFor(name, key)]));
    values.set(name, secretValues);
    const file = await repo.writeOutside(`values/${name}.yaml`, stringify(secretValues));
    const sealed = await runInProcess(repo.root, ['seal', name, '--file', file]);
    if (sealed.code !== 0) throw new Error(`seal ${name} failed: ${sealed.err}`);
  }
  const generated = await runInProcess(repo.root, ['generate']);
  if (generated.code !== 0) throw new Error(`generate failed: ${generated.err}`);
  return { repo, offline, cluster, values };
}

/** A fresh copy of the sealed example (the identities' files are shared and must not be changed). */
export async function createSealedRepo(): Promise<SealedRepo> {
  template ??= sealTemplate();
  const sealed = await template;
  const repo = await createTempRepo({ from: sealed.repo.root });
  return { ...sealed, repo };
}

/** Reads a sealed file of the repository. */
export function readSealed(repo: TempRepo, name: string): Promise<string> {
  return readFile(repo.path(`kubernetes/bootstrap/secrets/${name}.sops.yaml`), 'utf8');
}
