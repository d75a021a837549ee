/**
 * PHS-1, its secret part: each secret has exactly one authority per phase (RFC-SECOPS-0001 §3.3). In the
 * rendered repository a Kubernetes Secret is written either from Git (a Secret object, sealed) or from
 * Vault (an ExternalSecret targeting it), never both; and the age key, which belongs to the offline root,
 * by neither.
 */

import { compareStrings, type Issue } from '../issues.js';
import { PLATFORM_SECRETS } from '../platform-secrets.js';
import type { RepoView } from '../repo-view.js';
import { field } from '../repo-view.js';
import { fileFinding } from './finding.js';

interface Writer {
  readonly authority: 'Git (SOPS)' | 'Vault';
  readonly description: string;
  readonly file: string;
}

function describe(writer: Writer): string {
  return `${writer.authority} (${writer.description})`;
}

export function secretAuthorityIssues(view: RepoView): Issue[] {
  const writers = new Map<string, Writer[]>();
  // The same object rendered by two Applications is APP-2's finding; here it counts once.
  const seen = new Set<string>();
  const add = (namespace: string | undefined, name: string, writer: Writer, object: string) => {
    if (seen.has(object)) return;
    seen.add(object);
    const key = `${namespace ?? ''}/${name}`;
    writers.set(key, [...(writers.get(key) ?? []), writer]);
  };
  for (const app of view.applications ?? []) {
    for (const render of app.renders) {
      for (const object of render.objects) {
        const file = object.file ?? render.path;
        const identity = `${object.kind}/${object.namespace ?? ''}/${object.name}@${file}`;
        if (object.kind === 'Secret') {
          add(
            object.namespace,
            object.name,
            {
              authority: 'Git (SOPS)',
              description: `Secret in ${file}, Application ${app.name}`,
              file,
            },
            identity,
          );
        } else if (object.kind === 'ExternalSecret') {
          const target = field(object.object, 'spec', 'target', 'name');
          add(
            object.namespace,
            typeof target === 'string' && target !== '' ? target : object.name,
            {
              authority: 'Vault',
              description: `ExternalSecret ${object.namespace ?? ''}/${object.name} in ${file}, Application ${app.name}`,
              file,
            },
            identity,
          );
        }
      }
    }
  }
  const issues: Issue[] = [];
  const ageKey = `${PLATFORM_SECRETS.sopsAge.namespace}/${PLATFORM_SECRETS.sopsAge.name}`;
  for (const [secret, list] of [...writers.entries()].sort(([a], [b]) => compareStrings(a, b))) {
    const first = list[0];
    if (first === undefined) continue;
    if (secret === ageKey) {
      issues.push(
        fileFinding(
          'PHS-1',
          first.file,
          '',
          `Secret ${secret} is the offline root's age identity, but ${describe(first)} writes it`,
          'the age key never comes from Git or Vault: platform-gen bootstrap creates it from the identity held offline',
        ),
      );
      continue;
    }
    const authorities = new Set(list.map((w) => w.authority));
    if (authorities.size > 1) {
      const vault = list.find((w) => w.authority === 'Vault') ?? first;
      issues.push(
        fileFinding(
          'PHS-1',
          vault.file,
          '',
          `Secret ${secret} has two authorities: ${list.map(describe).join(' and ')}`,
          "one authority per secret per phase (RFC-SECOPS-0001 §3.3): a bootstrap secret handed over to Vault is sealed as a seed and served by ESO (handover: { to: 'vault', ... }); one that stays in Git has no ExternalSecret (handover: { to: 'none', ... })",
        ),
      );
    } else if (list.length > 1 && first.authority === 'Vault') {
      issues.push(
        fileFinding(
          'PHS-1',
          list[1]?.file ?? first.file,
          '',
          `Secret ${secret} is written by ${list.length} ExternalSecrets: ${list.map((w) => w.description).join('; ')}`,
          'one ExternalSecret per Secret: two would overwrite each other with values from different Vault paths',
        ),
      );
    }
  }
  return issues;
}
