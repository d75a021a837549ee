/**
 * The alloy chart's values: they validate against their schema, pin the chart version their keys were checked
 * against, run one unprivileged agent per node without host paths, and carry an Alloy configuration that parses
 * (npm has no Alloy parser: a small reader of the syntax's documented grammar is below), names only documented
 * components, arguments and exports, wires discovery → relabel → source → process → write, sets the tenant from
 * the namespace label, routes Vault's audit entries to the audit tenant and pushes to the gateway. Loki's values
 * turn on the chart's NetworkPolicies for Grafana and Alloy only.
 */
import { COMPONENTS, chartValuesPath, PlatformError, type PlatformModel } from '@platform-gen/core';
import { loadExampleModel } from '@platform-gen/core/testing';
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { alloyToken, alloyValues, lokiPushUrl, VAULT_AUDIT_LINE } from './components/alloy.js';
import { AUDIT_LOG_TENANT, lokiGatewayUrl, lokiValues } from './components/observability.js';
import type { AlloyValues } from './generated/alloy-values.js';
import { assertNoTemplateSyntax, chartsGenerator } from './generator.js';
import { VALUES_SCHEMAS, valuesSchemaOrThrow } from './schemas.js';

// ---------------------------------------------------------------------------------------------------------------
// A reader for Alloy syntax (grafana/alloy docs/sources/get-started/configuration-syntax/: syntax.md, expressions/
// types_and_values.md, operators.md): `//` and `/* */` comments, attributes `name = expr`, blocks
// `name.sub "label" { body }`, strings with the documented escapes, raw strings in backticks, arrays, objects,
// references `a.b.c`, function calls `f.g(args)` and binary operators.

type Token =
  | { readonly kind: 'ident'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly text: string; readonly at: number }
  | { readonly kind: 'number'; readonly text: string; readonly at: number }
  | { readonly kind: 'punct'; readonly text: string; readonly at: number };

type Expr =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'ref'; readonly path: readonly string[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'array'; readonly items: readonly Expr[] }
  | { readonly kind: 'object'; readonly fields: ReadonlyMap<string, Expr> }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr };

interface Attribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: Expr;
}

interface Block {
  readonly kind: 'block';
  readonly name: string;
  readonly label: string | undefined;
  readonly body: readonly Statement[];
}

type Statement = Attribute | Block;

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  a: '\u0007',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  "'": "'",
  '"': '"',
};

