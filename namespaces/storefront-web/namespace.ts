import { defineNamespace } from '@platform-gen/core';

export default defineNamespace({
  name: 'storefront-web',
  team: 'storefront',
  description: 'The web shop frontend',
  system: 'webshop',
  podSecurity: 'restricted',
  network: { ingressFrom: [{ namespace: 'ingress-nginx', ports: [8080] }] },
  sources: [
    { name: 'web', repoURL: 'https://git.example.com/storefront/web.git', path: 'k8s', targetRevision: 'v2.4.1' },
  ],
  vault: { approvedPrefixes: ['storefront/web'] },
});
