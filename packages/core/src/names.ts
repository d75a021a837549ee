/**
 * Naming rules shared by validation and every generator.
 *
 * One place for the platform's own namespaces: generators import these names instead of spelling them.
 */

export const DNS_LABEL_MAX = 63;

/** Namespaces of the platform's own services. A tenant can never be named like one of them. */
export const PLATFORM_NAMESPACES = {
  argocd: 'argocd',
  vault: 'vault',
  externalSecrets: 'external-secrets',
  keycloak: 'keycloak',
  backstage: 'backstage',
  monitoring: 'monitoring',
  loki: 'loki',
  grafana: 'grafana',
} as const;

/** Names no tenant may take: Kubernetes' own, the platform's, and names that invite confusion. */
const RESERVED_NAMESPACES: ReadonlySet<string> = new Set([
  'default',
  ...Object.values(PLATFORM_NAMESPACES),
  'platform',
  'platform-gen',
  'ingress-nginx',
  'cert-manager',
]);

/** Prefixes reserved by Kubernetes (`kube-*`) and by OpenShift-style distributions (`openshift-*`). */
const RESERVED_PREFIXES = ['kube-', 'openshift-'] as const;

/** Why `name` is reserved, or undefined when a tenant may use it. */
export function getReservedReason(name: string): string | undefined {
  for (const prefix of RESERVED_PREFIXES) {
    if (name.startsWith(prefix)) return `names starting with "${prefix}" are reserved for the system`;
  }
  if (name === 'default') return '"default" is the Kubernetes default namespace';
  if (RESERVED_NAMESPACES.has(name)) return `"${name}" is reserved for the platform's own services`;
  return undefined;
}

export function reservedNamespaceList(): string {
  return [...RESERVED_PREFIXES.map((p) => `${p}*`), ...[...RESERVED_NAMESPACES].sort()].join(', ');
}

/** What exactly is wrong with a would-be DNS-1123 label, for error messages. */
export function explainDnsLabel(value: string): string {
  if (value.length === 0) return 'it is empty';
  if (value.length > DNS_LABEL_MAX) return `it is ${value.length} characters long (at most ${DNS_LABEL_MAX})`;
  const bad = [...value].find((c) => !/[a-z0-9-]/.test(c));
  if (bad !== undefined) return `it contains ${describeChar(bad)}`;
  if (value.startsWith('-') || value.endsWith('-')) return "it starts or ends with '-'";
  return 'it is not a DNS-1123 label';
}

export function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  if (/[A-Z]/.test(c)) return `the upper-case letter '${c}'`;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) return `a control character (U+${hex(cp)})`;
  if (cp > 0x7e) return `the non-ASCII character U+${hex(cp)}`;
  if (c === ' ') return 'a space';
  return `'${c}'`;
}

function hex(cp: number): string {
  return cp.toString(16).toUpperCase().padStart(4, '0');
}
