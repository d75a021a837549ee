import { describe, expect, it } from 'vitest';
import { diffFields, show } from './object-diff.js';

describe('diffFields', () => {
  it('finds nothing in equal objects', () => {
    expect(diffFields({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toEqual([]);
  });

  it('names each changed, added and removed field by its path', () => {
    const before = { spec: { destination: { namespace: 'a' }, old: true } };
    const after = { spec: { destination: { namespace: 'b' }, extra: 'x' } };
    expect(diffFields(before, after)).toEqual([
      { path: 'spec.destination.namespace', before: 'a', after: 'b', redacted: false },
      { path: 'spec.extra', before: undefined, after: 'x', redacted: false },
      { path: 'spec.old', before: 'true', after: undefined, redacted: false },
    ]);
  });

  it('compares lists of named elements by name, not by position', () => {
    const before = {
      containers: [
        { name: 'app', image: 'a:1' },
        { name: 'sidecar', image: 's:1' },
      ],
    };
    const after = {
      containers: [
        { name: 'sidecar', image: 's:1' },
        { name: 'app', image: 'a:2' },
      ],
    };
    expect(diffFields(before, after)).toEqual([
      { path: 'containers[name=app].image', before: 'a:1', after: 'a:2', redacted: false },
    ]);
  });

  it('names the elements that left and came in a list, by key when they have one', () => {
    expect(diffFields({ token_policies: ['a', 'c'] }, { token_policies: ['a', 'b'] })).toEqual([
      { path: 'token_policies[]', before: 'c', after: undefined, redacted: false },
      { path: 'token_policies[]', before: undefined, after: 'b', redacted: false },
    ]);
    const server = 'https://kubernetes.default.svc';
    expect(
      diffFields(
        {
          destinations: [
            { server, namespace: 'a' },
            { server, namespace: 'b' },
          ],
        },
        { destinations: [{ server, namespace: 'a' }] },
      ),
    ).toEqual([
      {
        path: 'destinations[namespace=b]',
        before: '{namespace: b, server: https://kubernetes.default.svc}',
        after: undefined,
        redacted: false,
      },
    ]);
  });

  it('shows two long strings from shortly before where they differ', () => {
    const common = 'argocd|backstage|external-secrets|grafana|keycloak|loki|monitoring|';
    const [change] = diffFields({ v: `${common}payments-api|payments-batch` }, { v: `${common}payments-api` });
    expect(change?.before).toBe('…"payments-api|payments-batch"');
    expect(change?.after).toBe('…payments-api');
  });

  it('quotes keys that are not simple words', () => {
    const changes = diffFields(
      { metadata: { annotations: { 'argocd.argoproj.io/sync-wave': '1' } } },
      { metadata: { annotations: { 'argocd.argoproj.io/sync-wave': '2' } } },
    );
    expect(changes.map((c) => c.path)).toEqual(['metadata.annotations["argocd.argoproj.io/sync-wave"]']);
  });

  it('never shows the values under data or stringData, only which keys changed', () => {
    const before = { kind: 'Secret', data: { password: 'c2VjcmV0', user: 'YQ==' }, stringData: { token: 'abc' } };
    const after = { kind: 'Secret', data: { password: 'b3RoZXI=', user: 'YQ==', extra: 'eA==' } };
    const changes = diffFields(before, after);
    expect(changes).toEqual([
      { path: 'data.extra', before: undefined, after: '(value)', redacted: true },
      { path: 'data.password', before: '(value)', after: '(value)', redacted: true },
      { path: 'stringData', before: '(value)', after: undefined, redacted: true },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/c2VjcmV0|b3RoZXI|abc/);
  });

  it('cuts long values', () => {
    const text = show('x'.repeat(200));
    expect(text?.length).toBe(60);
    expect(text?.endsWith('…')).toBe(true);
  });
});
