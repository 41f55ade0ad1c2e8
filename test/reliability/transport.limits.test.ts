import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_REDIS_URL } from '../support/env';
import { startApp } from '../support/process';
import { exchange } from '../support/raw-http';

// The process's own limits: a port already in use stops an app with one line naming the port and
// its setting (exit 1); nearing the descriptor limit is logged, and silent sockets are let go
// within HTTP_HEADERS_TIMEOUT_MS so that new requests are answered again.

const HEADERS_TIMEOUT_MS = 1000;

let database: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  database = await createTestDatabase();
  env = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: 'warn',
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
  };
});
afterAll(() => database.drop());

/** Runs an app's main.ts on `port` until it exits: its exit code and output. */
function runUntilExit(main: 'api' | 'worker', port: number): Promise<{ code: number | null; output: string }> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(root, 'apps', main, 'src', 'main.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env, [main === 'api' ? 'PORT' : 'WORKER_PORT']: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    }),
  );
}

it.each([
  ['api', 'PORT', 'API'],
  ['worker', 'WORKER_PORT', 'worker'],
] as const)('stops the %s with one line naming a port in use and its setting, exit 1', async (main, setting, label) => {
  const running = await startApp(main, env);
  const taken = running.port;
  const { code, output } = await runUntilExit(main, taken).finally(() => running.stop());
  expect(code).toBe(1);
  expect(output.trim()).toBe(
    `luna-streams ${label} failed to start: port ${taken} is already in use: set ${setting} to a free port`,
  );
});

it('warns near the descriptor limit and lets idle sockets go in time for new requests', async () => {
  const LIMIT = 256;
  const api = await startApp('api', env, { descriptorLimit: LIMIT });
  try {
    // More silent connections than descriptors are left: past the limit, connections are dropped unanswered.
    const answers = Array.from({ length: LIMIT + 50 }, () =>
      exchange(api.port, '').then(
        (answer) => answer.status,
        () => 0,
      ),
    );
    const deadline = Date.now() + HEADERS_TIMEOUT_MS + 10_000;
    while (!api.output().includes('open file descriptors near the limit')) {
      if (Date.now() > deadline) throw new Error(`no warning:\n${api.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const warning = JSON.parse(
      api
        .output()
        .split('\n')
        .find((l) => l.includes('near the limit'))!,
    ) as object;
    expect(warning).toMatchObject({ level: 40, limit: LIMIT });
    // Each silent connection is answered 408 and closed after HTTP_HEADERS_TIMEOUT_MS, freeing its descriptor.
    const statuses = await Promise.all(answers);
    expect(statuses.filter((s) => s === 408).length).toBeGreaterThan(LIMIT / 2);
    const res = await fetch(`${api.url}/healthcheck`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
  } finally {
    await api.stop();
  }
});
