/**
 * Which `@platform-gen/core` a repository's definitions import: what the definition cache and the run record
 * both key on (a repository that resolves another toolchain's core must not share their entries).
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * This toolchain's own `@platform-gen/core` folder (packages/core, links resolved), found from this module's
 * place in it (also when the CLI runs prebuilt: its build gives each module its source's `import.meta.url`).
 */
export const OWN_CORE = realpathSync(dirname(dirname(fileURLToPath(import.meta.url))));

/**
 * The folder of the `@platform-gen/core` an ES module in the repository imports: the first
 * node_modules/@platform-gen/core from the root up, links resolved (as the ES module loader does; it ignores
 * NODE_PATH, which pnpm sets and require.resolve would follow).
 */
export function findCorePackage(root: string): string | undefined {
  const found = findUp(root, join('node_modules', '@platform-gen', 'core', 'package.json'));
  if (found === undefined) return undefined;
  try {
    return realpathSync(dirname(found));
  } catch {
    return undefined;
  }
}

/** The first `name` from `from` up to the file system's root, or undefined. */
export function findUp(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
