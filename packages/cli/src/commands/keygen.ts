/**
 * `platform-gen keygen --out FILE`: phase 0. Creates an age identity and writes it outside the repository,
 * readable by its owner only; prints the recipient (public key) for the platform definition.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../main.js';

/** The nearest folder at or above `dir` holding `.git` (a work tree), or undefined. */
function workTreeOf(dir: string): string | undefined {
  let current = dir;
  for (;;) {
    if (existsSync(join(current, '.git'))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** The deepest existing ancestor of `path`, resolved through symlinks. */
async function realAncestor(path: string): Promise<string> {
  let current = path;
  for (;;) {
    try {
      return await realpath(current);
    } catch {
      const parent = dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export async function keygenCommand(root: string, out: string, io: Io, now: Date): Promise<number> {
  const target = resolve(io.cwd, out);
  const where = await realAncestor(dirname(target));
  const repo = await realAncestor(root);
  const tree = workTreeOf(where);
  if (inside(where, repo) || tree !== undefined) {
    io.err(
      `platform-gen: refusing to write an age identity to ${target}: it is inside ${tree ?? repo}, a work tree that could commit it.\n` +
        'Write it outside any repository, e.g. --out ~/.config/sops/age/platform.txt, or onto offline media.\n',
    );
    return EXIT.invalid;
  }
  const { formatAgeIdentityFile, generateAgeIdentity } = await import('@platform-gen/sops');
  const { identity, recipient } = await generateAgeIdentity();
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // wx: never overwrite (an identity lost to an overwrite cannot be recovered); 0600: owner only.
    handle = await open(target, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(
      code === 'EEXIST'
        ? `platform-gen: ${target} already exists; keygen never overwrites an identity. Choose another --out.\n`
        : `platform-gen: cannot create ${target}: ${(error as Error).message}\n`,
    );
    return EXIT.invalid;
  }
  try {
    await handle.writeFile(formatAgeIdentityFile(identity, recipient, now));
    await handle.sync();
  } finally {
    await handle.close();
  }
  io.out(`${recipient}\n`);
  io.err(
    `platform-gen: age identity written to ${target} (mode 0600). Keep it offline; it never enters the repository.\n` +
      'Add its recipient (printed above) to platform/platform.ts under sops.recipients, then re-seal: platform-gen rekey.\n',
  );
  return EXIT.ok;
}
