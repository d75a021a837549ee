/**
 * Phase 0 and the bootstrap secrets from the command line, on copies of the example repository:
 * `keygen`, `seal`, `rekey`, `secrets`, and what `validate` / `generate --check` say about sealed files.
 * Every sealed file is decrypted by the independent sops-age decoder and by our own (which checks the MAC).
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decryptDocument, parseAgeIdentityFile } from '@platform-gen/sops';
import { decryptSops } from 'sops-age';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createSealedRepo, newTestKey, readSealed, type SealedRepo } from './sealed-repo.js';
import { BIN, createTempRepo, removeTempRepos } from './temp-repo.js';

afterAll(removeTempRepos);

const SEALED = (name: string) => `kubernetes/bootstrap/secrets/${name}.sops.yaml`;

/** Every file of the tree (node_modules excluded), repository-relative. */
async function allFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.name === 'node_modules') continue;
    if (entry.isDirectory()) files.push(...(await allFiles(root, path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

/** Runs the real binary with `input` on stdin. */
function runWithStdin(cwd: string, args: readonly string[], input: string) {
  return new Promise<{ code: number; out: string; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? 1, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() }),
    );
    child.stdin.end(input);
  });
}

describe('platform-gen keygen', () => {
  it('writes an identity outside the repository, mode 0600, and prints only its recipient on stdout', async () => {
    const repo = await createTempRepo();
    const out = join(repo.outside, 'keys', 'platform.txt');
    const result = await repo.run(['keygen', '--out', out]);
    expect(result.code, result.err).toBe(0);
    const recipient = result.out.trim();
    expect(recipient).toMatch(/^age1[02-9ac-hj-np-z]{58}$/);
    const text = await readFile(out, 'utf8');
    expect(text).toContain(`# public key: ${recipient}\n`);
    expect(parseAgeIdentityFile(text)).toHaveLength(1);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(result.out + result.err).not.toContain('AGE-SECRET-KEY-');
  });

  it('refuses to write inside the repository, or over an existing file: exit 1, nothing written', async () => {
    const repo = await createTempRepo();
    const before = await repo.snapshot();
    const inside = await repo.run(['keygen', '--out', 'keys/platform.txt']);
    expect(inside.code).toBe(1);
    expect(inside.err).toContain('refusing to write an age identity');
    expect(await repo.snapshot()).toEqual(before);

    const existing = await repo.writeOutside('existing.txt', 'keep me\n');
    const over = await repo.run(['keygen', '--out', existing]);
    expect(over.code).toBe(1);
    expect(over.err).toContain('never overwrites');
    expect(await readFile(existing, 'utf8')).toBe('keep me\n');
  });

  it('refuses a path inside any Git work tree (here: the platform-gen workspace itself)', async () => {
    const repo = await createTempRepo();
    const result = await repo.run(['keygen', '--out', join(import.meta.dirname, 'never-written.agekey')]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('a work tree that could commit it');
  });
});

describe('platform-gen seal', () => {
  let sealed: SealedRepo;

  it('round trip: what seal writes decrypts with sops-age and with our MAC-checking decoder to the same values', async () => {
    sealed = await createSealedRepo();
    for (const [name, values] of sealed.values) {
      const text = await readSealed(sealed.repo, name);
      const independent = (await decryptSops(text, { secretKey: sealed.cluster.identity, fileType: 'yaml' })) as {
        stringData: Record<string, string>;
      };
      expect(independent.stringData, name).toEqual(values);
      const ours = await decryptDocument(text, [sealed.offline.identity]);
      expect(ours.stringData, name).toEqual(values);
    }
  });

  it('writes the inventory entry: a seed in vault for a handed-over secret, the consumer Secret otherwise', async () => {
    const seed = parse(await readSealed(sealed.repo, 'keycloak-admin'));
    expect(seed.metadata).toMatchObject({ name: 'bootstrap-keycloak-admin', namespace: 'vault' });
    const direct = parse(await readSealed(sealed.repo, 'argocd-repo'));
    expect(direct.metadata).toMatchObject({
      name: 'argocd-repo',
      namespace: 'argocd',
      labels: { 'argocd.argoproj.io/secret-type': 'repository' },
    });
    expect(direct.sops.age.map((a: { recipient: string }) => a.recipient)).toEqual([
      sealed.offline.recipient,
      sealed.cluster.recipient,
    ]);
    expect(direct.sops.encrypted_regex).toBe('^(data|stringData)$');
  });

  it('a tampered value or MAC is rejected by our decoder', async () => {
    const text = await readSealed(sealed.repo, 'grafana-admin');
    const tamperedValue = text.replace(/(admin-password: ENC\[AES256_GCM,data:)(.)/, (_, a: string, c: string) => {
      return `${a}${c === 'A' ? 'B' : 'A'}`;
    });
    expect(tamperedValue).not.toBe(text);
    await expect(decryptDocument(tamperedValue, [sealed.cluster.identity])).rejects.toMatchObject({
      code: 'E_SOPS_VALUE_TAMPERED',
    });
    const tamperedName = text.replace('name: bootstrap-grafana-admin', 'name: bootstrap-grafana-other');
    await expect(decryptDocument(tamperedName, [sealed.cluster.identity])).rejects.toMatchObject({
      code: 'E_SOPS_MAC_MISMATCH',
    });
  });

  it('SEC-1: after seal and generate, no sealed value, identity or private key is anywhere in the tree', async () => {
    const files = await allFiles(sealed.repo.root);
    expect(files).toContain('docs/generated/authority-ledger.md');
    const values = [...sealed.values.values()].flatMap((v) => Object.values(v));
    for (const file of files) {
      const text = await readFile(sealed.repo.path(file), 'utf8');
      for (const value of values) expect(text.includes(value), `${file} holds a sealed value`).toBe(false);
      expect(text, file).not.toMatch(/AGE-SECRET-KEY-1/);
      expect(text, file).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY/);
    }
    const validate = await sealed.repo.run(['validate']);
    expect(validate.code, validate.err).toBe(0);
  });

  it('reads values from stdin, --from-file and --generate; never prints them', async () => {
    const { repo } = sealed;
    const cert = await repo.writeOutside('vault.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const result = await runWithStdin(
      repo.root,
      ['seal', 'vault-tls', '--from-file', `tls.crt=${cert}`, '--generate', 'tls.key'],
      stringify({ 'ca.crt': 'ca-from-stdin' }),
    );
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('sealed vault-tls (3 keys)');
    const decrypted = await decryptDocument(await readSealed(repo, 'vault-tls'), [sealed.cluster.identity]);
    const data = decrypted.stringData as Record<string, string>;
    expect(data['tls.crt']).toContain('BEGIN CERTIFICATE');
    expect(data['ca.crt']).toBe('ca-from-stdin');
    expect(data['tls.key']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.out + result.err).not.toContain(data['tls.key']);
    expect(result.out + result.err).not.toContain('ca-from-stdin');
  });

  it.each([
    ['an undeclared secret', ['seal', 'nope', '--generate', 'x'], 'not in the bootstrap secret inventory'],
    [
      'a key the secret does not have',
      ['seal', 'keycloak-db', '--generate', 'password', '--generate', 'user'],
      'user is not a key of keycloak-db',
    ],
    [
      'a missing key',
      ['seal', 'keycloak-admin', '--generate', 'password', '--file', '/dev/null'],
      'no value for username',
    ],
    ['a malformed --from-file', ['seal', 'keycloak-db', '--from-file', 'password'], 'write KEY=PATH'],
  ])('refuses %s: exit 1, nothing written', async (_case, args, message) => {
    const { repo } = sealed;
    const before = await repo.snapshot();
    const result = await repo.run(args);
    expect(result.code).toBe(1);
    expect(result.err).toContain(message);
    expect(result.err).toContain('Nothing was written.');
    expect(await repo.snapshot()).toEqual(before);
  });

  it('refuses a non-string value (quote it) from a values file', async () => {
    const { repo } = sealed;
    const file = await repo.writeOutside('numbers.yaml', 'password: 12345\n');
    const result = await repo.run(['seal', 'keycloak-db', '--file', file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('the value of password is a number; quote it as a string');
  });
});

describe('platform-gen secrets, validate and rekey', () => {
  it('the example: every bootstrap secret sealed, exit 0', async () => {
    const repo = await createTempRepo();
    const result = await repo.run(['secrets']);
    expect(result.code, result.out + result.err).toBe(0);
    expect(result.out).toContain('8 bootstrap secrets: 8 sealed, 0 missing, 0 stale.');
    expect(result.out).toMatch(/vault\/vault-oidc\s+3\s+sealed\s+vault:platform\/oidc\/vault/);
    const json = JSON.parse((await repo.run(['secrets', '--json'])).out) as { name: string; authority: string[] }[];
    expect(json.find((s) => s.name === 'keycloak-admin')?.authority).toEqual([
      'offline root',
      'Git (SOPS)',
      'Git (SOPS)',
      'Vault',
      'Vault',
    ]);
  });

  it('a missing sealed file: secrets lists it (exit 1); validate and generate --check fail naming it', async () => {
    const repo = await createTempRepo();
    await repo.remove(SEALED('grafana-oidc'));
    const secrets = await repo.run(['secrets']);
    expect(secrets.code).toBe(1);
    expect(secrets.out).toMatch(/grafana\/grafana-oidc\s+4\s+missing/);
    expect(secrets.out).toContain('platform-gen seal grafana-oidc');
    for (const args of [['validate'], ['generate', '--check']]) {
      const result = await repo.run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.err).toContain('E_BOOTSTRAP_SECRET_MISSING');
      expect(result.err).toContain('kubernetes/bootstrap/secrets/grafana-oidc.sops.yaml does not exist');
    }
  });

  it('a new recipient makes every file stale until rekey re-wraps it; values stay, the new key decrypts', async () => {
    const sealed = await createSealedRepo();
    const { repo } = sealed;
    const newcomer = await newTestKey(repo, 'newcomer');
    await repo.replace(
      'platform/platform.ts',
      '    recipients: [\n',
      `    recipients: [\n      { name: 'newcomer', recipient: '${newcomer.recipient}', holder: 'a new admin' },\n`,
    );
    const stale = await repo.run(['validate']);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain('E_BOOTSTRAP_SECRET_STALE');
    expect(stale.err).toContain(`not encrypted for ${newcomer.recipient}`);
    expect(stale.err).toContain('platform-gen rekey --age-key');

    const before = await readSealed(repo, 'keycloak-db');
    const rekey = await repo.run(['rekey', '--age-key', sealed.offline.file]);
    expect(rekey.code, rekey.err).toBe(0);
    const after = await readSealed(repo, 'keycloak-db');
    // Same values, IVs and MAC: only the sops.age list changed.
    expect(after.split('sops:')[0]).toBe(before.split('sops:')[0]);
    const decrypted = await decryptDocument(after, [newcomer.identity]);
    expect(decrypted.stringData).toEqual(sealed.values.get('keycloak-db'));

    expect((await repo.run(['generate'])).code).toBe(0);
    const valid = await repo.run(['validate']);
    expect(valid.code, valid.err).toBe(0);
  });

  it('rekey with an identity that opens nothing: exit 1, no file changed', async () => {
    const sealed = await createSealedRepo();
    const { repo } = sealed;
    const stranger = await newTestKey(repo, 'stranger');
    await repo.replace('platform/platform.ts', sealed.cluster.recipient, stranger.recipient);
    const before = await repo.snapshot();
    const result = await repo.run(['rekey', '--age-key', stranger.file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('Nothing was written.');
    expect(await repo.snapshot()).toEqual(before);
  });

  it('a hand-edited sealed file with a plaintext value is stale (SEC-1) and validate says which key', async () => {
    const repo = await createTempRepo();
    const text = await repo.read(SEALED('keycloak-db'));
    await repo.write(SEALED('keycloak-db'), text.replace(/password: ENC\[[^\]]+\]/, 'password: hunter2'));
    const result = await repo.run(['validate']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('E_BOOTSTRAP_SECRET_STALE');
    expect(result.err).toContain('stringData.password not encrypted');
  });
});
