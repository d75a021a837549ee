/**
 * docs/platform.md: the platform in two pictures, built from the component table and the definition:
 * the phases of RFC-SECOPS-0001 §3 with the components each brings up (in wave order), and the flow of
 * secret authority from the offline root to the workloads.
 */
import { LEDGER_PATH } from '@platform-gen/bootstrap';
import {
  type Artifact,
  COMPONENTS,
  type ComponentSpec,
  componentList,
  OUTPUT_DIRS,
  type Phase,
  type PlatformModel,
  SOPS_CONFIG_FILE,
} from '@platform-gen/core';
import { ACCESS_MATRIX_PATH } from '@platform-gen/docs';
import { mermaidLabel } from './mermaid.js';

export const PLATFORM_DOC_PATH = 'docs/platform.md';
/** Written by @platform-gen/argo-apps (which does not export the constant). */
export const APP_TREE_PATH = 'docs/generated/argocd-apps.md';

const PHASES: readonly Phase[] = [0, 1, 2, 3, 4];

/** What each phase establishes (DESIGN.md §5). */
const PHASE_TITLES: Readonly<Record<Phase, string>> = {
  0: 'offline root and Git',
  1: 'Argo CD and decryption',
  2: 'bootstrap Secrets',
  3: 'Vault, policies, handover',
  4: 'steady state',
};

/** Argo CD sync wave of a component: 10 × phase + order. */
export function waveOfComponent(component: ComponentSpec): number {
  return component.phase * 10 + component.order;
}

/** Components of a phase in wave order; components of one wave keep their declaration order. */
export function componentsOfPhase(phase: Phase, components: readonly ComponentSpec[]): ComponentSpec[] {
  return components
    .map((component, index) => ({ component, index }))
    .filter(({ component }) => component.phase === phase)
    .sort((a, b) => a.component.order - b.component.order || a.index - b.index)
    .map(({ component }) => component);
}

/** The phase flowchart: one box per phase listing `wave <n>: <component>`, arrows phase N → N+1. */
export function phaseDiagram(components: readonly ComponentSpec[]): string[] {
  const lines = ['flowchart TD'];
  for (const phase of PHASES) {
    const members = componentsOfPhase(phase, components);
    const body =
      members.length === 0
        ? [`no Application: age recipients in ${SOPS_CONFIG_FILE}, key never in the repository`]
        : members.map((c) => `wave ${waveOfComponent(c)}: ${c.name}`);
    lines.push(`  phase${phase}[${mermaidLabel([`phase ${phase}: ${PHASE_TITLES[phase]}`, ...body].join('\n'))}]`);
  }
  for (const phase of PHASES.slice(1)) lines.push(`  phase${phase - 1} --> phase${phase}`);
  return lines;
}

/** The authority flow of RFC-SECOPS-0001: who hands each secret to whom, phase by phase. */
export function authorityDiagram(model: PlatformModel): string[] {
  const { platform } = model;
  const recipients = platform.sops.recipients.map((r) => r.name).join(', ');
  const nodes: readonly (readonly [string, string])[] = [
    ['root', `phase 0: offline root\nage recipients: ${recipients}`],
    ['git', `Git: ${platform.git.repoURL} @ ${platform.git.targetRevision}\nSOPS-encrypted, never plaintext`],
    ['argocd', `phase 1: Argo CD (${COMPONENTS.argocd.name})\ndecrypts with KSOPS in the repo-server`],
    [
      'bootstrap',
      `phase 2: bootstrap Secrets (${COMPONENTS.bootstrapSecrets.name})\n${COMPONENTS.bootstrapSecrets.source.path}/`,
    ],
    ['vault', `phase 3: Vault (${COMPONENTS.vault.name}, ${COMPONENTS.vaultConfig.name})\nthe runtime authority`],
    ['eso', `phase 4: External Secrets Operator (${COMPONENTS.externalSecrets.name})\nreads only`],
    ['workloads', 'workloads in the tenant namespaces\nread Kubernetes Secrets, never Vault'],
  ];
  const edges: readonly (readonly [string, string, string])[] = [
    ['root', 'git', 'platform-gen seal encrypts'],
    ['git', 'argocd', 'syncs'],
    ['argocd', 'bootstrap', 'decrypts and applies'],
    ['bootstrap', 'vault', 'handover: copied once, never overwritten'],
    ['vault', 'eso', 'one SecretStore per namespace'],
    ['eso', 'workloads', 'Kubernetes Secrets'],
  ];
  return [
    'flowchart LR',
    ...nodes.map(([id, text]) => `  ${id}[${mermaidLabel(text)}]`),
    ...edges.map(([from, to, text]) => `  ${from} -->|${mermaidLabel(text)}| ${to}`),
  ];
}

/** `docs/generated/x.md` as a link from `docs/platform.md`. */
function fromDocs(path: string): string {
  return path.startsWith('docs/') ? path.slice('docs/'.length) : `../${path}`;
}

export function platformDocArtifact(model: PlatformModel): Artifact {
  const content = [
    '# The platform at a glance',
    '',
    `Platform \`${model.platform.name}\` on cluster \`${model.platform.cluster.name}\`, reconciled by Argo CD from`,
    `\`${model.platform.git.repoURL}\` (\`${model.platform.git.targetRevision}\`). Everything in the cluster comes`,
    `from this repository: raw manifests under \`kubernetes/\`, chart values under \`${OUTPUT_DIRS.charts}\`.`,
    '',
    '## Phases',
    '',
    'RFC-SECOPS-0001 §3: each phase exists before the next starts; a component syncs in wave 10 × phase + order.',
    '',
    '```mermaid',
    ...phaseDiagram(componentList()),
    '```',
    '',
    '## Secret authority',
    '',
    'Each secret has exactly one authority per phase; authority moves once, from Git to Vault, at the handover.',
    'Kubernetes only holds copies.',
    '',
    '```mermaid',
    ...authorityDiagram(model),
    '```',
    '',
    '## More',
    '',
    `- [The Argo CD Application tree](${fromDocs(APP_TREE_PATH)}): every Application, its phase, wave and project.`,
    `- [The secret authority ledger](${fromDocs(LEDGER_PATH)}): per secret, its authority in each phase.`,
    `- [The access matrix](${fromDocs(ACCESS_MATRIX_PATH)}): who can reach what, per namespace.`,
    '',
  ].join('\n');
  return { path: PLATFORM_DOC_PATH, source: model.platformFile, content };
}
