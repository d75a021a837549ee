import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'payments-api',
  team: 'payments',
  podSecurity: 'strict',
  owner: 'someone',
  vault: { approvedPrefixes: ['/payments/api', 'payments/*'] },
});
