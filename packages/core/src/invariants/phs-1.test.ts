/**
 * PHS-1 on hand-built Applications: waves inside their phase's band, and no Application that renders
 * objects of a CRD before (or together with) the component installing that CRD.
 */
import { describe, expect, it } from 'vitest';
import type { PlatformDefinition } from '../generated/platform.js';
import type { PlatformModel } from '../model.js';
import type { RenderedObject } from '../render.js';
import type { RepoApplication, RepoView } from '../repo-view.js';
import { phs1 } from './apps.js';

const MODEL = {
  platformFile: 'platform/platform.ts',
  platform: {} as PlatformDefinition,
  namespaces: [],
} as PlatformModel;

function app(name: string, phase: string | undefined, wave: string, renders: Partial<RenderedObject>[] = []) {
  const object = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      labels: phase === undefined ? {} : { 'platform-gen.io/phase': phase },
      annotations: { 'argocd.argoproj.io/sync-wave': wave },
    },
  };
  const objects = renders.map((r) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: 'x',
    namespace: 'ns',
    file: undefined,
    object: {},
    ...r,
  }));
  const application: RepoApplication = {
    entry: { file: `kubernetes/argocd-apps/platform/${name}.yaml`, line: 2, generated: false, object },
    name,
    project: 'platform',
    destinationNamespace: 'ns',
    sources: [],
    renders: [{ path: `kubernetes/${name}`, tool: 'directory', inputs: [], objects, error: undefined }],
    missingValueFiles: [],
  };
  return application;
}

function check(...applications: RepoApplication[]) {
  const view: RepoView = { model: MODEL, objects: [], applications };
  return phs1.check(view).map((i) => ({ code: i.code, file: i.file, path: i.path, message: i.message }));
}

const STORE = { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', name: 'vault' };
const ESO = app('external-secrets', '4', '40');

describe('PHS-1', () => {
  it('passes Applications whose waves lie in their phase and that sync after the CRDs they use', () => {
    expect(check(app('argocd', '1', '10'), app('vault', '3', '30'), ESO, app('tenant--a', '4', '41', [STORE]))).toEqual(
      [],
    );
  });

  it('fails a wave outside its phase band, naming the file and the annotation', () => {
    expect(check(app('early', '1', '42'))).toEqual([
      {
        code: 'E_PHS1',
        file: 'kubernetes/argocd-apps/platform/early.yaml',
        path: 'metadata.annotations["argocd.argoproj.io/sync-wave"]',
        message: "PHS-1: Application early: has sync wave 42 outside phase 1's waves 10-19",
      },
    ]);
  });

  it('fails an Application that declares no phase', () => {
    expect(check(app('nophase', undefined, '40')).map((i) => i.message)).toEqual([
      'PHS-1: Application nophase: declares no phase',
    ]);
  });

  it('fails an upward dependency: a phase-3 Application rendering ESO objects before ESO exists (phase 4)', () => {
    expect(check(ESO, app('vault-extras', '3', '32', [STORE]))).toEqual([
      {
        code: 'E_PHS1',
        file: 'kubernetes/argocd-apps/platform/vault-extras.yaml',
        path: 'metadata.annotations["argocd.argoproj.io/sync-wave"]',
        message:
          'PHS-1: Application vault-extras: renders SecretStore vault (external-secrets.io) in wave 32, but Application "external-secrets" installs that API only in wave 40 (phase 4)',
      },
    ]);
  });

  it('fails an Application in the same wave as the CRD it needs (Argo CD would apply both at once)', () => {
    expect(check(ESO, app('same-wave', '4', '40', [STORE])).map((i) => i.code)).toEqual(['E_PHS1']);
  });

  it('reports one finding per API group, not one per object', () => {
    const many = [
      STORE,
      { ...STORE, kind: 'ExternalSecret', name: 'a' },
      { ...STORE, kind: 'ExternalSecret', name: 'b' },
    ];
    expect(check(ESO, app('tenant--early', '4', '40', many))).toHaveLength(1);
  });

  it('uses the phase and order of core/components.ts when the installing Application is not in the repository', () => {
    // No external-secrets Application here: its declared place (phase 4, order 0 = wave 40) still counts.
    expect(check(app('tenant--early', '4', '40', [STORE])).map((i) => i.code)).toEqual(['E_PHS1']);
    expect(check(app('tenant--late', '4', '41', [STORE]))).toEqual([]);
  });
});
