import { describe, expect, it } from 'vitest';
import {
  DNS_LABEL_MAX,
  describeChar,
  explainDnsLabel,
  getReservedReason,
  PLATFORM_NAMESPACES,
  reservedNamespaceList,
} from './names.js';

describe('getReservedReason', () => {
  it('reserves the Kubernetes default namespace', () => {
    expect(getReservedReason('default')).toBe('"default" is the Kubernetes default namespace');
  });

  it.each(['kube-system', 'kube-public', 'kube-node-lease', 'kube-foo', 'openshift-monitoring'])(
    'reserves the system prefix of %j',
    (name) => {
      const prefix = name.startsWith('kube-') ? 'kube-' : 'openshift-';
      expect(getReservedReason(name)).toBe(`names starting with "${prefix}" are reserved for the system`);
    },
  );

  it.each([...Object.values(PLATFORM_NAMESPACES), 'platform', 'platform-gen', 'ingress-nginx', 'cert-manager'])(
    "reserves %j for the platform's own services",
    (name) => {
      expect(getReservedReason(name)).toBe(`"${name}" is reserved for the platform's own services`);
    },
  );

  it.each(['payments-api', 'kube', 'kubernetes', 'my-kube-system', 'vault-ui', 'defaults', 'argocd2', 'openshift'])(
    'allows %j',
    (name) => {
      expect(getReservedReason(name)).toBeUndefined();
    },
  );

  it('names the platform namespaces by role', () => {
    expect(PLATFORM_NAMESPACES).toEqual({
      argocd: 'argocd',
      vault: 'vault',
      externalSecrets: 'external-secrets',
      keycloak: 'keycloak',
      backstage: 'backstage',
      monitoring: 'monitoring',
      loki: 'loki',
      grafana: 'grafana',
    });
  });

  it('lists every reserved name and prefix for hints, sorted', () => {
    expect(reservedNamespaceList()).toBe(
      'kube-*, openshift-*, argocd, backstage, cert-manager, default, external-secrets, grafana, ingress-nginx, ' +
        'keycloak, loki, monitoring, platform, platform-gen, vault',
    );
  });
});

describe('explainDnsLabel', () => {
  it.each([
    ['', 'it is empty'],
    ['a'.repeat(DNS_LABEL_MAX + 1), 'it is 64 characters long (at most 63)'],
    ['Payments', "it contains the upper-case letter 'P'"],
    ['pay_ments', "it contains '_'"],
    ['pay.ments', "it contains '.'"],
    ['pay ments', 'it contains a space'],
    ['pay\nments', 'it contains a control character (U+000A)'],
    ['pay\u007fments', 'it contains a control character (U+007F)'],
    ['pay\u0085ments', 'it contains a control character (U+0085)'],
    ['café', 'it contains the non-ASCII character U+00E9'],
    ['a\u202eb', 'it contains the non-ASCII character U+202E'],
    ['a😀', 'it contains the non-ASCII character U+1F600'],
    ['-payments', "it starts or ends with '-'"],
    ['payments-', "it starts or ends with '-'"],
  ])('explains %j: %s', (value, reason) => {
    expect(explainDnsLabel(value)).toBe(reason);
  });

  it('reports the first bad character', () => {
    expect(explainDnsLabel('a_B')).toBe("it contains '_'");
  });

  it('accepts 63 characters', () => {
    expect(explainDnsLabel('a'.repeat(63))).toBe('it is not a DNS-1123 label');
  });
});

describe('describeChar', () => {
  it.each([
    ['A', "the upper-case letter 'A'"],
    ['\u0000', 'a control character (U+0000)'],
    ['\u009f', 'a control character (U+009F)'],
    ['\u00a0', 'the non-ASCII character U+00A0'],
    [' ', 'a space'],
    ['/', "'/'"],
  ])('describes %j as %s', (c, text) => {
    expect(describeChar(c)).toBe(text);
  });
});
