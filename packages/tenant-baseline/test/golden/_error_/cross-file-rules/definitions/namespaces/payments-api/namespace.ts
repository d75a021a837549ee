import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'payments-api',
  team: 'payments',
  vault: { approvedPrefixes: ['payments'] },
});
