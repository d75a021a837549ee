import type { Issue } from '../issues.js';
import { PLATFORM_NAMESPACES } from '../names.js';
import { field, isRecord, kindOf, namespaceOf, type RepoObject } from '../repo-view.js';
import { DEFAULT_VAULT_SERVER, ESO_SERVICE_ACCOUNT } from '../tenancy.js';
import { finding } from './finding.js';
import type { Invariant } from './index.js';

/** Namespaces whose own components legitimately talk to Vault (Vault itself and ESO). */
const VAULT_CLIENT_NAMESPACES = new Set<string>([PLATFORM_NAMESPACES.vault, PLATFORM_NAMESPACES.externalSecrets]);

const POD_SPEC_PATH: Record<string, readonly string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/**
 * SEC-2: workloads never talk to Vault: no Vault token or address in their environment, no injector
 * annotations, no Vault-audience projected tokens; tenant NetworkPolicies never open egress towards Vault.
 */
export const sec2: Invariant = {
  id: 'SEC-2',
  rule: 'Workloads never talk to Vault: no Vault token/address env, no injector annotations, no Vault-audience tokens; tenant egress never reaches the Vault namespace.',
  check(view) {
    const issues: Issue[] = [];
    const audience = view.model.platform.vault.audience;
    for (const entry of view.objects) {
      const namespace = namespaceOf(entry);
      if (namespace !== undefined && VAULT_CLIENT_NAMESPACES.has(namespace)) continue;
      const templatePath = POD_SPEC_PATH[kindOf(entry.object)];
      if (templatePath !== undefined) issues.push(...checkWorkload(entry, templatePath, audience, vaultHost(view)));
      if (kindOf(entry.object) === 'NetworkPolicy') issues.push(...checkEgress(entry));
    }
    return issues;
  },
};

/** Host of the Vault address ESO uses (e.g. vault.vault.svc), which workloads must not name either. */
function vaultHost(view: { model: { platform: { vault: { server?: string } } } }): string {
  try {
    return new URL(view.model.platform.vault.server ?? DEFAULT_VAULT_SERVER).hostname;
  } catch {
    return '';
  }
}

/** Any service in the Vault namespace: `<service>.vault`, `<service>.vault.svc[.cluster.local]`. */
const VAULT_NAMESPACE_HOST = new RegExp(`(^|[/@])[a-z0-9-]+\\.${PLATFORM_NAMESPACES.vault}(\\.svc[.a-z]*)?(:|/|$)`);

function checkWorkload(entry: RepoObject, templatePath: readonly string[], audience: string, host: string): Issue[] {
  const issues: Issue[] = [];
  const template = templatePath.length === 0 ? entry.object : field(entry.object, ...templatePath);
  const prefix = templatePath.length === 0 ? '' : `${templatePath.join('.')}.`;
  const annotations = field(template, 'metadata', 'annotations');
  if (isRecord(annotations)) {
    for (const key of Object.keys(annotations)) {
      if (key.startsWith('vault.hashicorp.com/')) {
        issues.push(
          finding(
            'SEC-2',
            entry,
            `${prefix}metadata.annotations["${key}"]`,
            'asks the Vault agent injector to give the workload Vault access',
            "consume the secret as a Kubernetes Secret: request it in the namespace's secrets.ts (ExternalSecret)",
          ),
        );
      }
    }
  }
  const spec = field(template, 'spec');
  if (field(spec, 'serviceAccountName') === ESO_SERVICE_ACCOUNT) {
    issues.push(
      finding(
        'SEC-2',
        entry,
        `${prefix}spec.serviceAccountName`,
        `runs as ${ESO_SERVICE_ACCOUNT}, the identity ESO uses to authenticate to Vault`,
        'run the workload under its own ServiceAccount; eso-vault belongs to External Secrets only',
      ),
    );
  }
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const containers = field(spec, list);
    if (!Array.isArray(containers)) continue;
    containers.forEach((container, c) => {
      const env = field(container, 'env');
      if (!Array.isArray(env)) return;
      env.forEach((variable, e) => {
        const name = field(variable, 'name');
        const value = field(variable, 'value');
        const mentionsVault =
          (typeof name === 'string' && /^VAULT_/.test(name)) ||
          (typeof value === 'string' && (VAULT_NAMESPACE_HOST.test(value) || (host !== '' && value.includes(host))));
        if (mentionsVault) {
          issues.push(
            finding(
              'SEC-2',
              entry,
              `${prefix}spec.${list}[${c}].env[${e}]`,
              `gives the workload a Vault token or address (${String(name)})`,
              'workloads read Kubernetes Secrets only; request the value in secrets.ts and use env.valueFrom.secretKeyRef',
            ),
          );
        }
      });
    });
  }
  const volumes = field(spec, 'volumes');
  if (Array.isArray(volumes)) {
    volumes.forEach((volume, v) => {
      const sources = field(volume, 'projected', 'sources');
      if (!Array.isArray(sources)) return;
      sources.forEach((source, s) => {
        if (field(source, 'serviceAccountToken', 'audience') === audience) {
          issues.push(
            finding(
              'SEC-2',
              entry,
              `${prefix}spec.volumes[${v}].projected.sources[${s}].serviceAccountToken.audience`,
              `mounts a token for audience "${audience}", which Vault accepts`,
              'remove the projected token: only ESO authenticates to Vault',
            ),
          );
        }
      });
    });
  }
  return issues;
}

function checkEgress(entry: RepoObject): Issue[] {
  const issues: Issue[] = [];
  const egress = field(entry.object, 'spec', 'egress');
  if (!Array.isArray(egress)) return issues;
  egress.forEach((rule, r) => {
    const to = field(rule, 'to');
    if (!Array.isArray(to) || to.length === 0) {
      issues.push(
        finding(
          'SEC-2',
          entry,
          `spec.egress[${r}]`,
          'allows egress to every destination, the Vault namespace included',
          'list the destinations (namespaceSelector by kubernetes.io/metadata.name, or external ipBlocks)',
        ),
      );
      return;
    }
    to.forEach((peer, p) => {
      const selector = field(peer, 'namespaceSelector');
      const path = `spec.egress[${r}].to[${p}]`;
      if (isRecord(selector)) {
        const names = field(selector, 'matchLabels', 'kubernetes.io/metadata.name');
        const expressions = field(selector, 'matchExpressions');
        if (
          names === PLATFORM_NAMESPACES.vault ||
          (names === undefined && expressions === undefined) ||
          expressions !== undefined
        ) {
          issues.push(
            finding(
              'SEC-2',
              entry,
              `${path}.namespaceSelector`,
              names === PLATFORM_NAMESPACES.vault
                ? 'allows egress to the Vault namespace'
                : 'selects namespaces by a rule that can include the Vault namespace',
              'select each destination namespace by name: matchLabels: {kubernetes.io/metadata.name: <namespace>}',
            ),
          );
        }
      }
      const cidr = field(peer, 'ipBlock', 'cidr');
      if (typeof cidr === 'string' && /\/0$/.test(cidr)) {
        issues.push(
          finding(
            'SEC-2',
            entry,
            `${path}.ipBlock.cidr`,
            `allows egress to ${cidr}, which can include cluster addresses such as Vault's`,
            'allow the specific external ranges the workload needs',
          ),
        );
      }
    });
  });
  return issues;
}
