import { kindOf } from '../repo-view.js';
import { fileFinding, finding } from './finding.js';
import type { Invariant } from './index.js';
import { ESO_POLICY_PREFIX } from './vault-rules.js';

const WRITE_BACK_KINDS = new Set(['PushSecret', 'ClusterPushSecret']);

/** ESO-1: ESO only reads. Nothing in the repository may push a Kubernetes Secret into a provider. */
export const eso1: Invariant = {
  id: 'ESO-1',
  rule: 'ESO only reads: no PushSecret, no write capability in any ESO policy.',
  check: (view) => [
    ...view.objects
      .filter((entry) => WRITE_BACK_KINDS.has(kindOf(entry.object)) && isEsoGroup(entry.object.apiVersion))
      .map((entry) =>
        finding(
          'ESO-1',
          entry,
          'kind',
          'writes Kubernetes Secrets back into the secret provider; Vault is the only source of secret truth',
          'remove it: secrets are written to Vault by their owners, never from the cluster',
        ),
      ),
    ...(view.policies ?? [])
      .filter((policy) => policy.name.startsWith(ESO_POLICY_PREFIX))
      .flatMap((policy) =>
        policy.rules
          .filter((rule) => rule.capabilities.some((c) => WRITE_CAPABILITIES.has(c)))
          .map((rule) =>
            fileFinding(
              'ESO-1',
              policy.file,
              `path["${rule.path}"].capabilities`,
              `ESO policy ${policy.name} grants ${rule.capabilities.filter((c) => WRITE_CAPABILITIES.has(c)).join(', ')} on "${rule.path}"`,
              'ESO policies grant read and list only; nothing in the cluster writes to Vault',
              policy.lines.get(rule.path),
            ),
          ),
      ),
  ],
};

const WRITE_CAPABILITIES: ReadonlySet<string> = new Set(['create', 'update', 'patch', 'delete', 'sudo', 'recover']);

function isEsoGroup(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && apiVersion.startsWith('external-secrets.io/');
}
