// Preloaded (`node --import`) into every process the bench measures: on exit, writes the process's peak
// resident set size (kilobytes) and CPU time (microseconds, user and system) as JSON to the file named by
// BENCH_MAX_RSS_FILE. CPU time tells the work done apart from waiting on a busy machine.
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_MAX_RSS_FILE;
if (target !== undefined && target !== '') {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({ maxRss: usage.maxRSS, user: usage.userCPUTime, system: usage.systemCPUTime }),
    );
  });
}
