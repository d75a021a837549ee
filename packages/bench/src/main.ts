/**
 * `pnpm bench [N...] [--runs K] [--keep] [--dir <folder>] [--scenarios a,b]`: platform-gen on synthetic
 * platforms of N namespaces, measured as a process (start included), against the JSON and YAML floors on
 * the same objects. Prints a Markdown table and the goals of issue #11 as a report; asserts nothing.
 *
 * Sub-commands: `repo <N> <dir>` writes a synthetic repository only (for profiling by hand), `profile <files>`
 * sums `node --cpu-prof` profiles by area of the pipeline; `dump <root> <file>`
 * and `floor <kind> <dump> <dir>` are the bench's own child processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, rmdir } from 'node:fs/promises';
import { availableParallelism, cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FloorKind, FloorResult } from './floors.js';
import { type Measurement, measureCommand, measureNode, median } from './measure.js';
import { createSyntheticRepo, namespaceName, WORKSPACE_ROOT, writeSecretsDefinition } from './synthetic-repo.js';

const CLI_BIN = join(WORKSPACE_ROOT, 'packages/cli/bin/platform-gen.js');
const BENCH_BIN = fileURLToPath(new URL('../bin/bench.js', import.meta.url));
/** Namespaces of the repository the pnpm overhead is measured on. */
const OVERHEAD_N = 10;
const MANIFEST_FILE = '.platform-gen/manifest.txt';

const SCENARIOS = ['cold', 'noop', 'check', 'noop-full', 'check-full', 'changed'] as const;
type Scenario = (typeof SCENARIOS)[number];
const SCENARIO_LABEL: Record<Scenario, string> = {
  cold: 'cold generate (empty output)',
  noop: 'no-op generate (run record present)',
  check: 'generate --check (run record present)',
  'noop-full': 'no-op generate, whole pipeline (no run record)',
  'check-full': 'generate --check, whole pipeline (no run record)',
  changed: 'generate, one namespace changed',
};
/** Scenarios run with the run record off (core's run-record.ts): every cache but the record stays warm. */
const WITHOUT_RECORD: ReadonlySet<Scenario> = new Set(['noop-full', 'check-full']);
/** Scenarios that answer from the record: one unmeasured run first writes it (the cold run left none). */
const FROM_RECORD: ReadonlySet<Scenario> = new Set(['noop', 'check']);

/** After a run this long, the scenario's remaining runs are skipped (the median is of the runs made). */
const SLOW_RUN_MS = 180_000;

interface Options {
  readonly sizes: readonly number[];
  readonly runs: number | undefined;
  readonly keep: boolean;
  readonly dir: string | undefined;
  readonly scenarios: readonly Scenario[];
  readonly floors: boolean;
}

interface Row {
  readonly n: number;
  readonly label: string;
  readonly wallMs: readonly number[];
  readonly rssKb: readonly number[];
  readonly cpuMs: readonly number[];
  readonly userMs: readonly number[];
  readonly kind: 'floor' | Scenario;
  readonly note?: string;
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'repo') {
    // For profiling by hand: writes the repository of N namespaces under <dir> and prints its root.
    process.stdout.write(`${await createSyntheticRepo(Number(argv[1]), argv[2] ?? '.')}\n`);
    return 0;
  }
  if (argv[0] === 'profile') {
    // Sums `node --cpu-prof` profiles by area of the pipeline.
    const { formatProfile } = await import('./profile.js');
    for (const file of argv.slice(1)) process.stdout.write(`${formatProfile(file)}\n`);
    return 0;
  }
  if (argv[0] === 'dump') {
    // Imported here: the bench process itself never loads platform-gen.
    const { dumpObjects } = await import('./dump.js');
    const { artifacts } = await dumpObjects(argv[1] ?? '.', argv[2] ?? 'objects.ndjson');
    process.stdout.write(`${JSON.stringify({ artifacts })}\n`);
    return 0;
  }
  if (argv[0] === 'floor') {
    const { runFloor } = await import('./floors.js');
    const result = await runFloor(argv[1] as FloorKind, argv[2] ?? '', argv[3] ?? '');
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  return runBench(options);
}

const USAGE =
  'usage: pnpm bench [N...] [--runs K] [--keep] [--dir <folder>] [--scenarios cold,noop,check,noop-full,check-full,changed] [--no-floors]\n';

