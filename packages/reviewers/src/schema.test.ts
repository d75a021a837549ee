/** The one schema field this package reads: git.codeowners, validated with a stable code and a hint. */
import { type PlatformModel, validateDefinitions } from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let model: PlatformModel;
beforeAll(async () => {
  model = await loadExampleModel();
});

function issuesFor(codeowners: unknown) {
  const data = { ...model.platform, git: { ...model.platform.git, codeowners } };
  return validateDefinitions({
    platform: { kind: 'platform', file: model.platformFile, data },
    namespaces: [],
    issues: [],
  }).issues.map((i) => ({ code: i.code, path: i.path }));
}

describe('git.codeowners', () => {
  it.each(['@org/platform-admins', '@user', 'admins@example.com'])('accepts %s', (admins) => {
    expect(issuesFor({ admins, teams: { payments: '@org/team-payments' } })).toEqual([]);
  });

  it.each(['platform-admins', '@org/team x', '@', 'a b@example.com', '@org/'])('refuses %j', (handle) => {
    expect(issuesFor({ admins: handle })).toEqual([
      { code: 'E_PLATFORM_CODEOWNER_INVALID', path: 'git.codeowners.admins' },
    ]);
    expect(issuesFor({ admins: '@org/admins', teams: { payments: handle } })).toEqual([
      { code: 'E_PLATFORM_CODEOWNER_INVALID', path: 'git.codeowners.teams.payments' },
    ]);
  });

  it('needs admins and refuses a team key that is not a DNS label', () => {
    expect(issuesFor({ teams: {} }).map((i) => i.code)).toEqual(['E_MISSING_FIELD']);
    expect(issuesFor({ admins: '@org/admins', teams: { Payments: '@org/p' } }).map((i) => i.code)).not.toEqual([]);
  });
});
