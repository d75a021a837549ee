/**
 * The HCL emitter, checked against HashiCorp's own HCL parser (`@cdktf/hcl2json`): every string survives
 * the round trip unchanged, template openers are refused, and no path can add a block or widen the
 * capabilities of another one.
 */
import { parse } from '@cdktf/hcl2json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CAPABILITIES,
  type Capability,
  HclEmitError,
  hclBody,
  hclString,
  type PolicyRule,
  policyToHcl,
} from './hcl.js';

/** One `path` block as the parser sees it. */
interface ParsedBlock {
  readonly path: string;
  readonly capabilities: unknown;
  readonly attributes: readonly string[];
}

/** Every `path` block of a policy, in the parser's words (a repeated path yields several blocks). */
async function parseBlocks(text: string): Promise<{ keys: string[]; blocks: ParsedBlock[] }> {
  const json: Record<string, unknown> = await parse('policy.hcl', text);
  const paths = json.path ?? {};
  const blocks: ParsedBlock[] = [];
  for (const [path, list] of Object.entries(paths as Record<string, unknown>)) {
    for (const block of Array.isArray(list) ? list : [list]) {
      const record = block as Record<string, unknown>;
      blocks.push({ path, capabilities: record.capabilities, attributes: Object.keys(record) });
    }
  }
  return { keys: Object.keys(json), blocks };
}

/** What the parser must read back for `rules`: each path once, its capabilities canonical and deduplicated. */
function expectedBlocks(rules: readonly PolicyRule[]): ParsedBlock[] {
  return rules.map((rule) => ({
    path: rule.path,
    capabilities: CAPABILITIES.filter((c) => rule.capabilities.includes(c)),
    attributes: ['capabilities'],
  }));
}

const byPath = (a: ParsedBlock, b: ParsedBlock) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

async function expectRoundTrip(rules: readonly PolicyRule[]): Promise<void> {
  const text = policyToHcl(rules);
  const { keys, blocks } = await parseBlocks(text);
  expect(keys).toEqual(rules.length === 0 ? [] : ['path']);
  expect([...blocks].sort(byPath)).toEqual(expectedBlocks(rules).sort(byPath));
}

/**
 * The string HCL reads back from `hclString(text)` as a block label, the way policies use it. (As an
 * attribute value HCL 2 would also normalise it to NFC; labels are kept verbatim.)
 */
