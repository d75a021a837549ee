/**
 * The hostile input corpus (issue #10; cases in hostile-cases.ts). Rejected input: exit 1, the code at the
 * file and line, a short report, not one file changed inside or outside the repository. Accepted input
 * (prose with quotes, template and YAML syntax, look-alike letters): the generated YAML parses to exactly
 * the same documents with the text in place, HCL parses with HashiCorp's parser, Markdown tables keep their
 * columns, and the shell scripts stay valid and untouched. Plus ten thousand namespaces with one bad one.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { printable } from '@platform-gen/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ACCEPTED, type AcceptedCase, lit, NS, REJECTED, type RejectedCase } from './hostile-cases.js';
import {
  changedFiles,
  createTempRepo,
  diffSnapshots,
  parseReport,
  type RunResult,
  removeTempRepos,
  type Snapshot,
  type TempRepo,
  takeSnapshot,
  WORKSPACE_ROOT,
} from './temp-repo.js';

/** HashiCorp's HCL parser, a dependency of core (the CLI package does not list it). */
async function parseHcl(name: string, text: string): Promise<unknown> {
  const path = createRequire(join(WORKSPACE_ROOT, 'packages/core/package.json')).resolve('@cdktf/hcl2json');
  const { parse } = (await import(pathToFileURL(path).href)) as {
    parse: (name: string, text: string) => Promise<unknown>;
  };
  return parse(name, text);
}

const run = promisify(execFile);

let template: TempRepo;
beforeAll(async () => {
  template = await createTempRepo({ keep: true });
});
afterAll(removeTempRepos);

/** The cases of the corpus by category, printed so CI logs show what ran. */
const EXTRA = [
  { category: 'isolation', name: 'a definition polluting Object.prototype changes nothing generated' },
  { category: 'huge definitions', name: '10,000 namespaces, one invalid' },
];

async function lineOf(repo: TempRepo, file: string, text: string): Promise<number> {
  const lines = (await repo.read(file)).split('\n');
  const found = lines.flatMap((line, i) => (line.includes(text) ? [i + 1] : []));
  expect(found, `${JSON.stringify(text.slice(0, 80))} should be on exactly one line of ${file}`).toHaveLength(1);
  return found[0] ?? 0;
}

