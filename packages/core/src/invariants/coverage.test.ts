import { describe, expect, it } from 'vitest';
import { INVARIANT_SCOPES, invariantsFor } from './coverage.js';
import { INVARIANTS } from './index.js';

describe('INVARIANT_SCOPES', () => {
  it('has one scope for every invariant, in the same order', () => {
    expect(INVARIANT_SCOPES.map((s) => s.id)).toEqual(INVARIANTS.map((i) => i.id));
  });

  it('names the rules that read an ExternalSecret, a Vault policy, an Application and a generated doc', () => {
    expect(invariantsFor('kubernetes/namespaces/a/external-secrets/x.yaml', ['ExternalSecret'], true)).toEqual([
      'GIT-1',
      'APP-2',
      'ISO-1',
      'SEC-1',
      'PHS-1',
    ]);
    expect(invariantsFor('kubernetes/vault-config/files/policy-eso-a.hcl', [], true)).toEqual([
      'GIT-1',
      'APP-2',
      'ISO-2',
      'ESO-1',
      'SEC-1',
    ]);
    expect(invariantsFor('kubernetes/argocd-apps/root/root.yaml', ['Application'], true)).toEqual([
      'GIT-1',
      'APP-1',
      'APP-2',
      'APP-3',
      'LAY-1',
      'SEC-1',
      'PHS-1',
    ]);
    expect(invariantsFor('docs/generated/access-matrix.md', [], true)).toEqual(['SEC-1']);
    expect(invariantsFor('docs/guide.md', [], false)).toEqual([]);
  });
});
