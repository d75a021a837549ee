/**
 * Rules of the portal's catalog that span fields and files: domains and systems are owned by declared teams,
 * systems name declared domains, names are unique, members are listed once per team, and a namespace joins
 * a declared system.
 */
import type { NamespaceDefinition } from './generated/namespace.js';
import type { PlatformDefinition } from './generated/platform.js';
import { type Issue, issue } from './issues.js';
import { describeValue } from './schema-validate.js';

export function checkCatalog(platform: PlatformDefinition, file: string): Issue[] {
  const issues: Issue[] = [];
  const at = (path: string, code: string, message: string, hint: string) =>
    issues.push(issue({ code, file, path, message, hint }));
  const teams = new Set(platform.teams.map((t) => t.name));
  const teamList = [...teams].join(', ');
  platform.teams.forEach((team, i) => {
    const seen = new Map<string, number>();
    (team.members ?? []).forEach((member, j) => {
      const first = seen.get(member.username);
      if (first !== undefined) {
        at(
          `teams[${i}].members[${j}].username`,
          'E_MEMBER_DUPLICATE',
          `${describeValue(member.username)} is listed twice in team ${describeValue(team.name)} (also members[${first}])`,
          'list each person once per team',
        );
      } else seen.set(member.username, j);
    });
  });
  const domains = new Map<string, number>();
  (platform.catalog?.domains ?? []).forEach((domain, i) => {
    if (domains.has(domain.name)) {
      at(
        `catalog.domains[${i}].name`,
        'E_CATALOG_DUPLICATE',
        `domain ${describeValue(domain.name)} is declared twice`,
        'give every domain a unique name',
      );
    } else domains.set(domain.name, i);
    if (!teams.has(domain.owner)) {
      at(
        `catalog.domains[${i}].owner`,
        'E_CATALOG_OWNER_UNKNOWN',
        `domain ${describeValue(domain.name)} is owned by ${describeValue(domain.owner)}, which is no team`,
        `use one of the teams: ${teamList}`,
      );
    }
  });
  const systems = new Set<string>();
  (platform.catalog?.systems ?? []).forEach((system, i) => {
    if (systems.has(system.name)) {
      at(
        `catalog.systems[${i}].name`,
        'E_CATALOG_DUPLICATE',
        `system ${describeValue(system.name)} is declared twice`,
        'give every system a unique name',
      );
    }
    systems.add(system.name);
    if (!teams.has(system.owner)) {
      at(
        `catalog.systems[${i}].owner`,
        'E_CATALOG_OWNER_UNKNOWN',
        `system ${describeValue(system.name)} is owned by ${describeValue(system.owner)}, which is no team`,
        `use one of the teams: ${teamList}`,
      );
    }
    if (system.domain !== undefined && !domains.has(system.domain)) {
      at(
        `catalog.systems[${i}].domain`,
        'E_CATALOG_DOMAIN_UNKNOWN',
        `system ${describeValue(system.name)} is in domain ${describeValue(system.domain)}, which is not declared`,
        `declare it under catalog.domains, or use one of: ${[...domains.keys()].join(', ') || 'none declared'}`,
      );
    }
  });
  return issues;
}

/** A namespace's `system` must be declared in the platform's catalog (`systems`: declaredSystems, made once). */
export function checkNamespaceSystem(
  definition: NamespaceDefinition,
  file: string,
  platform: PlatformDefinition,
  systems: ReadonlySet<string> = declaredSystems(platform),
): Issue[] {
  if (definition.system === undefined) return [];
  if (systems.has(definition.system)) return [];
  return [
    issue({
      code: 'E_NS_SYSTEM_UNKNOWN',
      file,
      path: 'system',
      message: `namespace ${describeValue(definition.name)} joins system ${describeValue(definition.system)}, which the platform's catalog does not declare`,
      hint: `declare it under catalog.systems in the platform definition, or use one of: ${(platform.catalog?.systems ?? []).map((s) => s.name).join(', ') || 'none declared'}`,
    }),
  ];
}

/** The names of the systems the platform's catalog declares. */
export function declaredSystems(platform: PlatformDefinition): ReadonlySet<string> {
  return new Set((platform.catalog?.systems ?? []).map((s) => s.name));
}
