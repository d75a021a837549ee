/**
 * grafana-config as generated from the example definitions: the objects against the upstream Kubernetes
 * schemas, the script through shellcheck, and the script run with sh and the real curl against a local HTTP
 * stand-in for Grafana's API (no Grafana can run here) that records every request.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { grafanaOrganizations, grafanaValues, orgMapping } from '@platform-gen/charts-gen';
import { type Artifact, type PlatformModel, renderFile } from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import { Job } from 'kubernetes-models/batch/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ServiceAccount } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grafanaConfigGenerator, ORG_MARKER } from './index.js';

const run = promisify(execFile);
const DIR = 'kubernetes/grafana-config/';
const SHELLCHECK = '/usr/bin/shellcheck';
const ADMIN_USER = 'break-glass';
const ADMIN_PASSWORD = 'pa"ss w0rd:with$odd';

let model: PlatformModel;
let artifacts: readonly Artifact[];

beforeAll(async () => {
  model = await loadExampleModel();
  artifacts = grafanaConfigGenerator.generate(model);
});

const byPath = (list: readonly Artifact[], name: string): Artifact => {
  const found = list.find((a) => a.path === `${DIR}${name}`);
  if (found === undefined) throw new Error(`no artifact ${DIR}${name}`);
  return found;
};

describe('the manifests', () => {
  it('validate against the Kubernetes schemas', () => {
    const docs = [
      ...(byPath(artifacts, 'rbac.yaml').documents ?? []),
      ...(byPath(artifacts, 'job.yaml').documents ?? []),
    ];
    const kinds = docs.map((d) => {
      const doc = d as { kind: string };
      const Model = { ServiceAccount, Role, RoleBinding, Job }[doc.kind];
      if (Model === undefined) throw new Error(`unexpected kind ${doc.kind}`);
      new Model(d as never).validate();
      return doc.kind;
    });
    expect(kinds).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Job']);
  });

  it('run the Job as a Sync hook, non-root, read-only, credentials only as files from grafana-admin', () => {
    const [job] = (byPath(artifacts, 'job.yaml').documents ?? []) as Job[];
    expect(job?.metadata?.annotations).toMatchObject({
      'argocd.argoproj.io/hook': 'Sync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    });
    const pod = job?.spec?.template.spec;
    const container = pod?.containers[0];
    expect(container?.image).toMatch(/^curlimages\/curl:\d+\.\d+\.\d+$/);
    expect(container?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod?.securityContext?.runAsNonRoot).toBe(true);
    expect(container?.env?.some((e) => e.valueFrom !== undefined)).toBe(false);
    expect(pod?.volumes?.find((v) => v.secret !== undefined)?.secret?.secretName).toBe('grafana-admin');
  });

  it('hold no secret: no Secret object, no password, only namespace names as Loki tenants', () => {
    for (const a of artifacts) {
      expect(a.content, a.path).not.toMatch(/kind: Secret\b|password:|BEGIN [A-Z ]*PRIVATE KEY/);
    }
    for (const org of grafanaOrganizations(model)) {
      if (org.datasource === undefined) continue;
      const body = JSON.parse(byPath(artifacts, `files/datasource-${org.name}.json`).content) as {
        secureJsonData: { httpHeaderValue1: string };
      };
      const own = model.namespaces.filter((ns) => ns.definition.team === org.name).map((ns) => ns.name);
      expect(body.secureJsonData.httpHeaderValue1.split('|').sort()).toEqual(own.sort());
    }
  });
});

describe('sign-in mapping', () => {
  it('org_mapping sends each team group to exactly its organization, admins and auditors everywhere', () => {
    const { adminGroup, auditorGroup } = model.platform.identity;
    const entries = orgMapping(model).split(' ');
    const orgs = grafanaOrganizations(model);
    for (const team of model.platform.teams) {
      expect(entries.filter((e) => e.startsWith(`${team.group}:`))).toEqual([`${team.group}:${team.name}:Viewer`]);
    }
    expect(entries.filter((e) => e.startsWith(`${adminGroup}:`)).sort()).toEqual(
      ['1', ...orgs.map((o) => o.name)].map((o) => `${adminGroup}:${o}:Admin`).sort(),
    );
    expect(entries.filter((e) => e.startsWith(`${auditorGroup}:`)).sort()).toEqual(
      ['1', ...orgs.map((o) => o.name)].map((o) => `${auditorGroup}:${o}:Viewer`).sort(),
    );
    expect(entries.length).toBe(2 + 3 * orgs.length);
    const oauth = grafanaValues(model)['grafana.ini']['auth.generic_oauth'];
    expect(oauth.org_attribute_path).toBe('groups');
    // Team groups get no role from role_attribute_path: Main Org. is the platform's.
    for (const team of model.platform.teams) expect(oauth.role_attribute_path).not.toContain(`'${team.group}'`);
  });

  it('Main Org. provisions Prometheus and the platform and audit Loki datasources, no team Loki', () => {
    const names = grafanaValues(model).datasources['datasources.yaml'].datasources.map((d) => d.name);
    expect(names).toEqual(['Loki (audit)', 'Loki (platform)', 'Prometheus']);
  });
});

describe('shellcheck', () => {
  it('configure.sh passes as POSIX sh', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grafana-config-sc-'));
    const script = byPath(artifacts, 'files/configure.sh');
    const path = join(dir, 'configure.sh');
    await writeFile(path, renderFile(script.path, script.source, script.content));
    const result = spawnSync(SHELLCHECK, ['-s', 'sh', path], { encoding: 'utf8' });
    await rm(dir, { recursive: true, force: true });
    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

interface Org {
  id: number;
  name: string;
  address1: string;
  datasources: Map<string, Record<string, unknown>>;
  /** Folder titles by uid. */
  folders: Map<string, string>;
}

