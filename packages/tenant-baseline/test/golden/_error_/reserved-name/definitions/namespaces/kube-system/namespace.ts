import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'kube-system',
  team: 'payments',
  vault: { approvedPrefixes: [] },
});
