import { kindOf } from '../repo-view.js';
import { finding } from './finding.js';
import type { Invariant } from './index.js';

const WRITE_BACK_KINDS = new Set(['PushSecret', 'ClusterPushSecret']);

/** ESO-1: ESO only reads. Nothing in the repository may push a Kubernetes Secret into a provider. */
export const eso1: Invariant = {
  id: 'ESO-1',
  rule: 'ESO only reads: no PushSecret, no write capability in any ESO policy.',
  check: (view) =>
    view.objects
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
};

function isEsoGroup(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && apiVersion.startsWith('external-secrets.io/');
}
