/**
 * docs/generated/argocd-apps.md: the Application tree as a Mermaid diagram, built from the same
 * Application objects the generator writes, so picture and manifests cannot disagree.
 */
import type { Artifact } from '@platform-gen/core';

export const DIAGRAM_PATH = 'docs/generated/argocd-apps.md';

export interface TreeNode {
  readonly name: string;
  readonly project: string;
  readonly wave: string;
  readonly phase: string;
  /** Names of the Applications this one renders (app-of-apps only). */
  readonly children: readonly string[];
  /** What it deploys: an in-repo path or a chart, for the label. */
  readonly deploys: string;
}

/** Mermaid labels are double-quoted; quotes and angle brackets become entities. */
function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')}"`;
}

export function diagramArtifact(nodes: readonly TreeNode[], source: string): Artifact {
  const ids = new Map(nodes.map((n, i) => [n.name, `app${i}`]));
  const lines = ['flowchart LR'];
  for (const node of nodes) {
    lines.push(
      `  ${ids.get(node.name)}[${label(`${node.name}\nphase ${node.phase}, wave ${node.wave}\n${node.project}\n${node.deploys}`)}]`,
    );
  }
  for (const node of nodes) {
    for (const child of node.children) {
      const to = ids.get(child);
      if (to !== undefined) lines.push(`  ${ids.get(node.name)} --> ${to}`);
    }
  }
  const rows = nodes.map((n) => `| ${n.name} | ${n.phase} | ${n.wave} | ${n.project} | ${n.deploys} |`);
  const content = [
    '# Argo CD Applications',
    '',
    'The tree Argo CD reconciles, from the root Application the bootstrap command applies. Each box is one',
    'Application (one responsibility); arrows go from an app-of-apps to the Applications it holds. Waves follow',
    'the phases of RFC-SECOPS-0001 §3: phase N syncs in waves 10N to 10N+9.',
    '',
    '```mermaid',
    ...lines,
    '```',
    '',
    '| Application | phase | wave | project | deploys |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  return { path: DIAGRAM_PATH, source, content };
}