function parseOptions(argv: readonly string[]): Options {
  const sizes: number[] = [];
  let runs: number | undefined;
  let keep = false;
  let dir: string | undefined;
  let scenarios: Scenario[] = [...SCENARIOS];
  let floors = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') continue;
    if (arg === '--keep') keep = true;
    else if (arg === '--no-floors') floors = false;
    else if (arg === '--runs') {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
    } else if (arg === '--dir') {
      dir = argv[++i];
      if (dir === undefined) throw new Error('--dir takes a folder');
    } else if (arg === '--scenarios') {
      const list = (argv[++i] ?? '').split(',');
      const unknown = list.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
      if (unknown.length > 0)
        throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);
      scenarios = list as Scenario[];
    } else if (/^\d+$/.test(arg) && Number(arg) > 0) sizes.push(Number(arg));
    else throw new Error(`unknown argument ${JSON.stringify(arg)}`);
  }
  return { sizes: sizes.length > 0 ? sizes : [100, 1000, 10_000], runs, keep, dir, scenarios, floors };
}

/** Runs per scenario: 5 up to 1,000 namespaces, 3 above (a cold run at 10,000 takes minutes). */
function runsFor(n: number, options: Options): number {
  return options.runs ?? (n <= 1000 ? 5 : 3);
}

async function runBench(options: Options): Promise<number> {
  const parent = options.dir ?? (await mkdtemp(join(tmpdir(), 'platform-gen-bench-')));
  const log = (text: string) => process.stderr.write(`${text}\n`);
  const machine = describeMachine();
  log(`bench: ${machine}`);
  log(`bench: repositories under ${parent}${options.keep ? ' (kept)' : ''}`);
  const rows: Row[] = [];
  let overhead: { direct: number; pnpm: number; start: number; n: number } | undefined;
  let failed = false;
  try {
    for (const n of options.sizes) {
      const runs = runsFor(n, options);
      log(`bench: N=${n}: writing ${n} namespaces`);
      const root = await createSyntheticRepo(n, parent);
      const generate = (args: readonly string[], env: Readonly<Record<string, string>> = {}) =>
        measureNode([CLI_BIN, ...args, '--root', root], { cwd: root, env });
      const scenarioRows = await runScenarios(n, root, runs, options.scenarios, generate, log);
      rows.push(...scenarioRows);
      if (options.floors) {
        // The floors need the generated objects: the repository must have been generated once (it is, by now).
        const floorRows = await runFloors(n, root, parent, runs, log);
        rows.push(...floorRows);
      }
      if (!options.keep) await rm(root, { recursive: true, force: true });
    }
    log(`bench: N=${OVERHEAD_N}: pnpm run overhead`);
    const small = await createSyntheticRepo(OVERHEAD_N, parent);
    overhead = { ...(await measurePnpmOverhead(small, runsFor(OVERHEAD_N, options))), n: OVERHEAD_N };
    if (!options.keep) await rm(small, { recursive: true, force: true });
  } catch (error) {
    failed = true;
    log(`bench: ${(error as Error).message}`);
  } finally {
    if (!options.keep && options.dir === undefined) await rm(parent, { recursive: true, force: true });
  }
  process.stdout.write(formatReport(rows, machine, overhead));
  return failed ? 1 : 0;
}

