import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '@luna-streams/shared';

// Shared pieces of the benchmarks: a fresh database per run, timing, and the table.

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `luna_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface Timing {
  p50: number;
  p95: number;
  mean: number;
}

/** Runs `op` sequentially `n` times after `warmup` runs; milliseconds per call. */
export async function time(op: () => Promise<unknown>, n = 200, warmup = 20): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await op();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p95: at(0.95), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

export function printTable(rows: Record<string, string | number>[]): void {
  const headers = Object.keys(rows[0] ?? {});
  const width = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  process.stdout.write(`${line(headers)}\n${line(width.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(headers.map((h) => String(row[h])))}\n`);
}
