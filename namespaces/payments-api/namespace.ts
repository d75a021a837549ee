import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'payments-api',
  team: 'payments',
  description: 'Public payments API',
  system: 'payments',
  sources: [
    {
      name: 'api',
      repoURL: 'https://git.example.com/payments/payments-api.git',
      path: 'deploy/production',
      targetRevision: 'main',
    },
  ],
  vault: { approvedPrefixes: ['payments/api'] },
});
