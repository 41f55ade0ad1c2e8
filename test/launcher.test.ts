import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
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
    // A process group of its own, as a terminal gives `npm start`: Ctrl-C signals all of it.
    detached: true,
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
  expect(first.output()).toContain(`console          ${api}/console`);
  expect((await fetch(`${api}/console/streams`)).headers.get('content-type')).toContain('text/html');
  expect(first.output()).toContain(`127.0.0.1:${pgPort}`);
  const created = await request(api)
    .post('/1/streams')
    .send(streamBody({ name: 'kept' }))
    .expect(201);
  const before = first.output().length;
  process.kill(-first.child.pid!, 'SIGINT'); // Ctrl-C: the launcher, the apps and anything else in the group
  expect(await first.exited).toBe(0);
  // The apps stopped before PostgreSQL and Redis: no warning about a lost connection.
  expect(first.output().slice(before)).toBe('');
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

it('stops with one line and exit code 1 when PORT is taken, before starting anything', async () => {
  const taken = createServer().listen(0);
  await once(taken, 'listening');
  const port = (taken.address() as AddressInfo).port;
  try {
    const launcher = launch({
      ...baseEnv(),
      PORT: String(port),
      LUNA_DATA_DIR: mkdtempSync(join(tmpdir(), 'luna-data-')),
    });
    await expect(launcher.ready).rejects.toThrow(/exited with 1/);
    expect(launcher.output()).toBe(
      `port ${port} (PORT) is in use, perhaps by another npm start: stop it, or set PORT\n`,
    );
  } finally {
    taken.close();
  }
});

it('stops with one line and exit code 1 when DATABASE_URL names a server that does not answer', async () => {
  const [port, workerPort] = await Promise.all([freePort(), freePort()]);
  const launcher = launch({
    ...baseEnv(),
    DATABASE_URL: 'postgresql://postgres:secret@127.0.0.1:1/luna',
    REDIS_URL: 'redis://127.0.0.1:1',
    PORT: String(port),
    WORKER_PORT: String(workerPort),
  });
  await expect(launcher.ready).rejects.toThrow(/exited with 1/);
  expect(launcher.output()).toBe(
    'PostgreSQL at postgresql://postgres:***@127.0.0.1:1/luna refused a session ' +
      '(ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1): start it, create the database, correct DATABASE_URL, ' +
      'or unset it to use the embedded PostgreSQL\n',
  );
});

it('stops with one line and exit code 1 when redis-server is not on PATH', async () => {
  // A PATH with node and sh only.
  const bin = mkdtempSync(join(tmpdir(), 'luna-path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  const [redisPort, port, workerPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const launcher = launch({
    ...baseEnv(),
    PATH: bin,
    LUNA_EMBEDDED_REDIS_PORT: String(redisPort),
    PORT: String(port),
    WORKER_PORT: String(workerPort),
    LUNA_DATA_DIR: mkdtempSync(join(tmpdir(), 'luna-data-')),
  });
  await expect(launcher.ready).rejects.toThrow(/exited with 1/);
  expect(launcher.output()).toBe(
    'redis-server is not on PATH: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL\n',
  );
});

// `script` (util-linux) runs a command on a pseudo-terminal, as a user's terminal would.
(existsSync('/usr/bin/script') ? it : it.skip)('npm run demo, in a terminal, prints readable log lines', async () => {
  const [pgPort, redisPort, port, workerPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env = {
    ...baseEnv(),
    LUNA_DATA_DIR: mkdtempSync(join(tmpdir(), 'luna-data-')),
    LUNA_EMBEDDED_PG_PORT: String(pgPort),
    LUNA_EMBEDDED_REDIS_PORT: String(redisPort),
    PORT: String(port),
    WORKER_PORT: String(workerPort),
    LOG_LEVEL: 'info',
    LUNA_SKIP_BUILD: '1',
  };
  const child = spawn('/usr/bin/script', ['-qec', `${process.execPath} scripts/demo.mjs`, '/dev/null'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const text = stripVTControlCharacters(output); // colours
  expect(code).toBe(0);
  expect(text).toMatch(/INFO \(luna-streams-api\/\d+\): luna-streams API listening/);
  expect(text).toMatch(/INFO \(luna-streams-worker\/\d+\): background jobs started/);
  expect(text).not.toContain('{"level":');
  expect(text).toContain('demo: statuses');
});
