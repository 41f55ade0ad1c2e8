import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from './support/redis-server';
import { ACCOUNT_A, streamBody } from './support/api';

// `npm start` on the embedded defaults: DATABASE_URL and REDIS_URL unset.

const ROOT = join(__dirname, '..');

function launch(env: Record<string, string>) {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Ctrl-C stops everything.')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`launcher exited with ${code}:\n${output}`));
    });
  });
  return { child, ready, exited, output: () => output };
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'REDIS_PREFIX'].includes(k)) env[k] = v;
  }
  return env;
}

it('starts on the embedded defaults, keeps the data across a restart, and stops what it started', async () => {
  const [pgPort, redisPort, port, workerPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env = {
    ...baseEnv(),
    LUNA_DATA_DIR: mkdtempSync(join(tmpdir(), 'luna-data-')),
    LUNA_EMBEDDED_PG_PORT: String(pgPort),
    LUNA_EMBEDDED_REDIS_PORT: String(redisPort),
    PORT: String(port),
    WORKER_PORT: String(workerPort),
    LOG_LEVEL: 'warn',
  };
  const api = `http://127.0.0.1:${port}`;

  const first = launch(env);
  await first.ready;
  expect(first.output()).toContain(`API reference    ${api}/docs/spec`);
  expect(first.output()).toContain(`127.0.0.1:${pgPort}`);
  const created = await request(api)
    .post('/1/streams')
    .send(streamBody({ name: 'kept' }))
    .expect(201);
  first.child.kill('SIGINT');
  expect(await first.exited).toBe(0);
  await request(api)
    .get('/version')
    .then(
      () => {
        throw new Error('the API still answers after the launcher stopped');
      },
      () => undefined,
    );

  const second = launch(env);
  await second.ready;
  const got = await request(api).get(`/1/streams/${created.body.stream_id}?account_id=${ACCOUNT_A}`).expect(200);
  expect(got.body.name).toBe('kept');
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});

it('stops with one line and exit code 1 when redis-server is not on PATH', async () => {
  // A PATH with node and sh only.
  const bin = mkdtempSync(join(tmpdir(), 'luna-path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  const [redisPort] = await Promise.all([freePort()]);
  const launcher = launch({
    ...baseEnv(),
    PATH: bin,
    LUNA_EMBEDDED_REDIS_PORT: String(redisPort),
    LUNA_DATA_DIR: mkdtempSync(join(tmpdir(), 'luna-data-')),
  });
  await expect(launcher.ready).rejects.toThrow(/exited with 1/);
  expect(launcher.output()).toBe(
    'redis-server is not on PATH: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL\n',
  );
});
