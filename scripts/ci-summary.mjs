// Reads jest's --json results and prints the one line CI reads: "N passed, M failed",
// where M also counts suites that failed to run. Exits non-zero unless jest reported
// success with at least one test.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const results = JSON.parse(readFileSync(file, 'utf8'));
const passed = results.numPassedTests ?? 0;
const failed = (results.numFailedTests ?? 0) + (results.numRuntimeErrorTestSuites ?? 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.success === true && passed > 0 && failed === 0 ? 0 : 1);
