/**
 * Renders Argo CD the way its own Application will: the real `helm template` (v4, no shell) with the chart
 * and version of `COMPONENTS.argocd` and the committed values file, CRDs included.
 */
import { join } from 'node:path';
import { COMPONENTS, chartValuesPath } from '@platform-gen/core';
import { runTool, type ToolResult } from '@platform-gen/core/real-tools';
import { parse, parseAllDocuments } from 'yaml';
import { BootstrapError } from './plan.js';

export interface RenderOptions {
  /** Repository root: the values file is read from it. */
  readonly root: string;
  /** Kubernetes version for `Capabilities.KubeVersion` (the platform's `cluster.kubeVersion`). */
  readonly kubeVersion: string;
  /** A local chart folder or .tgz instead of the chart from its Helm repository (air-gapped mirrors, tests). */
  readonly chart: string | undefined;
}

const ARGOCD = COMPONENTS.argocd;

/** The arguments of `helm template` for Argo CD. */
export function helmTemplateArgs(options: RenderOptions): string[] {
  const { source } = ARGOCD;
  const chart =
    options.chart === undefined
      ? [source.chart, '--repo', source.repoURL, '--version', source.version]
      : [options.chart];
  return [
    'template',
    ARGOCD.name,
    ...chart,
    '--namespace',
    ARGOCD.namespace,
    '--values',
    join(options.root, chartValuesPath(ARGOCD.name)),
    '--kube-version',
    options.kubeVersion,
    '--include-crds',
  ];
}

/** Every object helm rendered, in helm's order (empty documents dropped). Throws BootstrapError when helm fails. */
export function renderArgoCd(options: RenderOptions): Record<string, unknown>[] {
  const result = helm(helmTemplateArgs(options), options.root);
  if (result.status !== 0) {
    throw new BootstrapError(
      'E_BOOTSTRAP_HELM',
      `helm template of ${chartName(options)} failed (exit ${result.status}):\n${result.stderr.trim()}`,
    );
  }
  return parseObjects(result.stdout, `the output of helm template (${chartName(options)})`);
}

/**
 * A warning when `--chart` is not the chart and version the argocd Application installs: once Argo CD syncs
 * itself, it replaces what bootstrap installed with that one. Undefined when they match or no --chart was given.
 */
export function getLocalChartWarning(options: RenderOptions): string | undefined {
  if (options.chart === undefined) return undefined;
  const result = helm(['show', 'chart', options.chart], options.root);
  if (result.status !== 0) {
    throw new BootstrapError('E_BOOTSTRAP_HELM', `--chart ${options.chart} is not a chart:\n${result.stderr.trim()}`);
  }
  const meta: unknown = parse(result.stdout, { version: '1.1' });
  const name = isRecord(meta) ? String(meta.name) : '?';
  const version = isRecord(meta) ? String(meta.version) : '?';
  const { source } = ARGOCD;
  if (name === source.chart && version === source.version) return undefined;
  return `--chart ${options.chart} is ${name} ${version}, but the ${ARGOCD.name} Application installs ${source.chart} ${source.version} from ${source.repoURL}: once Argo CD syncs itself, it replaces what bootstrap installs now`;
}

/** Parses a YAML stream of Kubernetes objects; throws BootstrapError naming `what` on a syntax error. */
export function parseObjects(text: string, what: string): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  // YAML 1.1, as the API server's and Argo CD's parsers read it: `on`, `yes`, `0755` are not strings there.
  for (const [index, document] of parseAllDocuments(text, { version: '1.1' }).entries()) {
    const [error] = document.errors;
    if (error !== undefined) {
      throw new BootstrapError(
        'E_BOOTSTRAP_YAML',
        `document ${index + 1} of ${what} is not valid YAML: ${error.message}`,
      );
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) {
      throw new BootstrapError('E_BOOTSTRAP_YAML', `document ${index + 1} of ${what} is not a mapping`);
    }
    objects.push(value);
  }
  return objects;
}

/** The real helm; a BootstrapError when it cannot run at all (not installed, not executable). */
function helm(args: readonly string[], cwd: string): ToolResult {
  try {
    return runTool('helm', args, { cwd });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BootstrapError('E_BOOTSTRAP_HELM', `cannot run helm: ${reason}`, { cause: error });
  }
}

function chartName(options: RenderOptions): string {
  const { source } = ARGOCD;
  return options.chart ?? `${source.chart} ${source.version} from ${source.repoURL}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
