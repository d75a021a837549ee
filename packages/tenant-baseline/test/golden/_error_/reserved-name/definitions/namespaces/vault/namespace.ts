import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'vault',
  team: 'payments',
  vault: { approvedPrefixes: [] },
});
