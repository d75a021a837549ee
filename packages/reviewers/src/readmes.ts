/**
 * A short README in every generated top-level folder (STYLE.md, "Generated output"): what lives there,
 * which generator writes it from which definition, who reviews it, and that it is not edited by hand.
 * `charts/README.md` is written by @platform-gen/charts-gen, which owns that whole folder.
 */
import { LEDGER_PATH } from '@platform-gen/bootstrap';
import {
  type Artifact,
  BOOTSTRAP_DIR,
  BOOTSTRAP_KUSTOMIZATION,
  BOOTSTRAP_NAMESPACES_FILE,
  COMPONENTS,
  ESO_SUBDIR,
  KSOPS_GENERATOR_FILE,
  markdownCell,
  OUTPUT_DIRS,
  type PlatformModel,
  SEALED_DIR,
} from '@platform-gen/core';
import { ACCESS_MATRIX_PATH } from '@platform-gen/docs';
import { APP_TREE_PATH, PLATFORM_DOC_PATH } from './platform-doc.js';

export const KUBERNETES_README = 'kubernetes/README.md';
export const GENERATED_DOCS_README = 'docs/generated/README.md';

/** One entry of a folder README: a path (relative to the folder), what it holds, who writes it from what. */
export interface FolderEntry {
  readonly path: string;
  readonly holds: string;
  readonly writtenBy: string;
}

const PLATFORM_FILE = 'platform/platform.ts';
const NAMESPACE_FILE = 'namespaces/<ns>/namespace.ts';
const SECRETS_FILE = 'namespaces/<ns>/secrets.ts';
/** `namespaces/<ns>/` relative to kubernetes/. */
const NAMESPACE_DIR = `${OUTPUT_DIRS.namespaces.slice('kubernetes/'.length)}<ns>/`;

function relative(folder: string, path: string): string {
  if (!path.startsWith(folder)) throw new Error(`${path} is not under ${folder}`);
  return path.slice(folder.length);
}

/** `kubernetes/<folder>/` of a component deployed from a manifest folder. */
function manifestsDir(component: { readonly source: { readonly path: string } }): string {
  return `${relative('kubernetes/', `${component.source.path}/`)}`;
}

export function kubernetesEntries(): FolderEntry[] {
  const bootstrap = relative('kubernetes/', BOOTSTRAP_DIR);
  const namespace = NAMESPACE_DIR;
  const files = (...paths: string[]) => paths.map((p) => `\`${relative(BOOTSTRAP_DIR, p)}\``).join(', ');
  return [
    {
      path: relative('kubernetes/', OUTPUT_DIRS.argoApps),
      holds: 'Argo CD: the root Application, AppProjects, the app-of-apps (`root/`, `platform/`, `tenants/`)',
      writtenBy: `@platform-gen/argo-apps, from ${PLATFORM_FILE} and each ${NAMESPACE_FILE} (its sources)`,
    },
    {
      path: manifestsDir(COMPONENTS.backstageCatalog),
      holds: 'the Backstage catalog: teams, people, domains, systems, namespaces, workloads',
      writtenBy: `@platform-gen/portal, from ${PLATFORM_FILE} and each ${NAMESPACE_FILE}`,
    },
    {
      path: bootstrap,
      holds: `phase 2: ${files(BOOTSTRAP_KUSTOMIZATION, KSOPS_GENERATOR_FILE, BOOTSTRAP_NAMESPACES_FILE)} (KSOPS)`,
      writtenBy: `@platform-gen/bootstrap, from ${PLATFORM_FILE} (bootstrapSecrets)`,
    },
    {
      path: relative('kubernetes/', SEALED_DIR),
      holds: 'the SOPS-encrypted bootstrap Secrets, one `<name>.sops.yaml` each',
      writtenBy: '`platform-gen seal <name>`, never by `pnpm generate` (commit them; values never appear in clear)',
    },
    {
      path: manifestsDir(COMPONENTS.grafanaConfig),
      holds: "Grafana's organizations (one per team) and datasources, applied by a Job",
      writtenBy: `@platform-gen/grafana-config, from ${PLATFORM_FILE} (teams)`,
    },
    {
      path: namespace,
      holds: 'a tenant namespace: Namespace, quota, limits, network policies, RBAC, default ServiceAccount',
      writtenBy: `@platform-gen/tenant-baseline, from ${NAMESPACE_FILE}`,
    },
    {
      path: `${namespace}${ESO_SUBDIR}`,
      holds: "the namespace's ESO ServiceAccount, SecretStore and ExternalSecrets",
      writtenBy: `@platform-gen/eso-stores, from ${SECRETS_FILE} and ${NAMESPACE_FILE}`,
    },
    {
      path: manifestsDir(COMPONENTS.platformSecrets),
      holds: "the platform's own Secrets after the handover: stores and ExternalSecrets reading Vault",
      writtenBy: `@platform-gen/eso-stores, from ${PLATFORM_FILE} (bootstrapSecrets)`,
    },
    {
      path: relative('kubernetes/', OUTPUT_DIRS.vaultConfig),
      holds: "Vault's policies, auth roles, mounts, audit and the init and configurer Jobs",
      writtenBy: `@platform-gen/vault-config, from ${PLATFORM_FILE} and each ${NAMESPACE_FILE} and ${SECRETS_FILE}`,
    },
  ];
}

