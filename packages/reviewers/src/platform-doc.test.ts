import { COMPONENTS, componentList, type PlatformModel } from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { phaseDiagram, platformDocArtifact, waveOfComponent } from './platform-doc.js';

let model: PlatformModel;
let content: string;
beforeAll(async () => {
  model = await loadExampleModel();
  content = platformDocArtifact(model).content;
});

/** The Mermaid blocks of a Markdown document. */
function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '');
}

/** Phase → the `wave <n>: <name>` lines of its box, from the diagram text. */
function phaseBoxes(diagram: string): Map<number, { wave: number; name: string }[]> {
  const boxes = new Map<number, { wave: number; name: string }[]>();
  for (const match of diagram.matchAll(/^ {2}phase(\d)\["([^"]*)"\]$/gm)) {
    const [title = '', ...body] = (match[2] ?? '').split('\n');
    expect(title).toMatch(new RegExp(`^phase ${match[1]}: `));
    boxes.set(
      Number(match[1]),
      body
        .map((line) => /^wave (\d+): ([a-z0-9-]+)$/.exec(line))
        .filter((m) => m !== null)
        .map((m) => ({ wave: Number(m[1]), name: m[2] ?? '' })),
    );
  }
  return boxes;
}

describe('docs/platform.md', () => {
  it('holds two Mermaid diagrams: the phases and the authority flow', () => {
    const blocks = mermaidBlocks(content);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toBe(phaseDiagram(componentList()).join('\n'));
  });

  it('lists every component once, under its phase, in wave order; phases 0-4 chained', () => {
    const diagram = mermaidBlocks(content)[0] ?? '';
    const boxes = phaseBoxes(diagram);
    expect([...boxes.keys()]).toEqual([0, 1, 2, 3, 4]);
    const listed = [...boxes.values()].flat().map((e) => e.name);
    expect(listed.toSorted()).toEqual(
      componentList()
        .map((c) => c.name)
        .toSorted(),
    );
    for (const component of componentList()) {
      expect(boxes.get(component.phase)?.find((e) => e.name === component.name)?.wave).toBe(waveOfComponent(component));
    }
    for (const entries of boxes.values()) {
      const waves = entries.map((e) => e.wave);
      expect(waves).toEqual(waves.toSorted((a, b) => a - b));
    }
    expect(diagram).toContain('phase0 --> phase1\n  phase1 --> phase2\n  phase2 --> phase3\n  phase3 --> phase4');
  });

  it('escapes what a component description could hold', () => {
    const lines = phaseDiagram([{ ...COMPONENTS.argocd, name: 'odd "name" [x]' }]);
    expect(lines[2]).toContain('wave 10: odd #quot;name#quot; #91;x#93;');
  });

  it('draws the authority flow offline root → Git → Argo CD → bootstrap Secrets → Vault → ESO → workloads', () => {
    const diagram = mermaidBlocks(content)[1] ?? '';
    const edges = [...diagram.matchAll(/^ {2}(\w+) -->\|"[^"]*"\| (\w+)$/gm)].map((m) => `${m[1]}>${m[2]}`);
    expect(edges).toEqual([
      'root>git',
      'git>argocd',
      'argocd>bootstrap',
      'bootstrap>vault',
      'vault>eso',
      'eso>workloads',
    ]);
    expect(diagram).toContain('age recipients: offline-recovery, cluster');
  });

  it('links the Application tree, the authority ledger and the access matrix', () => {
    expect(content).toContain('(generated/argocd-apps.md)');
    expect(content).toContain('(generated/authority-ledger.md)');
    expect(content).toContain('(generated/access-matrix.md)');
  });
});
