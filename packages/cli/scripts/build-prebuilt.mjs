#!/usr/bin/env node
/**
 * Builds the CLI prebuilt (ADR 18), into packages/cli/dist/:
 * - `fast-path.js`: src/fast-path.ts alone, what answers a recorded generate. It may import only Node's own
 *   modules and @platform-gen/core/run-record and /repo-lock: a package from node_modules, or core's index
 *   (which would bring in all of core), fails the build.
 * - `main/`: the whole CLI (src/main.ts and every workspace module it imports, one chunk per dynamically imported
 *   command), so a run that is not answered from the record starts without tsx; and `main/core.js`, core's index
 *   from the same chunks, which the definitions such a run imports get for `@platform-gen/core`. Packages from node_modules stay
 *   outside the bundle, imported by the file URL Node resolves for the workspace module that imports them (pnpm
 *   gives each package only its own dependencies, so they must be found from where the source is, not from dist/).
 * In both, `import.meta.url`, `.dirname` and `.filename` in a workspace module are that module's source file's,
 * so what it finds beside itself (local chart assets, the loader thread's entry, createRequire) is what the
 * sources find.
 *
 * `manifest.json` holds, per part, the SHA-256 of each output and of every file it was built from (and of this
 * script, and of the package.json files that map the workspace's imports). bin/platform-gen.js runs a part only
 * while all of those match the files on disk: an edited source is never run stale, it runs from TypeScript.
 * Runs at `pnpm install` (the root package's postinstall) and as `pnpm build`; needs
 * `--experimental-import-meta-resolve` (Node 20 and 24 resolve from a given parent only with it).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const CLI = dirname(dirname(fileURLToPath(import.meta.url)));
const WORKSPACE = dirname(dirname(CLI));
const PACKAGES = join(WORKSPACE, 'packages');
const DIST = join(CLI, 'dist');
/** The only core modules the fast path may reach, by their package subpath. */
const FAST_PATH_CORE = new Set(['@platform-gen/core/run-record', '@platform-gen/core/repo-lock']);

const fail = (what, error) => {
  const messages = error.errors?.map(
    (e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`,
  ) ?? [String(error)];
  process.stderr.write(`build-prebuilt: ${what} did not build:\n${messages.join('\n')}\n`);
  process.exit(1);
};

const isWorkspaceSource = (path) => path.startsWith(PACKAGES + sep) && !path.split(sep).includes('node_modules');

/** Each workspace module sees its own source location in `import.meta`. */
const sourceLocation = {
  name: 'source-location',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (!isWorkspaceSource(args.path)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.')) return undefined;
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents, loader: 'ts' };
    });
  },
};

/** The fast path's boundary: Node's modules and two of core's, nothing else from outside the CLI. */
const fastPathBoundary = {
  name: 'fast-path-boundary',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || FAST_PATH_CORE.has(args.path)) return undefined;
      return {
        errors: [
          {
            text: `the fast path imports ${args.path} (from ${relative(CLI, args.importer)}): it may import only node: modules and ${[...FAST_PATH_CORE].join(', ')}; move what it needs into one of those, or leave it to the CLI proper`,
          },
        ],
      };
    });
  },
};

/** Packages from node_modules stay outside, imported by the URL Node resolves from the importing source. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      if (args.path.startsWith('@platform-gen/')) return undefined;
      try {
        return { path: import.meta.resolve(args.path, pathToFileURL(args.importer).href), external: true };
      } catch (error) {
        return { errors: [{ text: `cannot resolve ${args.path} from ${args.importer}: ${error.message}` }] };
      }
    });
  },
};

const COMMON = {
  absWorkingDir: CLI,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  write: false,
  metafile: true,
  logLevel: 'silent',
  outdir: DIST,
};

const fastPath = await build({
  ...COMMON,
  entryPoints: { 'fast-path': join(CLI, 'src', 'fast-path.ts') },
  plugins: [sourceLocation, fastPathBoundary],
}).catch((error) => fail('the fast path', error));

const main = await build({
  ...COMMON,
  // Core's index is an entry of its own, sharing its chunks with the CLI: a definition imported by the prebuilt
  // CLI imports it (bin/prebuilt-core-hook.mjs), so the define functions it calls are the CLI's very modules.
  entryPoints: { 'main/main': join(CLI, 'src', 'main.ts'), 'main/core': join(PACKAGES, 'core', 'src', 'index.ts') },
  splitting: true,
  chunkNames: 'main/chunks/[name]-[hash]',
  plugins: [sourceLocation, externalPackages],
}).catch((error) => fail('the CLI', error));

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const posix = (path) => relative(CLI, path).split(sep).join('/');
const BANNER =
  '// Built by packages/cli/scripts/build-prebuilt.mjs from the TypeScript sources: do not edit, do not commit.\n';

/** A part of the prebuilt: its outputs' and its inputs' hashes, by path relative to packages/cli. */
function part(result) {
  const outputs = {};
  const files = [];
  for (const file of result.outputFiles) {
    const text = file.path.endsWith('.js') ? `${BANNER}${file.text}` : file.text;
    outputs[posix(file.path)] = sha256(text);
    files.push([file.path, text]);
  }
  const inputs = {};
  const read = [
    ...Object.keys(result.metafile.inputs).map((p) => join(CLI, p)),
    fileURLToPath(import.meta.url),
    // They map the workspace's package imports (`exports`) the bundle followed.
    ...['cli', 'core'].map((name) => join(PACKAGES, name, 'package.json')),
  ];
  for (const path of read.sort()) inputs[posix(path)] = sha256(readFileSync(path));
  return { manifest: { outputs, inputs }, files };
}

const parts = { fastPath: part(fastPath), main: part(main) };
// Written whole into a new folder that then takes dist/'s place: a bin starting meanwhile finds the old
// prebuilt, none, or the new one, never half of one; the manifest decides what runs.
const staging = `${DIST}.${process.pid}.tmp`;
rmSync(staging, { recursive: true, force: true });
for (const { files } of Object.values(parts)) {
  for (const [path, text] of files) {
    const target = join(staging, relative(DIST, path));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}
const manifest = Object.fromEntries(Object.entries(parts).map(([name, p]) => [name, p.manifest]));
writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const old = `${DIST}.${process.pid}.old`;
try {
  renameSync(DIST, old);
} catch {
  // no earlier build
}
renameSync(staging, DIST);
rmSync(old, { recursive: true, force: true });
const count = (p) => Object.keys(p.manifest.inputs).length;
process.stdout.write(
  `build-prebuilt: dist/fast-path.js from ${count(parts.fastPath)} files, dist/main/ from ${count(parts.main)}\n`,
);
