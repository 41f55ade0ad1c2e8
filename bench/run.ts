// `npm run bench`: every benchmark in turn. Each prints its own table and writes JSON
// under bench/results/.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const benches = ['list.ts', 'crud.ts', 'feedback.ts', 'take.ts', 'sweep.ts', 'scale.ts'];
let failed = false;
for (const bench of benches) {
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', join(__dirname, bench)], { stdio: 'inherit' });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
