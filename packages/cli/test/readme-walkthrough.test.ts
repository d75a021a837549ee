/**
 * The README's five-minute walk-through, run as written, with the real binary, on a copy of the example.
 * Each `<!-- walk-through: … -->` comment in that section says what to do with the code block after it:
 *   write PATH                    write the block to PATH
 *   replace PATH FROM TO          replace FROM by TO in PATH (no block)
 *   remove PATH                   remove a file or folder (no block)
 *   run, exit N[, stdout|stderr]  run each line of the block; each must exit N; a failing run writes nothing
 *   stdout | stderr               the previous run printed exactly the block
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempRepo, diffSnapshots, type RunResult, removeTempRepos, WORKSPACE_ROOT } from './temp-repo.js';

afterAll(removeTempRepos);

const README = readFileSync(join(WORKSPACE_ROOT, 'README.md'), 'utf8');

interface Step {
  readonly directive: string;
  /** The fenced block after the directive, without its indentation; undefined for directives that take none. */
  readonly block: string | undefined;
  readonly line: number;
}

const TAKES_NO_BLOCK = /^(replace|remove) /;

/** The directives of the walk-through section, each with its block. */
function walkthroughSteps(readme: string): Step[] {
  const start = readme.indexOf('## Five-minute walk-through');
  const end = readme.indexOf('\n## ', start + 1);
  const lines = readme.slice(start, end === -1 ? undefined : end).split('\n');
  const firstLine = readme.slice(0, start).split('\n').length;
  const steps: Step[] = [];
  let pending: { directive: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const marker = /^\s*<!-- walk-through: (.+?) -->\s*$/.exec(text);
    if (marker !== null) {
      if (pending !== undefined) throw new Error(`README.md:${pending.line}: directive without a code block`);
      const directive = marker[1] ?? '';
      if (TAKES_NO_BLOCK.test(directive)) steps.push({ directive, block: undefined, line: firstLine + i });
      else pending = { directive, line: firstLine + i };
      continue;
    }
    const fence = /^(\s*)```/.exec(text);
    if (fence === null) continue;
    const indent = fence[1]?.length ?? 0;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ''); i++) body.push((lines[i] ?? '').slice(indent));
    if (pending !== undefined) {
      steps.push({ directive: pending.directive, block: `${body.join('\n')}\n`, line: pending.line });
      pending = undefined;
    }
  }
  return steps;
}

/** Splits a command line as sh would for the simple cases the README uses: words, '…' and "…" quoting. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** platform-gen's arguments for a README command line (`pnpm check`, `pnpm generate …`, `pnpm exec platform-gen …`). */
function platformGenArgs(line: string): string[] {
  const [tool, ...rest] = words(line.replace(/\s+#.*$/, ''));
  if (tool !== 'pnpm') throw new Error(`not a pnpm command: ${line}`);
  const [script, ...args] = rest;
  if (script === 'check') return ['generate', '--check', ...args];
  if (script === 'generate' || script === 'validate') return [script, ...args];
  if (script === 'exec' && args[0] === 'platform-gen') return args.slice(1);
  throw new Error(`unknown pnpm command in the walk-through: ${line}`);
}

describe('README walk-through', () => {
  const steps = walkthroughSteps(README);

  it('has the steps it promises (parsed from the README)', () => {
    expect(steps.map((s) => s.directive.split(/[ ,]/)[0])).toEqual(
      expect.arrayContaining(['run', 'write', 'replace', 'remove', 'stdout', 'stderr']),
    );
    expect(steps.length).toBeGreaterThanOrEqual(12);
  });

  it('runs as written, with the real binary, on a copy of the example', { timeout: 600_000 }, async () => {
    const repo = await createTempRepo();
    let last: RunResult | undefined;
    for (const step of steps) {
      const where = `README.md:${step.line} (${step.directive})`;
      const [verb = '', ...operands] = step.directive.split(' ');
      if (verb === 'write') {
        await repo.write(operands[0] ?? '', step.block ?? '');
      } else if (verb === 'replace') {
        const [path = '', from = '', to = ''] = operands;
        await repo.replace(path, from, to);
      } else if (verb === 'remove') {
        await repo.remove(operands[0] ?? '');
      } else if (verb === 'run,') {
        const code = Number(/exit (\d+)/.exec(step.directive)?.[1]);
        for (const line of (step.block ?? '').split('\n').filter((l) => l.trim() !== '')) {
          const before = code === 0 ? undefined : await repo.snapshot();
          last = await repo.runBinary(platformGenArgs(line));
          expect(last.code, `${where}: ${line}\n${last.out}\n${last.err}`).toBe(code);
          if (before !== undefined) expect(diffSnapshots(before, await repo.snapshot()), where).toEqual([]);
        }
      } else if (verb === 'stdout' || verb === 'stderr') {
        expect(last, where).toBeDefined();
        expect(verb === 'stdout' ? last?.out : last?.err, where).toBe(step.block);
      } else {
        throw new Error(`${where}: unknown directive`);
      }
    }
  });
});