async function runScenarios(
  n: number,
  root: string,
  runs: number,
  scenarios: readonly Scenario[],
  generate: (args: readonly string[], env?: Readonly<Record<string, string>>) => Promise<Measurement>,
  log: (text: string) => void,
): Promise<Row[]> {
  const rows: Row[] = [];
  // Every scenario starts from a generated repository: cold deletes its outputs before each run, so each cold run,
  // like each floor run, is measured right after as many files were deleted (see runFloors), with warm caches.
  await expectOk(await generate(['generate']), 'initial generate');
  let variant = 0;
  for (const scenario of SCENARIOS.filter((s) => scenarios.includes(s))) {
    const wallMs: number[] = [];
    const rssKb: number[] = [];
    const cpuMs: number[] = [];
    const userMs: number[] = [];
    let note: string | undefined;
    const args = scenario === 'check' || scenario === 'check-full' ? ['generate', '--check'] : ['generate'];
    const env = WITHOUT_RECORD.has(scenario) ? { PLATFORM_GEN_RUN_RECORD: '0' } : {};
    if (FROM_RECORD.has(scenario)) await expectOk(await generate(args, env), `${scenario}: the run that records`);
    for (let r = 0; r < runs; r++) {
      if (scenario === 'cold') await removeGenerated(root);
      if (scenario === 'changed') await writeSecretsDefinition(root, Math.floor(n / 2), ++variant);
      // Each run starts with nothing left to flush from the one before (the file system's write-back is not its cost).
      flushDisk();
      const m = await generate(args, env);
      await expectOk(m, `${scenario} generate at N=${n}`);
      if ((scenario === 'noop' || scenario === 'noop-full') && !/ 0 files written/.test(m.outTail))
        throw new Error(`no-op generate wrote files:\n${m.outTail}`);
      wallMs.push(m.wallMs);
      if (m.maxRssKb !== undefined) rssKb.push(m.maxRssKb);
      if (m.cpuMs !== undefined) cpuMs.push(m.cpuMs);
      if (m.userMs !== undefined) userMs.push(m.userMs);
      log(
        `bench: N=${n} ${scenario} run ${r + 1}/${runs}: ${seconds(m.wallMs)} s wall, ${seconds(m.cpuMs ?? Number.NaN)} s CPU, ${mb(m.maxRssKb)} MB`,
      );
      if (m.wallMs > SLOW_RUN_MS && r + 1 < runs) {
        note = `${r + 1} of ${runs} runs: a run took over ${SLOW_RUN_MS / 1000} s`;
        break;
      }
    }
    rows.push({
      n,
      label: SCENARIO_LABEL[scenario],
      kind: scenario,
      wallMs,
      rssKb,
      cpuMs,
      userMs,
      ...(note ? { note } : {}),
    });
  }
  // Leave the repository generated and matching its definitions (the changed namespace back to variant 0).
  if (scenarios.includes('changed')) {
    await writeSecretsDefinition(root, Math.floor(n / 2), 0);
    await expectOk(await generate(['generate']), 'final generate');
  }
  log(`bench: N=${n}: namespace changed in "changed" runs: ${namespaceName(Math.floor(n / 2))}`);
  return rows;
}

interface FloorRuns {
  readonly wallMs: number[];
  readonly rssKb: number[];
  readonly cpuMs: number[];
  readonly userMs: number[];
  readonly serializeMs: number[];
  last: FloorResult | undefined;
}

function emptyFloorRuns(): FloorRuns {
  return { wallMs: [], rssKb: [], cpuMs: [], userMs: [], serializeMs: [], last: undefined };
}

async function runFloors(
  n: number,
  root: string,
  parent: string,
  runs: number,
  log: (text: string) => void,
): Promise<Row[]> {
  const dump = join(parent, `objects-n${n}.ndjson`);
  await expectOk(await measureNode([BENCH_BIN, 'dump', root, dump], { cwd: WORKSPACE_ROOT }), 'dumping the objects');
  const rows: Row[] = [];
  try {
    const kinds = ['json', 'yaml'] as const;
    const made: Record<FloorKind, FloorRuns> = { json: emptyFloorRuns(), yaml: emptyFloorRuns() };
    // Every measured run starts as a cold generate does: right after a tree of the same files was deleted, and
    // flushed. Creating files just after deleting as many is several times slower on this VM's ext4 than on a
    // fresh disk (measured: 20,000 files in 0.35 s or 3–10 s), so a floor that skipped the deletion would be
    // measured on a different disk. An unmeasured run makes the first tree; the kinds then alternate.
    const scratch = join(parent, `floor-scratch-n${n}`);
    await expectOk(
      await measureNode([BENCH_BIN, 'floor', 'json', dump, scratch], { cwd: WORKSPACE_ROOT }),
      'the first floor tree',
    );
    let previous = scratch;
    for (let r = 0; r < runs; r++) {
      for (const kind of kinds) {
        const got = made[kind];
        const out = join(parent, `floor-${kind}-n${n}`);
        await rm(out, { recursive: true, force: true });
        await rm(previous, { recursive: true, force: true });
        previous = out;
        flushDisk();
        const m = await measureNode([BENCH_BIN, 'floor', kind, dump, out], { cwd: WORKSPACE_ROOT });
        await expectOk(m, `the ${kind} floor`);
        const last = JSON.parse(m.outTail.trim().split('\n').pop() ?? '{}') as FloorResult;
        got.last = last;
        got.wallMs.push(last.totalMs);
        got.cpuMs.push(last.cpuMs);
        got.userMs.push(last.userMs);
        got.serializeMs.push(last.serializeMs);
        if (m.maxRssKb !== undefined) got.rssKb.push(m.maxRssKb);
        log(`bench: N=${n} ${kind} floor run ${r + 1}/${runs}: ${seconds(last.totalMs)} s, ${mb(m.maxRssKb)} MB`);
      }
    }
    for (const kind of kinds) {
      const { wallMs, rssKb, cpuMs, userMs, serializeMs, last } = made[kind];
      const note =
        last === undefined
          ? undefined
          : `${last.files} files (${last.documentFiles} from ${last.documents} documents), ${(last.bytes / 1e6).toFixed(1)} MB; serializing alone ${seconds(median(serializeMs))} s`;
      rows.push({
        n,
        label: kind === 'json' ? 'floor: JSON.stringify + write' : 'floor: YAML serializer + write',
        kind: 'floor',
        wallMs,
        rssKb,
        cpuMs,
        userMs,
        ...(note === undefined ? {} : { note }),
      });
    }
  } finally {
    await rm(dump, { force: true });
    for (const kind of ['json', 'yaml', 'scratch']) {
      await rm(join(parent, `floor-${kind}-n${n}`), { recursive: true, force: true });
    }
  }
  return rows;
}

