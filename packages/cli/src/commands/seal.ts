/**
 * `platform-gen seal NAME`: encrypts one bootstrap secret of the inventory into its SOPS file under
 * kubernetes/bootstrap/secrets/, for every age recipient of the platform definition. Values come from
 * stdin or --file (a YAML or JSON mapping key → string), from --from-file KEY=PATH, or are generated
 * (--generate KEY); never from the command line, so they stay out of shell history and `ps`.
 *
 * `platform-gen rekey --age-key FILE [NAME...]`: re-wraps the data key of sealed files for the current
 * recipients (after adding or removing one), like `sops updatekeys`: values, IVs and MAC unchanged.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type BootstrapSecret,
  loadModel,
  type PlatformModel,
  sealedFilePath,
  sealedManifest,
  WriteRefusedError,
  writeFileAtomically,
} from '@platform-gen/core';
import { parse } from 'yaml';
import { EXIT } from '../exit-codes.js';
import { locked, needsLock } from '../locked.js';
import type { Io } from '../main.js';
import { formatIssues } from '../report.js';

export interface SealOptions {
  readonly file?: string;
  readonly fromFile: readonly string[];
  readonly generate: readonly string[];
  /** Reads stdin when neither --file nor every key came from elsewhere. */
  readonly stdin: () => Promise<string>;
  readonly now: Date;
}

class SealInputError extends Error {}

/** A random value for a generated key: 32 bytes, base64url (43 characters, safe in any config format). */
function randomValue(): string {
  return randomBytes(32).toString('base64url');
}

async function loadOrReport(root: string, io: Io): Promise<PlatformModel | undefined> {
  const { model, issues } = await loadModel(root);
  if (model === undefined) {
    io.err(formatIssues(issues));
    io.err('Nothing was written.\n');
  }
  return model;
}

function findSecret(model: PlatformModel, name: string): BootstrapSecret {
  const secret = model.platform.bootstrapSecrets.find((s) => s.name === name);
  if (secret === undefined) {
    const known = model.platform.bootstrapSecrets.map((s) => s.name).join(', ') || 'none';
    throw new SealInputError(
      `${name} is not in the bootstrap secret inventory of ${model.platformFile} (declared: ${known}). Declare it under bootstrapSecrets first.`,
    );
  }
  return secret;
}

