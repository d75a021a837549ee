import { sealedFilePath } from '../bootstrap-secrets.js';
import { type Issue, issue } from '../issues.js';
import { kindOf, type RepoObject } from '../repo-view.js';
import { plaintextValues, sealedStatus } from '../sealed-state.js';
import { scanText, secretScanIssues } from '../secret-scan.js';
import { fileFinding, finding } from './finding.js';
import type { Invariant } from './index.js';

/**
 * Where in `text` the first secret the scan would report is (its kinds but a Kubernetes Secret's values,
 * which need the document around them), or undefined. For callers that must not print a line holding one.
 */
export function findSecretText(text: string): { what: string; line: number } | undefined {
  const found = scanText('', text, { kubernetesSecrets: false })[0];
  return found === undefined ? undefined : { what: found.what, line: found.line };
}

function isSopsFile(entry: RepoObject): boolean {
  return entry.object.sops !== undefined;
}

/**
 * SEC-1: no plaintext Secret in Git; every declared bootstrap secret is sealed (SOPS) for exactly the
 * age recipients of the platform definition (and so of .sops.yaml); no private key, token or credential in
 * any file of the repository (the secret scan, `secret-scan.ts`, with its reviewed allowlist).
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
    // Every file of the repository, through the secret scan. A Secret that SEC-1 read as an object above is
    // not scanned for values a second time.
    if (view.texts !== undefined) {
      const parsed = new Set(view.objects.map((entry) => entry.file));
      issues.push(...secretScanIssues(view.texts, { kubernetesSecretsCheckedElsewhere: parsed }));
    }
    return issues;
  },
};
