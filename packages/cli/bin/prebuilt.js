// Whether the prebuilt fast path (dist/fast-path.js, ADR 18) may run: plain JavaScript, as it runs before tsx.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The URL of `dist/fast-path.js` under the package folder `cli` when `dist/fast-path.json` vouches for it: the
 * bundle's own SHA-256 and that of every file it was built from match the files on disk. Otherwise (not built,
 * built from other sources, unreadable) undefined, and the CLI runs from its TypeScript sources.
 */
export function freshPrebuilt(cli) {
  const sha256 = (path) =>
    createHash('sha256')
      .update(readFileSync(new URL(path, cli)))
      .digest('hex');
  try {
    const manifest = JSON.parse(readFileSync(new URL('dist/fast-path.json', cli), 'utf8'));
    const inputs = Object.entries(manifest.inputs ?? {});
    if (inputs.length === 0 || sha256('dist/fast-path.js') !== manifest.bundle) return undefined;
    for (const [path, hash] of inputs) if (sha256(path) !== hash) return undefined;
  } catch {
    return undefined;
  }
  return new URL('dist/fast-path.js', cli);
}
