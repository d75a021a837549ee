// Whether a part of the prebuilt CLI (dist/, ADR 18) may run: plain JavaScript, as it runs before tsx.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The URL of the part's entry (`fastPath`: dist/fast-path.js, `main`: dist/main/main.js) under the package
 * folder `cli` when `dist/manifest.json` vouches for it: every output of the part and every file it was built from
 * hash as recorded. Otherwise (not built, built from other sources, unreadable) undefined, and that part runs
 * from the TypeScript sources.
 */
export function freshPrebuilt(cli, part) {
  const sha256 = (path) =>
    createHash('sha256')
      .update(readFileSync(new URL(path, cli)))
      .digest('hex');
  try {
    const manifest = JSON.parse(readFileSync(new URL('dist/manifest.json', cli), 'utf8'))[part];
    const files = [...Object.entries(manifest?.outputs ?? {}), ...Object.entries(manifest?.inputs ?? {})];
    if (Object.keys(manifest?.inputs ?? {}).length === 0) return undefined;
    for (const [path, hash] of files) if (sha256(path) !== hash) return undefined;
  } catch {
    return undefined;
  }
  return new URL(part === 'main' ? 'dist/main/main.js' : 'dist/fast-path.js', cli);
}
