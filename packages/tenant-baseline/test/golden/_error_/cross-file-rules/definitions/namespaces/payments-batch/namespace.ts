import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'payments-batch-jobs',
  team: 'paymnets',
  vault: { approvedPrefixes: ['payments/batch'] },
});
