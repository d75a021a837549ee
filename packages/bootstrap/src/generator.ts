/**
 * Phases 0-2 as files, from the platform definition's age recipients and bootstrap secret inventory:
 * - `.sops.yaml`: the creation rule the real `sops` CLI encrypts with (our `platform-gen seal` reads the
 *   same recipients from the definition, so both agree);
 * - `kubernetes/bootstrap/`: the kustomization the bootstrap-secrets Application renders, its KSOPS
 *   generator listing every sealed file, and the Namespaces those Secrets land in before their
 *   components exist;
 * - `docs/generated/authority-ledger.md`: per secret, its one authority in each phase.
 * The sealed files themselves (`kubernetes/bootstrap/secrets/`) are written by `platform-gen seal`, never here.
 */
import {
  type Artifact,
  authorityLedger,
  BOOTSTRAP_KUSTOMIZATION,
  BOOTSTRAP_NAMESPACES_FILE,
  bootstrapNamespaces,
  type Generator,
  KINDS,
  KSOPS_GENERATOR_FILE,
  type PlatformModel,
  SEALED_DIR,
  SEALED_ENCRYPTED_REGEX,
  SOPS_CONFIG_FILE,
  sealedFilePath,
  standardMetadata,
  toYaml,
  yamlArtifact,
} from '@platform-gen/core';
import { ledgerMarkdown } from './ledger.js';

export const LEDGER_PATH = 'docs/generated/authority-ledger.md';

/** Namespaces the bootstrap Application creates are never pruned or deleted without a confirmation. */
const NAMESPACE_SYNC_OPTIONS = 'Delete=confirm,Prune=confirm';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function sopsConfigArtifact(model: PlatformModel): Artifact {
  const config = {
    creation_rules: [
      {
        path_regex: `^${escapeRegex(SEALED_DIR)}[^/]+\\.sops\\.yaml$`,
        encrypted_regex: SEALED_ENCRYPTED_REGEX,
        age: model.platform.sops.recipients.map((r) => r.recipient).join(','),
      },
    ],
  };
  return { path: SOPS_CONFIG_FILE, source: model.platformFile, content: toYaml(config) };
}

/** Relative path of a sealed file as the kustomization sees it. */
function fromBootstrapDir(path: string): string {
  return `./${path.slice(BOOTSTRAP_KUSTOMIZATION.lastIndexOf('/') + 1)}`;
}

export function bootstrapArtifacts(model: PlatformModel): Artifact[] {
  const { platform, platformFile } = model;
  const artifacts: Artifact[] = [];
  const namespaces = bootstrapNamespaces(platform);
  const secrets = platform.bootstrapSecrets;
  if (namespaces.length > 0) {
    artifacts.push(
      yamlArtifact(
        BOOTSTRAP_NAMESPACES_FILE,
        platformFile,
        namespaces.map((name) => {
          const metadata = standardMetadata(model, platformFile);
          return {
            ...KINDS.Namespace,
            metadata: {
              name,
              labels: metadata.labels,
              annotations: { ...metadata.annotations, 'argocd.argoproj.io/sync-options': NAMESPACE_SYNC_OPTIONS },
            },
          };
        }),
      ),
    );
  }
  if (secrets.length > 0) {
    artifacts.push(
      yamlArtifact(KSOPS_GENERATOR_FILE, platformFile, [
        {
          ...KINDS.Ksops,
          metadata: {
            name: 'bootstrap-secrets',
            annotations: { 'config.kubernetes.io/function': toYaml({ exec: { path: 'ksops' } }) },
          },
          files: secrets.map((secret) => fromBootstrapDir(sealedFilePath(secret.name))),
        },
      ]),
    );
  }
  artifacts.push(
    yamlArtifact(BOOTSTRAP_KUSTOMIZATION, platformFile, [
      {
        ...KINDS.Kustomization,
        resources: namespaces.length > 0 ? [fromBootstrapDir(BOOTSTRAP_NAMESPACES_FILE)] : [],
        ...(secrets.length > 0 ? { generators: [fromBootstrapDir(KSOPS_GENERATOR_FILE)] } : {}),
      },
    ]),
  );
  return artifacts;
}

export const bootstrapGenerator: Generator = {
  name: '@platform-gen/bootstrap',
  owns: [SOPS_CONFIG_FILE, BOOTSTRAP_KUSTOMIZATION, KSOPS_GENERATOR_FILE, BOOTSTRAP_NAMESPACES_FILE, LEDGER_PATH],
  generate: (model) => [
    sopsConfigArtifact(model),
    ...bootstrapArtifacts(model),
    {
      path: LEDGER_PATH,
      source: model.platformFile,
      content: ledgerMarkdown(model.platform, authorityLedger(model.platform)),
    },
  ],
};
