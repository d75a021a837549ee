import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCacheableSource } from './cacheable-source.js';

const WORKSPACE_ROOT = join(import.meta.dirname, '..', '..', '..');
const IMPORT = "import { defineNamespace } from '@platform-gen/core';";
const BODY = "{ name: 'a', team: 't', vault: { approvedPrefixes: ['a'] } }";

/** A namespace file: `before` the export, `value` as its argument. */
const ns = (value: string = BODY, before = '') => `${IMPORT}\n${before}\nexport default defineNamespace(${value});\n`;

describe('checkCacheableSource: accepted', () => {
  it("accepts every definition of the example repository and the bench's", () => {
    const files = [
      'platform/platform.ts',
      ...readdirSync(join(WORKSPACE_ROOT, 'namespaces')).flatMap((n) => [
        `namespaces/${n}/namespace.ts`,
        `namespaces/${n}/secrets.ts`,
      ]),
    ];
    for (const file of files) {
      expect(checkCacheableSource(readFileSync(join(WORKSPACE_ROOT, file), 'utf8')), file).toEqual({ cacheable: true });
    }
    // As the bench writes them: JSON inside the call.
    expect(checkCacheableSource(ns('{\n  "name": "a",\n  "vault": { "approvedPrefixes": ["a/b"] }\n}'))).toEqual({
      cacheable: true,
    });
  });

  it.each([
    ['type imports', `import type { NamespaceDefinition } from '@platform-gen/core';\n${ns()}`],
    ['an inline type import', ns().replace('{ defineNamespace }', '{ defineNamespace, type NamespaceDefinition }')],
    ['an aliased import', 'import { defineNamespace as ns } from "@platform-gen/core";\nexport default ns({ a: 1 })'],
    [
      'constants, spread and shorthand',
      ns("{ ...base, name, list: [...more, 'x'] }", "const base = { a: 1 };\nconst name = 'a';\nconst more = ['y'];"),
    ],
    ['exported constants', ns('{ team }', "export const team = 't';")],
    [
      'satisfies, as const and type annotations',
      ns(`${BODY} satisfies Record<string, unknown>`, "const x: Array<string | number>[] = [['a', 1]] as const;"),
    ],
    ['comments naming anything', ns(BODY, "// process.env, eval('x'), import('y')\n/* require('fs') */")],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test
    ['strings naming anything', ns("{ d: 'process.env.X', e: \"globalThis\", f: `Date.now() \\${x}`, g: '\\'' }")],
    ['numbers in every notation', ns('{ a: -1, b: 0x1f, c: 1_000, d: 1.5e3, e: .5, f: 0b1, g: 0o7 }')],
    ['no semicolons', `${IMPORT}\nconst a = 1\nexport default defineNamespace({ a })\n`],
    ['holes and trailing commas', ns('{ a: [1, , 2,], b: { c: 1, }, }')],
    ['a byte order mark', `\ufeff${ns()}`],
  ])('accepts %s', (_name, text) => {
    expect(checkCacheableSource(text)).toEqual({ cacheable: true });
  });
});

