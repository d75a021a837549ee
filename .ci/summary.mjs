// Prints the one line CI reads, "N passed, N failed", summed over vitest JSON reports (one per Node version).
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    // A run that produced no report counts as one failure: it never got to report its tests.
    process.stderr.write(`no test report at ${file}\n`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  if (report.success === false && (report.numFailedTests ?? 0) === 0) failed += 1;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
