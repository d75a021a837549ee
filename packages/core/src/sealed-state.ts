/**
 * What a sealed file in the repository says about itself, read without any key: whether it is a SOPS file
 * holding exactly the Secret the inventory declares, every value encrypted, for exactly the current age
 * recipients. Used by SEC-1 (validate, generate) and `platform-gen secrets`.
 */
import { SEALED_ENCRYPTED_REGEX, sealedSecretTarget } from './bootstrap-secrets.js';
import type { BootstrapSecret } from './generated/platform.js';
import { field, isRecord } from './repo-view.js';

/** One SOPS-encrypted value: AES-256-GCM data, IV, tag and the plaintext's type. */
export const ENC_VALUE = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]$/;

export type SealedFileState = 'sealed' | 'missing' | 'stale';

export interface SealedStatus {
  readonly state: SealedFileState;
  /** Why it is stale, each a sentence fragment naming the field. */
  readonly problems: readonly string[];
  /** Recipients the file is encrypted for. */
  readonly recipients: readonly string[];
  readonly lastModified: string | undefined;
}

/** Keys of `data` and `stringData` whose values are not encrypted (an empty value counts: nothing was sealed). */
export function plaintextValues(object: Readonly<Record<string, unknown>>): string[] {
  const leaks: string[] = [];
  for (const section of ['data', 'stringData'] as const) {
    const values = object[section];
    if (!isRecord(values)) continue;
    for (const [key, value] of Object.entries(values)) {
      if (typeof value !== 'string' || !ENC_VALUE.test(value)) leaks.push(`${section}.${key}`);
    }
  }
  return leaks;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** The state of `secret`'s sealed file, given its parsed document (undefined: no such file). */
export function sealedStatus(
  object: Readonly<Record<string, unknown>> | undefined,
  secret: BootstrapSecret,
  recipients: readonly string[],
): SealedStatus {
  if (object === undefined) return { state: 'missing', problems: [], recipients: [], lastModified: undefined };
  const problems: string[] = [];
  const sops = object.sops;
  const age = field(sops, 'age');
  const sealedFor = Array.isArray(age)
    ? age.map((entry) => field(entry, 'recipient')).filter((r): r is string => typeof r === 'string')
    : [];
  const lastModified = field(sops, 'lastmodified');
  if (!isRecord(sops)) {
    problems.push('it is not a SOPS file (no sops metadata): seal it with platform-gen seal');
  } else {
    if (typeof sops.mac !== 'string' || !ENC_VALUE.test(sops.mac))
      problems.push('sops.mac is missing or not encrypted');
    if (sops.encrypted_regex !== SEALED_ENCRYPTED_REGEX) {
      problems.push(`sops.encrypted_regex is ${JSON.stringify(sops.encrypted_regex)}, not "${SEALED_ENCRYPTED_REGEX}"`);
    }
    const missing = recipients.filter((r) => !sealedFor.includes(r));
    const extra = sealedFor.filter((r) => !recipients.includes(r));
    if (missing.length > 0) problems.push(`not encrypted for ${missing.join(', ')}`);
    if (extra.length > 0) problems.push(`still encrypted for ${extra.join(', ')}, no longer a recipient`);
  }
  const target = sealedSecretTarget(secret);
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') problems.push('it does not hold a v1 Secret');
  const name = field(object, 'metadata', 'name');
  const namespace = field(object, 'metadata', 'namespace');
  if (name !== target.name || namespace !== target.namespace) {
    problems.push(
      `it holds Secret ${String(namespace)}/${String(name)}, the inventory expects ${target.namespace}/${target.name}`,
    );
  }
  const keys = ['data', 'stringData'].flatMap((section) => {
    const values = object[section];
    return isRecord(values) ? Object.keys(values) : [];
  });
  const absent = secret.keys.filter((key) => !keys.includes(key));
  const unknown = keys.filter((key) => !secret.keys.includes(key));
  if (absent.length > 0) problems.push(`key${absent.length > 1 ? 's' : ''} ${absent.join(', ')} missing`);
  if (unknown.length > 0) problems.push(`key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} not declared`);
  const leaks = plaintextValues(object);
  if (leaks.length > 0) problems.push(`${leaks.join(', ')} not encrypted`);
  if (!sameSet(keys, secret.keys) && absent.length === 0 && unknown.length === 0) problems.push('keys repeat');
  return {
    state: problems.length === 0 ? 'sealed' : 'stale',
    problems,
    recipients: sealedFor,
    lastModified: typeof lastModified === 'string' ? lastModified : undefined,
  };
}
