// `npm run bench`: every benchmark in turn, each in a process of its own. Each prints its
// figures and writes bench/results/<bench>-<time>.json; at the end this prints one table
// with every figure, baseline, ratio and target, and writes it to bench/results/run-<time>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine, printTable, type Figure } from './support';

const ALL = ['list', 'crud', 'feedback', 'take', 'sweep', 'scale', 'overload', 'events', 'console', 'webhooks'];
// `npm run bench -- take crud` runs only those.
const chosen = process.argv.slice(2).filter((name) => ALL.includes(name));
const benches = chosen.length > 0 ? chosen : ALL;

const runFile = join(tmpdir(), `luna-bench-${process.pid}.jsonl`);
rmSync(runFile, { force: true });
const started = new Date();
const failed: string[] = [];
for (const bench of benches) {
  process.stdout.write(`\n== bench/${bench}\n`);
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', join(__dirname, `${bench}.ts`)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RUN_FILE: runFile },
  });
  if (run.status !== 0) failed.push(bench);
}

const figures: (Figure & { bench: string })[] = existsSync(runFile)
  ? readFileSync(runFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => JSON.parse(line) as (Figure & { bench: string })[])
  : [];
rmSync(runFile, { force: true });

const host = machine();
process.stdout.write(
  `\n== all figures (${started.toISOString().slice(0, 10)}; ${host.cores} cores, ${host.cpu}, ` +
    `${host.memoryGiB} GiB, Node ${host.node})\n`,
);
if (figures.length > 0) printTable(figures);
const missed = figures.filter((f) => f.met === 'NO');
process.stdout.write(
  `${figures.length} figures, ${missed.length} targets missed${failed.length ? `; failed: ${failed.join(', ')}` : ''}\n`,
);
const out = join(__dirname, 'results', `run-${started.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ at: started.toISOString(), machine: host, benches, failed, figures }, null, 2));
process.stdout.write(`written to ${out}\n`);
process.exit(failed.length > 0 ? 1 : 0);
