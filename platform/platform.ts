import { definePlatform } from '@platform-gen/core';

const EXAMPLE_RECOVERY_KEY =
  'mQGNBGsGIo4BDADm7+j/tfNO7boSJGhulaMTC/Jlt3dS8ty6+w2AXjD7ZZHdywYVaPIsn/Pg5kIad8Hi/T8Mdx0VQJqCqal+evyi7y72HkX1FlyAnIyMUeFejZLMXVIISTZHm5grvw4oBHvX1FH2S8XJzj/CN5txqA4BxRlxQGOYXsmr5BFelyQz+wUv4XU0fhYzD959VaLlWRusq1fTfDYppO/GMo14Gh1xLpFZHpWdIQGavgL/ldIIPcD5dyEa2yyYdN19wfzyJeVdRkb0Yw+dhRy0OFnwMqAlSl+81E1ugVszZsKKuoPCYDjvzPwKNn/sepIVajTNXwdJgBVxrhAYljU1J4NBFKjlZ7lG4apOA2SH06GB7BsPaWTznC5ctqXakPXcp7CjdzOXtSsNWGQFJ+KRxOl4iJDtPXU+TDGaS1oQF0xaRLCRCjKzhNM1GvaQ+n7QP3ykJ/3yckVysu1C7cSjz36owFsOWxfiUDqH6NLGL5F1U6GTTepmKn0Aqu1FtC2mmuEl6+kAEQEAAbRARXhhbXBsZSBQbGF0Zm9ybSBBZG1pbiAocmVwbGFjZSBtZSkgPGFkbWluQHBsYXRmb3JtLmV4YW1wbGUuY29tPokBzgQTAQoAOBYhBPtBxEfPg0+2LKuHy3PYp6J81eblBQJrBiKOAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJEHPYp6J81ebl7twMAJqjTFFJthY3Oi/Lj1jy7LMJW+qBkhPfvJc3JKzYF6Cz/LxfDhfpRxZ1GndUhHBLWoZ8yV8ry8LpGgFSLwx/meEPOUKkBIoPrqrhqRKupKayXF1lkdwg2fMeHkDgTNswi9TRmLZlIaPGVcnZ0oupSK5GxXo8nmXhTTZUOyFtY1BTm9uGBVmYH+LyVTarDi0BrNRp/jANEjutiWC3fX8Iqyxxokb9B850YeRa2inNNpEYk8yGXH+e+XRCpK7sXzMCtzKI90K2Tz7sf3pg4+xmfDeALU5NQZHtPCq+pvj1cIyEj8igLcXk1v372/LcFg0L9q5b+d15WftQ0wDOG5ayi39YptRAcbDiljGslW8gK9OokbgBljX6v5Obw1Ra02KdAYJFG+ww4EsCa0fjKNY6WRui8cOTr/KEvQ8gVrNaHv2t8wnEgX83bMJ4VX8Oz7aUdSQ2G5jH0uwFIRv+QorMRNWKVYIBsd1Pd+QOEnTZHoAWZdXfdNcNtzNeX6M+F8j0U7kBjQRrBiKQAQwAtFNXENO2XDBtVvXq/DrSaReZsJ03KI7XioGnJcNn5M5P3TOY8c8AbLoKFdJ2xNAtXPnRTdRL89hmtN6lLtxsJnGWOX8ZtbMhTesWOXMOFbQCDDIb33S+kC74SXDkzip1Qc/d8Wcu4UnvT7CADekANiml9GWCLVrZBrT3ELFwI742ojRlZ/VllUn1m/18dsvq9yTmmfBemGBmyakZKkxgS/MjWNOls/zePi/DYpiD2jaDggDCiC3xovU7NknMhOSxAQwz6orRbGINXZjHoP+rkXljdvLOi9+V/Si3xUdS37qFBMa9NZyMiY1IrAhXfO3FXr/fC5DKTZhS1twTq2JqyVGV/2V86ID/qAqFFrIB0jStZsKSFY6Z1YIQvYRA2hi2y64zOLFT6WqUmdiwbN197WBB9N83x/vTX7UIe4n/LAHOl8CavWk3tmKMXzbYq6pbC9AtdSLkwPfKFxKAbwKwtpT6Sj7KmlT6YzxJwf2i+mc1s6SX175BRkTvoOwbDW8tABEBAAGJAbYEGAEKACAWIQT7QcRHz4NPtiyrh8tz2KeifNXm5QUCawYikAIbDAAKCRBz2KeifNXm5a8mC/9Fld6wgVRSvMcGj5+n1jveVAvVi0r38CdMp9ekXBj9bI2gVtMHVnUhwWPdqBclmsGPbvp6lzauSIpDgo1deiourbalE/7CKQdfcxLsyCIW2FawhlEJZox+cVoj3buI0QsGZ8h5Yc0Trf7CXx8q7NROnC61Fnb1w8VFc8ZehKFQetxtKmmc4iB752i6k2/kWZZxH8UMwgRGlbiU3ldwBTB9aAFiX1sNNLwmkdUCjiuu9TVtBlfvTtO0rwq+VAapYmIl5RHYnOiHOTvCuirVgeCojorOkIF6fRJRan+btLEaTljsxhhZ4JuMBgWu9n8Rof99gozsY3GV29LZdj+Os6I2KbmKJ6NpbrpVFkEonQdlVqQeH+08e4OlRd4/pwUxifUh3/yuQ3cY6CQeogAYpAbfXVr8g7BO5De5sBXdDYHcPx4WM5N0p24XBe1DvBC9mXv7ZqYCw5PgI7zuRF/tgvTNT04wxBVWKCsxLOKz4jK6wTma15i3i9yhX/OYL6Kof08=';

