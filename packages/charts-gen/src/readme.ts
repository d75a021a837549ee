/**
 * charts/README.md: what each folder under charts/ is, the upstream chart and version it configures, and
 * where its values come from. Written by charts-gen because charts-gen owns the whole of charts/.
 */
import {
  type Artifact,
  COMPONENTS,
  type ComponentSpec,
  chartValuesPath,
  compareStrings,
  markdownCell,
  OUTPUT_DIRS,
  type PlatformModel,
} from '@platform-gen/core';

export const CHARTS_README = `${OUTPUT_DIRS.charts}README.md`;

export interface ChartsEntry {
  /** Folder under charts/, with a trailing `/`. */
  readonly folder: string;
  readonly component: string;
  /** `chart version (repository)`, or `local chart` for one kept in this repository. */
  readonly chart: string;
  readonly holds: string;
}

function folderOf(component: ComponentSpec): string | undefined {
  if (component.source.type === 'chart') {
    return chartValuesPath(component.name)
      .slice(OUTPUT_DIRS.charts.length)
      .replace(/values\.yaml$/, '');
  }
  if (component.source.type === 'local-chart' && component.source.path.startsWith(OUTPUT_DIRS.charts)) {
    return `${component.source.path.slice(OUTPUT_DIRS.charts.length)}/`;
  }
  return undefined;
}

/** One entry per folder under charts/, sorted by folder. */
export function chartsEntries(): ChartsEntry[] {
  const entries: ChartsEntry[] = [];
  for (const component of Object.values(COMPONENTS) as ComponentSpec[]) {
    const folder = folderOf(component);
    if (folder === undefined) continue;
    const { source } = component;
    entries.push({
      folder,
      component: `${component.name} (namespace ${component.namespace}, phase ${component.phase})`,
      chart:
        source.type === 'chart'
          ? `\`${source.chart}\` ${source.version} from ${source.repoURL}`
          : 'local chart: `Chart.yaml`, `values.schema.json`, `templates/` (copied verbatim) and `values.yaml`',
      holds: source.type === 'chart' ? '`values.yaml`: the values its Application passes' : component.description,
    });
  }
  return entries.sort((a, b) => compareStrings(a.folder, b.folder));
}

export function chartsReadme(model: PlatformModel): Artifact {
  const rows = chartsEntries().map(
    (e) =>
      `| \`${markdownCell(e.folder)}\` | ${markdownCell(e.component)} | ${markdownCell(e.chart)} | ${markdownCell(e.holds)} |`,
  );
  const content = [
    '# charts/',
    '',
    'Helm values of every upstream chart the platform installs, and the charts kept in this repository. Each',
    "folder belongs to one component's Argo CD Application, which renders the pinned chart with these values",
    '(`platform-gen validate` renders each with the real `helm template`). Versions are pinned in one place,',
    '`packages/core/src/components.ts`: an upgrade is one line there plus `pnpm generate`.',
    '',
    '| folder | component | chart | what it holds |',
    '|---|---|---|---|',
    ...rows,
    '',
    '**Do not edit these files**: the values are built by typed builders in `@platform-gen/charts-gen` from',
    `${model.platformFile}, checked against a JSON Schema per chart (\`packages/charts-gen/schemas/\`); change the`,
    'definition or the builder and run `pnpm generate` (`pnpm check` fails when a file here differs).',
    '',
    'Who owns it (DESIGN.md §4, CODEOWNERS): the platform admins.',
    '',
  ].join('\n');
  return { path: CHARTS_README, source: model.platformFile, content };
}
