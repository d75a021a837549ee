/**
 * Reads the generated files of a commit, for `platform-gen diff --base <ref>`: Git is run directly
 * (execFile/spawn, never a shell) and read-only; the working tree and index are never touched.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { hasGeneratedHeader, headerFor, MANIFEST_FILE, parseManifest } from '@platform-gen/core';

const run = promisify(execFile);

/** A problem the user can fix (not a Git repository, a ref that does not resolve). */
export class GitRefError extends Error {}

async function git(root: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('git', [...args], { cwd: root, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

/** The commit `ref` names; a GitRefError when the root is not in a Git work tree or the ref does not resolve. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  try {
    await git(root, ['rev-parse', '--is-inside-work-tree']);
  } catch {
    throw new GitRefError(`${root} is not inside a Git work tree, so --base has nothing to compare with`);
  }
  if (ref.startsWith('-') || ref.trim() === '') {
    throw new GitRefError(`${JSON.stringify(ref)} is not a Git ref`);
  }
  let commit: string;
  try {
    commit = (await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
  } catch {
    throw new GitRefError(
      `${JSON.stringify(ref)} does not resolve to a commit in this repository (try git fetch, or a branch, tag or commit that exists)`,
    );
  }
  return commit;
}

/**
 * Repository-relative path → text of every file platform-gen generated at `commit`: each path its ownership
 * manifest lists (and owned by a generator today), plus files at paths generated today that carry
 * platform-gen's header at that commit.
 */
export async function generatedFilesAt(
  root: string,
  commit: string,
  isOwned: (path: string) => boolean,
  generatedNow: Iterable<string>,
): Promise<ReadonlyMap<string, string>> {
  // From the repository root (which may be a subfolder of the Git work tree), paths come relative to it.
  const listing = await git(root, ['ls-tree', '-r', '-z', '--end-of-options', commit]);
  const blobs = new Map<string, string>();
  for (const entry of listing.split('\0')) {
    const match = /^(\d+) blob ([0-9a-f]+)\t(.+)$/s.exec(entry);
    // Symbolic links (120000) are no generated file.
    if (match?.[1] !== undefined && match[1] !== '120000' && match[2] !== undefined && match[3] !== undefined) {
      blobs.set(match[3], match[2]);
    }
  }
  const manifestBlob = blobs.get(MANIFEST_FILE);
  const listed = new Set(
    manifestBlob === undefined
      ? []
      : parseManifest((await catBlobs(root, [manifestBlob])).get(manifestBlob) ?? '').filter(isOwned),
  );
  const candidates = [...new Set([...listed, ...generatedNow])].filter((path) => blobs.has(path));
  const contents = await catBlobs(
    root,
    candidates.map((path) => blobs.get(path) ?? ''),
  );
  const files = new Map<string, string>();
  for (const path of candidates) {
    const text = contents.get(blobs.get(path) ?? '');
    if (text === undefined) continue;
    // Not in that commit's manifest: ours only if it carries our header (else a hand-written file sat there).
    if (!listed.has(path) && !(headerFor(path, '') !== undefined && hasGeneratedHeader(text))) continue;
    files.set(path, text);
  }
  return files;
}

/** The text of many blobs through one `git cat-file --batch`, instead of one process per file. */
function catBlobs(root: string, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`git cat-file failed: ${Buffer.concat(errors).toString('utf8')}`));
        return;
      }
      const out = Buffer.concat(chunks);
      const texts = new Map<string, string>();
      let at = 0;
      while (at < out.length) {
        const end = out.indexOf(0x0a, at);
        if (end < 0) break;
        const [id, type, size] = out.subarray(at, end).toString('utf8').split(' ');
        at = end + 1;
        if (type === undefined || size === undefined || id === undefined) continue; // "<id> missing"
        const length = Number(size);
        if (type === 'blob') texts.set(id, out.subarray(at, at + length).toString('utf8'));
        at += length + 1;
      }
      resolve(texts);
    });
    child.stdin.end(unique.map((id) => `${id}\n`).join(''));
  });
}