/** The example platform. Admin-owned: teams never edit this file (see CODEOWNERS). */
export default definePlatform({
  formatVersion: 2,
  name: 'example',
  domain: 'platform.example.com',
  git: {
    repoURL: 'https://git.example.com/platform/platform.git',
    targetRevision: 'main',
    // Owners in the generated CODEOWNERS: admins review everything, a team its namespaces' secrets.ts.
    codeowners: {
      admins: '@example/platform-admins',
      teams: { payments: '@example/team-payments', storefront: '@example/team-storefront' },
    },
  },
  cluster: {
    name: 'in-cluster',
    server: 'https://kubernetes.default.svc',
    kubeVersion: '1.33.0',
  },
  identity: {
    realm: 'platform',
    adminGroup: 'platform-admins',
    auditorGroup: 'platform-auditors',
    kubernetesGroupPrefix: 'oidc:',
  },
  vault: {
    kvMount: 'secret',
    kubernetesAuthMount: 'kubernetes',
    audience: 'vault',
    // Unseal without humans after every restart and on a wiped cluster (docs/adr/0008).
    seal: { type: 'awskms', region: 'eu-central-1', kmsKeyId: 'alias/example-platform-vault-unseal' },
    recovery: {
      // Replace with your recovery holders' public keys (gpg --export <id> | base64 -w0).
      // This one belongs to a throwaway example key whose private half was never kept.
      pgpKeys: [EXAMPLE_RECOVERY_KEY],
      threshold: 1,
    },
  },
  // Phase 0: the offline root. Recipients are public keys (platform-gen keygen prints one); .sops.yaml is
  // generated from them. These two belong to throwaway example identities whose private halves were never kept:
  // replace them with your own before sealing real values.
  sops: {
    recipients: [
      {
        name: 'offline-recovery',
        recipient: 'age1pe80l2vujw33mv0pkt8wwkgra406yg68w0lmr9aaf7wmyz5czvqsql9836',
        holder: 'platform admins, offline (air-gapped safe); rebuilds a wiped cluster',
      },
      {
        name: 'cluster',
        recipient: 'age1cpaelldkrvahhu255m2psfjfxzuv6w28puuy47ccpzvtkua005zsxtx5hq',
        holder: 'argocd-repo-server (Secret argocd/sops-age, created by platform-gen bootstrap)',
      },
    ],
  },
  // Every secret needed before Vault is authoritative, or seeded into it once at the handover (phase 3).
  // Seal each with: platform-gen seal <name> (values from stdin or a file, never from the command line).
  bootstrapSecrets: [
    {
      name: 'argocd-repo',
      namespace: 'argocd',
      keys: ['type', 'url', 'username', 'password'],
      labels: { 'argocd.argoproj.io/secret-type': 'repository' },
      phase: 1,
      consumer: 'argocd-repo-server: clones this repository',
      suppliedBy: 'platform admins: a read-only deploy token from the Git host',
      handover: {
        to: 'none',
        reason: 'Argo CD needs it to read Git before anything else runs, and has no Vault identity',
      },
    },
    {
      name: 'vault-tls',
      namespace: 'vault',
      keys: ['tls.crt', 'tls.key', 'ca.crt'],
      phase: 3,
      consumer: 'vault: listener and raft peers',
      suppliedBy: 'platform admins: issued by the platform CA for vault.vault.svc and vault-N.vault-internal',
      handover: { to: 'none', reason: 'Vault reads it to start: Vault cannot serve its own certificate' },
    },
    {
      name: 'vault-oidc',
      namespace: 'vault',
      keys: ['client-secret'],
      phase: 3,
      consumer: 'vault-configure: human login through Keycloak, read from Vault',
      suppliedBy: 'platform admins: random, the same value as the Keycloak client vault',
      handover: { to: 'vault', path: 'platform/oidc/vault' },
    },
    {
      name: 'keycloak-admin',
      namespace: 'keycloak',
      keys: ['username', 'password'],
      phase: 4,
      consumer: 'keycloak (bootstrap admin) and keycloak-config',
      suppliedBy: 'platform admins: random',
      handover: { to: 'vault', path: 'platform/keycloak/admin' },
    },
    {
      name: 'keycloak-db',
      namespace: 'keycloak',
      keys: ['password'],
      phase: 4,
      consumer: 'keycloak: its PostgreSQL database',
      suppliedBy: 'platform admins: the database password',
      handover: { to: 'vault', path: 'platform/keycloak/db' },
    },
    {
      name: 'grafana-admin',
      namespace: 'grafana',
      keys: ['admin-user', 'admin-password'],
      phase: 4,
      consumer: 'grafana: break-glass admin',
      suppliedBy: 'platform admins: random',
      handover: { to: 'vault', path: 'platform/grafana/admin' },
    },
    {
      name: 'grafana-oidc',
      namespace: 'grafana',
      keys: ['client-secret'],
      phase: 4,
      consumer: 'grafana: OIDC login through Keycloak',
      suppliedBy: 'platform admins: random, the same value as the Keycloak client grafana',
      handover: { to: 'vault', path: 'platform/grafana/oidc' },
    },
    {
      name: 'backstage-oidc',
      namespace: 'backstage',
      keys: ['AUTH_OIDC_CLIENT_SECRET'],
      phase: 4,
      consumer: 'backstage: OIDC login through Keycloak',
      suppliedBy: 'platform admins: random, the same value as the Keycloak client backstage',
      handover: { to: 'vault', path: 'platform/backstage/oidc' },
    },
  ],
  // The portal's map of the platform: namespaces join a system with system: '<name>' in their namespace.ts.
  catalog: {
    domains: [{ name: 'commerce', description: 'Selling and getting paid', owner: 'storefront' }],
    systems: [
      { name: 'payments', description: 'Card payments, refunds and settlement', domain: 'commerce', owner: 'payments' },
      { name: 'webshop', description: 'The public web shop', domain: 'commerce', owner: 'storefront' },
    ],
  },
  teams: [
    {
      name: 'payments',
      group: 'team-payments',
      description: 'Card payments and refunds',
      members: [
        { username: 'alice', displayName: 'Alice Example', email: 'alice@example.com' },
        { username: 'bob', displayName: 'Bob Example', email: 'bob@example.com' },
      ],
    },
    {
      name: 'storefront',
      group: 'team-storefront',
      description: 'The public web shop',
      members: [{ username: 'carol', displayName: 'Carol Example', email: 'carol@example.com' }],
    },
  ],
});
