/**
 * `profile <file.cpuprofile...>`: sums a V8 CPU profile (`node --cpu-prof`) by area of the pipeline. Each
 * sample goes to the innermost frame of platform-gen's own code on its stack (a library or Node-internal frame
 * counts for the platform-gen code that called it: ajv for validation, `yaml` for the repository view, fs for
 * whoever reads or writes); samples with no platform-gen frame are start-up, GC or idle.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Areas by source file, first match wins; matched against the frame's URL. */
const AREAS: readonly (readonly [RegExp, string])[] = [
  [/core\/src\/(load-definitions|plain-data|define)\.ts/, 'definition loading'],
  [/core\/src\/(validate|schema-validate|validate-[a-z-]+|names|vault-paths)\.ts/, 'validation'],
  [/core\/src\/locate\.ts/, 'locating issues (ts-morph)'],
  [/core\/src\/yaml\.ts/, 'YAML serialization'],
  [/core\/src\/hcl\.ts/, 'HCL serialization'],
  [/core\/src\/write-files\.ts/, 'planWrite / applyPlan (read, compare, write)'],
  [/core\/src\/render\.ts|core\/src\/real-tools\.ts/, 'render (helm / kustomize)'],
  [/core\/src\/repo-view\.ts/, 'repository view'],
  [/core\/src\/invariants\//, 'invariants'],
  [/core\/src\/(file-set|bookkeeping)\.ts/, 'FileSet (merge, headers, manifest)'],
  [/core\/src\/(schema-types)\.ts/, 'schema types (json-schema-to-typescript)'],
  [/core\/src\/pipeline\.ts/, 'pipeline (other)'],
  [/packages\/(?!core\/|cli\/|bench\/)[a-z-]+\/src\//, 'generators'],
  [/core\/src\//, 'core helpers (labels, components, ...)'],
  [/packages\/cli\/src\/commands\/generate\.ts|packages\/cli\/src\/report\.ts/, 'CLI (report, output)'],
  [/packages\/cli\//, 'CLI (start)'],
];

function areaOf(url: string): string | undefined {
  if (url === '' || url.includes('/node_modules/')) return undefined;
  for (const [pattern, area] of AREAS) if (pattern.test(url)) return area;
  return undefined;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly areas: readonly { readonly area: string; readonly ms: number }[];
  readonly functions: readonly { readonly name: string; readonly ms: number }[];
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const areaCache = new Map<number, string>();
  const attribute = (id: number): string => {
    const cached = areaCache.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id);
    const own = node === undefined ? undefined : areaOf(node.callFrame.url);
    const up = parent.get(id);
    const fallback = node === undefined ? '(unknown)' : builtinArea(node.callFrame);
    const area = own ?? (up === undefined ? fallback : attributeOrFallback(up, fallback));
    areaCache.set(id, area);
    return area;
  };
  // A frame with no platform-gen ancestor keeps its own label ((garbage collector), (idle), module loading).
  const attributeOrFallback = (id: number, fallback: string): string => {
    const area = attribute(id);
    return area.startsWith('(') ? fallback : area;
  };
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const area = attribute(id);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const frame = byId.get(id)?.callFrame;
    if (frame !== undefined) {
      const file = frame.url.replace(/^.*\/(packages|node_modules)\//, '$1/');
      const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
      functions.set(name, (functions.get(name) ?? 0) + ms);
    }
  });
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    totalMs,
    areas: sorted(areas).map(([area, ms]) => ({ area, ms })),
    functions: sorted(functions)
      .slice(0, 25)
      .map(([name, ms]) => ({ name, ms })),
  };
}

function builtinArea(frame: ProfileNode['callFrame']): string {
  if (frame.functionName.startsWith('(')) return frame.functionName;
  if (frame.url.includes('/tsx/') || frame.url.includes('esbuild')) return '(tsx / esbuild)';
  return '(start-up, module loading, other)';
}

export function formatProfile(file: string): string {
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const pct = (ms: number) => `${((100 * ms) / summary.totalMs).toFixed(1)}%`;
  const lines = [
    `${file}: ${(summary.totalMs / 1000).toFixed(2)} s sampled`,
    '',
    '| area | s | share |',
    '|---|---:|---:|',
  ];
  for (const { area, ms } of summary.areas) lines.push(`| ${area} | ${(ms / 1000).toFixed(2)} | ${pct(ms)} |`);
  lines.push('', 'Top functions by self time:', '');
  for (const { name, ms } of summary.functions) lines.push(`- ${(ms / 1000).toFixed(2)} s ${pct(ms)} ${name}`);
  return `${lines.join('\n')}\n`;
}
