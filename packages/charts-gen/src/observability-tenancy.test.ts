/**
 * Observability tenancy from the definitions: Prometheus reads every namespace but those labelled
 * scrape "false"; Grafana maps each kind of group to a role with a JMESPath that no group name can break out
 * of, gives every team a dashboard folder and a Loki datasource whose X-Scope-OrgID lists exactly the team's
 * namespaces; Loki answers multi-tenant queries. The values still validate against their schemas.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPONENTS,
  chartValuesPath,
  type NamespaceModel,
  PLATFORM_NAMESPACES,
  PlatformError,
  type PlatformModel,
  type TeamDefinition,
} from '@platform-gen/core';
import { loadExampleModel, WORKSPACE_ROOT } from '@platform-gen/core/testing';
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  AUDIT_LOG_TENANT,
  grafanaOrganizations,
  grafanaValues,
  jmespathLiteral,
  lokiGatewayUrl,
  lokiValues,
  prometheusValues,
  roleAttributePath,
  SCRAPE_LABEL,
} from './components/observability.js';
import type { GrafanaDatasource, GrafanaValues } from './generated/grafana-values.js';
import { chartsGenerator } from './generator.js';
import { VALUES_SCHEMAS } from './schemas.js';

let model: PlatformModel;
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  model = await loadExampleModel();
  // As values.test.ts: our annotations mean nothing to validation, every other unknown keyword is an error.
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addVocabulary(['x-chart', 'x-passthrough']);
  for (const s of VALUES_SCHEMAS) validators.set(s.component, ajv.compile(s.schema));
});

function expectValid(component: 'prometheus' | 'loki' | 'grafana', values: unknown): void {
  const validate = validators.get(component);
  if (validate === undefined) throw new Error(`no schema for ${component}`);
  expect(validate(values) ? [] : validate.errors, component).toEqual([]);
}

/** The model with `ns` added, namespaces sorted by name as the loader sorts them. */
function withNamespace(base: PlatformModel, ns: NamespaceModel): PlatformModel {
  return { ...base, namespaces: [...base.namespaces, ns].sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

/** A copy of an example namespace under another name (and, optionally, another team). */
function namespaceLike(base: PlatformModel, from: string, name: string, team?: string): NamespaceModel {
  const source = base.namespaces.find((ns) => ns.name === from);
  if (source === undefined) throw new Error(`no namespace ${from} in the example`);
  return {
    ...source,
    name,
    dir: `namespaces/${name}`,
    file: `namespaces/${name}/namespace.ts`,
    definition: { ...source.definition, name, ...(team === undefined ? {} : { team }) },
  };
}

function withTeams(base: PlatformModel, teams: readonly TeamDefinition[]): PlatformModel {
  const [first, ...rest] = teams;
  if (first === undefined) throw new Error('a platform has at least one team');
  return { ...base, platform: { ...base.platform, teams: [first, ...rest] } };
}

const datasourcesOf = (values: GrafanaValues): GrafanaDatasource[] =>
  values.datasources['datasources.yaml'].datasources;

/** Grafana's values with every datasource of every organization: Main Org.'s and each team organization's. */
function plannedValues(m: PlatformModel): GrafanaValues {
  const values = structuredClone(grafanaValues(m));
  const file = values.datasources['datasources.yaml'];
  const teams = grafanaOrganizations(m).flatMap((o) => (o.datasource === undefined ? [] : [o.datasource]));
  file.datasources = [...file.datasources, ...teams].sort((a, b) => (a.name < b.name ? -1 : 1));
  return values;
}

const headerOf = (values: GrafanaValues, name: string): string | undefined =>
  datasourcesOf(values).find((d) => d.name === name)?.secureJsonData?.httpHeaderValue1;

describe('Prometheus reads every namespace but those labelled scrape "false"', () => {
  const selector = { matchExpressions: [{ key: 'platform-gen.io/scrape', operator: 'NotIn', values: ['false'] }] };

  it('for monitors, rules, probes and ScrapeConfigs alike', () => {
    const spec = prometheusValues().prometheus.prometheusSpec;
    expect(SCRAPE_LABEL).toBe('platform-gen.io/scrape');
    expect({
      serviceMonitorNamespaceSelector: spec.serviceMonitorNamespaceSelector,
      podMonitorNamespaceSelector: spec.podMonitorNamespaceSelector,
      ruleNamespaceSelector: spec.ruleNamespaceSelector,
      probeNamespaceSelector: spec.probeNamespaceSelector,
      scrapeConfigNamespaceSelector: spec.scrapeConfigNamespaceSelector,
    }).toEqual({
      serviceMonitorNamespaceSelector: selector,
      podMonitorNamespaceSelector: selector,
      ruleNamespaceSelector: selector,
      probeNamespaceSelector: selector,
      scrapeConfigNamespaceSelector: selector,
    });
    // Still every release's monitors, not only those labelled release: prometheus.
    expect(spec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
    expectValid('prometheus', prometheusValues());
  });

  it('selects what a Kubernetes NotIn selects: unlabelled and "true" namespaces, not "false" ones', () => {
    const [requirement] = prometheusValues().prometheus.prometheusSpec.podMonitorNamespaceSelector.matchExpressions;
    if (requirement === undefined) throw new Error('no requirement');
    // NotIn: the label is absent or its value is not in the list (Kubernetes' labels.Selector semantics).
    const selects = (labels: Record<string, string>): boolean =>
      !(requirement.key in labels && requirement.values.includes(labels[requirement.key] ?? ''));
    expect(selects({})).toBe(true);
    expect(selects({ [SCRAPE_LABEL]: 'true' })).toBe(true);
    expect(selects({ [SCRAPE_LABEL]: 'false' })).toBe(false);
  });

  it('keys on the label the committed tenant Namespaces carry', () => {
    for (const ns of model.namespaces) {
      const file = join(WORKSPACE_ROOT, 'kubernetes/namespaces', ns.name, 'namespace.yaml');
      const namespace = parseYaml(readFileSync(file, 'utf8'), { version: '1.1' }) as {
        metadata: { labels: Record<string, string> };
      };
      expect(namespace.metadata.labels[SCRAPE_LABEL], ns.name).toBe(
        ns.definition.observability?.scrape === false ? 'false' : 'true',
      );
    }
  });

  it('is written into charts/prometheus/values.yaml', () => {
    const file = chartsGenerator.generate(model).find((a) => a.path === chartValuesPath(COMPONENTS.prometheus.name));
    expect(file?.content).toContain('scrapeConfigNamespaceSelector:\n      matchExpressions:\n');
    expect(parseYaml(file?.content ?? '', { version: '1.1' })).toEqual(prometheusValues());
  });
});

/** Splits a JMESPath into raw string literals and the text between them, reading literals as go-jmespath does. */
function tokenize(expr: string, escapes: ReadonlySet<string>): { literals: string[]; skeleton: string } {
  const literals: string[] = [];
  let skeleton = '';
  let i = 0;
  while (i < expr.length) {
    if (expr[i] !== "'") {
      skeleton += expr[i];
      i += 1;
      continue;
    }
    let value = '';
    let j = i + 1;
    for (;;) {
      if (j >= expr.length) throw new Error(`unterminated literal at ${i} in ${expr}`);
      const c = expr[j] as string;
      const next = expr[j + 1];
      if (c === '\\' && next !== undefined && escapes.has(next)) {
        value += next;
        j += 2;
      } else if (c === "'") {
        break;
      } else {
        value += c;
        j += 1;
      }
    }
    literals.push(value);
    skeleton += '$';
    i = j + 1;
  }
  return { literals, skeleton };
}

/** go-jmespath before and after it learnt `\\` in raw strings: Grafana has shipped both. */
const LEXERS = { old: new Set(["'"]), new: new Set(["'", '\\']) } as const;

/** The role the expression gives a user with `groups`: first `contains(groups[*], g) && role` clause that holds. */
function roleFor(expr: string, groups: readonly string[]): string | undefined {
  const { literals, skeleton } = tokenize(expr, LEXERS.old);
  const clause = 'contains(groups[*], $) && $';
  expect(skeleton).toBe(Array.from({ length: literals.length / 2 }, () => clause).join(' || '));
  for (let i = 0; i < literals.length; i += 2) {
    if (groups.includes(literals[i] as string)) return literals[i + 1];
  }
  return undefined;
}

describe('Grafana role mapping', () => {
  it('gives the admin group Admin and the auditor group Viewer in Main Org.; team groups get their org from org_mapping', () => {
    const oauth = grafanaValues(model)['grafana.ini']['auth.generic_oauth'];
    expect(oauth.role_attribute_path).toBe(
      "contains(groups[*], 'platform-admins') && 'Admin' || contains(groups[*], 'platform-auditors') && 'Viewer'",
    );
    expect(oauth.org_attribute_path).toBe('groups');
    expect(oauth.org_mapping).toBe(
      'platform-admins:1:Admin platform-auditors:1:Viewer ' +
        'platform-admins:payments:Admin platform-auditors:payments:Viewer team-payments:payments:Viewer ' +
        'platform-admins:storefront:Admin platform-auditors:storefront:Viewer team-storefront:storefront:Viewer',
    );
    expect(grafanaValues(model)['grafana.ini'].users).toEqual({ auto_assign_org_role: 'None' });
    expect(oauth.role_attribute_strict).toBe(true);
  });

  it.each([
    ['an admin', ['platform-admins'], 'Admin'],
    ['an admin who is also in a team', ['team-payments', 'platform-admins'], 'Admin'],
    ['an auditor', ['platform-auditors'], 'Viewer'],
    ['a payments member (no Main Org. role)', ['team-payments'], undefined],
    ['a storefront member (no Main Org. role)', ['offline_access', 'team-storefront'], undefined],
    ['someone in no platform group', ['default-roles-platform'], undefined],
    ['someone in no group at all', [], undefined],
  ])('maps %s (groups %j) to %s', (_, groups, role) => {
    const expr = grafanaValues(model)['grafana.ini']['auth.generic_oauth'].role_attribute_path;
    expect(roleFor(expr, groups)).toBe(role);
  });

  it('follows the group names of the definitions', () => {
    const teams = [{ name: 'ledger', group: 'team-ledger' }];
    const renamed: PlatformModel = {
      ...withTeams(model, teams),
      platform: {
        ...withTeams(model, teams).platform,
        identity: { ...model.platform.identity, adminGroup: 'ops-root', auditorGroup: 'ops-read' },
      },
    };
    const expr = grafanaValues(renamed)['grafana.ini']['auth.generic_oauth'].role_attribute_path;
    expect(tokenize(expr, LEXERS.old).literals).toEqual(['ops-root', 'Admin', 'ops-read', 'Viewer']);
    expect(grafanaValues(renamed)['grafana.ini']['auth.generic_oauth'].org_mapping).toBe(
      'ops-root:1:Admin ops-read:1:Viewer ops-root:ledger:Admin ops-read:ledger:Viewer team-ledger:ledger:Viewer',
    );
    expect(expr).not.toContain('platform-admins');
  });

  it('names a group once, with its strongest role, when the same group appears twice', () => {
    expect(roleAttributePath('ops', 'ops', ['ops', 'team-a', 'team-a'])).toBe(
      "contains(groups[*], 'ops') && 'Admin' || contains(groups[*], 'team-a') && 'Viewer'",
    );
  });

  it('keeps a hostile group name inside its literal: a quote cannot turn everyone into Admin', () => {
    const hostile = "nobody') || 'Admin' || ('";
    const expr = roleAttributePath('platform-admins', 'platform-auditors', [hostile]);
    expect(expr).toBe(
      "contains(groups[*], 'platform-admins') && 'Admin' || " +
        "contains(groups[*], 'platform-auditors') && 'Viewer' || " +
        "contains(groups[*], 'nobody\\') || \\'Admin\\' || (\\'') && 'Viewer'",
    );
    for (const escapes of Object.values(LEXERS)) {
      expect(tokenize(expr, escapes).literals).toEqual([
        'platform-admins',
        'Admin',
        'platform-auditors',
        'Viewer',
        hostile,
        'Viewer',
      ]);
    }
    expect(roleFor(expr, ['nobody'])).toBeUndefined();
    expect(roleFor(expr, [hostile])).toBe('Viewer');
  });

  it('refuses a backslash (go-jmespath versions read it differently) and control characters', () => {
    for (const value of ['evil\\', "a\\'b", 'line\nbreak', 'nul\u0000']) {
      let caught: unknown;
      try {
        roleAttributePath('platform-admins', 'platform-auditors', [value]);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(value)).toBeInstanceOf(PlatformError);
      expect((caught as PlatformError).code).toBe('E_JMESPATH_VALUE');
    }
  });

  it('(property) quotes every other string so that both lexers read back exactly that string, and no more', () => {
    const quotable = (s: string) => [...s].every((c) => c !== '\\' && c >= ' ' && c !== '\u007f');
    // JMESPath's own punctuation often, any other character sometimes.
    const char = fc.oneof(
      fc.constantFrom("'", '"', '`', ' ', '|', '&', '(', ')', '[', ']', '*', 'a', '-'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    );
    const allowed = fc.string({ unit: char, maxLength: 40 }).filter(quotable);
    fc.assert(
      fc.property(allowed, fc.string({ maxLength: 10 }), (value, tail) => {
        const literal = jmespathLiteral(value);
        for (const escapes of Object.values(LEXERS)) {
          // Whatever follows the literal stays outside it.
          const { literals, skeleton } = tokenize(
            `${literal} && ${jmespathLiteral('x')}${tail.replace(/'/g, '')}`,
            escapes,
          );
          expect(literals).toEqual([value, 'x']);
          expect(skeleton.startsWith('$ && $')).toBe(true);
        }
      }),
    );
  });
});

describe('Grafana dashboard folders (one per team, in the team organization)', () => {
  it('are no provisioning of Main Org.: no dashboard providers, no empty dirs for them', () => {
    const values = grafanaValues(model) as unknown as Record<string, unknown>;
    expect(values).not.toHaveProperty('dashboardProviders');
    expect(values).not.toHaveProperty('extraEmptyDirMounts');
  });

  it("are each team organization's folder, with a stable uid", () => {
    expect(grafanaOrganizations(model).map((o) => [o.name, o.folderUid])).toEqual([
      ['payments', 'team-payments'],
      ['storefront', 'team-storefront'],
    ]);
  });

  it('follow the teams: a new team gets a folder, sorted by name; long names stay valid UIDs', () => {
    const long = 'a'.repeat(63);
    const teams = [
      ...model.platform.teams,
      { name: long, group: 'team-long' },
      { name: 'analytics', group: 'team-an' },
    ];
    const orgs = grafanaOrganizations(withTeams(model, teams));
    expect(orgs.map((o) => o.name)).toEqual(['a'.repeat(63), 'analytics', 'payments', 'storefront']);
    const longUid = orgs[0]?.folderUid ?? '';
    expect(longUid).toMatch(/^team-a+-[0-9a-f]{8}$/);
    expect(longUid.length).toBe(40);
    for (const org of orgs) expect(org.folderUid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
  });
});

describe("Grafana Loki datasources (Main Org. provisions the platform's, each team organization has its own)", () => {
  it("Main Org. provisions only Prometheus, Loki (platform) and Loki (audit): no team's datasource", () => {
    const provisioned = datasourcesOf(grafanaValues(model));
    expect(provisioned.map((d) => d.name)).toEqual(['Loki (audit)', 'Loki (platform)', 'Prometheus']);
    expect(grafanaOrganizations(model).map((o) => [o.name, o.datasource?.name])).toEqual([
      ['payments', 'Loki (payments)'],
      ['storefront', 'Loki (storefront)'],
    ]);
  });

  it('are one per team with exactly its namespaces as tenants, one for the platform, one for the audit log', () => {
    const datasources = datasourcesOf(plannedValues(model));
    const loki = (name: string, uid: string, tenants: string) => ({
      name,
      uid,
      type: 'loki',
      access: 'proxy',
      url: 'http://loki-gateway.loki.svc',
      isDefault: false,
      editable: false,
      jsonData: { httpHeaderName1: 'X-Scope-OrgID' },
      secureJsonData: { httpHeaderValue1: tenants },
    });
    const platformTenants = [...Object.values(PLATFORM_NAMESPACES), 'payments-api', 'payments-batch', 'storefront-web']
      .sort()
      .join('|');
    expect(datasources).toEqual([
      loki('Loki (audit)', 'loki-audit', 'platform-audit'),
      loki('Loki (payments)', 'loki-team-payments', 'payments-api|payments-batch'),
      loki('Loki (platform)', 'loki-platform', platformTenants),
      loki('Loki (storefront)', 'loki-team-storefront', 'storefront-web'),
      {
        name: 'Prometheus',
        uid: 'prometheus',
        type: 'prometheus',
        access: 'proxy',
        url: 'http://prometheus-prometheus.monitoring.svc:9090',
        isDefault: true,
        editable: false,
      },
    ]);
    expect(platformTenants).toBe(
      'argocd|backstage|external-secrets|grafana|keycloak|loki|monitoring|payments-api|payments-batch|storefront-web|vault',
    );
    expect(AUDIT_LOG_TENANT).toBe('platform-audit');
  });

  it('point at the gateway Service the loki chart renders for the release, and Loki answers a|b queries', () => {
    const loki = lokiValues();
    expect(COMPONENTS.loki.name).toBe('loki');
    // <fullname>-gateway (loki.gatewayFullname), port 80 (gateway.service.port); the fullname is pinned.
    expect(lokiGatewayUrl()).toBe(`http://${loki.fullnameOverride}-gateway.${COMPONENTS.loki.namespace}.svc`);
    expect(loki.gateway.enabled).toBe(true);
    expect(loki.loki.auth_enabled).toBe(true);
    expect(loki.loki.querier).toEqual({ multi_tenant_queries_enabled: true });
    expectValid('loki', loki);
  });

  it('are sorted by name, with unique UIDs that depend on the name only', () => {
    const datasources = datasourcesOf(plannedValues(model));
    const names = datasources.map((d) => d.name);
    expect(names).toEqual([...names].sort());
    const uids = datasources.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
    const other = datasourcesOf(plannedValues(withNamespace(model, namespaceLike(model, 'payments-api', 'x-y'))));
    expect(other.map((d) => [d.name, d.uid])).toEqual(datasources.map((d) => [d.name, d.uid]));
  });

  it("take a namespace added to a team into that team's header only (and the platform's, which lists all)", () => {
    const before = plannedValues(model);
    const after = plannedValues(withNamespace(model, namespaceLike(model, 'payments-api', 'payments-ledger')));
    expect(headerOf(after, 'Loki (payments)')).toBe('payments-api|payments-batch|payments-ledger');
    expect(headerOf(after, 'Loki (storefront)')).toBe(headerOf(before, 'Loki (storefront)'));
    expect(headerOf(after, 'Loki (audit)')).toBe('platform-audit');
    expect(headerOf(after, 'Loki (platform)')?.split('|')).toContain('payments-ledger');
    expect(datasourcesOf(after).map((d) => d.name)).toEqual(datasourcesOf(before).map((d) => d.name));
    expectValid('grafana', after);
  });

  it('move with a namespace that changes team', () => {
    const moved = model.namespaces.map((ns) =>
      ns.name === 'payments-batch' ? { ...ns, definition: { ...ns.definition, team: 'storefront' } } : ns,
    );
    const values = plannedValues({ ...model, namespaces: moved });
    expect(headerOf(values, 'Loki (payments)')).toBe('payments-api');
    expect(headerOf(values, 'Loki (storefront)')).toBe('payments-batch|storefront-web');
  });

  it('leave out a team without namespaces: an empty X-Scope-OrgID is refused by Loki', () => {
    const teams = [...model.platform.teams, { name: 'newcomers', group: 'team-newcomers' }];
    const values = plannedValues(withTeams(model, teams));
    expect(datasourcesOf(values).map((d) => d.name)).not.toContain('Loki (newcomers)');
    // The team still has its organization (with no datasource) and its folder.
    expect(values['grafana.ini']['auth.generic_oauth'].org_mapping.split(' ')).toContain(
      'team-newcomers:newcomers:Viewer',
    );
    expect(grafanaOrganizations(withTeams(model, teams)).find((o) => o.name === 'newcomers')?.folderUid).toBe(
      'team-newcomers',
    );
  });

  it('refuse a team named like a platform datasource and a namespace named like the audit tenant', () => {
    for (const name of ['platform', 'audit']) {
      const teams = [...model.platform.teams, { name, group: `team-${name}` }];
      expect(() => plannedValues(withTeams(model, teams))).toThrow(
        expect.objectContaining({ code: 'E_GRAFANA_DATASOURCE_NAME' }),
      );
    }
    const audit = withNamespace(model, namespaceLike(model, 'payments-api', AUDIT_LOG_TENANT));
    expect(() => plannedValues(audit)).toThrow(expect.objectContaining({ code: 'E_LOKI_TENANT_RESERVED' }));
  });
});

describe('values schemas', () => {
  it('accept the observability values of the example and of its variants', () => {
    const variants: PlatformModel[] = [
      model,
      withNamespace(model, namespaceLike(model, 'payments-api', 'payments-ledger')),
      withNamespace(model, {
        ...namespaceLike(model, 'storefront-web', 'storefront-search'),
        definition: {
          ...namespaceLike(model, 'storefront-web', 'storefront-search').definition,
          observability: { scrape: false },
        },
      }),
    ];
    for (const variant of variants) {
      expectValid('prometheus', prometheusValues());
      expectValid('loki', lokiValues());
      expectValid('grafana', grafanaValues(variant));
    }
  });

  it('reject what Grafana or Loki would refuse: an empty tenant, a too-long UID', () => {
    const validate = validators.get('grafana');
    if (validate === undefined) throw new Error('no schema');
    const values = structuredClone(plannedValues(model));
    const [first] = datasourcesOf(values);
    if (first?.secureJsonData === undefined) throw new Error('no Loki datasource first');
    first.secureJsonData.httpHeaderValue1 = '';
    first.uid = 'u'.repeat(41);
    expect(validate(values)).toBe(false);
    expect(validate.errors?.map((e) => [e.instancePath, e.keyword]).sort()).toEqual(
      [
        ['/datasources/datasources.yaml/datasources/0/secureJsonData/httpHeaderValue1', 'pattern'],
        ['/datasources/datasources.yaml/datasources/0/uid', 'pattern'],
      ].sort(),
    );
  });
});
