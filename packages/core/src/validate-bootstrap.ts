/**
 * Rules of the bootstrap secret inventory and the age recipients that span fields: every Secret a
 * component reads is declared, in a phase no later than its consumer's, with a handover the phase model
 * allows; nothing lands in a tenant namespace; Vault paths stay under platform/ and never repeat.
 */
import { handsOverToVault, requiredBootstrapSecrets, SEED_PREFIX } from './bootstrap-secrets.js';
import type { PlatformDefinition } from './generated/platform.js';
import { type Issue, issue } from './issues.js';
import { PLATFORM_NAMESPACES } from './names.js';
import { oidcClients } from './oidc-clients.js';
import { describeValue } from './schema-validate.js';

const PLATFORM_NAMESPACE_SET: ReadonlySet<string> = new Set(Object.values(PLATFORM_NAMESPACES));

export function checkBootstrapInventory(platform: PlatformDefinition, file: string): Issue[] {
  const issues: Issue[] = [];
  const at = (path: string, code: string, message: string, hint: string) =>
    issues.push(issue({ code, file, path, message, hint }));

  const recipients = new Map<string, number>();
  const recipientNames = new Map<string, number>();
  platform.sops.recipients.forEach((r, i) => {
    const first = recipients.get(r.recipient);
    if (first !== undefined) {
      at(
        `sops.recipients[${i}].recipient`,
        'E_SOPS_RECIPIENT_DUPLICATE',
        `recipient ${r.recipient} is listed twice (also sops.recipients[${first}])`,
        'list each age key once',
      );
    } else recipients.set(r.recipient, i);
    const named = recipientNames.get(r.name);
    if (named !== undefined) {
      at(
        `sops.recipients[${i}].name`,
        'E_SOPS_RECIPIENT_DUPLICATE',
        `recipient name ${describeValue(r.name)} is used twice (also sops.recipients[${named}])`,
        'give every recipient its own name',
      );
    } else recipientNames.set(r.name, i);
  });

  const names = new Map<string, number>();
  const paths = new Map<string, number>();
  platform.bootstrapSecrets.forEach((secret, i) => {
    const here = `bootstrapSecrets[${i}]`;
    const first = names.get(secret.name);
    if (first !== undefined) {
      at(
        `${here}.name`,
        'E_BOOTSTRAP_SECRET_DUPLICATE',
        `bootstrap secret ${describeValue(secret.name)} is declared twice (also bootstrapSecrets[${first}])`,
        'each secret has one entry (its sealed file is named after it)',
      );
    } else names.set(secret.name, i);
    if (secret.name.startsWith(SEED_PREFIX)) {
      at(
        `${here}.name`,
        'E_BOOTSTRAP_SECRET_NAME_RESERVED',
        `bootstrap secret ${describeValue(secret.name)} starts with "${SEED_PREFIX}", the prefix of handover seeds`,
        `name it after what its consumer reads, without "${SEED_PREFIX}"`,
      );
    }
    if (!PLATFORM_NAMESPACE_SET.has(secret.namespace)) {
      at(
        `${here}.namespace`,
        'E_BOOTSTRAP_SECRET_NAMESPACE',
        `bootstrap secret ${describeValue(secret.name)} targets namespace ${describeValue(secret.namespace)}, which is not a platform namespace`,
        `bootstrap secrets serve the platform only (${[...PLATFORM_NAMESPACE_SET].sort().join(', ')}); tenants get secrets from Vault through their namespace's secrets.ts`,
      );
    }
    if (handsOverToVault(secret)) {
      const path = secret.handover.path;
      const other = paths.get(path);
      if (other !== undefined) {
        at(
          `${here}.handover.path`,
          'E_BOOTSTRAP_VAULT_PATH_DUPLICATE',
          `Vault path ${describeValue(path)} is the handover target of bootstrap secret ${describeValue(platform.bootstrapSecrets[other]?.name ?? '')} too`,
          'give each handed-over secret its own path under platform/',
        );
      } else paths.set(path, i);
      if (secret.namespace === PLATFORM_NAMESPACES.argocd) {
        at(
          `${here}.handover`,
          'E_BOOTSTRAP_HANDOVER_ARGOCD',
          `bootstrap secret ${describeValue(secret.name)} is read in namespace argocd but handed over to Vault; ESO would need a Vault identity in Argo CD's namespace`,
          "Argo CD has no Vault identity (VLT-1): use handover: { to: 'none', reason: '...' }",
        );
      }
      if (secret.phase < 3) {
        at(
          `${here}.handover`,
          'E_BOOTSTRAP_HANDOVER_TOO_EARLY',
          `bootstrap secret ${describeValue(secret.name)} is read in phase ${secret.phase}, before Vault exists; ESO could serve it from Vault only in phase 4`,
          "keep it in Git: handover: { to: 'none', reason: '...' }",
        );
      } else if (secret.phase === 3 && secret.namespace !== PLATFORM_NAMESPACES.vault) {
        at(
          `${here}.phase`,
          'E_BOOTSTRAP_HANDOVER_TOO_EARLY',
          `bootstrap secret ${describeValue(secret.name)} is handed over in phase 3, but its consumer in ${describeValue(secret.namespace)} would read it before ESO serves it (phase 4)`,
          "only Vault's own configurer reads a handed-over secret in phase 3; use phase: 4, or handover: { to: 'none', ... }",
        );
      }
    }
  });

  for (const required of requiredBootstrapSecrets(platform)) {
    const { ref } = required;
    const index = platform.bootstrapSecrets.findIndex((s) => s.name === ref.name);
    const declared = platform.bootstrapSecrets[index];
    if (declared === undefined) {
      const handover =
        required.vaultOnly !== undefined
          ? `{ to: 'vault', path: '${required.vaultOnly.path}' }`
          : required.phase >= 4
            ? `{ to: 'vault', path: 'platform/${ref.namespace}/${ref.name}' }`
            : "{ to: 'none', reason: '...' }";
      at(
        'bootstrapSecrets',
        'E_BOOTSTRAP_SECRET_UNDECLARED',
        `Secret ${ref.namespace}/${ref.name}, read by ${ref.consumer} in phase ${required.phase}, is not in the bootstrap secret inventory`,
        `add { name: '${ref.name}', namespace: '${ref.namespace}', keys: [${ref.keys.map((k) => `'${k}'`).join(', ')}], phase: ${required.phase}, consumer: '...', suppliedBy: '...', handover: ${handover} } and seal it with platform-gen seal ${ref.name}`,
      );
      continue;
    }
    const here = `bootstrapSecrets[${index}]`;
    if (declared.namespace !== ref.namespace) {
      at(
        `${here}.namespace`,
        'E_BOOTSTRAP_SECRET_NAMESPACE',
        `bootstrap secret ${describeValue(ref.name)} is read by ${ref.consumer} in namespace ${describeValue(ref.namespace)}, not ${describeValue(declared.namespace)}`,
        `set namespace: '${ref.namespace}'`,
      );
    }
    const missing = ref.keys.filter((key) => !declared.keys.includes(key));
    if (missing.length > 0) {
      at(
        `${here}.keys`,
        'E_BOOTSTRAP_SECRET_KEYS',
        `bootstrap secret ${describeValue(ref.name)} lacks key${missing.length > 1 ? 's' : ''} ${missing.map((k) => describeValue(k)).join(', ')} that ${ref.consumer} reads`,
        `list every key the consumer reads: ${ref.keys.join(', ')}`,
      );
    }
    if (declared.phase > required.phase) {
      at(
        `${here}.phase`,
        'E_BOOTSTRAP_SECRET_PHASE',
        `bootstrap secret ${describeValue(ref.name)} is declared for phase ${declared.phase}, but ${ref.consumer} reads it in phase ${required.phase}`,
        `set phase: ${required.phase}`,
      );
    }
    if (required.vaultOnly !== undefined) {
      const path = handsOverToVault(declared) ? declared.handover.path : undefined;
      if (path !== required.vaultOnly.path) {
        at(
          `${here}.handover`,
          'E_BOOTSTRAP_HANDOVER_PATH',
          `bootstrap secret ${describeValue(ref.name)} is read from Vault at ${required.vaultOnly.path} (by ${ref.consumer}), so it must be handed over there`,
          `set handover: { to: 'vault', path: '${required.vaultOnly.path}' }`,
        );
      }
    }
  }
  // Keycloak reads every confidential client's secret from Vault: it must be handed over there. A secret
  // with a required path of its own (vault-oidc) is reported above, with that path.
  const withOwnPath = new Set(
    requiredBootstrapSecrets(platform)
      .filter((r) => r.vaultOnly !== undefined)
      .map((r) => r.ref.name),
  );
  for (const client of oidcClients(platform)) {
    if (client.secret === undefined || withOwnPath.has(client.secret.ref.name)) continue;
    const index = platform.bootstrapSecrets.findIndex((s) => s.name === client.secret?.ref.name);
    const declared = platform.bootstrapSecrets[index];
    if (declared === undefined || handsOverToVault(declared)) continue;
    at(
      `bootstrapSecrets[${index}].handover`,
      'E_BOOTSTRAP_HANDOVER_REQUIRED',
      `bootstrap secret ${describeValue(declared.name)} is the secret of the Keycloak client ${describeValue(client.clientId)}, which keycloak-config-cli reads from Vault, but it is not handed over to Vault`,
      `set handover: { to: 'vault', path: 'platform/${declared.namespace}/${declared.name}' }`,
    );
  }
  return issues;
}
