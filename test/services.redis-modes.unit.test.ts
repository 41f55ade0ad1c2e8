import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

// The embedded defaults (scripts/services.mjs) and the Redis modes: in production a
// Cluster or Sentinel setting names Redis as well as REDIS_URL does; with none of the
// three, production stops with one line. (The embedded redis-server default itself is
// test/launcher.test.ts.)

const SERVICES = join(__dirname, '..', 'scripts', 'services.mjs');
const base = {
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://luna@127.0.0.1:1/luna',
};

it('refuses production with no Redis named, in one line', () => {
  const run = spawnSync(process.execPath, [SERVICES], { env: base, encoding: 'utf8', timeout: 10_000 });
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(
    'NODE_ENV=production: set DATABASE_URL and one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS (no embedded defaults in production)\n',
  );
});

it.each([
  { REDIS_CLUSTER_NODES: '10.0.0.1:7000' },
  { REDIS_SENTINELS: '10.0.0.1:26379', REDIS_SENTINEL_MASTER: 'luna' },
])('accepts production with %p and starts no redis-server (no REDIS_URL handed on)', async (redis) => {
  const child = spawn(process.execPath, [SERVICES], { env: { ...base, ...redis }, stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  expect(JSON.parse(line)).toEqual({ DATABASE_URL: base.DATABASE_URL });
});
