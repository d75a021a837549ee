import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'storefront-web',
  team: 'storefront',
  description: 'The web shop frontend',
  podSecurity: 'privileged',
  vault: { approvedPrefixes: ['storefront/web'] },
});