/** `pnpm run check` against the same command run directly, and the CLI's start alone (`--help`). */
async function measurePnpmOverhead(
  root: string,
  runs: number,
): Promise<{ direct: number; pnpm: number; start: number }> {
  const generate = (args: readonly string[]) => measureNode([CLI_BIN, ...args, '--root', root], { cwd: root });
  const direct: number[] = [];
  const viaPnpm: number[] = [];
  const start: number[] = [];
  await expectOk(await generate(['generate']), 'generate');
  // Once more, so the run record exists for every measured run, direct and through pnpm alike.
  await expectOk(await generate(['generate', '--check']), 'generate --check (records)');
  for (let r = 0; r < runs; r++) {
    const m = await generate(['generate', '--check']);
    await expectOk(m, 'generate --check');
    direct.push(m.wallMs);
    const p = await measureCommand('pnpm', ['run', '--silent', 'check'], { cwd: root });
    await expectOk(p, 'pnpm run check');
    viaPnpm.push(p.wallMs);
    const h = await measureNode([CLI_BIN, '--help'], { cwd: root });
    await expectOk(h, 'platform-gen --help');
    start.push(h.wallMs);
  }
  return { direct: median(direct), pnpm: median(viaPnpm), start: median(start) };
}

/** Cold: deletes every file the manifest lists (the manifest too) and the folders left empty; inputs stay. */
async function removeGenerated(root: string): Promise<void> {
  const text = await readFile(join(root, MANIFEST_FILE), 'utf8').catch(() => '');
  const dirs = new Set<string>();
  for (const line of text.split('\n')) {
    const path = line.trim();
    if (path === '' || path.startsWith('#') || path.includes('..')) continue;
    await rm(join(root, path), { force: true });
    for (let dir = dirname(path); dir !== '.' && dir !== ''; dir = dirname(dir)) dirs.add(dir);
  }
  for (const dir of [...dirs].sort((a, b) => b.split('/').length - a.split('/').length)) {
    await rmdir(join(root, dir)).catch(() => undefined);
  }
}

/** Writes every dirty page to disk (`sync`), so the next measured run does not pay for what came before it. */
function flushDisk(): void {
  spawnSync('sync', [], { stdio: 'ignore' });
}

async function expectOk(m: Measurement, what: string): Promise<void> {
  if (m.code !== 0) throw new Error(`${what} failed with exit code ${m.code}:\n${m.errTail}${m.outTail}`);
}

