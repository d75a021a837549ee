/**
 * Every tenant Namespace says whether Prometheus reads it: `platform-gen.io/scrape` is "true" unless the
 * admin set `observability.scrape: false`. Prometheus (charts-gen) skips only namespaces labelled "false".
 */
import type { NamespaceModel, PlatformModel } from '@platform-gen/core';
import { loadExampleModel, TEST_PLATFORM } from '@platform-gen/core/testing';
import { Namespace } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tenantBaselineGenerator } from './index.js';
import { namespaceArtifact, SCRAPE_LABEL, scrapeLabelValue } from './namespace.js';

const model: PlatformModel = { platformFile: 'platform/platform.ts', platform: TEST_PLATFORM, namespaces: [] };

function namespaceModel(observability?: NamespaceModel['definition']['observability']): NamespaceModel {
  return {
    name: 'payments-api',
    dir: 'namespaces/payments-api',
    file: 'namespaces/payments-api/namespace.ts',
    definition: {
      name: 'payments-api',
      team: 'payments',
      vault: { approvedPrefixes: ['payments/api'] },
      ...(observability === undefined ? {} : { observability }),
    },
    secretsFile: undefined,
    secrets: [],
  };
}

/** The labels of the Namespace as written to disk and read back the way the cluster (and Helm) read YAML. */
function labelsOnDisk(ns: NamespaceModel): Record<string, unknown> {
  const artifact = namespaceArtifact(model, ns);
  const namespace = parse(artifact.content, { version: '1.1' }) as { metadata: { labels: Record<string, unknown> } };
  expect(() => new Namespace(namespace as never).validate()).not.toThrow();
  return namespace.metadata.labels;
}

describe('the scrape label of a tenant Namespace', () => {
  it('is platform-gen.io/scrape', () => {
    expect(SCRAPE_LABEL).toBe('platform-gen.io/scrape');
  });

  it.each([
    ['no observability block', undefined, 'true'],
    ['an empty observability block', {}, 'true'],
    ['scrape: true', { scrape: true }, 'true'],
    ['scrape: false', { scrape: false }, 'false'],
  ] as const)('with %s is "%s"', (_, observability, expected) => {
    const ns = namespaceModel(observability);
    expect(scrapeLabelValue(ns)).toBe(expected);
    // A string on disk, never the YAML boolean: label values must be strings.
    expect(labelsOnDisk(ns)[SCRAPE_LABEL]).toBe(expected);
    expect(namespaceArtifact(model, ns).content).toContain(`platform-gen.io/scrape: "${expected}"`);
  });

  it('leaves the other labels as they were', () => {
    const on = labelsOnDisk(namespaceModel({ scrape: true }));
    const off = labelsOnDisk(namespaceModel({ scrape: false }));
    const { [SCRAPE_LABEL]: _on, ...restOn } = on;
    const { [SCRAPE_LABEL]: _off, ...restOff } = off;
    expect(restOff).toEqual(restOn);
    expect(restOn).toMatchObject({ 'platform-gen.io/tenant': 'payments-api', 'platform-gen.io/team': 'payments' });
  });

  it('is "true" on every Namespace of the example (none opts out), and follows a namespace that does', async () => {
    const example = await loadExampleModel();
    const namespaces = (m: PlatformModel) =>
      tenantBaselineGenerator
        .generate(m)
        .filter((a) => a.path.endsWith('/namespace.yaml'))
        .map(
          (a) => parse(a.content, { version: '1.1' }) as { metadata: { name: string; labels: Record<string, string> } },
        );

    expect(namespaces(example).map((ns) => [ns.metadata.name, ns.metadata.labels[SCRAPE_LABEL]])).toEqual([
      ['payments-api', 'true'],
      ['payments-batch', 'true'],
      ['storefront-web', 'true'],
    ]);

    const optedOut: PlatformModel = {
      ...example,
      namespaces: example.namespaces.map((ns) =>
        ns.name === 'payments-batch'
          ? { ...ns, definition: { ...ns.definition, observability: { scrape: false } } }
          : ns,
      ),
    };
    expect(namespaces(optedOut).map((ns) => [ns.metadata.name, ns.metadata.labels[SCRAPE_LABEL]])).toEqual([
      ['payments-api', 'true'],
      ['payments-batch', 'false'],
      ['storefront-web', 'true'],
    ]);
  });
});
