/**
 * The files platform-gen writes about its own output: the ownership manifest (every path it owns,
 * sorted, so `generate` can delete what it no longer produces) and `.gitattributes` marking the
 * generated trees for reviewers' tools.
 */
import type { Artifact } from './file-set.js';
import { compareStrings } from './issues.js';

export const MANIFEST_FILE = '.platform-gen/manifest.txt';
export const GITATTRIBUTES_FILE = '.gitattributes';
export const BOOKKEEPING_OWNS: readonly string[] = ['.platform-gen/', GITATTRIBUTES_FILE];
export const BOOKKEEPING_GENERATOR = '@platform-gen/core';

/** Paths listed in a manifest file's text; lines starting with `#` are comments. */
export function parseManifest(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function bookkeepingArtifacts(generatedPaths: readonly string[], owns: readonly string[]): Artifact[] {
  const all = [...new Set([...generatedPaths, MANIFEST_FILE, GITATTRIBUTES_FILE])].sort(compareStrings);
  const manifest: Artifact = {
    path: MANIFEST_FILE,
    source: 'all definitions',
    content: `${all.join('\n')}\n`,
  };
  const patterns = [...new Set([...owns, ...BOOKKEEPING_OWNS])]
    .sort(compareStrings)
    .map((pattern) => `/${pattern}${pattern.endsWith('/') ? '**' : ''} linguist-generated=true text eol=lf`);
  const gitattributes: Artifact = {
    path: GITATTRIBUTES_FILE,
    source: "the generators' declared outputs",
    content: `${patterns.join('\n')}\n`,
  };
  return [manifest, gitattributes];
}
