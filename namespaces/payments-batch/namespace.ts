import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'payments-batch',
  team: 'payments',
  description: 'Nightly settlement jobs',
  system: 'payments',
  vault: { approvedPrefixes: ['payments/batch'] },
});
