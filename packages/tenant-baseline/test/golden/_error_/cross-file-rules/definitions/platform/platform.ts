import { definePlatform } from '@platform-gen/core';
import { TEST_BOOTSTRAP_SECRETS, TEST_SOPS } from '@platform-gen/core/testing';

export default definePlatform({
  formatVersion: 2,
  name: 'golden',
  domain: 'platform.example.com',
  git: {
    repoURL: 'https://git.example.com/platform/platform.git',
    targetRevision: 'main',
  },
  cluster: {
    name: 'in-cluster',
    server: 'https://kubernetes.default.svc',
    kubeVersion: '1.33.0',
  },
  identity: {
    realm: 'platform',
    adminGroup: 'platform-admins',
    auditorGroup: 'platform-auditors',
  },
  vault: {
    kvMount: 'secret',
    kubernetesAuthMount: 'kubernetes',
    audience: 'vault',
    seal: { type: 'awskms', region: 'eu-central-1', kmsKeyId: 'alias/golden-vault-unseal' },
    recovery: { pgpKeys: ['QUFB'.repeat(30)], threshold: 1 },
  },
  sops: TEST_SOPS,
  bootstrapSecrets: TEST_BOOTSTRAP_SECRETS,
  teams: [
    { name: 'payments', group: 'team-payments', description: 'Card payments' },
    { name: 'storefront', group: 'team-storefront' },
    { name: 'payments', group: 'team-payments-2' },
  ],
});