const OPERATORS = ['||', '&&', '==', '!=', '<=', '>=', '=~', '!~', '<', '>', '+', '-', '*', '/', '%', '^'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`Alloy syntax: ${what} at offset ${i}: ${JSON.stringify(text.slice(i, i + 30))}`);
  };
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) fail('unterminated block comment');
      i = end + 2;
    } else if (c === '"') {
      const at = i;
      let value = '';
      i++;
      for (;;) {
        const d = text[i];
        if (d === undefined || d === '\n') fail('unterminated string');
        if (d === '"') break;
        if (d === '\\') {
          const e = text[i + 1] ?? '';
          const simple = ESCAPES[e];
          if (simple !== undefined) {
            value += simple;
            i += 2;
          } else if (/^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
            value += String.fromCharCode(Number.parseInt(text.slice(i + 1, i + 4), 8));
            i += 4;
          } else {
            const width = { x: 2, u: 4, U: 8 }[e];
            const hex = width === undefined ? '' : text.slice(i + 2, i + 2 + width);
            if (width === undefined || !new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) fail(`bad escape \\${e}`);
            value += String.fromCodePoint(Number.parseInt(hex, 16));
            i += 2 + hex.length;
          }
        } else {
          value += d;
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'string', text: value, at });
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end === -1) fail('unterminated raw string');
      tokens.push({ kind: 'string', text: text.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      tokens.push({ kind: 'ident', text: m?.[0] ?? '', at: i });
      i += m?.[0].length ?? 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i));
      tokens.push({ kind: 'number', text: m?.[0] ?? '', at: i });
      i += m?.[0].length ?? 1;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i)) ?? ('{}[](),.=!'.includes(c) ? c : undefined);
      if (op === undefined) fail(`unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: 'punct', text: op ?? '', at: i });
      i += op?.length ?? 1;
    }
  }
  return tokens;
}

const PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '>': 3,
  '<=': 3,
  '>=': 3,
  '=~': 3,
  '!~': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};

function parseAlloy(text: string): Statement[] {
  const tokens = tokenize(text);
  let p = 0;
  const peek = (): Token | undefined => tokens[p];
  const fail = (what: string): never => {
    throw new Error(`Alloy syntax: ${what} at offset ${peek()?.at ?? text.length}`);
  };
  const isPunct = (t: Token | undefined, s: string): boolean => t?.kind === 'punct' && t.text === s;
  const expect = (s: string): void => {
    if (!isPunct(peek(), s)) fail(`expected ${JSON.stringify(s)}`);
    p++;
  };
  const ident = (): string => {
    const t = peek();
    if (t?.kind !== 'ident') return fail('expected an identifier');
    p++;
    return t.text;
  };
  const dotted = (): string[] => {
    const parts = [ident()];
    while (isPunct(peek(), '.')) {
      p++;
      parts.push(ident());
    }
    return parts;
  };

  function primary(): Expr {
    const t = peek();
    if (t === undefined) return fail('expected an expression');
    if (t.kind === 'string') {
      p++;
      return { kind: 'literal', value: t.text };
    }
    if (t.kind === 'number') {
      p++;
      return { kind: 'literal', value: Number(t.text) };
    }
    if (t.kind === 'ident' && ['true', 'false', 'null'].includes(t.text)) {
      p++;
      return { kind: 'literal', value: t.text === 'null' ? null : t.text === 'true' };
    }
    if (t.kind === 'ident') {
      const path = dotted();
      if (!isPunct(peek(), '(')) return { kind: 'ref', path };
      p++;
      const args: Expr[] = [];
      while (!isPunct(peek(), ')')) {
        args.push(expression());
        if (!isPunct(peek(), ')')) expect(',');
      }
      p++;
      return { kind: 'call', name: path.join('.'), args };
    }
    if (isPunct(t, '[')) {
      p++;
      const items: Expr[] = [];
      while (!isPunct(peek(), ']')) {
        items.push(expression());
        if (!isPunct(peek(), ']')) expect(',');
      }
      p++;
      return { kind: 'array', items };
    }
    if (isPunct(t, '{')) {
      p++;
      const fields = new Map<string, Expr>();
      while (!isPunct(peek(), '}')) {
        const key = peek();
        if (key?.kind !== 'ident' && key?.kind !== 'string') return fail('expected an object key');
        p++;
        expect('=');
        fields.set(key.text, expression());
        if (!isPunct(peek(), '}')) expect(',');
      }
      p++;
      return { kind: 'object', fields };
    }
    if (isPunct(t, '(')) {
      p++;
      const inner = expression();
      expect(')');
      return inner;
    }
    return fail(`unexpected ${JSON.stringify(t.text)}`);
  }

  function expression(minimum = 1): Expr {
    let left = primary();
    for (;;) {
      const t = peek();
      const precedence = t?.kind === 'punct' ? PRECEDENCE[t.text] : undefined;
      if (t === undefined || precedence === undefined || precedence < minimum) return left;
      p++;
      left = { kind: 'binary', op: t.text, left, right: expression(precedence + 1) };
    }
  }

  function body(closing: boolean): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      if (closing && isPunct(peek(), '}')) {
        p++;
        return statements;
      }
      if (peek() === undefined) {
        if (closing) fail('unbalanced "{": end of text inside a block');
        return statements;
      }
      const name = dotted();
      if (isPunct(peek(), '=')) {
        if (name.length > 1) fail(`attribute name ${name.join('.')} is not an identifier`);
        p++;
        statements.push({ kind: 'attribute', name: name.join('.'), value: expression() });
        continue;
      }
      let label: string | undefined;
      const next = peek();
      if (next?.kind === 'string') {
        label = next.text;
        p++;
      }
      expect('{');
      statements.push({ kind: 'block', name: name.join('.'), label, body: body(true) });
    }
  }

  return body(false);
}

// ---------------------------------------------------------------------------------------------------------------
// What the Alloy reference documents for the components the configuration uses: their arguments, blocks and
// exports (grafana/alloy docs/sources/reference/components/{discovery,loki}/<component>.md, the rule block from
// docs/sources/shared/reference/components/rule-block.md).

interface BlockSpec {
  readonly attributes: readonly string[];
  readonly blocks?: Readonly<Record<string, BlockSpec>>;
}

const RULE: BlockSpec = {
  attributes: ['source_labels', 'separator', 'regex', 'modulus', 'target_label', 'replacement', 'action'],
};
const STAGE_TENANT: BlockSpec = { attributes: ['label', 'source', 'value'] };
const STAGE_MATCH: BlockSpec = {
  attributes: ['selector', 'pipeline_name', 'action', 'drop_counter_reason'],
  blocks: { 'stage.tenant': STAGE_TENANT },
};

const COMPONENT_SPECS: Readonly<Record<string, BlockSpec & { readonly exports: readonly string[] }>> = {
  'discovery.kubernetes': {
    attributes: ['api_server', 'role', 'kubeconfig_file'],
    blocks: { selectors: { attributes: ['role', 'label', 'field'] } },
    exports: ['targets'],
  },
  'discovery.relabel': { attributes: ['targets'], blocks: { rule: RULE }, exports: ['output', 'rules'] },
  'loki.source.kubernetes': { attributes: ['targets', 'forward_to'], exports: [] },
  'loki.process': {
    attributes: ['forward_to'],
    blocks: { 'stage.tenant': STAGE_TENANT, 'stage.match': STAGE_MATCH },
    exports: ['receiver'],
  },
  'loki.write': {
    attributes: ['max_streams', 'external_labels'],
    blocks: { endpoint: { attributes: ['url', 'name', 'headers', 'tenant_id'] } },
    exports: ['receiver'],
  },
};

/** Standard-library functions the configuration calls (docs/sources/reference/stdlib/). */
const STDLIB = ['sys.env', 'coalesce'];

interface Component {
  readonly name: string;
  readonly label: string;
  readonly block: Block;
}

function components(statements: readonly Statement[]): Component[] {
  return statements.map((s) => {
    if (s.kind !== 'block' || s.label === undefined) throw new Error(`top level holds only components, not ${s.name}`);
    return { name: s.name, label: s.label, block: s };
  });
}

/** Every name in `block` that `spec` does not document, as `component > block > name`. */
function undocumented(block: Block, spec: BlockSpec, where: string): string[] {
  return block.body.flatMap((s) => {
    if (s.kind === 'attribute') return spec.attributes.includes(s.name) ? [] : [`${where} > ${s.name}`];
    const inner = spec.blocks?.[s.name];
    return inner === undefined ? [`${where} > ${s.name} {}`] : undocumented(s, inner, `${where} > ${s.name}`);
  });
}

function walk(expr: Expr, visit: (e: Expr) => void): void {
  visit(expr);
  if (expr.kind === 'array') for (const item of expr.items) walk(item, visit);
  else if (expr.kind === 'object') for (const field of expr.fields.values()) walk(field, visit);
  else if (expr.kind === 'call') for (const arg of expr.args) walk(arg, visit);
  else if (expr.kind === 'binary') {
    walk(expr.left, visit);
    walk(expr.right, visit);
  }
}

function attributesOf(block: Block): Attribute[] {
  return block.body.flatMap((s) => (s.kind === 'attribute' ? [s] : attributesOf(s)));
}

/** A reference `<component name>.<label>.<export>` resolved against the defined components. */
function resolveRef(all: readonly Component[], path: readonly string[]): { component: Component; field: string } {
  for (const c of all) {
    const parts = [...c.name.split('.'), c.label];
    if (path.length === parts.length + 1 && parts.every((part, i) => path[i] === part)) {
      return { component: c, field: path[path.length - 1] ?? '' };
    }
  }
  throw new Error(`reference ${path.join('.')} names no defined component`);
}

function attribute(block: Block, name: string): Expr {
  const found = block.body.find((s): s is Attribute => s.kind === 'attribute' && s.name === name);
  if (found === undefined) throw new Error(`${block.name} has no ${name}`);
  return found.value;
}

function stringValue(expr: Expr): string {
  if (expr.kind !== 'literal' || typeof expr.value !== 'string') throw new Error('not a string literal');
  return expr.value;
}

function blockNamed(all: readonly Component[], name: string): Block {
  const found = all.filter((c) => c.name === name);
  expect(found, name).toHaveLength(1);
  return (found[0] as Component).block;
}

/** A LogQL stream selector with one line filter: `{a="x", b="y"} |~ "<regex>"` (Go-quoted strings). */
function parseSelector(selector: string): { matchers: Record<string, string>; regex: string } {
  const m = /^\{([^}]*)\}\s*\|~\s*("(?:[^"\\]|\\.)*")$/.exec(selector);
  if (m === null) throw new Error(`not a selector with one |~ filter: ${selector}`);
  const matchers: Record<string, string> = {};
  for (const part of (m[1] ?? '').split(',')) {
    const kv = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*")\s*$/.exec(part);
    if (kv === null) throw new Error(`not an equality matcher: ${part}`);
    matchers[kv[1] ?? ''] = JSON.parse(kv[2] ?? '""') as string;
  }
  return { matchers, regex: JSON.parse(m[2] ?? '""') as string };
}

// ---------------------------------------------------------------------------------------------------------------

let model: PlatformModel;
let generated: AlloyValues;
let validate: ValidateFunction;
let validateLoki: ValidateFunction;

beforeAll(async () => {
  model = await loadExampleModel();
  const artifact = chartsGenerator.generate(model).find((a) => a.path === chartValuesPath(COMPONENTS.alloy.name));
  if (artifact === undefined) throw new Error('no charts/alloy/values.yaml');
  generated = artifact.documents?.[0] as AlloyValues;
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addVocabulary(['x-chart', 'x-passthrough']);
  validate = ajv.compile(valuesSchemaOrThrow('alloy').schema);
  validateLoki = ajv.compile(valuesSchemaOrThrow('loki').schema);
});

const config = (): string => generated.alloy.configMap.content;

describe('alloy values', () => {
  it('are what the generator writes to charts/alloy/values.yaml, and validate against their schema', () => {
    expect(generated).toEqual(alloyValues());
    expect(validate(generated) ? [] : validate.errors).toEqual([]);
  });

  it('the schema refuses a privileged agent, a host path, a Deployment and a "{{" in the config', () => {
    const bad: unknown[] = [
      {
        ...generated,
        alloy: { ...generated.alloy, securityContext: { ...generated.alloy.securityContext, privileged: true } },
      },
      { ...generated, alloy: { ...generated.alloy, mounts: { ...generated.alloy.mounts, varlog: true } } },
      { ...generated, controller: { ...generated.controller, type: 'deployment' } },
      { ...generated, alloy: { ...generated.alloy, configMap: { create: true, content: 'x = "{{ .Values }}"' } } },
      {
        ...generated,
        rbac: { ...generated.rbac, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] },
      },
    ];
    for (const values of bad) expect(validate(values), JSON.stringify(values).slice(0, 200)).toBe(false);
  });

  it('are registered for the upstream key check, checked against the pinned chart version', () => {
    const entry = VALUES_SCHEMAS.find((s) => s.component === 'alloy');
    expect(entry?.file).toBe('packages/charts-gen/schemas/alloy.values.schema.json');
    expect(entry?.schema['x-chart']).toEqual({ chart: 'alloy', checkedAgainst: COMPONENTS.alloy.source.version });
    expect(COMPONENTS.alloy.source).toEqual({
      type: 'chart',
      repoURL: 'https://grafana.github.io/helm-charts',
      chart: 'alloy',
      version: '1.10.0',
    });
  });

  it('run one agent per node, unprivileged, without host paths and with requests and limits', () => {
    expect(generated.controller.type).toBe('daemonset');
    expect(generated.alloy.mounts).toEqual({
      varlog: false,
      dockercontainers: false,
      extra: [{ name: 'storage', mountPath: generated.alloy.storagePath }],
    });
    expect(generated.controller.volumes.extra).toEqual([{ name: 'storage', emptyDir: {} }]);
    for (const context of [generated.alloy.securityContext, generated.configReloader.securityContext]) {
      expect(context).toEqual({
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    expect(generated.global.podSecurityContext.runAsNonRoot).toBe(true);
    expect(generated.global.podSecurityContext.runAsUser).toBeGreaterThan(0);
    for (const r of [generated.alloy.resources, generated.configReloader.resources]) {
      expect(Object.keys(r.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(r.limits).sort()).toEqual(['cpu', 'memory']);
    }
  });

  it('grant read access to pods, their logs and namespaces only', () => {
    expect(generated.rbac).toEqual({
      create: true,
      rules: [{ apiGroups: [''], resources: ['namespaces', 'pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
      clusterRules: [],
    });
    expect(generated.crds.create).toBe(false);
  });

  it('hold no Helm template syntax (the chart runs the config through tpl)', () => {
    expect(() => assertNoTemplateSyntax(generated, 'charts/alloy/values.yaml')).not.toThrow();
    expect(config()).not.toContain('{{');
    const withTemplate = {
      ...generated,
      alloy: { ...generated.alloy, configMap: { create: true, content: '{{ x }}' } },
    };
    expect(() => assertNoTemplateSyntax(withTemplate, 'charts/alloy/values.yaml')).toThrow(PlatformError);
  });
});

describe('the Alloy configuration', () => {
  it('parses as Alloy syntax (balanced blocks, valid strings) and holds only components at the top level', () => {
    const all = components(parseAlloy(config()));
    expect(all.map((c) => `${c.name} "${c.label}"`)).toEqual([
      'discovery.kubernetes "pods"',
      'discovery.relabel "pods"',
      'loki.source.kubernetes "pods"',
      'loki.process "tenants"',
      'loki.write "gateway"',
    ]);
  });

  it('the reader rejects what Alloy would: an unbalanced block, a bad escape, an unterminated string', () => {
    expect(() => parseAlloy('loki.write "a" {\n  endpoint {\n    url = "x"\n  }\n')).toThrow(/unbalanced/);
    expect(() => parseAlloy('a = "\\q"')).toThrow(/bad escape/);
    expect(() => parseAlloy('a = "x')).toThrow(/unterminated/);
    expect(() => parseAlloy('a.b = 1')).toThrow(/not an identifier/);
  });

  it('uses only components, arguments and blocks the Alloy reference documents', () => {
    const all = components(parseAlloy(config()));
    const unknown = all.flatMap((c) => {
      const spec = COMPONENT_SPECS[c.name];
      return spec === undefined ? [`${c.name} (component)`] : undocumented(c.block, spec, c.name);
    });
    expect(unknown).toEqual([]);
  });

  it('references only defined components and their exports; every forward_to names a receiver', () => {
    const all = components(parseAlloy(config()));
    const edges: string[] = [];
    for (const c of all) {
      for (const a of attributesOf(c.block)) {
        walk(a.value, (e) => {
          if (e.kind === 'call') expect(STDLIB, `function ${e.name}`).toContain(e.name);
          if (e.kind !== 'ref') return;
          const { component, field } = resolveRef(all, e.path);
          expect(COMPONENT_SPECS[component.name]?.exports, e.path.join('.')).toContain(field);
          if (a.name === 'forward_to') expect(field, e.path.join('.')).toBe('receiver');
          edges.push(`${c.name} <- ${component.name}.${field}`);
        });
        if (a.name === 'forward_to') expect(a.value.kind).toBe('array');
      }
    }
    expect(edges).toEqual([
      'discovery.relabel <- discovery.kubernetes.targets',
      'loki.source.kubernetes <- discovery.relabel.output',
      'loki.source.kubernetes <- loki.process.receiver',
      'loki.process <- loki.write.receiver',
    ]);
  });

  it('discovers only the pods of its own node', () => {
    const discovery = blockNamed(components(parseAlloy(config())), 'discovery.kubernetes');
    expect(stringValue(attribute(discovery, 'role'))).toBe('pod');
    const selectors = discovery.body.find((s): s is Block => s.kind === 'block' && s.name === 'selectors');
    if (selectors === undefined) throw new Error('no selectors block');
    expect(stringValue(attribute(selectors, 'role'))).toBe('pod');
    expect(attribute(selectors, 'field')).toEqual({
      kind: 'binary',
      op: '+',
      left: { kind: 'literal', value: 'spec.nodeName=' },
      right: { kind: 'call', name: 'sys.env', args: [{ kind: 'literal', value: 'HOSTNAME' }] },
    });
  });

  it('keeps only targets with a namespace, none of the audit tenant, and labels them namespace, pod, container', () => {
    const relabel = blockNamed(components(parseAlloy(config())), 'discovery.relabel');
    const rules = relabel.body.filter((s): s is Block => s.kind === 'block' && s.name === 'rule');
    const summary = rules.map((r) =>
      Object.fromEntries(
        r.body.map((s) => {
          const a = s as Attribute;
          return [a.name, a.value.kind === 'array' ? a.value.items.map(stringValue) : stringValue(a.value)];
        }),
      ),
    );
    expect(summary).toEqual([
      { source_labels: ['__meta_kubernetes_namespace'], regex: '.+', action: 'keep' },
      { source_labels: ['__meta_kubernetes_namespace'], regex: AUDIT_LOG_TENANT, action: 'drop' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container', action: 'replace' },
    ]);
  });

  it('sets the tenant from the namespace label first, then moves Vault audit entries to the audit tenant', () => {
    const process = blockNamed(components(parseAlloy(config())), 'loki.process');
    const stages = process.body.filter((s): s is Block => s.kind === 'block');
    expect(stages.map((s) => s.name)).toEqual(['stage.tenant', 'stage.match']);
    const [tenant, match] = stages as [Block, Block];
    expect(tenant.body).toEqual([{ kind: 'attribute', name: 'label', value: { kind: 'literal', value: 'namespace' } }]);

    const { matchers, regex } = parseSelector(stringValue(attribute(match, 'selector')));
    expect(matchers).toEqual({ namespace: COMPONENTS.vault.namespace, container: 'vault' });
    expect(regex).toBe(VAULT_AUDIT_LINE);
    const inner = match.body.filter((s): s is Block => s.kind === 'block');
    expect(inner).toEqual([
      {
        kind: 'block',
        name: 'stage.tenant',
        label: undefined,
        body: [{ kind: 'attribute', name: 'value', value: { kind: 'literal', value: AUDIT_LOG_TENANT } }],
      },
    ]);
  });

  it("the audit filter takes Vault's JSON audit entries and leaves its server log alone", () => {
    const audit = new RegExp(VAULT_AUDIT_LINE);
    const request =
      '{"time":"2026-07-01T10:00:00.000Z","type":"request","auth":{"token_type":"default"},"request":{"id":"1","operation":"read","path":"secret/data/x"}}';
    const response =
      '{"auth":{"policies":["default"]},"request":{"path":"auth/kubernetes/login"},"response":{"auth":{}},"time":"2026-07-01T10:00:00Z","type":"response"}';
    expect(audit.test(request)).toBe(true);
    expect(audit.test(response)).toBe(true);
    for (const line of [
      '2026-07-01T10:00:00.000Z [INFO]  core: successful mount: namespace="" path=secret/ type=kv',
      '{"@level":"info","@message":"successful mount","@module":"core","path":"secret/","type":"kv"}',
      'type":"request" appears but the line is no JSON object',
    ]) {
      expect(audit.test(line), line).toBe(false);
    }
  });

  it('pushes to the gateway push endpoint without a default tenant', () => {
    expect(lokiPushUrl()).toBe(`${lokiGatewayUrl()}/loki/api/v1/push`);
    const write = blockNamed(components(parseAlloy(config())), 'loki.write');
    expect(write.body).toEqual([
      {
        kind: 'block',
        name: 'endpoint',
        label: undefined,
        body: [{ kind: 'attribute', name: 'url', value: { kind: 'literal', value: lokiPushUrl() } }],
      },
    ]);
  });

  it('admits only plain tokens into the text', () => {
    expect(alloyToken('platform-audit', 'tenant')).toBe('platform-audit');
    fc.assert(
      fc.property(fc.string(), (value) => {
        const accepted = (() => {
          try {
            alloyToken(value, 'value');
            return true;
          } catch (error) {
            expect(error).toBeInstanceOf(PlatformError);
            expect((error as PlatformError).code).toBe('E_ALLOY_CONFIG_VALUE');
            return false;
          }
        })();
        expect(accepted).toBe(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(value));
      }),
    );
    for (const bad of ['', 'Vault', 'a"b', 'a\\b', 'a\nb', 'a{b', 'a b', '-a']) {
      expect(() => alloyToken(bad, 'value'), JSON.stringify(bad)).toThrow(PlatformError);
    }
  });
});

describe('Loki gateway access', () => {
  it("turns on the chart's NetworkPolicies: the gateway for Grafana's pods, metrics only inside Loki's namespace", () => {
    const loki = lokiValues();
    expect(validateLoki(loki) ? [] : validateLoki.errors).toEqual([]);
    expect(loki.networkPolicy).toEqual({
      enabled: true,
      ingress: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': COMPONENTS.grafana.namespace } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } },
      },
      metrics: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': COMPONENTS.loki.namespace } } },
    });
    // Alloy reaches the gateway through the chart's namespace-only policy: both live in Loki's namespace.
    expect(COMPONENTS.alloy.namespace).toBe(COMPONENTS.loki.namespace);
    expect(loki.sidecar).toEqual({ rules: { enabled: false } });
  });

  it('the Loki schema refuses a NetworkPolicy without selectors (the chart would then allow every source)', () => {
    const loki = lokiValues();
    const open: unknown[] = [
      { ...loki, networkPolicy: { enabled: true, ingress: {}, metrics: loki.networkPolicy.metrics } },
      { ...loki, networkPolicy: { enabled: true, ingress: loki.networkPolicy.ingress, metrics: {} } },
      { ...loki, networkPolicy: { ...loki.networkPolicy, enabled: false } },
    ];
    for (const values of open) expect(validateLoki(values)).toBe(false);
  });
});
