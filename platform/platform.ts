import { definePlatform } from '@platform-gen/core';

/** The example platform. Admin-owned: teams never edit this file (see CODEOWNERS). */
export default definePlatform({
  formatVersion: 1,
  name: 'example',
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
    kubernetesGroupPrefix: 'oidc:',
  },
  vault: {
    kvMount: 'secret',
    kubernetesAuthMount: 'kubernetes',
    audience: 'vault',
  },
  teams: [
    { name: 'payments', group: 'team-payments', description: 'Card payments and refunds' },
    { name: 'storefront', group: 'team-storefront', description: 'The public web shop' },
  ],
});
