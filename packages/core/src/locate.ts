/**
 * Points an issue at the line of the field it is about, by reading the definition's syntax tree.
 *
 * Loaded only when there is something to report (ts-morph is heavy): the happy path never parses
 * TypeScript itself.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findSecretText } from './invariants/sec-1.js';
import { type Excerpt, type Issue, parseFieldPath, printable } from './issues.js';

type Ts = typeof import('ts-morph').ts;

/** Longest excerpt printed: long lines are cut around the caret. */
const EXCERPT_WIDTH = 120;
/** Files larger than this get no excerpt (reading them would cost more than the line is worth). */
const EXCERPT_MAX_FILE = 4 * 1024 * 1024;

/**
 * Fills `line`/`column` of every issue that lacks them and names a TypeScript file, then the
 * `excerpt` (the offending line with the caret's position) of every issue whose file can be read.
 */
export async function locateIssues(root: string, issues: readonly Issue[]): Promise<Issue[]> {
  const texts = new Map<string, Promise<string | undefined>>();
  const textOf = (file: string): Promise<string | undefined> => {
    let text = texts.get(file);
    if (text === undefined) {
      text = readText(join(root, file));
      texts.set(file, text);
    }
    return text;
  };
  const pending = issues.some((i) => i.line === undefined && i.file.endsWith('.ts'));
  const ts = pending ? (await import('ts-morph')).ts : undefined;
  const trees = new Map<string, import('ts-morph').ts.SourceFile | undefined>();
  const located: Issue[] = [];
  for (const found of issues) {
    let current = found;
    if (ts !== undefined && found.line === undefined && found.file.endsWith('.ts')) {
      let tree = trees.get(found.file);
      if (!trees.has(found.file)) {
        const text = await textOf(found.file);
        tree = text === undefined ? undefined : ts.createSourceFile(found.file, text, ts.ScriptTarget.Latest, true);
        trees.set(found.file, tree);
      }
      const position = tree === undefined ? undefined : findPosition(ts, tree, parseFieldPath(found.path));
      current = position === undefined ? { ...found, line: 1, column: 1 } : { ...found, ...position };
    }
    if (current.excerpt === undefined && current.line !== undefined && current.file !== '') {
      const text = await textOf(current.file);
      const excerpt = text === undefined ? undefined : excerptOf(text, current.line, current.column ?? 1);
      if (excerpt !== undefined) current = { ...current, excerpt };
    }
    located.push(current);
  }
  return located;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    const bytes = await readFile(path);
    if (bytes.length > EXCERPT_MAX_FILE || bytes.includes(0)) return undefined;
    return bytes.toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * Line `line` of `text`, safe to print: every character outside printable ASCII is escaped (so bidi
 * overrides, control characters and look-alikes show as what they are), cut to EXCERPT_WIDTH around the
 * caret. No excerpt for an empty line, and none for a line that holds a secret: it would print it.
 */
export function excerptOf(text: string, line: number, column: number): Excerpt | undefined {
  const lines = text.split('\n');
  const raw = lines[line - 1]?.replace(/\r$/, '');
  if (raw === undefined || raw.trim() === '' || findSecretText(raw) !== undefined) return undefined;
  const at = Math.min(Math.max(column - 1, 0), raw.length);
  const before = printable(raw.slice(0, at));
  const after = printable(raw.slice(at));
  const start = Math.max(0, before.length - EXCERPT_WIDTH / 2);
  const end = Math.min(before.length + after.length, start + EXCERPT_WIDTH);
  const whole = before + after;
  const cut = (start > 0 ? '…' : '') + whole.slice(start, end) + (end < whole.length ? '…' : '');
  return { text: cut.trimEnd(), caret: before.length - start + (start > 0 ? 1 : 0) + 1 };
}

/** Line and column of the deepest node of `path` found under the file's default export. */
function findPosition(
  ts: Ts,
  tree: import('ts-morph').ts.SourceFile,
  path: readonly (string | number)[],
): { line: number; column: number } | undefined {
  let node: import('ts-morph').ts.Node | undefined = findExportedObject(ts, tree);
  if (node === undefined) return undefined;
  let anchor: import('ts-morph').ts.Node = node;
  for (const part of path) {
    node = unwrap(ts, node);
    let next: import('ts-morph').ts.Node | undefined;
    if (typeof part === 'string' && ts.isObjectLiteralExpression(node)) {
      const property = node.properties.find((p) => p.name !== undefined && propertyName(ts, p.name) === part);
      if (property !== undefined) {
        anchor = property;
        next = ts.isPropertyAssignment(property) ? property.initializer : property;
      }
    } else if (typeof part === 'number' && ts.isArrayLiteralExpression(node)) {
      const element = node.elements[part];
      if (element !== undefined) {
        anchor = element;
        next = element;
      }
    }
    if (next === undefined) break;
    node = next;
  }
  const { line, character } = tree.getLineAndCharacterOfPosition(anchor.getStart(tree));
  return { line: line + 1, column: character + 1 };
}

function findExportedObject(ts: Ts, tree: import('ts-morph').ts.SourceFile): import('ts-morph').ts.Node | undefined {
  for (const statement of tree.statements) {
    if (!ts.isExportAssignment(statement)) continue;
    let expression: import('ts-morph').ts.Node = unwrap(ts, statement.expression);
    if (ts.isIdentifier(expression)) {
      const name = expression.text;
      const declaration = tree.statements
        .filter(ts.isVariableStatement)
        .flatMap((s) => [...s.declarationList.declarations])
        .find((d) => ts.isIdentifier(d.name) && d.name.text === name);
      if (declaration?.initializer === undefined) return statement;
      expression = unwrap(ts, declaration.initializer);
    }
    if (ts.isCallExpression(expression)) {
      const first = expression.arguments[0];
      return first === undefined ? expression : unwrap(ts, first);
    }
    return expression;
  }
  return undefined;
}

/** Looks through `x as T`, `x satisfies T`, `(x)` and `x!`. */
function unwrap(ts: Ts, node: import('ts-morph').ts.Node): import('ts-morph').ts.Node {
  let current = node;
  while (
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isParenthesizedExpression(current) ||
    ts.isNonNullExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

function propertyName(ts: Ts, name: import('ts-morph').ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}
