/**
 * Whether what a definition file evaluates to can be cached by the bytes of the file alone.
 *
 * The rule is a whitelist of syntax, checked on the source text by a small tokenizer and a recursive-descent
 * parser (TypeScript's own parser is not loaded for this: it is far too slow to start). A file is cacheable when
 * it consists only of:
 *
 * - `import { defineX [as y], type T, ... } from '@platform-gen/core'` and `import type { ... } from` the same
 *   specifier, where the only values imported are the three define functions;
 * - `const name [: Type] = <value>` and `export const ...` declarations, and `export default <value>`;
 * - values built from string, template (without `${`) and number literals (optionally negated), `true`,
 *   `false`, `null`, `undefined`, names declared above, object literals (plain, quoted or numeric keys,
 *   shorthand, spread), array literals (holes, spread), parentheses, calls of an imported define function with
 *   one argument, and the type annotations `as Type`, `as const` and `satisfies Type` (types: names,
 *   qualified names, type arguments, `[]`, literal types, unions and intersections).
 *
 * Anything else makes the file not cacheable: any other import (a helper module, `node:fs`), dynamic `import(`,
 * member access (`.`, `[...]` after a value), any other call, operators, `/` (a regular expression or a
 * division cannot be told apart here), backslashes and non-ASCII characters outside strings and comments
 * (escaped identifiers), a `${` in a template, and every identifier not declared in the file, which covers
 * `process`, `globalThis`, `Date`, `Math`, `eval`, `Function`, `fetch`, `setTimeout`, `require` and the rest.
 * Such a file can evaluate only literals and the define functions of core, so its value depends on nothing but
 * its own text and the toolchain (both part of the cache key). The rule does not judge whether a file is valid:
 * a cacheable file may still fail to import or be rejected by validation; the loader caches only what it loaded.
 */

export const CORE_SPECIFIER = '@platform-gen/core';
const DEFINE_FUNCTIONS = new Set(['definePlatform', 'defineNamespace', 'defineSecrets']);

export type SourceVerdict = { readonly cacheable: true } | { readonly cacheable: false; readonly reason: string };

type TokenType = 'name' | 'string' | 'number' | 'punct' | 'eof';

interface Token {
  readonly type: TokenType;
  /** The raw text (for a string: with its quotes). */
  readonly text: string;
  /** A line break between this token and the one before. */
  readonly newlineBefore: boolean;
}

class NotCacheable extends Error {}

