#!/usr/bin/env node
/**
 * Builds the CLI's fast path (src/fast-path.ts, ADR 18) into one JavaScript file, dist/fast-path.js, and beside
 * it dist/fast-path.json: the SHA-256 of every file the build read. bin/platform-gen.js runs the prebuilt file
 * only while each of those files is unchanged, so an edited source is never run stale: it runs from TypeScript.
 * Runs at `pnpm install` (the root package's postinstall) and as `pnpm build`.
 *
 * The fast path may import only Node's own modules and the workspace's sources: a package from node_modules, or
 * core's index (which would bring in all of core), fails the build.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const CLI = dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(CLI, 'dist');
/** The only core modules the fast path may reach, by their package subpath. */
const CORE_SUBPATHS = new Set(['@platform-gen/core/run-record', '@platform-gen/core/repo-lock']);
/** resolve-core.ts finds its own package from import.meta.url; in the bundle that must stay its own file's URL. */
const OWN_URL_MODULE = /[\\/]core[\\/]src[\\/]resolve-core\.ts$/;
const OWN_URL = 'fileURLToPath(import.meta.url)';

const boundary = {
  name: 'fast-path-boundary',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || CORE_SUBPATHS.has(args.path)) return undefined;
      return {
        errors: [
          {
            text: `the fast path imports ${args.path} (from ${relative(CLI, args.importer)}): it may import only node: modules and ${[...CORE_SUBPATHS].join(', ')}; move what it needs into one of those, or leave it to the CLI proper`,
          },
        ],
      };
    });
    b.onLoad({ filter: OWN_URL_MODULE }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const uses = source.split(OWN_URL).length - 1;
      if (uses !== 1) return { errors: [{ text: `expected ${OWN_URL} once in ${args.path}, found it ${uses} times` }] };
      const own = `fileURLToPath(${JSON.stringify(pathToFileURL(args.path).href)})`;
      return { contents: source.replace(OWN_URL, own), loader: 'ts' };
    });
  },
};

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

const result = await build({
  entryPoints: [join(CLI, 'src', 'fast-path.ts')],
  absWorkingDir: CLI,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  write: false,
  metafile: true,
  logLevel: 'silent',
  plugins: [boundary],
}).catch((error) => {
  const messages = error.errors?.map(
    (e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`,
  ) ?? [String(error)];
  process.stderr.write(`build-fast-path: the fast path did not build:\n${messages.join('\n')}\n`);
  process.exit(1);
});

const workspace = dirname(dirname(CLI));
const inputs = {};
// Every file the bundle was built from, the build itself and core's package.json (which maps the subpaths).
for (const path of [
  ...Object.keys(result.metafile.inputs)
    .sort()
    .map((p) => join(CLI, p)),
  fileURLToPath(import.meta.url),
  join(workspace, 'packages', 'core', 'package.json'),
]) {
  inputs[relative(CLI, path).split('\\').join('/')] = sha256(path);
}
const [output] = result.outputFiles;
mkdirSync(DIST, { recursive: true });
// The manifest goes last and is what the bin reads first: a build that stops halfway leaves no usable pair.
const write = (name, text) => {
  const temporary = join(DIST, `${name}.${process.pid}.tmp`);
  writeFileSync(temporary, text);
  renameSync(temporary, join(DIST, name));
};
const bundle = `// Built by scripts/build-fast-path.mjs from src/fast-path.ts: do not edit, do not commit.\n${output.text}`;
write('fast-path.js', bundle);
write(
  'fast-path.json',
  `${JSON.stringify({ bundle: createHash('sha256').update(bundle).digest('hex'), inputs }, null, 2)}\n`,
);
process.stdout.write(`build-fast-path: dist/fast-path.js from ${Object.keys(inputs).length} files\n`);
