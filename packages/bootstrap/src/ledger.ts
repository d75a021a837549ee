/**
 * docs/generated/authority-ledger.md: who is authoritative for each secret in each phase, for auditors and
 * reviewers. Prose and tables only; every fact comes from the ledger rows (PHS-1 checks the repository
 * against the same rows).
 */
import { type LedgerRow, markdownCell, markdownCode, type PlatformDefinition } from '@platform-gen/core';

export function ledgerMarkdown(platform: PlatformDefinition, rows: readonly LedgerRow[]): string {
  const lines = [
    '# Secret authority ledger',
    '',
    'Per secret, the one system that is authoritative for its value in each phase of RFC-SECOPS-0001 §3',
    '(0 offline root, 1 Argo CD, 2 bootstrap Secrets, 3 Vault and handover, 4 steady state). Kubernetes',
    'holds copies and is never authoritative. Authority shifts at most once, from Git to Vault in phase 3:',
    'the handover copies a value into Vault only if the path is absent, so Vault is never overwritten from',
    'Git and values never flow back. `platform-gen validate` (PHS-1) fails when the repository gives a',
    'Secret two authorities, e.g. a sealed file and an ExternalSecret writing the same Secret.',
    '',
    '| secret | phase 0 | phase 1 | phase 2 | phase 3 | phase 4 | handover | Kubernetes copies |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${markdownCode(`${row.namespace}/${row.secret}`)} | ${row.authority.map(markdownCell).join(' | ')} | ${markdownCell(row.handover)} | ${row.copies.map(markdownCell).join('<br>')} |`,
    ),
    '',
    '## Consumers and suppliers',
    '',
    '| secret | read by | supplied by |',
    '|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${markdownCode(`${row.namespace}/${row.secret}`)} | ${markdownCell(row.consumer)} | ${markdownCell(row.suppliedBy)} |`,
    ),
    '',
    '## Who can decrypt the sealed files (phase 0)',
    '',
    'Every sealed file under `kubernetes/bootstrap/secrets/` is encrypted for all of these age recipients',
    '(`.sops.yaml`). The identities never enter the repository.',
    '',
    '| name | recipient | held by |',
    '|---|---|---|',
    ...platform.sops.recipients.map(
      (r) => `| ${markdownCell(r.name)} | ${markdownCode(r.recipient)} | ${markdownCell(r.holder)} |`,
    ),
    '',
    'Tenant secrets are not in this ledger: Vault is their only authority from the moment they exist, and ESO',
    "materializes them in each namespace through that namespace's own SecretStore.",
    '',
    '## Risks',
    '',
    "- Argo CD's repo-server decrypts the sealed files and caches rendered manifests, decrypted Secrets",
    '  included, in Redis: only bootstrap secrets go through KSOPS, and the NetworkPolicies around the',
    '  repo-server and Redis stay in place. After the handover, consumers read ESO-managed Secrets.',
    '- Rotating a handed-over secret is done in Vault; re-sealing its file changes nothing in a running',
    '  platform (the handover never overwrites). It matters only when a wiped cluster is rebuilt.',
    '',
  ];
  return lines.join('\n');
}