async function withEnv<T>(env: Readonly<Record<string, string>> | undefined, action: () => Promise<T>): Promise<T> {
  const saved = Object.keys(env ?? {}).map((key) => [key, process.env[key]] as const);
  Object.assign(process.env, env);
  try {
    return await action();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Runs generate on a mutated copy and proves that nothing changed, inside or outside the repository. */
async function generateUnchanged(repo: TempRepo, c: Pick<RejectedCase, 'binary' | 'env'>): Promise<RunResult> {
  const before = await repo.snapshot();
  const outsideBefore = await takeSnapshot(repo.outside);
  const result = await withEnv(c.env, () =>
    c.binary === true ? repo.runBinary(['generate']) : repo.run(['generate']),
  );
  expect(diffSnapshots(before, await repo.snapshot()), 'not one file in the repository may change').toEqual([]);
  expect(diffSnapshots(outsideBefore, await takeSnapshot(repo.outside)), 'nothing outside may change').toEqual([]);
  expect(result.code, result.err).toBe(1);
  expect(result.out).toBe('');
  expect(result.err).toContain('Nothing was written.');
  expect(result.err).not.toContain('internal error');
  return result;
}

describe('hostile input is rejected: exit 1, the code at file:line, not one file changed', () => {
  it('has at least 60 rejected and accepted cases, named uniquely; prints the counts', () => {
    const all = [...REJECTED, ...ACCEPTED, ...EXTRA];
    const counts = new Map<string, number>();
    for (const c of all) counts.set(c.category, (counts.get(c.category) ?? 0) + 1);
    const lines = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `  ${String(n).padStart(3)}  ${k}`);
    // biome-ignore lint/suspicious/noConsole: the issue asks for the counts per category in the test output
    console.log(
      `hostile input corpus: ${all.length} cases (${REJECTED.length} rejected, ${ACCEPTED.length} accepted, ${EXTRA.length} more)\n${lines.join('\n')}`,
    );
    expect(all.length).toBeGreaterThanOrEqual(60);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
  });

  // Cases that set the environment (the load timeout) run one at a time, the others concurrently.
  for (const c of REJECTED) {
    const test = c.bug !== undefined ? it.fails : c.env === undefined ? it.concurrent : it;
    const title = `[${c.category}] ${c.name} -> ${c.code} at ${c.file}${c.binary === true ? ' (binary)' : ''}`;
    test(title, async () => {
      const repo = await createTempRepo({ from: template.root });
      await c.mutate(repo);
      const result = await generateUnchanged(repo, c);
      const line = typeof c.line === 'number' ? c.line : await lineOf(repo, c.file, c.line);
      const { issues, headings } = parseReport(result.err);
      // File names are printed escaped (a bidi override in a folder name must not reach the terminal raw).
      const shown = printable(c.file);
      expect(headings.has(shown), `a heading for ${shown} in:\n${result.err.slice(0, 4000)}`).toBe(true);
      expect(issues, result.err.slice(0, 4000)).toContainEqual(
        expect.objectContaining({ file: shown, line, code: c.code, severity: 'error' }),
      );
      // A hostile value is shown escaped and cut: the report stays readable whatever the input.
      expect(result.err.length, 'the report stays short').toBeLessThan(20_000);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control or bidi character may reach the terminal
      expect(result.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
    });
  }
});

describe('hostile but allowed prose is carried exactly into YAML, HCL and Markdown', () => {
  let repo: TempRepo;
  let baseline: Snapshot;
  let after: Snapshot;
  let result: RunResult;

  beforeAll(async () => {
    repo = await createTempRepo({ from: template.root });
    // The baseline is a fresh generation of the unchanged copy, so only the hostile values make a difference.
    expect((await repo.run(['generate'])).code).toBe(0);
    for (const c of ACCEPTED) await c.mutate(repo);
    baseline = await repo.snapshot();
    result = await repo.run(['generate']);
    after = await repo.snapshot();
  });

  it('generate succeeds, writes no new file, and a second run changes nothing', async () => {
    expect(result.code, result.err).toBe(0);
    const added = [...after.keys()].filter((path) => !baseline.has(path));
    expect(added).toEqual([]);
    const check = await repo.run(['generate', '--check']);
    expect(check.code, check.out + check.err).toBe(0);
  });

  it('every generated shell script is still valid (sh -n, shellcheck), unchanged and free of the hostile text', async () => {
    const scripts = [...after.entries()].filter(([path]) => path.endsWith('.sh'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const [path, entry] of scripts) {
      await run('sh', ['-n', repo.path(path)]);
      await run('shellcheck', ['-s', 'sh', '-S', 'error', repo.path(path)]);
      expect(entry.content, path).toBe(baseline.get(path)?.content);
      for (const c of ACCEPTED) expect(entry.content.includes(c.value), `${path} holds ${c.name}`).toBe(false);
    }
  });

  for (const c of ACCEPTED) {
    it(`[${c.category}] ${c.name}`, async () => {
      expect(result.code, result.err).toBe(0);
      const files = generatedFilesHolding(baseline, c.old);
      expect(files.length, `some generated file holds ${JSON.stringify(c.old)}`).toBeGreaterThan(0);
      expect(changedFiles(baseline, after)).toEqual(expect.arrayContaining(files));
      for (const file of files) {
        const before = baseline.get(file)?.content ?? '';
        const now = after.get(file)?.content ?? '';
        if (/\.ya?ml$/.test(file)) checkYaml(file, before, now);
        else if (file.endsWith('.md')) checkMarkdown(file, before, now, c);
        else throw new Error(`${file}: no check for this kind of file`);
      }
      if (c.hcl !== undefined) await checkHcl(after.get(c.hcl.file)?.content ?? '', c);
    });
  }
});

/** Generated files (not the definitions) whose content holds `text`. */
function generatedFilesHolding(snapshot: Snapshot, text: string): string[] {
  return [...snapshot.entries()]
    .filter(([path, entry]) => entry.type === 'file' && !/^(platform|namespaces|packages)\//.test(path))
    .filter(([, entry]) => entry.content.includes(text))
    .map(([path]) => path);
}

/** The new file parses to the old documents with the new values in place of the old texts, and nothing else. */
function checkYaml(file: string, before: string, now: string): void {
  const parse = (text: string) =>
    parseAllDocuments(text).map((doc) => {
      expect(doc.errors, `${file}: ${doc.errors.join('; ')}`).toEqual([]);
      expect(doc.warnings, file).toEqual([]);
      return doc.toJS() as unknown;
    });
  // Every accepted case is applied to the same copy: all of them are substituted.
  const substitute = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const exact = ACCEPTED.find((a) => a.old === value);
      if (exact !== undefined) return exact.value;
      return ACCEPTED.reduce((text, a) => (a.hcl !== undefined ? text.replace(a.old, a.value) : text), value);
    }
    if (Array.isArray(value)) return value.map(substitute);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    return value;
  };
  const expected = parse(before).map(substitute);
  expect(parse(now), `${file} means exactly the old documents with the new text`).toEqual(expected);
}

/** Cells of a Markdown table row: split at pipes that are not escaped. */
function cells(line: string): number {
  return line.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length;
}

function checkMarkdown(file: string, before: string, now: string, c: AcceptedCase): void {
  const old = before.split('\n');
  const lines = now.split('\n');
  expect(lines.length, `${file} keeps its lines`).toBe(old.length);
  lines.forEach((line, i) => {
    if (line.startsWith('|')) expect(cells(line), `${file}:${i + 1} keeps its columns`).toBe(cells(old[i] ?? ''));
  });
  // As markdownCell writes a table cell: backslashes and pipes escaped, line breaks folded into spaces.
  const escaped = c.value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  expect(now.includes(escaped) || now.includes(c.value), `${file} shows ${c.name}`).toBe(true);
}

async function checkHcl(yamlText: string, c: AcceptedCase): Promise<void> {
  const hcl = c.hcl;
  if (hcl === undefined) return;
  let value: unknown = parseAllDocuments(yamlText)[0]?.toJS();
  for (const key of hcl.path) value = (value as Record<string | number, unknown>)[key];
  expect(typeof value, `${hcl.file}: ${hcl.path.join('.')} is the HCL text`).toBe('string');
  const parsed = await parseHcl('config.hcl', value as string);
  const found: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null)
      for (const [k, item] of Object.entries(v)) {
        if (k === hcl.attribute) found.push(item);
        walk(item);
      }
  };
  walk(parsed);
  expect(found, `${hcl.attribute} once, with the exact value`).toEqual([c.value]);
}

