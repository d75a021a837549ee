/**
 * Points an issue at the line of the field it is about, by reading the definition's syntax tree.
 *
 * Loaded only when there is something to report (ts-morph is heavy): the happy path never parses
 * TypeScript itself.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Issue, parseFieldPath } from './issues.js';

type Ts = typeof import('ts-morph').ts;

/** Fills `line`/`column` of every issue that lacks them and names a TypeScript file. */
export async function locateIssues(root: string, issues: readonly Issue[]): Promise<Issue[]> {
  const pending = issues.filter((i) => i.line === undefined && i.file.endsWith('.ts'));
  if (pending.length === 0) return [...issues];
  const { ts } = await import('ts-morph');
  const trees = new Map<string, import('ts-morph').ts.SourceFile | undefined>();
  const located: Issue[] = [];
  for (const found of issues) {
    if (found.line !== undefined || !found.file.endsWith('.ts')) {
      located.push(found);
      continue;
    }
    let tree = trees.get(found.file);
    if (!trees.has(found.file)) {
      const text = await readFile(join(root, found.file), 'utf8').catch(() => undefined);
      tree = text === undefined ? undefined : ts.createSourceFile(found.file, text, ts.ScriptTarget.Latest, true);
      trees.set(found.file, tree);
    }
    const position = tree === undefined ? undefined : findPosition(ts, tree, parseFieldPath(found.path));
    located.push(position === undefined ? { ...found, line: 1, column: 1 } : { ...found, ...position });
  }
  return located;
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