const fail = (reason: string): never => {
  throw new NotCacheable(reason);
};

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;
const DIGIT = /[0-9]/;
const NUMBER =
  /^(?:0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[oO][0-7](?:_?[0-7])*|0[bB][01](?:_?[01])*|(?:(?:[0-9](?:_?[0-9])*)(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?)/;
const PUNCTUATION = new Set(['{', '}', '(', ')', '[', ']', ',', ':', ';', '<', '>', '|', '&', '=', '-', '.']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // A byte order mark at the start is not part of the program.
  let i = text.startsWith('\ufeff') ? 1 : 0;
  let newline = false;
  const push = (type: TokenType, start: number) => {
    tokens.push({ type, text: text.slice(start, i), newlineBefore: newline });
    newline = false;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') {
      newline = true;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\v' || c === '\f') {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && !/[\n\r\u2028\u2029]/.test(text[i] as string)) i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('an unterminated comment');
      if (/[\n\r\u2028\u2029]/.test(text.slice(i, end))) newline = true;
      i = end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const start = i;
      i++;
      for (;;) {
        if (i >= text.length) fail('an unterminated string');
        const d = text[i] as string;
        if (d === '\\') i += 2;
        else if (d === c) break;
        else if (c === '`' && d === '$' && text[i + 1] === '{') fail('a template literal with a substitution');
        else if (c !== '`' && (d === '\n' || d === '\r')) fail('a line break in a string');
        else i++;
      }
      i++;
      push('string', start);
    } else if (IDENT_START.test(c)) {
      const start = i;
      while (i < text.length && IDENT_PART.test(text[i] as string)) i++;
      push('name', start);
    } else if (DIGIT.test(c) || (c === '.' && DIGIT.test(text[i + 1] ?? ''))) {
      const match = NUMBER.exec(text.slice(i, i + 400));
      if (match === null) fail('a malformed number');
      const start = i;
      const literal = (match as RegExpExecArray)[0];
      // `010`, `08`: legacy octal and leading zeros are errors in a module.
      if (/^0[0-9_]/.test(literal)) fail('a number with a leading zero');
      i += literal.length;
      // `1n`, `1.toString`, `1..x`, `08`: nothing may stick to a number.
      if (i < text.length && /[A-Za-z0-9_$.\\]/.test(text[i] as string)) fail('a number followed by more');
      push('number', start);
    } else if (c === '.' && text.startsWith('...', i)) {
      const start = i;
      i += 3;
      push('punct', start);
    } else if (PUNCTUATION.has(c)) {
      const start = i;
      i++;
      push('punct', start);
    } else {
      fail(
        c === '/'
          ? "'/' outside a comment (a regular expression or a division)"
          : c.charCodeAt(0) < 0x80
            ? `the character ${JSON.stringify(c)} outside strings`
            : 'a non-ASCII character outside strings and comments',
      );
    }
  }
  tokens.push({ type: 'eof', text: '', newlineBefore: newline });
  return tokens;
}

/** Names that are keywords where a value could start: never a reference to a declared name. */
const LITERAL_NAMES = new Set(['true', 'false', 'null', 'undefined']);
/** Words this parser reads as keywords in some places: not accepted as declared names. */
const CONTEXTUAL_KEYWORDS = new Set(['as', 'satisfies', 'type', 'from', 'import', 'export', 'const', 'default']);

class Parser {
  private at = 0;
  /** Names declared in the file: `true` for a define function, `false` for a constant. */
  private readonly bound = new Map<string, boolean>();

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.at + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (this.at < this.tokens.length - 1) this.at++;
    return token;
  }

  private is(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return (token.type === 'punct' || token.type === 'name') && token.text === text;
  }

  private expect(text: string): void {
    if (!this.is(text))
      fail(`${JSON.stringify(this.peek().text || 'the end')} where ${JSON.stringify(text)} was expected`);
    this.next();
  }

  private name(): string {
    const token = this.next();
    if (token.type !== 'name') fail(`${JSON.stringify(token.text || 'the end')} where a name was expected`);
    return token.text;
  }

  program(): void {
    while (this.peek().type !== 'eof') this.statement();
  }

  private statement(): void {
    if (this.is(';')) {
      this.next();
      return;
    }
    if (this.is('import')) this.importDeclaration();
    else if (this.is('export') && this.is('default', 1)) {
      this.next();
      this.next();
      this.expression();
    } else if (this.is('export') && this.is('const', 1)) {
      this.next();
      this.constDeclaration();
    } else if (this.is('const')) this.constDeclaration();
    else fail(`a statement starting with ${JSON.stringify(this.peek().text)}`);
    this.endOfStatement();
  }

  private endOfStatement(): void {
    if (this.is(';')) this.next();
    else if (this.peek().type !== 'eof' && !this.peek().newlineBefore) {
      fail(`${JSON.stringify(this.peek().text)} after a complete statement`);
    } else if (!this.is('import') && !this.is('export') && !this.is('const') && this.peek().type !== 'eof') {
      // Without a semicolon the next line could continue this statement (`(`, `[`, a template, an operator).
      fail(`a line starting with ${JSON.stringify(this.peek().text)} that could continue the statement before`);
    }
  }

  private importDeclaration(): void {
    this.expect('import');
    let typeOnly = false;
    if (this.is('type') && this.is('{', 1)) {
      this.next();
      typeOnly = true;
    }
    if (!this.is('{')) fail('an import other than `import { ... } from`');
    this.next();
    const values: [string, string][] = [];
    while (!this.is('}')) {
      let specifierTypeOnly = typeOnly;
      // `type X` marks a type-only import; the corner cases of `type` and `as` as names are not accepted.
      if (this.is('type') && this.peek(1).type === 'name' && !this.is('as', 1)) {
        this.next();
        specifierTypeOnly = true;
      }
      const imported = this.name();
      if (imported === 'type' || imported === 'as') fail(`an import of a name ${imported}`);
      let local = imported;
      if (this.is('as')) {
        this.next();
        local = this.name();
      }
      if (!specifierTypeOnly) values.push([imported, local]);
      if (this.is(',')) this.next();
      else if (!this.is('}')) fail('a malformed import list');
    }
    this.next();
    this.expect('from');
    const specifier = this.next();
    if (
      specifier.type !== 'string' ||
      specifier.text.startsWith('`') ||
      specifier.text.slice(1, -1) !== CORE_SPECIFIER
    ) {
      fail(`an import from ${specifier.text || 'nowhere'}: only ${CORE_SPECIFIER} is allowed`);
    }
    if (this.is('with') || this.is('assert')) fail('import attributes');
    for (const [imported, local] of values) {
      if (!DEFINE_FUNCTIONS.has(imported)) fail(`the value ${imported} imported from ${CORE_SPECIFIER}`);
      this.declare(local, true);
    }
  }

  private declare(name: string, callable: boolean): void {
    if (LITERAL_NAMES.has(name) || CONTEXTUAL_KEYWORDS.has(name) || this.bound.has(name)) {
      fail(`the name ${name} declared twice, or a literal or keyword as a name`);
    }
    this.bound.set(name, callable);
  }

  private constDeclaration(): void {
    this.expect('const');
    const name = this.name();
    if (this.is(':')) {
      this.next();
      this.type();
    }
    this.expect('=');
    this.expression();
    // Declared after its initializer: a reference to itself is not accepted.
    this.declare(name, false);
  }

  private expression(): void {
    this.primary();
    for (;;) {
      if ((this.is('as') || this.is('satisfies')) && !this.peek().newlineBefore) {
        const keyword = this.next().text;
        if (keyword === 'as' && this.is('const')) this.next();
        else this.type();
      } else return;
    }
  }

  private primary(): void {
    const token = this.peek();
    if (token.type === 'string' || token.type === 'number') {
      this.next();
      return;
    }
    if (this.is('-')) {
      this.next();
      if (this.peek().type !== 'number') fail('a minus sign before something other than a number');
      this.next();
      return;
    }
    if (this.is('{')) {
      this.objectLiteral();
      return;
    }
    if (this.is('[')) {
      this.arrayLiteral();
      return;
    }
    if (this.is('(')) {
      this.next();
      this.expression();
      this.expect(')');
      return;
    }
    if (token.type === 'name') {
      this.next();
      if (LITERAL_NAMES.has(token.text)) return;
      const callable = this.bound.get(token.text);
      if (callable === undefined) fail(`the name ${token.text}, which the file does not declare`);
      if (this.is('(')) {
        if (callable !== true) fail(`a call of ${token.text}`);
        this.next();
        this.expression();
        if (this.is(',')) this.next();
        this.expect(')');
      }
      return;
    }
    fail(`${JSON.stringify(token.text || 'the end')} where a value was expected`);
  }

  private objectLiteral(): void {
    this.expect('{');
    while (!this.is('}')) {
      if (this.is('...')) {
        this.next();
        this.expression();
      } else {
        const key = this.next();
        if (key.type === 'punct' || key.type === 'eof') fail(`${JSON.stringify(key.text || 'the end')} as a key`);
        if (this.is(':')) {
          this.next();
          this.expression();
        } else if (key.type === 'name' && (this.is(',') || this.is('}'))) {
          if (this.bound.get(key.text) !== false) fail(`the shorthand property ${key.text}`);
        } else fail(`${JSON.stringify(this.peek().text)} after the key ${key.text} (a method or an accessor)`);
      }
      if (this.is(',')) this.next();
      else if (!this.is('}')) fail(`${JSON.stringify(this.peek().text)} in an object literal`);
    }
    this.next();
  }

  private arrayLiteral(): void {
    this.expect('[');
    while (!this.is(']')) {
      if (this.is(',')) {
        this.next();
        continue;
      }
      if (this.is('...')) this.next();
      this.expression();
      if (this.is(',')) this.next();
      else if (!this.is(']')) fail(`${JSON.stringify(this.peek().text)} in a list`);
    }
    this.next();
  }

  /** A type: erased by the compiler, so its names are not checked, only its shape (nothing a value hides in). */
  private type(): void {
    if (this.is('|') || this.is('&')) this.next();
    this.typeAtom();
    while (this.is('|') || this.is('&')) {
      this.next();
      this.typeAtom();
    }
  }

  private typeAtom(): void {
    const token = this.peek();
    if (token.type === 'string' || token.type === 'number') this.next();
    else if (this.is('-') && this.peek(1).type === 'number') {
      this.next();
      this.next();
    } else if (this.is('(')) {
      this.next();
      this.type();
      this.expect(')');
    } else if (token.type === 'name') {
      if (token.text === 'typeof' || token.text === 'keyof' || token.text === 'infer')
        fail(`the type operator ${token.text}`);
      this.next();
      while (this.is('.')) {
        this.next();
        this.name();
      }
      if (this.is('<')) {
        this.next();
        this.type();
        while (this.is(',')) {
          this.next();
          this.type();
        }
        this.expect('>');
      }
    } else fail(`${JSON.stringify(token.text || 'the end')} in a type`);
    while (this.is('[') && this.is(']', 1)) {
      this.next();
      this.next();
    }
  }
}

/** Applies the rule (see the module comment) to a definition's source text. */
export function checkCacheableSource(text: string): SourceVerdict {
  try {
    new Parser(tokenize(text)).program();
    return { cacheable: true };
  } catch (error) {
    if (error instanceof NotCacheable) return { cacheable: false, reason: error.message };
    throw error;
  }
}
