import type { PlatformModel } from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeownersArtifact } from './codeowners.js';
import { reviewersGenerator } from './generator.js';

let model: PlatformModel;
beforeAll(async () => {
  model = await loadExampleModel();
});

/** The non-comment lines of CODEOWNERS, each split into pattern and owners. */
function rules(content: string): [string, string[]][] {
  return content
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [pattern = '', ...owners] = line.split(' ');
      return [pattern, owners];
    });
}

function withOwners(codeowners: PlatformModel['platform']['git']['codeowners']): PlatformModel {
  const { codeowners: _, ...git } = model.platform.git;
  return {
    ...model,
    platform: { ...model.platform, git: codeowners === undefined ? git : { ...git, codeowners } },
  };
}

describe('CODEOWNERS', () => {
  it('gives everything to the admins first, then each secrets.ts to its team and the admins', () => {
    const artifact = codeownersArtifact(model);
    expect(artifact?.path).toBe('CODEOWNERS');
    expect(rules(artifact?.content ?? '')).toEqual([
      ['*', ['@example/platform-admins']],
      ['/namespaces/payments-api/secrets.ts', ['@example/team-payments', '@example/platform-admins']],
      ['/namespaces/payments-api/secrets.ts/', ['@example/platform-admins']],
      ['/namespaces/payments-batch/secrets.ts', ['@example/team-payments', '@example/platform-admins']],
      ['/namespaces/payments-batch/secrets.ts/', ['@example/platform-admins']],
      ['/namespaces/storefront-web/secrets.ts', ['@example/team-storefront', '@example/platform-admins']],
      ['/namespaces/storefront-web/secrets.ts/', ['@example/platform-admins']],
    ]);
  });

  it('never gives a team platform/ or a namespace.ts (only the catch-all admin rule matches them)', () => {
    const teamRules = rules(codeownersArtifact(model)?.content ?? '').filter(([, owners]) =>
      owners.some((o) => o !== '@example/platform-admins'),
    );
    expect(teamRules.length).toBeGreaterThan(0);
    expect(teamRules.every(([p]) => /^\/namespaces\/[a-z0-9-]+\/secrets\.ts$/.test(p))).toBe(true);
  });

  it('gives the secrets.ts of a team without a handle to the admins only, with a comment', () => {
    const content = codeownersArtifact(withOwners({ admins: 'admins@example.com' }))?.content ?? '';
    expect(rules(content)).toEqual([
      ['*', ['admins@example.com']],
      ['/namespaces/payments-api/secrets.ts', ['admins@example.com']],
      ['/namespaces/payments-batch/secrets.ts', ['admins@example.com']],
      ['/namespaces/storefront-web/secrets.ts', ['admins@example.com']],
    ]);
    expect(content).toContain('# team payments has no handle in git.codeowners.teams');
  });

  it('is not generated without git.codeowners', () => {
    const without = withOwners(undefined);
    expect(codeownersArtifact(without)).toBeUndefined();
    expect(reviewersGenerator.generate(without).map((a) => a.path)).not.toContain('CODEOWNERS');
  });
});
