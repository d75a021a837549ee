/**
 * The source text of a new namespace's definition files, built with ts-morph from structures and laid out
 * as biome formats the example definitions (2 spaces, single quotes, trailing commas), so `pnpm lint`
 * accepts them as written. ts-morph is loaded here, lazily: no other command pays for it.
 */
import type { NamespaceDefinition } from '@platform-gen/core';
import type { CodeBlockWriter } from 'ts-morph';

/** biome's line width (biome.json): a property line longer than this is expanded, as biome would. */
const LINE_WIDTH = 120;

export interface NamespaceFiles {
  readonly namespace: string;
  readonly secrets: string;
}

export async function renderNamespaceFiles(definition: NamespaceDefinition): Promise<NamespaceFiles> {
  const { IndentationText, Project, QuoteKind, StructureKind } = await import('ts-morph');
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { quoteKind: QuoteKind.Single, indentationText: IndentationText.TwoSpaces },
  });
  const render = (file: string, define: string, body: (writer: CodeBlockWriter) => void): string =>
    project
      .createSourceFile(file, {
        statements: [
          { kind: StructureKind.ImportDeclaration, moduleSpecifier: '@platform-gen/core', namedImports: [define] },
          {
            kind: StructureKind.ExportAssignment,
            isExportEquals: false,
            leadingTrivia: (writer) => writer.blankLineIfLastNot(),
            expression: (writer) => {
              // ts-morph queues one level of hanging indentation for an export's expression; biome has none.
              writer.queueIndentationLevel(0);
              writer.write(`${define}({`).newLine();
              writer.indent(() => body(writer));
              writer.write('})');
            },
          },
        ],
      })
      .getFullText();

  const prefixes = definition.vault.approvedPrefixes;
  const namespace = render('/namespace.ts', 'defineNamespace', (writer) => {
    writeString(writer, 'name', definition.name);
    writeString(writer, 'team', definition.team);
    if (definition.description !== undefined) writeString(writer, 'description', definition.description);
    writeVault(writer, prefixes.map(stringLiteral));
  });

  const example = `${prefixes[0] ?? `${definition.team}/${definition.name}`}/db`;
  const secrets = render('/secrets.ts', 'defineSecrets', (writer) => {
    writer.writeLine('// One entry per Kubernetes Secret, synced from Vault by External Secrets; keys lie under the');
    writer.writeLine("// namespace's approved Vault prefixes (namespace.ts). For example:");
    writer.writeLine(
      `// { name: 'db-credentials', key: ${stringLiteral(example)}, properties: ['username', 'password'] },`,
    );
    writer.writeLine('secrets: [],');
  });
  return { namespace, secrets };
}

/** `key: 'value',` at depth 1; biome moves a literal that does not fit onto its own line (it never splits one). */
function writeString(writer: CodeBlockWriter, key: string, value: string): void {
  const literal = stringLiteral(value);
  // Width in code points: exact for the ASCII that names and prefixes are, close enough for a description.
  if ([...`  ${key}: ${literal},`].length <= LINE_WIDTH) writer.writeLine(`${key}: ${literal},`);
  else writer.writeLine(`${key}:`).indent(() => writer.writeLine(`${literal},`));
}

/** `vault: { approvedPrefixes: [...] },` on one line when it fits (depth 1), expanded level by level as biome does. */
function writeVault(writer: CodeBlockWriter, literals: readonly string[]): void {
  const list = `[${literals.join(', ')}]`;
  if (`  vault: { approvedPrefixes: ${list} },`.length <= LINE_WIDTH) {
    writer.writeLine(`vault: { approvedPrefixes: ${list} },`);
    return;
  }
  writer.writeLine('vault: {');
  writer.indent(() => {
    if (`    approvedPrefixes: ${list},`.length <= LINE_WIDTH) {
      writer.writeLine(`approvedPrefixes: ${list},`);
      return;
    }
    writer.writeLine('approvedPrefixes: [');
    writer.indent(() => {
      for (const literal of literals) writer.writeLine(`${literal},`);
    });
    writer.writeLine('],');
  });
  writer.writeLine('},');
}

/**
 * A TypeScript string literal whose value is exactly `value`, quoted as biome quotes it: single quotes
 * unless the text holds more single than double quotes. Backslashes, the chosen quote, control characters,
 * line and paragraph separators and lone surrogates are escaped, and the '$' of `${`.
 */
function stringLiteral(value: string): string {
  const singles = value.split("'").length - 1;
  const doubles = value.split('"').length - 1;
  const quote = singles > doubles ? '"' : "'";
  let body = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\' || char === quote) body += `\\${char}`;
    else if (char === '\n') body += '\\n';
    else if (char === '\r') body += '\\r';
    else if (char === '\t') body += '\\t';
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029 || (code >= 0xd800 && code <= 0xdfff)) {
      body += `\\u${code.toString(16).padStart(4, '0')}`;
    } else body += char;
  }
  // `${` is literal in a quoted string, but biome warns about it (noTemplateCurlyInString): spell the '$' out.
  return `${quote}${body.replace(/\$\{/g, '\\u0024{')}${quote}`;
}
