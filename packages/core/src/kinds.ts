/**
 * Every apiVersion and kind platform-gen writes, in one place. ESO dropped v1beta1 in 0.17 and broke
 * manifests that spelled versions inline; here an upgrade is one line.
 */
export const KINDS = {
  Namespace: { apiVersion: 'v1', kind: 'Namespace' },
  ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount' },
  ResourceQuota: { apiVersion: 'v1', kind: 'ResourceQuota' },
  LimitRange: { apiVersion: 'v1', kind: 'LimitRange' },
  ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  Job: { apiVersion: 'batch/v1', kind: 'Job' },
  Secret: { apiVersion: 'v1', kind: 'Secret' },
  Kustomization: { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' },
  /** KSOPS's kustomize exec generator (viaduct-ai/kustomize-sops v4). */
  Ksops: { apiVersion: 'viaduct.ai/v1', kind: 'ksops' },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  SecretStore: { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore' },
  ExternalSecret: { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret' },
  Application: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' },
  AppProject: { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject' },
} as const;

export type KindName = keyof typeof KINDS;

/**
 * Kinds without a namespace, so a missing `metadata.namespace` does not mean the Application's destination.
 * The built-in ones and those of the platform's charts; an unknown CRD is taken as namespaced.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'IngressClass',
  'PriorityClass',
  'RuntimeClass',
  'CSIDriver',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ClusterSecretStore',
  'ClusterExternalSecret',
  'ClusterPushSecret',
  'ClusterGenerator',
]);
