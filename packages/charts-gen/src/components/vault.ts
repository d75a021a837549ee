/**
 * Vault: HA on integrated storage, auto-unseal from the platform's seal, audit storage, no injector and no
 * CSI provider (workloads never reach Vault), no ingress, and a NetworkPolicy that admits only ESO's
 * controller, the init and configurer Jobs, and Vault's own peers.
 */
import {
  DEFAULT_VAULT_SERVER,
  type HclBlock,
  type HclBody,
  hclBody,
  PLATFORM_NAMESPACES,
  PLATFORM_SECRETS,
  type PlatformModel,
  type VaultDefinition,
} from '@platform-gen/core';
import type { VaultValues } from '../generated/vault-values.js';

const REPLICAS = 3;
const TLS_DIR = `/vault/userconfig/${PLATFORM_SECRETS.vaultTls.name}`;
/** Pod labels of the Jobs in kubernetes/vault-config that talk to Vault. */
export const VAULT_CLIENT_JOBS = ['vault-init', 'vault-configure'] as const;

function sealBlock(seal: VaultDefinition['seal']): HclBlock {
  switch (seal.type) {
    case 'awskms':
      return {
        block: 'seal',
        labels: ['awskms'],
        body: [attr('region', seal.region), attr('kms_key_id', seal.kmsKeyId)],
      };
    case 'gcpckms':
      return {
        block: 'seal',
        labels: ['gcpckms'],
        body: [
          attr('project', seal.project),
          attr('region', seal.region),
          attr('key_ring', seal.keyRing),
          attr('crypto_key', seal.cryptoKey),
        ],
      };
    case 'azurekeyvault':
      return {
        block: 'seal',
        labels: ['azurekeyvault'],
        body: [attr('tenant_id', seal.tenantId), attr('vault_name', seal.vaultName), attr('key_name', seal.keyName)],
      };
    case 'transit':
      // The token comes from VAULT_TOKEN (server.extraSecretEnvironmentVars), never from this file.
      return {
        block: 'seal',
        labels: ['transit'],
        body: [attr('address', seal.address), attr('mount_path', seal.mountPath), attr('key_name', seal.keyName)],
      };
  }
}

function attr(name: string, value: string | number | boolean) {
  return { name, value };
}

/** The server configuration, through the one HCL emitter. */
export function vaultServerConfig(model: PlatformModel): string {
  const vault = model.platform.vault;
  const tls = !(vault.server ?? DEFAULT_VAULT_SERVER).startsWith('http://');
  const scheme = tls ? 'https' : 'http';
  const listener: HclBody = [
    attr('address', '[::]:8200'),
    attr('cluster_address', '[::]:8201'),
    ...(tls
      ? [attr('tls_cert_file', `${TLS_DIR}/tls.crt`), attr('tls_key_file', `${TLS_DIR}/tls.key`)]
      : [attr('tls_disable', true)]),
  ];
  const joins: HclBlock[] = Array.from({ length: REPLICAS }, (_, i) => ({
    block: 'retry_join',
    body: [
      attr('leader_api_addr', `${scheme}://vault-${i}.vault-internal:8200`),
      ...(tls ? [attr('leader_ca_cert_file', `${TLS_DIR}/ca.crt`)] : []),
    ],
  }));
  return hclBody([
    attr('ui', true),
    { block: 'listener', labels: ['tcp'], body: listener },
    { block: 'storage', labels: ['raft'], body: [attr('path', '/vault/data'), ...joins] },
    { block: 'service_registration', labels: ['kubernetes'], body: [] },
    sealBlock(vault.seal),
  ]);
}

export function vaultValues(model: PlatformModel): VaultValues {
  const vault = model.platform.vault;
  const tls = !(vault.server ?? DEFAULT_VAULT_SERVER).startsWith('http://');
  const tlsSecret = PLATFORM_SECRETS.vaultTls.name;
  const api = [{ protocol: 'TCP', port: 8200 }];
  const transitToken = PLATFORM_SECRETS.vaultTransitToken;
  return {
    global: { tlsDisable: !tls },
    injector: { enabled: false },
    csi: { enabled: false },
    ui: { enabled: true },
    server: {
      ha: {
        enabled: true,
        replicas: REPLICAS,
        raft: { enabled: true, setNodeId: true, config: vaultServerConfig(model) },
      },
      dataStorage: { enabled: true, size: '10Gi' },
      auditStorage: { enabled: true, size: '10Gi' },
      networkPolicy: {
        enabled: true,
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': PLATFORM_NAMESPACES.externalSecrets },
                },
                podSelector: { matchLabels: { 'app.kubernetes.io/name': 'external-secrets' } },
              },
              ...VAULT_CLIENT_JOBS.map((job) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': job } } })),
            ],
            ports: api,
          },
          {
            // Raft replication and request forwarding between Vault's own pods.
            from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vault' } } }],
            ports: [...api, { protocol: 'TCP', port: 8201 }],
          },
        ],
      },
      ingress: { enabled: false },
      extraSecretEnvironmentVars:
        vault.seal.type === 'transit'
          ? [{ envName: 'VAULT_TOKEN', secretName: transitToken.name, secretKey: transitToken.keys[0] }]
          : [],
      volumes: tls ? [{ name: tlsSecret, secret: { secretName: tlsSecret } }] : [],
      volumeMounts: tls ? [{ name: tlsSecret, mountPath: TLS_DIR, readOnly: true }] : [],
    },
  };
}
