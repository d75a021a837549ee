import { describe, expect, it } from 'vitest';
import { BootstrapError } from './plan.js';
import { helmTemplateArgs, parseObjects } from './render.js';

describe('helmTemplateArgs', () => {
  it('renders the chart and version of COMPONENTS.argocd with the committed values, CRDs included', () => {
    expect(helmTemplateArgs({ root: '/repo', kubeVersion: '1.33.0', chart: undefined })).toEqual([
      'template',
      'argocd',
      'argo-cd',
      '--repo',
      'https://argoproj.github.io/argo-helm',
      '--version',
      '10.1.1',
      '--namespace',
      'argocd',
      '--values',
      '/repo/charts/argocd/values.yaml',
      '--kube-version',
      '1.33.0',
      '--include-crds',
    ]);
  });

  it('--chart replaces the remote chart, repository and version by the local path', () => {
    expect(helmTemplateArgs({ root: '/repo', kubeVersion: '1.33.0', chart: '/mirror/argo-cd-10.1.1.tgz' })).toEqual([
      'template',
      'argocd',
      '/mirror/argo-cd-10.1.1.tgz',
      '--namespace',
      'argocd',
      '--values',
      '/repo/charts/argocd/values.yaml',
      '--kube-version',
      '1.33.0',
      '--include-crds',
    ]);
  });
});

describe('parseObjects', () => {
  it('reads YAML 1.1 as the API server does, and drops empty documents', () => {
    const text =
      '---\n# Source: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {enabled: on, quoted: "on"}\n';
    expect(parseObjects(text, 'test')).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { enabled: true, quoted: 'on' } },
    ]);
  });

  it('names the document that is not valid YAML', () => {
    expect(() => parseObjects('a: 1\n---\nb: [\n', 'helm output')).toThrow(BootstrapError);
    expect(() => parseObjects('a: 1\n---\nb: [\n', 'helm output')).toThrow(
      /^document 2 of helm output is not valid YAML/,
    );
    expect(() => parseObjects('- a\n', 'helm output')).toThrow('document 1 of helm output is not a mapping');
  });
});
