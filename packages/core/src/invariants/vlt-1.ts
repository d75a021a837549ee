import type { Issue } from '../issues.js';
import { PLATFORM_NAMESPACES } from '../names.js';
import { fileFinding } from './finding.js';
import type { Invariant } from './index.js';

/** VLT-1 (the part Git can show): Argo CD has no Vault identity, and no role binds every ServiceAccount or namespace. */
export const vlt1: Invariant = {
  id: 'VLT-1',
  rule: 'Argo CD has no Vault identity; Vault audit logging is on; human access to Vault is via Keycloak groups.',
  check(view) {
    const issues: Issue[] = [];
    for (const role of view.roles ?? []) {
      const namespaces = role.role.bound_service_account_namespaces;
      const accounts = role.role.bound_service_account_names;
      const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
      if (list(namespaces).includes(PLATFORM_NAMESPACES.argocd)) {
        issues.push(
          fileFinding(
            'VLT-1',
            role.file,
            'bound_service_account_namespaces',
            `role ${role.name} gives the Argo CD namespace a Vault identity`,
            'Argo CD only applies manifests and never reads Vault: remove the binding',
          ),
        );
      }
      if (list(namespaces).includes('*') || list(accounts).includes('*')) {
        issues.push(
          fileFinding(
            'VLT-1',
            role.file,
            list(namespaces).includes('*') ? 'bound_service_account_namespaces' : 'bound_service_account_names',
            `role ${role.name} binds every ServiceAccount or namespace ("*"), Argo CD's included`,
            'bind exactly the ServiceAccount and namespace that need the role',
          ),
        );
      }
    }
    return issues;
  },
};
