import { describe, expect, it } from 'vitest';
import { deletedNamespaces, deleteGuardIssues } from './delete-guard.js';
import type { FileSet, OutputFile } from './file-set.js';

function fileSet(...paths: string[]): FileSet {
  return new Map(paths.map((path) => [path, { path, content: '', generator: 'test' } as unknown as OutputFile]));
}

describe('deletedNamespaces', () => {
  const previous = new Set(['kubernetes/namespaces/a/namespace.yaml', 'kubernetes/namespaces/a/quota.yaml']);

  it('names a namespace whose output folder loses every file that the last run generated', () => {
    const remove = ['kubernetes/namespaces/a/namespace.yaml', 'kubernetes/namespaces/a/quota.yaml'];
    expect(deletedNamespaces(fileSet('kubernetes/namespaces/b/namespace.yaml'), remove, previous)).toEqual([
      { namespace: 'a', files: 2 },
    ]);
  });

  it('ignores a namespace that keeps a file, stray orphans, and removals outside namespace folders', () => {
    const remove = [
      'kubernetes/namespaces/a/quota.yaml',
      'kubernetes/namespaces/ghost/namespace.yaml',
      'kubernetes/vault-config/files/policy-eso-a.hcl',
    ];
    expect(deletedNamespaces(fileSet('kubernetes/namespaces/a/namespace.yaml'), remove, previous)).toEqual([]);
  });
});

describe('deleteGuardIssues', () => {
  it('refuses each deleted namespace not allowed, at its definition, with the flag in the hint', () => {
    const issues = deleteGuardIssues(
      [
        { namespace: 'a', files: 2 },
        { namespace: 'b', files: 3 },
      ],
      ['b'],
    );
    expect(issues.map((i) => [i.code, i.file, i.line])).toEqual([
      ['E_NS_DELETE_NOT_ALLOWED', 'namespaces/a/namespace.ts', 1],
    ]);
    expect(issues[0]?.hint).toContain('platform-gen generate --allow-delete a');
  });
});
