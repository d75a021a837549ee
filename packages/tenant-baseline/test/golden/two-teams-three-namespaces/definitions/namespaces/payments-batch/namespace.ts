import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'payments-batch',
  team: 'payments',
  podSecurity: 'restricted',
  quota: { pods: 10, requestsCpu: '2' },
  vault: { approvedPrefixes: ['payments/batch', 'shared/settlement'] },
});
