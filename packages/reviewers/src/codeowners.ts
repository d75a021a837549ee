/**
 * CODEOWNERS from the ownership split of DESIGN.md §4: the admins own everything (platform/, every
 * namespace.ts, generated output), each team owns its namespaces' secrets.ts together with the admins.
 * GitHub, GitLab and Gitea apply the last matching pattern, so `*` comes first.
 */
import type { Artifact, PlatformModel } from '@platform-gen/core';

export const CODEOWNERS_PATH = 'CODEOWNERS';

/** The CODEOWNERS artifact, or undefined when the platform names no owners (`git.codeowners`). */
export function codeownersArtifact(model: PlatformModel): Artifact | undefined {
  const owners = model.platform.git.codeowners;
  if (owners === undefined) return undefined;
  const { admins } = owners;
  const lines = [
    '# Who reviews what (DESIGN.md §4), from git.codeowners in the platform definition. The last matching',
    "# pattern wins: the admins own everything; a team owns its namespaces' secrets.ts, with the admins.",
    `* ${admins}`,
  ];
  for (const namespace of model.namespaces) {
    const team = namespace.definition.team;
    const handle = owners.teams?.[team];
    if (handle === undefined) {
      lines.push(`# team ${team} has no handle in git.codeowners.teams: the admins review its secrets.ts`);
    }
    lines.push(`/${namespace.dir}/secrets.ts ${handle === undefined ? admins : `${handle} ${admins}`}`);
    // A pattern without a trailing slash also matches a folder of that name and everything in it: give
    // anything below a folder named secrets.ts back to the admins alone.
    if (handle !== undefined) lines.push(`/${namespace.dir}/secrets.ts/ ${admins}`);
  }
  return { path: CODEOWNERS_PATH, source: model.platformFile, content: `${lines.join('\n')}\n` };
}