/** A stand-in for the parts of Grafana's HTTP API the script uses (compact JSON, as Grafana writes it). */
class GrafanaStandIn {
  orgs: Org[] = [{ id: 1, name: 'Main Org.', address1: '', datasources: new Map(), folders: new Map() }];
  nextId = 2;
  requests: string[] = [];
  authorizations = new Set<string>();
  server: Server = createServer((req, res) => {
    void this.handle(req).then(([status, body]) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const method = req.method ?? '';
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    this.authorizations.add(String(req.headers.authorization));
    if (path !== '/api/health')
      this.requests.push(
        `${method} ${path}${req.headers['x-grafana-org-id'] ? ` org=${req.headers['x-grafana-org-id']}` : ''}`,
      );
    if (path === '/api/health') return [200, { database: 'ok' }];
    if (path === '/apis/apps/v1/namespaces/grafana/deployments/grafana' && method === 'PATCH') {
      return req.headers.authorization === 'Bearer kube-token' ? [200, { kind: 'Deployment' }] : [401, {}];
    }
    if (req.headers.authorization !== `Basic ${Buffer.from(`${ADMIN_USER}:${ADMIN_PASSWORD}`).toString('base64')}`)
      return [401, { message: 'Unauthorized' }];
    const details = (o: Org) => ({ id: o.id, name: o.name, address: { address1: o.address1, address2: '', city: '' } });
    let m = /^\/api\/orgs\/name\/([^/]+)$/.exec(path);
    if (m && method === 'GET') {
      const org = this.orgs.find((o) => o.name === decodeURIComponent(m?.[1] ?? ''));
      return org ? [200, details(org)] : [404, { message: 'Organization not found' }];
    }
    if (path === '/api/orgs' && method === 'POST') {
      const { name } = JSON.parse(raw) as { name: string };
      const org = { id: this.nextId++, name, address1: '', datasources: new Map(), folders: new Map() };
      this.orgs.push(org);
      return [200, { orgId: org.id, message: 'Organization created' }];
    }
    if (path === '/api/orgs' && method === 'GET') return [200, this.orgs.map((o) => ({ id: o.id, name: o.name }))];
    m = /^\/api\/orgs\/(\d+)(\/address)?$/.exec(path);
    const byId = this.orgs.find((o) => o.id === Number(m?.[1]));
    if (m && byId) {
      if (m[2] && method === 'PUT') {
        byId.address1 = (JSON.parse(raw) as { address1: string }).address1;
        return [200, { message: 'Address updated' }];
      }
      if (!m[2] && method === 'GET') return [200, details(byId)];
      if (!m[2] && method === 'DELETE') {
        this.orgs = this.orgs.filter((o) => o !== byId);
        return [200, { message: 'Organization deleted' }];
      }
    }
    const org = this.orgs.find((o) => o.id === Number(req.headers['x-grafana-org-id']));
    if (/^\/api\/(datasources|folders)/.test(path) && org === undefined) return [401, { message: 'not a member' }];
    m = /^\/api\/folders\/([^/]+)$/.exec(path);
    if (m && org && method === 'GET') {
      const title = org.folders.get(m[1] ?? '');
      return title === undefined ? [404, { message: 'folder not found' }] : [200, { id: 3, uid: m[1], title }];
    }
    if (path === '/api/folders' && method === 'POST' && org) {
      const { uid, title } = JSON.parse(raw) as { uid: string; title: string };
      if (org.folders.has(uid)) return [409, { message: 'a folder with the same uid already exists' }];
      org.folders.set(uid, title);
      return [200, { id: 3, uid, title, version: 1 }];
    }
    m = /^\/api\/datasources\/uid\/([^/]+)$/.exec(path);
    if (m && org) {
      const ds = org.datasources.get(m[1] ?? '');
      if (method === 'GET') {
        if (ds === undefined) return [404, { message: 'Data source not found' }];
        const { secureJsonData: _hidden, ...visible } = ds;
        return [200, { id: 7, orgId: org.id, ...visible, secureJsonFields: { httpHeaderValue1: true } }];
      }
      if (method === 'PUT' && ds) {
        org.datasources.set(m[1] ?? '', JSON.parse(raw) as Record<string, unknown>);
        return [200, { message: 'Datasource updated' }];
      }
    }
    if (path === '/api/datasources' && method === 'POST' && org) {
      const body = JSON.parse(raw) as Record<string, unknown>;
      org.datasources.set(String(body.uid), body);
      return [200, { message: 'Datasource added' }];
    }
    return [404, { message: `stand-in: no route ${method} ${path}` }];
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

describe('configure.sh against a local stand-in for Grafana', () => {
  const grafana = new GrafanaStandIn();
  let work: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => grafana.server.listen(0, '127.0.0.1', resolve));
    work = await mkdtemp(join(tmpdir(), 'grafana-config-run-'));
    await mkdir(join(work, 'admin'));
    await writeFile(join(work, 'admin/admin-user'), ADMIN_USER);
    await writeFile(join(work, 'admin/admin-password'), ADMIN_PASSWORD);
    await writeFile(join(work, 'token'), 'kube-token');
  });
  afterAll(async () => {
    grafana.server.close();
    await rm(work, { recursive: true, force: true });
  });

  /** Writes the generated files/ of `list` into a fresh config dir and runs the script with sh. */
  async function converge(list: readonly Artifact[]): Promise<{ stdout: string; stderr: string; code: number }> {
    const config = await mkdtemp(join(work, 'config-'));
    const tmp = await mkdtemp(join(work, 'tmp-'));
    for (const a of list.filter((x) => x.path.startsWith(`${DIR}files/`))) {
      await writeFile(join(config, a.path.slice(`${DIR}files/`.length)), a.content);
    }
    grafana.requests = [];
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GRAFANA_URL: grafana.url,
      ORG_MARKER,
      CONFIG_DIR: config,
      ADMIN_DIR: join(work, 'admin'),
      WORK_DIR: tmp,
      WAIT_ATTEMPTS: '3',
      WAIT_SECONDS: '0',
      NAMESPACE: 'grafana',
      RESTART_DEPLOYMENT: 'grafana',
      KUBE_API: grafana.url,
      KUBE_TOKEN_FILE: join(work, 'token'),
      KUBE_CA_FILE: join(work, 'no-ca.crt'),
    };
    try {
      const { stdout, stderr } = await run('sh', [join(config, 'configure.sh')], { env });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const e = error as { stdout: string; stderr: string; code: number };
      return { stdout: e.stdout, stderr: e.stderr, code: e.code };
    }
  }

  const mutating = () => grafana.requests.filter((r) => !r.startsWith('GET '));

  it('on a fresh Grafana creates every team organization, marked, with its Loki datasource, then restarts Grafana', async () => {
    const result = await converge(artifacts);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const orgs = grafanaOrganizations(model);
    expect(grafana.orgs.map((o) => o.name)).toEqual(['Main Org.', ...orgs.map((o) => o.name)]);
    for (const org of orgs) {
      const created = grafana.orgs.find((o) => o.name === org.name);
      expect(created?.address1).toBe(ORG_MARKER);
      expect([...(created?.datasources.keys() ?? [])]).toEqual(org.datasource ? [org.datasource.uid] : []);
      if (org.datasource) {
        expect(created?.datasources.get(org.datasource.uid)?.secureJsonData).toEqual(org.datasource.secureJsonData);
      }
    }
    expect(grafana.orgs[0]?.datasources.size).toBe(0);
    expect(mutating()).toContain('PATCH /apis/apps/v1/namespaces/grafana/deployments/grafana');
    // Basic auth reached Grafana intact through the curl config file (a password with quotes, spaces, ":" and "$").
    expect(grafana.authorizations).toContain(
      `Basic ${Buffer.from(`${ADMIN_USER}:${ADMIN_PASSWORD}`).toString('base64')}`,
    );
  });

  it("creates each team's folder in the team's organization (X-Grafana-Org-Id), none in Main Org.", () => {
    const orgs = grafanaOrganizations(model);
    for (const org of orgs) {
      const created = grafana.orgs.find((o) => o.name === org.name);
      expect(org.folderUid).toBe(`team-${org.name}`);
      expect(Object.fromEntries(created?.folders ?? [])).toEqual({ [org.folderUid]: org.name });
    }
    expect(grafana.orgs[0]?.folders.size).toBe(0);
    const posts = mutating().filter((r) => r.startsWith('POST /api/folders'));
    expect(posts).toEqual(orgs.map((o) => `POST /api/folders org=${grafana.orgs.find((g) => g.name === o.name)?.id}`));
  });

  it('a second run changes nothing (and restarts nothing): no folder is POSTed again', async () => {
    const result = await converge(artifacts);
    expect(result.code).toBe(0);
    expect(mutating()).toEqual([]);
    expect(grafana.requests.filter((r) => r.startsWith('GET /api/folders/'))).toHaveLength(
      grafanaOrganizations(model).length,
    );
  });

  it('recreates a folder deleted by hand, in its own organization only', async () => {
    const [org] = grafanaOrganizations(model);
    const target = grafana.orgs.find((o) => o.name === org?.name);
    if (org === undefined || target === undefined) throw new Error('no team organization');
    target.folders.clear();
    const result = await converge(artifacts);
    expect(result.code).toBe(0);
    expect(mutating()).toEqual([`POST /api/folders org=${target.id}`]);
    expect(target.folders.get(org.folderUid)).toBe(org.name);
  });

  it('a changed datasource is updated in place by uid', async () => {
    const extra = model.namespaces[0];
    if (extra === undefined) throw new Error('the example has no namespace');
    const renamed = { ...model, namespaces: [...model.namespaces, { ...extra, name: `${extra.name}-two` }] };
    const result = await converge(grafanaConfigGenerator.generate(renamed));
    expect(result.code).toBe(0);
    const team = extra.definition.team;
    const org = grafana.orgs.find((o) => o.name === team);
    expect(mutating()).toEqual([
      `PUT /api/datasources/uid/${grafanaOrganizations(model).find((o) => o.name === team)?.datasource?.uid} org=${org?.id}`,
    ]);
  });

  it('a removed team loses its organization; an organization without our marker is left alone', async () => {
    await converge(artifacts);
    grafana.orgs.push({
      id: grafana.nextId++,
      name: 'hand-made',
      address1: '',
      datasources: new Map(),
      folders: new Map(),
    });
    const [first, ...rest] = model.platform.teams;
    if (first === undefined || rest.length === 0) throw new Error('the example needs two teams');
    const fewer = {
      ...model,
      platform: { ...model.platform, teams: rest as unknown as typeof model.platform.teams },
      namespaces: model.namespaces.filter((ns) => ns.definition.team !== first.name),
    };
    const removedId = grafana.orgs.find((o) => o.name === first.name)?.id;
    const result = await converge(grafanaConfigGenerator.generate(fewer));
    expect(result.code).toBe(0);
    expect(mutating()).toEqual([`DELETE /api/orgs/${removedId}`]);
    expect(grafana.orgs.map((o) => o.name)).toContain('hand-made');
    expect(grafana.orgs.map((o) => o.name)).not.toContain(first.name);
  });

  it('refuses to adopt an unmarked organization that has a team name, and says so', async () => {
    const team = model.platform.teams[0]?.name ?? '';
    const created = grafana.orgs.find((o) => o.name === team);
    if (created) created.address1 = '';
    else
      grafana.orgs.push({ id: grafana.nextId++, name: team, address1: '', datasources: new Map(), folders: new Map() });
    const result = await converge(artifacts);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`organization ${team}`);
    expect(mutating().some((r) => r.includes(`org=${grafana.orgs.find((o) => o.name === team)?.id}`))).toBe(false);
  });
});
