/**
 * Every Backstage catalog apiVersion and kind the portal writes, in one place (as core's KINDS is for Kubernetes).
 */

const CATALOG_API_VERSION = 'backstage.io/v1alpha1';

export const CATALOG_KINDS = {
  Group: { apiVersion: CATALOG_API_VERSION, kind: 'Group' },
  User: { apiVersion: CATALOG_API_VERSION, kind: 'User' },
  Domain: { apiVersion: CATALOG_API_VERSION, kind: 'Domain' },
  System: { apiVersion: CATALOG_API_VERSION, kind: 'System' },
  Resource: { apiVersion: CATALOG_API_VERSION, kind: 'Resource' },
  Component: { apiVersion: CATALOG_API_VERSION, kind: 'Component' },
  Location: { apiVersion: CATALOG_API_VERSION, kind: 'Location' },
} as const;

export type CatalogKind = keyof typeof CATALOG_KINDS;