describe('definitions run isolated and at scale', () => {
  it('[isolation] a definition polluting Object.prototype changes nothing generated', async () => {
    const repo = await createTempRepo({ from: template.root });
    expect((await repo.run(['generate'])).code).toBe(0);
    await repo.replace(
      NS,
      `export default defineNamespace({`,
      [
        `(Object.prototype as Record<string, unknown>).polluted = 'kind: Secret';`,
        `(Array.prototype as unknown as Record<string, unknown>).extra = ${lit('---')};`,
        `export default defineNamespace({`,
      ].join('\n'),
    );
    const before = await repo.snapshot();
    const result = await repo.run(['generate']);
    expect(result.code, result.err).toBe(0);
    expect(diffSnapshots(before, await repo.snapshot())).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('[huge definitions] 10,000 namespaces, one invalid: reported, nothing written', async () => {
    const repo = await createTempRepo({ from: template.root });
    const { mkdir, writeFile } = await import('node:fs/promises');
    const bad = 'ns-07777';
    for (let i = 0; i < 10_000; i++) {
      const name = `ns-${String(i).padStart(5, '0')}`;
      await mkdir(repo.path(`namespaces/${name}`));
      await writeFile(
        repo.path(`namespaces/${name}/namespace.ts`),
        [
          `import { defineNamespace } from '@platform-gen/core';`,
          '',
          'export default defineNamespace({',
          `  name: '${name}',`,
          `  team: '${name === bad ? 'Payments' : 'payments'}',`,
          '  vault: { approvedPrefixes: [] },',
          '});',
          '',
        ].join('\n'),
      );
    }
    const result = await generateUnchanged(repo, {});
    const { issues } = parseReport(result.err);
    expect(issues).toEqual([
      expect.objectContaining({ file: `namespaces/${bad}/namespace.ts`, line: 5, code: 'E_NAME_INVALID' }),
    ]);
  }, 180_000);
});