function describeMachine(): string {
  const [one, five] = loadavg();
  return [
    `${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'})`,
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free)`,
    `Node ${process.version}`,
    `load average ${one?.toFixed(2)} / ${five?.toFixed(2)} (1 / 5 min)`,
  ].join(', ');
}

function seconds(ms: number): string {
  return Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '?';
}

function mb(kb: number | undefined): string {
  return kb === undefined ? '?' : (kb / 1024).toFixed(0);
}

function formatReport(
  rows: readonly Row[],
  machine: string,
  overhead: { direct: number; pnpm: number; start: number; n: number } | undefined,
): string {
  const lines: string[] = [];
  lines.push(`Machine at the start: ${machine}`);
  lines.push(`Machine at the end: ${describeMachine()}`);
  lines.push('');
  lines.push(
    'Wall: median over the runs, of the platform-gen process with its start (spawn to exit); the floors are timed in-process.',
  );
  lines.push(
    "CPU: user + system time of the same (steadier than wall on a busy machine); user CPU: the process's own work, without the kernel's file-system work, which the disk's state changes most. RSS: the processes' peak resident set.",
  );
  lines.push("×JSON, ×YAML: ratio to that N's floor of the same measure.");
  lines.push('');
  lines.push(
    '| N | what | runs | wall (s) | min–max (s) | CPU (s) | user CPU (s) | peak RSS (MB) | ×JSON wall | ×YAML wall | ×JSON CPU | ×JSON user | ×JSON RSS | note |',
  );
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const floorOf = (n: number, label: string) =>
    rows.find((r) => r.n === n && r.kind === 'floor' && r.label.includes(label));
  const ratio = (a: number, b: readonly number[] | undefined) => {
    const floor = b === undefined ? Number.NaN : median(b);
    return Number.isFinite(a) && Number.isFinite(floor) && floor > 0 ? `${(a / floor).toFixed(1)}×` : '';
  };
  for (const row of rows) {
    const json = floorOf(row.n, 'JSON');
    const yaml = floorOf(row.n, 'YAML');
    const wall = median(row.wallMs);
    const cpu = median(row.cpuMs);
    const user = median(row.userMs);
    const rss = median(row.rssKb);
    const cells = [
      String(row.n),
      row.label,
      String(row.wallMs.length),
      seconds(wall),
      `${seconds(Math.min(...row.wallMs))}–${seconds(Math.max(...row.wallMs))}`,
      seconds(cpu),
      seconds(user),
      mb(Number.isFinite(rss) ? rss : undefined),
      ratio(wall, json?.wallMs),
      ratio(wall, yaml?.wallMs),
      ratio(cpu, json?.cpuMs),
      ratio(user, json?.userMs),
      ratio(rss, json?.rssKb),
      row.note ?? '',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  if (overhead !== undefined) {
    lines.push(
      `pnpm run overhead (N=${overhead.n}, generate --check): direct ${seconds(overhead.direct)} s, \`pnpm run check\` ${seconds(overhead.pnpm)} s: pnpm adds ${seconds(overhead.pnpm - overhead.direct)} s. The CLI's start alone (\`platform-gen --help\`): ${seconds(overhead.start)} s.`,
    );
    lines.push('');
  }
  lines.push('Goals (issue #11; a report, not an assertion):');
  for (const goal of checkGoals(rows)) lines.push(`- ${goal}`);
  return `${lines.join('\n')}\n`;
}

function checkGoals(rows: readonly Row[]): string[] {
  const get = (n: number, kind: Row['kind'], label?: string) =>
    rows.find((r) => r.n === n && r.kind === kind && (label === undefined || r.label.includes(label)));
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const goals: string[] = [];
  const cold10k = get(10_000, 'cold');
  const json10k = get(10_000, 'floor', 'JSON');
  if (cold10k !== undefined && json10k !== undefined) {
    const time = median(cold10k.wallMs) / median(json10k.wallMs);
    const cpu = median(cold10k.cpuMs) / median(json10k.cpuMs);
    const user = median(cold10k.userMs) / median(json10k.userMs);
    const rss = median(cold10k.rssKb) / median(json10k.rssKb);
    goals.push(
      `${verdict(time <= 2)} N=10000 cold generate ≤ 2× the JSON floor: ${time.toFixed(1)}× wall (${cpu.toFixed(1)}× CPU, ${user.toFixed(1)}× user CPU)`,
    );
    goals.push(`${verdict(rss <= 2)} N=10000 cold generate peak memory ≤ 2× the floor's: ${rss.toFixed(1)}×`);
  } else goals.push('n/a N=10000 cold generate against the JSON floor: not measured in this run');
  for (const kind of ['noop', 'check', 'noop-full', 'check-full', 'changed'] as const) {
    const row = get(1000, kind);
    if (row === undefined) goals.push(`n/a N=1000 ${SCENARIO_LABEL[kind]} ≤ 1 s: not measured in this run`);
    else
      goals.push(
        `${verdict(median(row.wallMs) <= 1000)} N=1000 ${SCENARIO_LABEL[kind]} ≤ 1 s: ${seconds(median(row.wallMs))} s`,
      );
  }
  for (const kind of SCENARIOS) {
    const small = get(1000, kind);
    const large = get(10_000, kind);
    if (small === undefined || large === undefined) continue;
    const growth = median(large.wallMs) / median(small.wallMs);
    goals.push(
      `${verdict(growth <= 11)} ${SCENARIO_LABEL[kind]} from N=1000 to N=10000 grows ≤ 11×: ${growth.toFixed(1)}×`,
    );
  }
  return goals;
}
