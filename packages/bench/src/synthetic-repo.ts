/**
 * A synthetic platform repository of N namespaces, written as real definition files on disk: the example's
 * platform (its platform.ts, package.json and sealed bootstrap secrets) and N namespace folders spread over
 * the example's two teams, with the variety real namespaces have (sources, network, quotas, two secrets each).
 *
 * Definition files are written as `export default defineX(<JSON>)`: JSON is a TypeScript expression, so the
 * files are built with a serializer, not a text template.
 */
import { cp, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The platform-gen workspace, which holds the example platform. */
export const WORKSPACE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The example's inputs that are not namespaces (everything else in it is generated). */
const PLATFORM_INPUTS = ['package.json', 'platform', 'kubernetes/bootstrap/secrets'];

interface Team {
  readonly name: string;
  readonly system: string;
  readonly descriptions: readonly string[];
  readonly repoHost: string;
}

/** The two teams of the example's platform.ts, with the systems they own. */
const TEAMS: readonly Team[] = [
  {
    name: 'payments',
    system: 'payments',
    descriptions: ['Card payments API', 'Nightly settlement jobs', 'Refund worker', 'Fraud scoring', 'Payouts'],
    repoHost: 'https://git.example.com/payments',
  },
  {
    name: 'storefront',
    system: 'webshop',
    descriptions: ['The web shop frontend', 'Product search', 'Checkout', 'Recommendations'],
    repoHost: 'https://git.example.com/storefront',
  },
];

/** Folder (and namespace) name of the i-th synthetic namespace, e.g. `payments-00042`. */
export function namespaceName(i: number): string {
  return `${teamOf(i).name}-${String(i).padStart(5, '0')}`;
}

/** Half the namespaces of each team get two approved prefixes (`app` and `shared`), half one. */
function twoPrefixes(i: number): boolean {
  return Math.floor(i / 2) % 2 === 1;
}

function teamOf(i: number): Team {
  return TEAMS[i % TEAMS.length] as Team;
}

/** The i-th namespace definition (admin-owned). */
export function namespaceDefinition(i: number): Record<string, unknown> {
  const team = teamOf(i);
  const name = namespaceName(i);
  const sourceCount = i % 3;
  const sources = [
    { name: 'app', repoURL: `${team.repoHost}/${name}.git`, path: 'deploy/production', targetRevision: 'main' },
    { name: 'worker', repoURL: `${team.repoHost}/${name}-worker.git`, path: 'k8s', targetRevision: `v1.${i % 10}.0` },
  ].slice(0, sourceCount);
  return {
    name,
    team: team.name,
    description: `${team.descriptions[i % team.descriptions.length]} (${i})`,
    system: team.system,
    ...(i % 7 === 3 ? { podSecurity: 'baseline' } : {}),
    ...(team.name === 'storefront'
      ? { network: { ingressFrom: [{ namespace: 'ingress-nginx', ports: [8080] }] } }
      : i % 4 === 0
        ? { network: { allowMonitoring: false } }
        : {}),
    ...(i % 5 === 1 ? { quota: { requestsCpu: '2', requestsMemory: '4Gi', pods: 30 } } : {}),
    ...(sources.length > 0 ? { sources } : {}),
    vault: {
      approvedPrefixes: twoPrefixes(i)
        ? [`${team.name}/${name}/app`, `${team.name}/${name}/shared`]
        : [`${team.name}/${name}`],
    },
  };
}

/**
 * The i-th namespace's secrets definition (team-owned): two secrets, one with properties, one with a refresh
 * interval. `variant` changes the second secret's refresh interval (the bench's "one namespace changed").
 */
export function secretsDefinition(i: number, variant = 0): Record<string, unknown> {
  const team = teamOf(i);
  const name = namespaceName(i);
  const base = twoPrefixes(i) ? `${team.name}/${name}/app` : `${team.name}/${name}`;
  return {
    secrets: [
      { name: 'db-credentials', key: `${base}/db`, properties: ['username', 'password'] },
      {
        name: i % 2 === 0 ? 'api-key' : 'session-key',
        key: `${base}/${i % 2 === 0 ? 'api' : 'session'}`,
        ...(i % 3 === 0 ? { properties: ['key'] } : {}),
        refreshInterval: variant % 2 === 0 ? '15m' : '30m',
      },
    ],
  };
}

function definitionFile(define: 'defineNamespace' | 'defineSecrets', value: Record<string, unknown>): string {
  return `import { ${define} } from '@platform-gen/core';\n\nexport default ${define}(${JSON.stringify(value, null, 2)});\n`;
}

/** Writes the secrets definition of namespace `i` (variant `variant`) into the repository at `root`. */
export async function writeSecretsDefinition(root: string, i: number, variant: number): Promise<string> {
  const file = `namespaces/${namespaceName(i)}/secrets.ts`;
  await writeFile(join(root, file), definitionFile('defineSecrets', secretsDefinition(i, variant)));
  return file;
}

/**
 * Creates a repository with `n` namespaces under `parent` (a fresh temporary folder when left out) and
 * returns its root. Nothing is generated yet: the first `platform-gen generate` writes everything.
 */
export async function createSyntheticRepo(n: number, parent?: string): Promise<string> {
  const base = parent ?? (await mkdtemp(join(tmpdir(), 'platform-gen-bench-')));
  const root = join(base, `n${n}`);
  await mkdir(root, { recursive: true });
  for (const entry of PLATFORM_INPUTS) {
    await cp(join(WORKSPACE_ROOT, entry), join(root, entry), { recursive: true });
  }
  // Definitions import '@platform-gen/core': resolve it (and the tools) through the workspace's node_modules.
  await symlink(join(WORKSPACE_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  for (let i = 0; i < n; i++) {
    const dir = join(root, 'namespaces', namespaceName(i));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'namespace.ts'), definitionFile('defineNamespace', namespaceDefinition(i)));
    await writeFile(join(dir, 'secrets.ts'), definitionFile('defineSecrets', secretsDefinition(i)));
  }
  return root;
}
