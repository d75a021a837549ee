import {
  type Artifact,
  DEFAULT_POD_SECURITY,
  KINDS,
  LABEL_PREFIX,
  LABELS,
  type NamespaceModel,
  namespaceOutputDir,
  type PlatformModel,
  standardMetadata,
  yamlArtifact,
} from '@platform-gen/core';

/**
 * "false" keeps Prometheus from reading the namespace's ServiceMonitors, PodMonitors, rules, probes and
 * ScrapeConfigs (charts-gen selects namespaces whose label is not "false"; the key is spelled there too).
 */
export const SCRAPE_LABEL = `${LABEL_PREFIX}/scrape`;

/** The scrape label's value: always written, "true" unless the admin set `observability.scrape: false`. */
export function scrapeLabelValue(ns: NamespaceModel): 'true' | 'false' {
  return ns.definition.observability?.scrape === false ? 'false' : 'true';
}

/**
 * The Namespace object: Pod Security labels (restricted unless the admin chose otherwise), ownership labels
 * and whether Prometheus reads the namespace.
 */
export function namespaceArtifact(model: PlatformModel, ns: NamespaceModel): Artifact {
  const level = ns.definition.podSecurity ?? DEFAULT_POD_SECURITY;
  const meta = standardMetadata(model, ns.file, {
    [LABELS.tenant]: ns.name,
    [LABELS.team]: ns.definition.team,
    [SCRAPE_LABEL]: scrapeLabelValue(ns),
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/audit': level,
    'pod-security.kubernetes.io/warn': level,
  });
  const namespace = {
    ...KINDS.Namespace,
    metadata: {
      name: ns.name,
      labels: meta.labels,
      annotations: {
        ...meta.annotations,
        // A namespace holds data (volumes, Secrets): Argo CD deletes or prunes it only after a human confirms.
        'argocd.argoproj.io/sync-options': 'Delete=confirm,Prune=confirm',
        ...(ns.definition.description === undefined
          ? {}
          : { 'platform-gen.io/description': ns.definition.description }),
      },
    },
  };
  return yamlArtifact(`${namespaceOutputDir(ns.name)}namespace.yaml`, ns.dir, [namespace]);
}
