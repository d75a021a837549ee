/**
 * Runs one process and measures it from the outside: wall time from spawn to exit (its start included)
 * and its peak resident set size, reported by a preloaded module when it exits (max-rss.mjs).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const MAX_RSS_PRELOAD = new URL('./max-rss.mjs', import.meta.url).href;
/** How much of a child's output is kept: the end, where the summary line is. */
const TAIL = 4096;

export interface Measurement {
  readonly wallMs: number;
  /** Peak resident set size in kilobytes; undefined when the process could not report it. */
  readonly maxRssKb: number | undefined;
  /** User plus system CPU time of the process in milliseconds; undefined when it could not report it. */
  readonly cpuMs: number | undefined;
  /** User CPU time alone (the process's own work, not the kernel's file-system work), in milliseconds. */
  readonly userMs?: number | undefined;
  readonly code: number;
  readonly outTail: string;
  readonly errTail: string;
}

/** Runs `node [--import max-rss] ...args`; measures wall time and peak memory. */
export async function measureNode(
  args: readonly string[],
  options: { cwd: string; nodeOptions?: readonly string[]; env?: Readonly<Record<string, string>> },
): Promise<Measurement> {
  const scratch = await mkdtemp(join(tmpdir(), 'platform-gen-bench-rss-'));
  const rssFile = join(scratch, 'max-rss');
  try {
    const result = await measureCommand(
      process.execPath,
      [...(options.nodeOptions ?? []), '--import', MAX_RSS_PRELOAD, ...args],
      // Not a PLATFORM_GEN_ variable: those are part of the run record's key (run-record.ts), and this one differs per run.
      { cwd: options.cwd, env: { ...options.env, BENCH_MAX_RSS_FILE: rssFile } },
    );
    const text = await readFile(rssFile, 'utf8').catch(() => undefined);
    if (text === undefined) return result;
    const usage = JSON.parse(text) as { maxRss: number; user: number; system: number };
    return { ...result, maxRssKb: usage.maxRss, cpuMs: (usage.user + usage.system) / 1000, userMs: usage.user / 1000 };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Runs any command; measures wall time only. */
export function measureCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Readonly<Record<string, string>> },
): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out = (out + chunk).slice(-TAIL);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err = (err + chunk).slice(-TAIL);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - start;
      if (code === null) reject(new Error(`${command} ${args.join(' ')} was killed by ${String(signal)}`));
      else resolve({ wallMs, maxRssKb: undefined, cpuMs: undefined, code, outTail: out, errTail: err });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
