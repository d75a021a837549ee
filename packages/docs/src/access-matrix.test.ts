import type { PlatformModel } from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessMatrixMarkdown } from './access-matrix.js';

/** The table row of a namespace, split into its cells. */
function row(markdown: string, namespace: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| \`${namespace}\` |`));
  if (line === undefined) throw new Error(`no row for ${namespace}`);
  return line
    .slice(2, -2)
    .split(' | ')
    .map((c) => c.trim());
}

describe('the access matrix', () => {
  let model: PlatformModel;
  let markdown: string;
  beforeAll(async () => {
    model = await loadExampleModel();
    markdown = accessMatrixMarkdown(model);
  });

  it('has one row per tenant namespace: group, Argo CD project role, RBAC, ESO role and its exact paths, Loki tenant', () => {
    const [ns, team, argo, rbac, vault, grafana] = row(markdown, 'payments-api');
    expect(ns).toBe('`payments-api`');
    expect(team).toBe('payments → `team-payments`');
    expect(argo).toBe('`team-payments`: developer (applications get, applications sync, logs get)');
    expect(rbac).toBe('Group oidc:team-payments → Role team-developer');
    expect(vault).toBe(
      '`eso-payments-api` (bound to payments-api/eso-vault) →<br>`secret/data/payments/api` read<br>`secret/data/payments/api/*` read<br>`secret/metadata/payments/api` list<br>`secret/metadata/payments/api/*` list',
    );
    expect(grafana).toContain('team-payments signs in');
    expect(grafana).toContain('Loki tenant `payments-api`');
    for (const other of ['payments-batch', 'storefront-web']) expect(row(markdown, other)).toHaveLength(6);
  });

  it('reads the cells back from the generated objects: a renamed group and a new prefix follow', () => {
    const renamed: PlatformModel = {
      ...model,
      platform: {
        ...model.platform,
        teams: model.platform.teams.map((t) =>
          t.name === 'payments' ? { ...t, group: 'team-billing' } : t,
        ) as PlatformModel['platform']['teams'],
      },
      namespaces: model.namespaces.map((ns) =>
        ns.name === 'payments-api'
          ? {
              ...ns,
              definition: { ...ns.definition, vault: { approvedPrefixes: ['payments/api', 'payments/shared'] } },
            }
          : ns,
      ),
    };
    const text = accessMatrixMarkdown(renamed);
    const [, team, argo, rbac, vault] = row(text, 'payments-api');
    expect(team).toBe('payments → `team-billing`');
    expect(argo).toContain('`team-payments`: developer');
    expect(rbac).toBe('Group oidc:team-billing → Role team-developer');
    expect(vault).toContain('`secret/data/payments/shared/*` read');
    expect(text).not.toContain('oidc:team-payments');
  });

  it('lists the platform groups with their global Argo CD role and Vault policy, and the platform namespaces reading Vault', () => {
    expect(markdown).toContain('| `platform-admins` | policy.csv role:admin | policy `platform-admin` | signs in |');
    expect(markdown).toMatch(
      /\| `platform-auditors` \| policy\.csv role:readonly, platform-root: auditor, .* \| policy `platform-auditor` \| signs in \|/,
    );
    expect(markdown).toContain(
      '| `grafana` | `eso-grafana` (grafana/eso-vault) | `secret/data/platform/grafana/admin` read<br>`secret/data/platform/grafana/oidc` read |',
    );
  });
});