describe('checkCacheableSource: not cacheable', () => {
  it.each([
    ['a helper module', `import { x } from '../../lib/x.ts';\n${ns('{ x }')}`],
    ['node:fs', `import { readFileSync } from 'node:fs';\n${ns()}`],
    [
      'a core subpath',
      `import { defineNamespace } from '@platform-gen/core/testing';\nexport default defineNamespace(${BODY});`,
    ],
    [
      'another value from core',
      `import { defineNamespace, loadDefinitions } from '@platform-gen/core';\nexport default defineNamespace(${BODY});`,
    ],
    [
      'a namespace import',
      `import * as core from '@platform-gen/core';\nexport default core.defineNamespace(${BODY});`,
    ],
    ['a default import', `import core from '@platform-gen/core';\n${ns()}`],
    ['a side-effect import', `import './setup.ts';\n${ns()}`],
    [
      'import attributes',
      `import { defineNamespace } from '@platform-gen/core' with { type: 'x' };\nexport default defineNamespace(${BODY});`,
    ],
    [
      'an escaped specifier',
      `import { defineNamespace } from '@platform-gen\\u002fcore';\nexport default defineNamespace(${BODY});`,
    ],
    ['dynamic import', ns("{ a: await import('node:fs') }")],
    ['import.meta', ns('{ a: import.meta.url }')],
    ['require', ns("{ a: require('fs') }")],
    ['process.env', ns('{ a: process.env.X }')],
    ['globalThis', ns('{ a: globalThis }')],
    ['Date', ns('{ a: Date.now() }')],
    ['Math.random', ns('{ a: Math.random() }')],
    ['eval', ns("{ a: eval('1') }")],
    ['Function', ns("{ a: Function('return 1')() }")],
    ['fetch', ns("{ a: fetch('x') }")],
    ['setTimeout', ns(BODY, 'setTimeout(() => {}, 0);')],
    ['an undeclared name', ns('{ a: somewhere }')],
    ['a constructor reached through a literal', ns("{ a: [].constructor.constructor('return process')() }")],
    ['a computed member', ns("{ a: x['constructor'] }", 'const x = {};')],
    ['member access on a constant', ns('{ a: x.y }', 'const x = { y: 1 };')],
    ['a call of a constant', ns('{ a: x() }', 'const x = 1;')],
    ['a define function called twice in a row', ns(`${BODY})(1`)],
    ['a generic call', `${IMPORT}\nexport default defineNamespace<{}>(${BODY});`],
    ['a loop', ns(BODY, 'while (true) {}')],
    ['a function', ns('{ a: (() => 1)() }')],
    ['a getter', ns("{ get name() { return 'a'; } }")],
    ['a method', ns('{ name() {} }')],
    ['a computed key', ns("{ ['na' + 'me']: 'a' }")],
    ['an operator', ns("{ a: 'x' + 'y' }")],
    ['a conditional', ns('{ a: 1 ? 2 : 3 }')],
    ['a regular expression', ns('{ a: /x/.source }')],
    ['a division', ns('{ a: 4 / 2 }')],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test
    ['a template with a substitution', ns('{ a: `${1}` }')],
    ['a tagged template', ns('{ a: x`y` }', 'const x = 1;')],
    ['an escaped identifier', ns('{ a: \\u0070rocess }')],
    ['a non-ASCII identifier', ns('{ a: ñ }', 'const ñ = 1;')],
    ['a non-null assertion', ns('{ a: x! }', 'const x = 1;')],
    ['let', ns('{ x }', 'let x = 1;')],
    ['an assignment', ns(BODY, 'const x = {};\nx = 1;')],
    ['a statement continued on the next line', `${IMPORT}\nexport default defineNamespace(${BODY})\n(1)\n`],
    ['a member access on the next line', `${IMPORT}\nconst x = [1]\n[0]\n${ns()}`],
    ['as on the next line', `${IMPORT}\nexport default defineNamespace(${BODY})\nas\nconst x = 1;\n`],
    ['a type query', ns(BODY, 'const x: typeof process = 1;')],
    ['a number with a member', ns('{ a: 1..constructor }')],
    ['a BigInt', ns('{ a: 1n }')],
    ['a legacy octal', ns('{ a: 010 }')],
    ['a constant used before it is declared', `${ns('{ a: x }')}const x = 1;`],
    ['a redeclared import', `${IMPORT}\nconst defineNamespace = 1;\nexport default defineNamespace;`],
    ['an unterminated comment', `${ns()}/*`],
    ['an unterminated string', ns("{ a: 'x }")],
    ['a class', ns(BODY, 'class A {}')],
    ['export type', `${ns()}export type X = string;`],
  ])('refuses %s', (_name, text) => {
    const verdict = checkCacheableSource(text);
    expect(verdict.cacheable).toBe(false);
    if (!verdict.cacheable) expect(verdict.reason).not.toBe('');
  });
});
