import { sealedFilePath } from '../bootstrap-secrets.js';
import { type Issue, issue } from '../issues.js';
import { kindOf, type RepoObject } from '../repo-view.js';
import { plaintextValues, sealedStatus } from '../sealed-state.js';
import { fileFinding, finding } from './finding.js';
import type { Invariant } from './index.js';

/** Secrets in text: what must never be in the repository, whatever the file. */
const SECRET_PATTERNS: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'an age identity (private key)', pattern: /AGE-SECRET-KEY-(PQ-)?1[02-9AC-HJ-NP-Z]{20,}/ },
  {
    what: 'a private key',
    pattern: /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----|-----BEGIN PGP PRIVATE KEY BLOCK-----/,
  },
  { what: 'a Vault token', pattern: /\bhv[sbr]\.[A-Za-z0-9_-]{24,}/ },
];

/** Where in `text` the first secret-looking string is, or undefined. */
export function findSecretText(text: string): { what: string; line: number } | undefined {
  for (const { what, pattern } of SECRET_PATTERNS) {
    const match = pattern.exec(text);
    if (match !== null) return { what, line: text.slice(0, match.index).split('\n').length };
  }
  return undefined;
}

function isSopsFile(entry: RepoObject): boolean {
  return entry.object.sops !== undefined;
}

/**
 * SEC-1: no plaintext Secret in Git; every declared bootstrap secret is sealed (SOPS) for exactly the
 * age recipients of the platform definition (and so of .sops.yaml); no private key or token anywhere.
 */
export const sec1: Invariant = {
  id: 'SEC-1',
  rule: 'No plaintext Secret in Git; bootstrap Secrets are SOPS-encrypted for the age recipients of .sops.yaml; no private key or token anywhere in the tree.',
  check(view) {
    const issues: Issue[] = [];
    const { platform, platformFile } = view.model;
    const recipients = platform.sops.recipients.map((r) => r.recipient);
    const byFile = new Map<string, RepoObject>();
    for (const entry of view.objects) if (!byFile.has(entry.file)) byFile.set(entry.file, entry);

    // Sealed files are hand-written: only a view read from the repository on disk can tell whether they exist.
    const onDisk = view.texts !== undefined;
    platform.bootstrapSecrets.forEach((secret, i) => {
      const file = sealedFilePath(secret.name);
      const entry = byFile.get(file);
      if (!onDisk && entry === undefined) return;
      const status = sealedStatus(entry?.object, secret, recipients);
      if (status.state === 'missing') {
        issues.push(
          issue({
            code: 'E_BOOTSTRAP_SECRET_MISSING',
            file: platformFile,
            path: `bootstrapSecrets[${i}]`,
            message: `SEC-1: bootstrap secret ${secret.name} is declared but ${file} does not exist`,
            hint: `seal it: platform-gen seal ${secret.name} < values.yaml (one "key: value" line per key: ${secret.keys.join(', ')})`,
          }),
        );
      } else if (status.state === 'stale') {
        issues.push(
          issue({
            code: 'E_BOOTSTRAP_SECRET_STALE',
            file,
            line: entry?.line ?? 1,
            path: '',
            message: `SEC-1: sealed file of bootstrap secret ${secret.name}: ${status.problems.join('; ')}`,
            hint: status.problems.some((p) => p.includes('encrypted for'))
              ? `re-encrypt it for the current recipients: platform-gen rekey --age-key <identity file> ${secret.name}`
              : `seal it again: platform-gen seal ${secret.name}`,
          }),
        );
      }
    });

    // Any other Secret with values: in a file under kubernetes/ or rendered by an Application.
    const sealed = new Set(platform.bootstrapSecrets.map((s) => sealedFilePath(s.name)));
    for (const entry of view.objects) {
      if (kindOf(entry.object) !== 'Secret' || sealed.has(entry.file)) continue;
      const leaks = plaintextValues(entry.object);
      if (leaks.length === 0) continue;
      issues.push(
        finding(
          'SEC-1',
          entry,
          leaks[0] ?? 'data',
          isSopsFile(entry)
            ? `is a SOPS file with ${leaks.join(', ')} not encrypted`
            : `is a plaintext Secret in Git (${leaks.join(', ')})`,
          'secrets reach Kubernetes from Vault through an ExternalSecret; a bootstrap secret goes into the inventory (platform definition bootstrapSecrets) and is sealed with platform-gen seal',
        ),
      );
    }
    for (const app of view.applications ?? []) {
      for (const render of app.renders) {
        if (render.tool === 'directory') continue; // its files are checked above
        for (const object of render.objects) {
          if (object.kind !== 'Secret') continue;
          const leaks = plaintextValues(object.object);
          if (leaks.length === 0) continue;
          issues.push(
            fileFinding(
              'SEC-1',
              render.path,
              leaks[0] ?? '',
              `Application ${app.name} renders Secret ${object.namespace ?? ''}/${object.name} with plaintext values (${leaks.join(', ')}) from ${render.path} (${render.tool})`,
              'no generator or chart in the repository may produce Secret values: use an ExternalSecret, or a sealed bootstrap secret',
            ),
          );
        }
      }
    }
    for (const text of view.texts ?? []) {
      const found = findSecretText(text.content);
      if (found === undefined) continue;
      issues.push(
        fileFinding(
          'SEC-1',
          text.file,
          '',
          `${text.file} contains ${found.what}`,
          'remove it and rotate it: it is in the Git history now. Keys stay outside the repository (platform-gen keygen writes them there)',
          found.line,
        ),
      );
    }
    return issues;
  },
};
