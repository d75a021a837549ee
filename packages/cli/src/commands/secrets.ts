/**
 * `platform-gen secrets [--json]`: the bootstrap secret inventory and the state of each sealed file
 * (sealed, missing, stale), read without any key. Exit 1 when anything is missing or stale, so scripts can
 * gate on it; `validate` and `generate --check` fail on the same conditions (SEC-1).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { authorityLedger, loadModel, type SealedStatus, sealedFilePath, sealedStatus } from '@platform-gen/core';
import { parse } from 'yaml';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../main.js';
import { count } from '../plural.js';
import { formatIssues } from '../report.js';

interface Row {
  readonly name: string;
  readonly namespace: string;
  readonly phase: number;
  readonly handover: string;
  readonly file: string;
  readonly status: SealedStatus;
  readonly recipients: readonly string[];
}

async function readSealed(root: string, path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = parse(text, { version: '1.1' });
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export async function secretsCommand(root: string, options: { json: boolean }, io: Io): Promise<number> {
  const { model, issues } = await loadModel(root);
  if (model === undefined) {
    io.err(formatIssues(issues));
    return EXIT.invalid;
  }
  const { platform } = model;
  const recipients = platform.sops.recipients;
  const names = new Map(recipients.map((r) => [r.recipient, r.name]));
  const rows: Row[] = [];
  for (const secret of platform.bootstrapSecrets) {
    const file = sealedFilePath(secret.name);
    const status = sealedStatus(
      await readSealed(root, file),
      secret,
      recipients.map((r) => r.recipient),
    );
    rows.push({
      name: secret.name,
      namespace: secret.namespace,
      phase: secret.phase,
      handover: secret.handover.to === 'vault' ? `vault:${secret.handover.path}` : 'none',
      file,
      status,
      recipients: status.recipients.map((r) => names.get(r) ?? r),
    });
  }
  const bad = rows.filter((r) => r.status.state !== 'sealed');
  if (options.json) {
    const ledger = new Map(authorityLedger(platform).map((row) => [row.secret, row.authority]));
    io.out(
      `${JSON.stringify(
        rows.map((r) => ({
          name: r.name,
          namespace: r.namespace,
          phase: r.phase,
          handover: r.handover,
          file: r.file,
          state: r.status.state,
          problems: r.status.problems,
          sealedFor: r.recipients,
          lastModified: r.status.lastModified ?? null,
          authority: ledger.get(r.name) ?? [],
        })),
        null,
        2,
      )}\n`,
    );
    return bad.length > 0 ? EXIT.invalid : EXIT.ok;
  }
  const width = Math.max(6, ...rows.map((r) => `${r.namespace}/${r.name}`.length));
  io.out(`${'secret'.padEnd(width)}  phase  state    handover${' '.repeat(28)}sealed`);
  io.out('\n');
  for (const r of rows) {
    const when = r.status.lastModified === undefined ? '' : `${r.status.lastModified} for ${r.recipients.join(', ')}`;
    io.out(
      `${`${r.namespace}/${r.name}`.padEnd(width)}  ${String(r.phase).padEnd(5)}  ${r.status.state.padEnd(7)}  ${r.handover.padEnd(36)}${when}\n`,
    );
    for (const problem of r.status.problems) io.out(`${' '.repeat(width + 2)}- ${problem}\n`);
  }
  const missing = bad.filter((r) => r.status.state === 'missing');
  const stale = bad.filter((r) => r.status.state === 'stale');
  io.out(
    `\nplatform-gen: ${count(rows.length, 'bootstrap secret')}: ${rows.length - bad.length} sealed, ${missing.length} missing, ${stale.length} stale.\n`,
  );
  if (missing.length > 0)
    io.out(`  seal what is missing: ${missing.map((r) => `platform-gen seal ${r.name}`).join('; ')}\n`);
  if (stale.some((r) => r.status.problems.some((p) => p.includes('encrypted for')))) {
    io.out('  re-encrypt for the current recipients: platform-gen rekey --age-key <identity file>\n');
  }
  return bad.length > 0 ? EXIT.invalid : EXIT.ok;
}