export function generatedDocsEntries(): FolderEntry[] {
  const folder = 'docs/generated/';
  return [
    {
      path: relative(folder, ACCESS_MATRIX_PATH),
      holds: 'who can reach what: per namespace its group, Argo CD role, RBAC, Vault paths, Loki tenant',
      writtenBy: `@platform-gen/docs, from ${PLATFORM_FILE} and every namespace`,
    },
    {
      path: relative(folder, APP_TREE_PATH),
      holds: 'the Argo CD Application tree (Mermaid) with phases, waves and projects',
      writtenBy: `@platform-gen/argo-apps, from ${PLATFORM_FILE}`,
    },
    {
      path: relative(folder, LEDGER_PATH),
      holds: 'per secret, its one authority in each phase',
      writtenBy: `@platform-gen/bootstrap, from ${PLATFORM_FILE}`,
    },
  ];
}

function folderReadme(
  title: string,
  intro: readonly string[],
  entries: readonly FolderEntry[],
  owners: readonly string[],
): string {
  return [
    `# ${title}`,
    '',
    ...intro,
    '',
    '| path | what lives there | written by |',
    '|---|---|---|',
    ...entries.map((e) => `| \`${markdownCell(e.path)}\` | ${markdownCell(e.holds)} | ${markdownCell(e.writtenBy)} |`),
    '',
    '**Do not edit these files**: change the definition named above and run `pnpm generate`',
    '(`pnpm check` fails when a generated file differs from a fresh generation).',
    '',
    ...owners,
    '',
  ].join('\n');
}

export function readmeArtifacts(model: PlatformModel): Artifact[] {
  return [
    {
      path: KUBERNETES_README,
      source: model.platformFile,
      content: folderReadme(
        'kubernetes/',
        [
          'Raw manifests Argo CD applies, one folder per responsibility (one Application each). Only this',
          'folder holds raw manifests (LAY-1); `platform-gen validate` checks hand-written YAML here too.',
        ],
        kubernetesEntries(),
        [
          'Who owns it (DESIGN.md §4, CODEOWNERS): the platform admins, through platform/ and each',
          `namespace.ts; a team changes only its ${SECRETS_FILE}, which feeds \`${NAMESPACE_DIR}${ESO_SUBDIR}\`.`,
        ],
      ),
    },
    {
      path: GENERATED_DOCS_README,
      source: model.platformFile,
      content: folderReadme(
        'docs/generated/',
        [
          'Documents read back from the definitions and the generated objects, so they cannot disagree with',
          `what is deployed. The overview with the phase and authority diagrams is [../platform.md](../${relative('docs/', PLATFORM_DOC_PATH)}).`,
        ],
        generatedDocsEntries(),
        ['Who owns it (DESIGN.md §4, CODEOWNERS): the platform admins.'],
      ),
    },
  ];
}
