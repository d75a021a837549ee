/**
 * kubernetes/grafana-config/: a kustomization whose ConfigMap holds the desired organizations (each with its
 * dashboard folder and Loki datasource) and the script, and a Sync-hook Job that converges Grafana through its
 * HTTP API as the break-glass admin (Secret grafana-admin, written by ESO). Grafana's provisioning files cannot
 * do this: they name organizations by id, and organizations themselves are not provisionable.
 */
import { createHash } from 'node:crypto';
import { type GrafanaOrganization, grafanaOrganizations } from '@platform-gen/charts-gen';
import {
  type Artifact,
  COMPONENTS,
  KINDS,
  LABELS,
  MANAGED_BY,
  PLATFORM_SECRETS,
  type PlatformModel,
  standardMetadata,
  yamlArtifact,
} from '@platform-gen/core';
import { CONFIGURE_SCRIPT } from './script.js';

/** Core has no OUTPUT_DIRS entry for it yet: the component's own manifests path. */
export const GRAFANA_CONFIG_DIR = `${COMPONENTS.grafanaConfig.source.path}/`;
const FILES = `${GRAFANA_CONFIG_DIR}files/`;
const NAME = COMPONENTS.grafanaConfig.name;
const NAMESPACE = COMPONENTS.grafanaConfig.namespace;
const CONFIG_MAP = `${NAME}-files`;
/** curlimages/curl (Alpine: busybox sh, curl, base64); runs as curl_user, uid 100, gid 101. */
export const CURL_IMAGE = 'curlimages/curl:8.11.1';
/** Written into the address of every organization the Job creates; only such organizations are ever deleted. */
export const ORG_MARKER = 'managed-by platform-gen';
/** The grafana chart's Service (release grafana in the grafana namespace) and Deployment. */
const GRAFANA_RELEASE = COMPONENTS.grafana.name;

/** The body the Job POSTs or PUTs, its digest in jsonData so an unchanged datasource is not rewritten. */
export function datasourceBody(
  org: GrafanaOrganization,
): { digest: string; body: Record<string, unknown> } | undefined {
  const ds = org.datasource;
  if (ds === undefined) return undefined;
  const { editable: _editable, ...rest } = ds;
  const digest = createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
  return { digest, body: { ...rest, jsonData: { ...ds.jsonData, platformGenDigest: digest } } };
}

export function grafanaConfigArtifacts(model: PlatformModel): Artifact[] {
  const source = model.platformFile;
  const orgs = grafanaOrganizations(model);
  const lines: string[] = [];
  const artifacts: Artifact[] = [{ path: `${FILES}configure.sh`, source, content: CONFIGURE_SCRIPT }];
  const files = ['configure.sh', 'orgs'];
  for (const org of orgs) {
    const ds = datasourceBody(org);
    lines.push(`${org.name} ${org.datasource?.uid ?? '-'} ${ds?.digest ?? '-'} ${org.folderUid}`);
    if (ds === undefined) continue;
    files.push(`datasource-${org.name}.json`);
    artifacts.push({
      path: `${FILES}datasource-${org.name}.json`,
      source,
      content: `${JSON.stringify(ds.body, null, 2)}\n`,
      documents: [ds.body],
    });
  }
  artifacts.push({ path: `${FILES}orgs`, source, content: lines.map((l) => `${l}\n`).join('') });

  const meta = (name: string) => ({ name, namespace: NAMESPACE, ...standardMetadata(model, source) });
  artifacts.push(
    yamlArtifact(`${GRAFANA_CONFIG_DIR}kustomization.yaml`, source, [
      {
        ...KINDS.Kustomization,
        namespace: NAMESPACE,
        resources: ['rbac.yaml', 'job.yaml'],
        configMapGenerator: [{ name: CONFIG_MAP, files: files.sort().map((f) => `files/${f}`) }],
      },
    ]),
    yamlArtifact(`${GRAFANA_CONFIG_DIR}rbac.yaml`, source, [
      { ...KINDS.ServiceAccount, metadata: meta(NAME), automountServiceAccountToken: false },
      {
        ...KINDS.Role,
        metadata: meta(NAME),
        // Only to restart Grafana after creating an organization (it resolves org_mapping's names at start).
        rules: [
          {
            apiGroups: ['apps'],
            resources: ['deployments'],
            resourceNames: [GRAFANA_RELEASE],
            verbs: ['get', 'patch'],
          },
        ],
      },
      {
        ...KINDS.RoleBinding,
        metadata: meta(NAME),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAME },
        subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: NAMESPACE }],
      },
    ]),
    yamlArtifact(`${GRAFANA_CONFIG_DIR}job.yaml`, source, [job(model)]),
  );
  return artifacts;
}

function job(model: PlatformModel) {
  const meta = standardMetadata(model, model.platformFile);
  const admin = PLATFORM_SECRETS.grafanaAdmin;
  return {
    ...KINDS.Job,
    metadata: {
      name: NAME,
      namespace: NAMESPACE,
      labels: meta.labels,
      annotations: {
        ...meta.annotations,
        'argocd.argoproj.io/hook': 'Sync',
        // After the ServiceAccount, RBAC and ConfigMap (wave 0).
        'argocd.argoproj.io/sync-wave': '1',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      },
    },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 1800,
      template: {
        metadata: { labels: { [LABELS.managedBy]: MANAGED_BY, 'app.kubernetes.io/name': NAME } },
        spec: {
          serviceAccountName: NAME,
          automountServiceAccountToken: false,
          restartPolicy: 'Never',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 100,
            runAsGroup: 101,
            fsGroup: 101,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: NAME,
              image: CURL_IMAGE,
              command: ['/bin/sh', '/config/configure.sh'],
              env: [
                { name: 'GRAFANA_URL', value: `http://${GRAFANA_RELEASE}.${COMPONENTS.grafana.namespace}.svc` },
                { name: 'ORG_MARKER', value: ORG_MARKER },
                { name: 'CONFIG_DIR', value: '/config' },
                { name: 'ADMIN_DIR', value: '/grafana-admin' },
                { name: 'WORK_DIR', value: '/tmp' },
                { name: 'WAIT_ATTEMPTS', value: '120' },
                { name: 'WAIT_SECONDS', value: '5' },
                { name: 'NAMESPACE', value: NAMESPACE },
                { name: 'KUBE_API', value: 'https://kubernetes.default.svc' },
                { name: 'RESTART_DEPLOYMENT', value: GRAFANA_RELEASE },
                { name: 'KUBE_TOKEN_FILE', value: '/var/run/secrets/kube/token' },
                { name: 'KUBE_CA_FILE', value: '/var/run/secrets/kube/ca.crt' },
              ],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              resources: {
                requests: { cpu: '20m', memory: '32Mi' },
                limits: { cpu: '200m', memory: '64Mi' },
              },
              volumeMounts: [
                { name: 'config', mountPath: '/config', readOnly: true },
                { name: 'grafana-admin', mountPath: '/grafana-admin', readOnly: true },
                { name: 'kube', mountPath: '/var/run/secrets/kube', readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: CONFIG_MAP } },
            // Readable by the Job's group only; the values reach curl through a config file, never argv.
            { name: 'grafana-admin', secret: { secretName: admin.name, defaultMode: 0o440 } },
            {
              name: 'kube',
              projected: {
                sources: [
                  { serviceAccountToken: { expirationSeconds: 600, path: 'token' } },
                  { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                ],
              },
            },
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
          ],
        },
      },
    },
  };
}