async function readBack(text: string): Promise<unknown> {
  const json = await parse('value.hcl', `block ${hclString(text)} {\n}\n`);
  const labels = Object.keys((json.block ?? {}) as Record<string, unknown>);
  expect(labels).toHaveLength(1);
  return labels[0];
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

describe('hclString', () => {
  it.each([
    ['plain', 'secret/data/a', '"secret/data/a"'],
    ['backslash', 'a\\b', '"a\\\\b"'],
    ['double quote', 'a"b', '"a\\"b"'],
    ['newline', 'a\nb', '"a\\nb"'],
    ['carriage return', 'a\rb', '"a\\rb"'],
    ['tab', 'a\tb', '"a\\tb"'],
    ['NUL', 'a\u0000b', '"a\\u0000b"'],
    ['escape', '\u001b[31m', '"\\u001b[31m"'],
    ['unit separator', '\u001f', '"\\u001f"'],
    ['DEL', '\u007f', '"\\u007f"'],
    ['C1 control (NEL)', '\u0085', '"\\u0085"'],
    ['Latin-1', 'é', '"\\u00e9"'],
    ['euro sign', '€', '"\\u20ac"'],
    ['right-to-left override', 'a\u202eb', '"a\\u202eb"'],
    ['first strong isolate', '\u2068', '"\\u2068"'],
    ['line separator', '\u2028', '"\\u2028"'],
    ['byte order mark', '\ufeff', '"\\ufeff"'],
    ['astral (emoji)', '😀', '"\\U0001f600"'],
    ['highest code point', '\u{10ffff}', '"\\U0010ffff"'],
    ['lone dollar and brace', '$ { } % {', '"$ { } % {"'],
    ['brace before dollar', '{$}%', '"{$}%"'],
  ])('escapes %s', async (_name, text, literal) => {
    const emitted = hclString(text);
    expect(emitted).toBe(literal);
    expect(emitted).toMatch(PRINTABLE_ASCII);
    expect(await readBack(text)).toBe(text);
  });

  it('writes only printable ASCII and reads back unchanged for every code point class', async () => {
    const text =
      'q"\\\n\r\t\u0000\u0001\u001f\u007f\u0080\u00a0ÿĀ\u200b\u200e\u200f\u202a\u202e\u2066\u2069\ud7ff\ue000\uffff\u{10000}\u{1f600}\u{10ffff}';
    const emitted = hclString(text);
    expect(emitted).toMatch(PRINTABLE_ASCII);
    expect(await readBack(text)).toBe(text);
  });

  it.each([
    ['${', '${'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL template, not a JavaScript one
    ['${ at the start', '${var.x}/a'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL template, not a JavaScript one
    ['${ in the middle', 'secret/data/${identity.entity.name}/x'],
    ['${ at the end', 'a/${'],
    ['escaped-looking $${', 'a$${b}'],
    ['%{', '%{'],
    ['%{ directive', '%{ if true }x%{ endif }'],
    ['%{ at the end', 'a/%{'],
    ['escaped-looking %%{', 'a%%{b}'],
  ])('refuses a template opener: %s', (_name, text) => {
    const error = thrown(() => hclString(text));
    expect(error).toBeInstanceOf(HclEmitError);
    expect((error as HclEmitError).name).toBe('HclEmitError');
    expect((error as HclEmitError).message).toContain(JSON.stringify(text));
  });
});

describe('policyToHcl', () => {
  it('writes one block per rule, capabilities in canonical order, and HCL reads it back exactly', async () => {
    const rules: PolicyRule[] = [
      { path: 'secret/data/a', capabilities: ['list', 'read', 'create'] },
      { path: 'secret/metadata/a/*', capabilities: ['list'] },
    ];
    const text = policyToHcl(rules);
    expect(text).toBe(
      [
        'path "secret/data/a" {',
        '  capabilities = ["create", "read", "list"]',
        '}',
        '',
        'path "secret/metadata/a/*" {',
        '  capabilities = ["list"]',
        '}',
        '',
      ].join('\n'),
    );
    await expectRoundTrip(rules);
  });

  it('orders every capability canonically (the order of CAPABILITIES), whatever the input order', async () => {
    const reversed = [...CAPABILITIES].reverse();
    const text = policyToHcl([{ path: 'p', capabilities: reversed }]);
    expect(text).toContain(`capabilities = [${CAPABILITIES.map((c) => `"${c}"`).join(', ')}]`);
    const { blocks } = await parseBlocks(text);
    expect(blocks.map((b) => b.capabilities)).toEqual([[...CAPABILITIES]]);
  });

  it('removes repeated capabilities', async () => {
    const rules: PolicyRule[] = [{ path: 'p', capabilities: ['read', 'list', 'read', 'read', 'list'] }];
    expect(policyToHcl(rules)).toContain('capabilities = ["read", "list"]');
    const { blocks } = await parseBlocks(policyToHcl(rules));
    expect(blocks).toEqual([{ path: 'p', capabilities: ['read', 'list'], attributes: ['capabilities'] }]);
  });

  it('prints the same bytes for the same rules, whatever the order and repeats of their capabilities', () => {
    const a = policyToHcl([{ path: 'p', capabilities: ['update', 'read', 'create'] }]);
    const b = policyToHcl([{ path: 'p', capabilities: ['create', 'create', 'update', 'read'] }]);
    expect(a).toBe(b);
  });

  it('writes an empty capability list as an empty list, and no rules as an empty document', async () => {
    await expectRoundTrip([{ path: 'p', capabilities: [] }]);
    expect(policyToHcl([])).toBe('');
    await expectRoundTrip([]);
  });

  it('throws on a repeated path, even when the capabilities differ', () => {
    const error = thrown(() =>
      policyToHcl([
        { path: 'secret/data/a', capabilities: ['read'] },
        { path: 'secret/data/b', capabilities: ['read'] },
        { path: 'secret/data/a', capabilities: ['list'] },
      ]),
    );
    expect(error).toBeInstanceOf(HclEmitError);
    expect((error as Error).message).toBe('path "secret/data/a" appears twice in one policy');
  });

  it('keeps paths apart that differ only in characters it escapes', async () => {
    await expectRoundTrip([
      { path: 'a"b', capabilities: ['read'] },
      { path: 'a\\"b', capabilities: ['list'] },
      { path: 'a\\b', capabilities: ['deny'] },
      { path: 'a\nb', capabilities: ['sudo'] },
      { path: 'a\\nb', capabilities: ['update'] },
    ]);
  });

  it.each([
    ['write (a Vault 0.x policy word)', 'write'],
    ['upper case', 'READ'],
    ['empty', ''],
    ['a quote', 'read"] }\npath "x" { capabilities = ["sudo'],
  ])('throws on an unknown capability: %s', (_name, capability) => {
    const error = thrown(() => policyToHcl([{ path: 'p', capabilities: ['read', capability as Capability] }]));
    expect(error).toBeInstanceOf(HclEmitError);
    expect((error as Error).message).toBe(`unknown capability ${JSON.stringify(capability)}`);
  });

  it('refuses a template opener in a path', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL template, not a JavaScript one
    expect(() => policyToHcl([{ path: 'secret/data/${identity.entity.id}/*', capabilities: ['read'] }])).toThrow(
      HclEmitError,
    );
    expect(() => policyToHcl([{ path: 'secret/data/%{if true}x%{endif}', capabilities: ['read'] }])).toThrow(
      HclEmitError,
    );
  });

  it('cannot be made to write another block or widen a capability through a path', async () => {
    const rules: PolicyRule[] = [
      { path: 'secret/data/a" {\n  capabilities = ["sudo"]\n}\npath "sys/*', capabilities: ['read'] },
      { path: 'secret/data/b"]\n  capabilities = ["update"]\n#', capabilities: ['list'] },
      { path: '\\', capabilities: ['read'] },
      { path: '*/ path "x" { /*', capabilities: [] },
      { path: '<<EOF\npath "y" {}\nEOF', capabilities: ['read'] },
    ];
    const text = policyToHcl(rules);
    expect(text.split('\n').filter((line) => line.startsWith('path '))).toHaveLength(rules.length);
    await expectRoundTrip(rules);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Property: arbitrary paths never change the policy's meaning.

/** Pieces that matter to an HCL lexer: quotes, escapes, templates, braces, comments, heredocs, block syntax. */
const HOSTILE_PIECES = [
  '"',
  '\\',
  '\\"',
  '\\\\',
  '${',
  '%{',
  '$${',
  '%%{',
  '$',
  '%',
  '{',
  '}',
  '[',
  ']',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '\u0000',
  '\u001b',
  '\u007f',
  '#',
  '//',
  '/*',
  '*/',
  '<<EOF\n',
  '\nEOF\n',
  'path "x" {',
  'path "sys/*" { capabilities = ["sudo"] }',
  'capabilities = ["sudo"]',
  '", "sudo',
  '*',
  '+',
  'secret/data/',
  'é',
  '€',
  '😀',
  '\u202e',
  '\u202d',
  '\u2066',
  '\u2067',
  '\u2069',
  '\u200f',
  '\u200b',
  '\u2028',
  '\ufeff',
  'a',
  '/',
];

const hostileString = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'binary', maxLength: 4 })), {
    maxLength: 8,
  })
  .map((pieces) => pieces.join(''));

const pathArbitrary = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
);

const rulesArbitrary: fc.Arbitrary<PolicyRule[]> = fc
  .uniqueArray(
    fc.record({
      path: pathArbitrary,
      capabilities: fc.array(fc.constantFrom(...CAPABILITIES), { maxLength: 5 }),
    }),
    { selector: (rule) => rule.path, maxLength: 5 },
  )
  .map((rules) => rules.map((rule) => ({ path: rule.path, capabilities: rule.capabilities })));

const hasTemplateOpener = (text: string) => text.includes('${') || text.includes('%{');

describe('policyToHcl on arbitrary paths (property)', () => {
  it('either refuses a template opener, or writes exactly the given blocks with exactly their capabilities', async () => {
    const outcomes = { refused: 0, written: 0 };
    await fc.assert(
      fc.asyncProperty(rulesArbitrary, async (rules) => {
        let text: string;
        try {
          text = policyToHcl(rules);
        } catch (error) {
          expect(error).toBeInstanceOf(HclEmitError);
          expect(rules.some((rule) => hasTemplateOpener(rule.path))).toBe(true);
          outcomes.refused++;
          return;
        }
        outcomes.written++;
        expect(rules.some((rule) => hasTemplateOpener(rule.path))).toBe(false);
        expect(text).toMatch(/^[\x20-\x7e\n]*$/);
        const { keys, blocks } = await parseBlocks(text);
        expect(keys).toEqual(rules.length === 0 ? [] : ['path']);
        // Same number of blocks (nothing injected), same paths, same capabilities (nothing widened).
        expect(blocks).toHaveLength(rules.length);
        expect([...blocks].sort(byPath)).toEqual(expectedBlocks(rules).sort(byPath));
      }),
      { numRuns: 200 },
    );
    // Both branches are exercised, so neither half of the property holds vacuously.
    expect(outcomes.refused, JSON.stringify(outcomes)).toBeGreaterThan(10);
    expect(outcomes.written, JSON.stringify(outcomes)).toBeGreaterThan(50);
  });

  it('hclString reads back unchanged for every string without a template opener (property)', async () => {
    await fc.assert(
      fc.asyncProperty(pathArbitrary, async (text) => {
        if (hasTemplateOpener(text)) {
          expect(() => hclString(text)).toThrow(HclEmitError);
          return;
        }
        expect(hclString(text)).toMatch(PRINTABLE_ASCII);
        expect(await readBack(text)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('hclBody (configuration files such as Vault server config)', () => {
  it('writes attributes and labelled, nested and empty blocks that the real parser reads back', async () => {
    const text = hclBody([
      { name: 'ui', value: true },
      { name: 'ports', value: [8200, 8201] },
      {
        block: 'storage',
        labels: ['raft'],
        body: [
          { name: 'path', value: '/vault/data' },
          { block: 'retry_join', body: [{ name: 'leader_api_addr', value: 'https://vault-0.vault-internal:8200' }] },
        ],
      },
      { block: 'service_registration', labels: ['kubernetes'], body: [] },
    ]);
    expect(text).toContain('service_registration "kubernetes" {}\n');
    const json = (await parse('config.hcl', text)) as Record<string, unknown>;
    expect(json.ui).toBe(true);
    expect(json.ports).toEqual([8200, 8201]);
    expect(json.storage).toEqual({
      raft: [{ path: '/vault/data', retry_join: [{ leader_api_addr: 'https://vault-0.vault-internal:8200' }] }],
    });
  });

  it('escapes values and labels, so a hostile string cannot open a block of its own', async () => {
    const hostile = 'x"\n}\nseal "shamir" {\n';
    const text = hclBody([{ block: 'seal', labels: [hostile], body: [{ name: 'key', value: hostile }] }]);
    const json = (await parse('config.hcl', text)) as { seal: Record<string, [{ key: string }]> };
    expect(Object.keys(json.seal)).toEqual([hostile]);
    expect(json.seal[hostile]?.[0].key).toBe(hostile);
  });

  it('refuses names that are not identifiers and numbers that are not finite', () => {
    expect(() => hclBody([{ name: 'a b', value: 1 }])).toThrow(HclEmitError);
    expect(() => hclBody([{ block: 'x"', body: [] }])).toThrow(HclEmitError);
    expect(() => hclBody([{ name: 'n', value: Number.NaN }])).toThrow(HclEmitError);
  });
});
