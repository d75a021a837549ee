import { describe, expect, it } from 'vitest';
import { TEST_PLATFORM } from './testing.js';
import { validateDefinitions } from './validate.js';

function withCodeowners(teams: Record<string, string>) {
  const platform = {
    ...TEST_PLATFORM,
    git: { ...TEST_PLATFORM.git, codeowners: { admins: '@example/platform-admins', teams } },
  };
  return validateDefinitions({
    platform: { kind: 'platform', file: 'platform/platform.ts', data: platform },
    namespaces: [],
    issues: [],
  });
}

describe('git.codeowners.teams', () => {
  it('accepts handles of declared teams', () => {
    const teams = Object.fromEntries(TEST_PLATFORM.teams.map((t) => [t.name, `@example/team-${t.name}`]));
    expect(withCodeowners(teams).issues).toEqual([]);
  });

  it('refuses a team name that is not declared: its handle would silently own nothing', () => {
    const result = withCodeowners({ 'paymnets-x': '@example/team-payments' });
    expect(result.issues.map((i) => [i.code, i.path])).toEqual([
      ['E_CODEOWNER_TEAM_UNKNOWN', 'git.codeowners.teams["paymnets-x"]'],
    ]);
    expect(result.issues[0]?.hint).toContain(TEST_PLATFORM.teams[0]?.name ?? '');
    expect(result.model).toBeUndefined();
  });
});
