import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'legacy-app',
  team: 'payments',
  description: 'Legacy app: needs baseline # for now',
  podSecurity: 'baseline',
  vault: { approvedPrefixes: ['payments/legacy'] },
});
