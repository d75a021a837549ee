/**
 * Every key platform-gen sets on an upstream chart exists in that chart's values.yaml: each property our
 * values schemas declare is looked up in upstream/<chart>.keys.tsv, the key paths read from the upstream
 * values.yaml (see its header for the version and commit). A key a chart renamed or never had fails here.
 */
import { readFileSync } from 'node:fs';
import { COMPONENTS, getUpstreamChart } from '@platform-gen/core';
import { describe, expect, it } from 'vitest';
import { VALUES_SCHEMAS } from './schemas.js';

type Schema = Record<string, unknown>;

interface KeyList {
  readonly chart: string;
  readonly version: string;
  readonly keys: ReadonlyMap<string, string>;
}

function readKeyList(chart: string): KeyList {
  const text = readFileSync(new URL(`../upstream/${chart}.keys.tsv`, import.meta.url), 'utf8');
  const header = /^# chart: (\S+) (\S+)/m.exec(text);
  const keys = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [path, type] = line.split('\t');
    keys.set(JSON.stringify(JSON.parse(path ?? '[]')), type ?? '');
  }
  return { chart: header?.[1] ?? '', version: header?.[2] ?? '', keys };
}

function resolve(root: Schema, node: Schema): Schema {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const name = ref.replace(/^#\/definitions\//, '');
  const definitions = root.definitions as Record<string, Schema>;
  const target = definitions[name];
  if (target === undefined) throw new Error(`unresolved ${ref}`);
  return target;
}

/**
 * Key paths the schema declares. The walk stops at arrays (their items are Kubernetes fragments), at
 * objects without declared properties (free-form) and at `x-passthrough` maps (argocd-cm, grafana.ini: the
 * chart hands their keys to the application, so only the map itself is a chart value).
 */
function declaredKeyPaths(root: Schema, node: Schema = root, prefix: string[] = []): string[][] {
  const resolved = resolve(root, node);
  const properties = resolved.properties as Record<string, Schema> | undefined;
  if (prefix.length > 0 && (properties === undefined || resolved['x-passthrough'] === true)) return [prefix];
  const paths: string[][] = prefix.length > 0 ? [prefix] : [];
  for (const [key, child] of Object.entries(properties ?? {})) {
    const target = resolve(root, child);
    if (target.type === 'array') paths.push([...prefix, key]);
    else paths.push(...declaredKeyPaths(root, target, [...prefix, key]));
  }
  return paths;
}

const UPSTREAM = VALUES_SCHEMAS.filter((s) => getUpstreamChart(COMPONENTS[s.component]) !== undefined);

describe('every key we set exists in the upstream chart', () => {
  it('covers every upstream chart of core/components.ts', () => {
    const charts = UPSTREAM.map((s) => getUpstreamChart(COMPONENTS[s.component])?.chart).sort();
    const all = Object.values(COMPONENTS)
      .flatMap((c) => getUpstreamChart(c)?.chart ?? [])
      .sort();
    expect(charts).toEqual(all);
  });

  for (const entry of UPSTREAM) {
    const chart = getUpstreamChart(COMPONENTS[entry.component]);
    if (chart === undefined) continue;
    describe(`${chart.chart} (${entry.file})`, () => {
      const recorded = entry.schema['x-chart'] as { chart: string; checkedAgainst: string };

      it('records the chart and the version its keys were checked against', () => {
        const list = readKeyList(chart.chart);
        expect(recorded.chart).toBe(chart.chart);
        expect(list.chart).toBe(chart.chart);
        expect(recorded.checkedAgainst).toBe(list.version);
      });

      it('declares only keys that the upstream values.yaml has', () => {
        const list = readKeyList(chart.chart);
        const paths = declaredKeyPaths(entry.schema);
        expect(paths.length).toBeGreaterThan(0);
        const missing = paths.filter((path) => !list.keys.has(JSON.stringify(path))).map((p) => p.join('.'));
        expect(missing).toEqual([]);
      });
    });
  }

  it('negative control: a key the chart does not have is found missing', () => {
    const schema: Schema = {
      type: 'object',
      properties: { server: { type: 'object', properties: { noSuchKey: { type: 'boolean' } } } },
    };
    const list = readKeyList('vault');
    expect(declaredKeyPaths(schema).filter((p) => !list.keys.has(JSON.stringify(p)))).toEqual([
      ['server', 'noSuchKey'],
    ]);
  });
});
