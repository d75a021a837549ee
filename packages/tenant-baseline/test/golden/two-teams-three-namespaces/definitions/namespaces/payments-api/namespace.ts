import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'payments-api',
  team: 'payments',
  description: 'Public payments API',
  vault: { approvedPrefixes: ['payments/api'] },
});
