/**
 * Local charts: charts/<name>/ with a generated Chart.yaml (apiVersion v2), values.yaml from the typed
 * builder, values.schema.json from the same JSON Schema as the builder's types, and templates copied
 * verbatim from this package's local-charts/<name>/templates/ (never through a text template engine).
 *
 * The template files are this package's own assets, read once when the module loads; `generate` itself
 * stays a pure function of the model.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type Artifact, type LocalChart, yamlArtifact } from '@platform-gen/core';

export interface LocalChartSpec {
  readonly source: LocalChart;
  /** Chart.yaml fields. */
  readonly description: string;
  readonly version: string;
  readonly appVersion: string;
  readonly kubeVersion: string;
}

const ASSETS = new URL('../local-charts/', import.meta.url);

function chartName(chart: LocalChart): string {
  return chart.path.slice(chart.path.lastIndexOf('/') + 1);
}

/** `templates/<file>` → content, for every template of the chart, sorted by name. */
export function readTemplates(chart: LocalChart): ReadonlyMap<string, string> {
  const dir = new URL(`${chartName(chart)}/templates/`, ASSETS);
  const names = readdirSync(dir)
    .filter((name) => /\.(ya?ml|tpl|txt)$/.test(name))
    .sort();
  return new Map(names.map((name) => [`templates/${name}`, readFileSync(new URL(name, dir), 'utf8')]));
}

/** Helm validates values against values.schema.json; our own `x-` keywords mean nothing to it and stay out. */
export function helmSchema(schema: Record<string, unknown>): string {
  const { $id: _id, 'x-chart': _chart, ...rest } = schema;
  return `${JSON.stringify(rest, null, 2)}\n`;
}

export function localChartArtifacts(
  spec: LocalChartSpec,
  templates: ReadonlyMap<string, string>,
  values: unknown,
  schema: Record<string, unknown>,
  source: string,
): Artifact[] {
  const dir = spec.source.path;
  const chart = {
    apiVersion: 'v2',
    name: chartName(spec.source),
    description: spec.description,
    type: 'application',
    version: spec.version,
    appVersion: spec.appVersion,
    kubeVersion: spec.kubeVersion,
  };
  return [
    yamlArtifact(`${dir}/Chart.yaml`, source, [chart]),
    yamlArtifact(`${dir}/values.yaml`, source, [values]),
    { path: `${dir}/values.schema.json`, source, content: helmSchema(schema) },
    ...[...templates].map(([path, content]) => ({ path: `${dir}/${path}`, source, content })),
  ];
}