/** Parses a mapping of key → string value; numbers, lists and nested maps are refused (quote them). */
function parseValues(text: string, where: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = parse(text, { version: '1.2' });
  } catch (error) {
    throw new SealInputError(`${where} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SealInputError(`${where} must be a mapping of key: value (YAML or JSON)`);
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      throw new SealInputError(
        `${where}: the value of ${key} is a ${Array.isArray(value) ? 'list' : typeof value}; quote it as a string`,
      );
    }
    values[key] = value;
  }
  return values;
}

async function collectValues(secret: BootstrapSecret, io: Io, options: SealOptions) {
  const values: Record<string, string> = {};
  const sources = new Map<string, string>();
  const put = (key: string, value: string, source: string) => {
    const previous = sources.get(key);
    if (previous !== undefined) throw new SealInputError(`${key} is given twice (${previous} and ${source})`);
    sources.set(key, source);
    values[key] = value;
  };
  for (const key of options.generate) put(key, randomValue(), '--generate');
  for (const spec of options.fromFile) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new SealInputError(`--from-file ${spec}: write KEY=PATH`);
    const key = spec.slice(0, eq);
    const path = resolve(io.cwd, spec.slice(eq + 1));
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (error) {
      throw new SealInputError(`--from-file ${key}: cannot read ${path}: ${(error as Error).message}`);
    }
    put(key, content, `--from-file ${key}`);
  }
  const pending = secret.keys.filter((key) => !sources.has(key));
  if (options.file !== undefined || pending.length > 0) {
    const where = options.file === undefined || options.file === '-' ? 'stdin' : options.file;
    const text =
      where === 'stdin'
        ? await options.stdin().catch((error: Error) => {
            throw new SealInputError(`cannot read the values: ${error.message}`);
          })
        : await readFile(resolve(io.cwd, where), 'utf8').catch((error: Error) => {
            throw new SealInputError(`cannot read ${where}: ${error.message}`);
          });
    for (const [key, value] of Object.entries(parseValues(text, where))) put(key, value, where);
  }
  const unknown = Object.keys(values).filter((key) => !secret.keys.includes(key));
  if (unknown.length > 0) {
    throw new SealInputError(
      `${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not a key of ${secret.name} (keys: ${secret.keys.join(', ')})`,
    );
  }
  const missing = secret.keys.filter((key) => values[key] === undefined || values[key] === '');
  if (missing.length > 0) {
    throw new SealInputError(
      `no value for ${missing.join(', ')} of ${secret.name}: give ${missing.length > 1 ? 'them' : 'it'} on stdin or --file as "key: value", with --from-file KEY=PATH, or --generate KEY`,
    );
  }
  return values;
}

/** Writes `content` to `path` atomically and durably (core's writer): never half-written, never through a symlink. */
async function writeAtomically(root: string, relativePath: string, content: string): Promise<void> {
  try {
    await writeFileAtomically(root, relativePath, content);
  } catch (error) {
    if (error instanceof WriteRefusedError) throw new SealInputError(error.message);
    throw error;
  }
}

export async function sealCommand(root: string, name: string, options: SealOptions, io: Io): Promise<number> {
  if (needsLock(root)) return locked(root, 'seal', io, () => sealCommand(root, name, options, io));
  const model = await loadOrReport(root, io);
  if (model === undefined) return EXIT.invalid;
  try {
    const secret = findSecret(model, name);
    const values = await collectValues(secret, io, options);
    const { encryptDocument } = await import('@platform-gen/sops');
    const recipients = model.platform.sops.recipients;
    const manifest = sealedManifest(model.platform, model.platformFile, secret, values);
    const text = await encryptDocument(manifest, { recipients: recipients.map((r) => r.recipient), now: options.now });
    const path = sealedFilePath(secret.name);
    await writeAtomically(root, path, text);
    io.out(
      `platform-gen: sealed ${secret.name} (${secret.keys.length} key${secret.keys.length > 1 ? 's' : ''}) into ${path} for ${recipients.map((r) => r.name).join(', ')}.\n`,
    );
    if (options.generate.length > 0) {
      io.out(`  generated: ${options.generate.join(', ')} (random; readable only by decrypting the file)\n`);
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof SealInputError) {
      io.err(`platform-gen: ${error.message}\nNothing was written.\n`);
      return EXIT.invalid;
    }
    throw error;
  }
}

export async function rekeyCommand(
  root: string,
  names: readonly string[],
  ageKeyFile: string,
  io: Io,
): Promise<number> {
  if (needsLock(root)) return locked(root, 'rekey', io, () => rekeyCommand(root, names, ageKeyFile, io));
  const model = await loadOrReport(root, io);
  if (model === undefined) return EXIT.invalid;
  const { parseAgeIdentityFile, rewrapDocument, inspectDocument } = await import('@platform-gen/sops');
  let identities: string[];
  try {
    identities = parseAgeIdentityFile(await readFile(resolve(io.cwd, ageKeyFile), 'utf8'));
  } catch (error) {
    io.err(
      `platform-gen: cannot read the age identity file ${ageKeyFile}: ${(error as NodeJS.ErrnoException).code ?? 'invalid'}\n`,
    );
    return EXIT.invalid;
  }
  if (identities.length === 0) {
    io.err(`platform-gen: ${ageKeyFile} holds no age identity (AGE-SECRET-KEY-1...).\n`);
    return EXIT.invalid;
  }
  const recipients = model.platform.sops.recipients.map((r) => r.recipient);
  try {
    const secrets = names.length === 0 ? model.platform.bootstrapSecrets : names.map((n) => findSecret(model, n));
    const rewritten: { path: string; text: string }[] = [];
    for (const secret of secrets) {
      const path = sealedFilePath(secret.name);
      const text = await readFile(join(root, path), 'utf8').catch(() => undefined);
      if (text === undefined) {
        if (names.length > 0)
          throw new SealInputError(`${path} does not exist: seal it first (platform-gen seal ${secret.name})`);
        continue;
      }
      const current = inspectDocument(text).recipients;
      if (current.length === recipients.length && current.every((r) => recipients.includes(r))) continue;
      try {
        rewritten.push({ path, text: await rewrapDocument(text, identities, recipients) });
      } catch (error) {
        throw new SealInputError(`${path}: ${(error as Error).message}`);
      }
    }
    // All or nothing: every file is re-wrapped in memory before the first one is written.
    for (const file of rewritten) await writeAtomically(root, file.path, file.text);
    io.out(
      rewritten.length === 0
        ? 'platform-gen: every sealed file is already encrypted for the current recipients.\n'
        : `platform-gen: re-encrypted ${rewritten.map((f) => f.path).join(', ')} for ${model.platform.sops.recipients.map((r) => r.name).join(', ')}.\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof SealInputError) {
      io.err(`platform-gen: ${error.message}\nNothing was written.\n`);
      return EXIT.invalid;
    }
    throw error;
  }
}
