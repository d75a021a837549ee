import { MANAGED_BY, type NamespaceModel, type PlatformModel } from '@platform-gen/core';
import { TEST_PLATFORM } from '@platform-gen/core/testing';
import { Namespace } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { namespaceArtifact } from './namespace.js';

const model: PlatformModel = {
  platformFile: 'platform/platform.ts',
  platform: TEST_PLATFORM,
  namespaces: [],
};

function namespaceModel(definition: Partial<NamespaceModel['definition']> = {}): NamespaceModel {
  return {
    name: 'payments-api',
    dir: 'namespaces/payments-api',
    file: 'namespaces/payments-api/namespace.ts',
    definition: {
      name: 'payments-api',
      team: 'payments',
      vault: { approvedPrefixes: ['payments/api'] },
      ...definition,
    },
    secretsFile: undefined,
    secrets: [],
  };
}

/** The one document of the artifact. */
function namespaceObject(ns: NamespaceModel): Record<string, unknown> {
  const artifact = namespaceArtifact(model, ns);
  expect(artifact.documents).toHaveLength(1);
  return artifact.documents?.[0] as Record<string, unknown>;
}

const podSecurity = (level: string) => ({
  'pod-security.kubernetes.io/enforce': level,
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/audit': level,
  'pod-security.kubernetes.io/warn': level,
});

describe('namespaceArtifact', () => {
  it('writes kubernetes/namespaces/<ns>/namespace.yaml from the namespace folder', () => {
    const artifact = namespaceArtifact(model, namespaceModel());
    expect(artifact.path).toBe('kubernetes/namespaces/payments-api/namespace.yaml');
    expect(artifact.source).toBe('namespaces/payments-api');
    expect(parse(artifact.content, { version: '1.1' })).toEqual(artifact.documents?.[0]);
  });

  it('builds the Namespace with ownership, scrape and restricted Pod Security labels by default', () => {
    expect(namespaceObject(namespaceModel())).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'payments-api',
        labels: {
          'app.kubernetes.io/managed-by': 'platform-gen',
          'app.kubernetes.io/part-of': 'example',
          'platform-gen.io/tenant': 'payments-api',
          'platform-gen.io/team': 'payments',
          // Prometheus reads the namespace unless observability.scrape is false (scrape.test.ts).
          'platform-gen.io/scrape': 'true',
          ...podSecurity('restricted'),
        },
        annotations: {
          'platform-gen.io/source': 'namespaces/payments-api/namespace.ts',
          'argocd.argoproj.io/sync-options': 'Delete=confirm,Prune=confirm',
        },
      },
    });
  });

  it.each(['restricted', 'baseline', 'privileged'] as const)('follows podSecurity: %s', (level) => {
    const metadata = namespaceObject(namespaceModel({ podSecurity: level })).metadata as {
      labels: Record<string, string>;
    };
    expect(metadata.labels).toMatchObject(podSecurity(level));
  });

  it('labels the namespace as managed by platform-gen', () => {
    const metadata = namespaceObject(namespaceModel()).metadata as { labels: Record<string, string> };
    expect(MANAGED_BY).toBe('platform-gen');
    expect(metadata.labels['app.kubernetes.io/managed-by']).toBe('platform-gen');
  });

  it('adds the description as an annotation only when there is one', () => {
    const metadata = namespaceObject(namespaceModel({ description: 'Public: payments API #1' })).metadata as {
      annotations: Record<string, string>;
    };
    expect(metadata.annotations).toEqual({
      'platform-gen.io/source': 'namespaces/payments-api/namespace.ts',
      'argocd.argoproj.io/sync-options': 'Delete=confirm,Prune=confirm',
      'platform-gen.io/description': 'Public: payments API #1',
    });
    expect(namespaceArtifact(model, namespaceModel({ description: 'Public: payments API #1' })).content).toContain(
      'platform-gen.io/description: "Public: payments API #1"',
    );
  });

  it.each([
    ['the default', {}],
    ['baseline with a description', { podSecurity: 'baseline' as const, description: 'Nightly jobs' }],
    ['privileged', { podSecurity: 'privileged' as const }],
  ])('validates against the upstream Namespace schema (%s)', (_, definition) => {
    const object = namespaceObject(namespaceModel(definition));
    expect(() => new Namespace(object).validate()).not.toThrow();
    // The same after a YAML round trip, which is what the cluster receives.
    const parsed = parse(namespaceArtifact(model, namespaceModel(definition)).content, { version: '1.1' });
    expect(() => new Namespace(parsed).validate()).not.toThrow();
  });

  it('(the schema check is real: an invalid Namespace fails it)', () => {
    const object = namespaceObject(namespaceModel()) as { metadata: Record<string, unknown> };
    const broken = { ...object, metadata: { ...object.metadata, labels: { a: 1 } } };
    expect(() => new Namespace(broken as never).validate()).toThrow();
  });
});
