import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runAgent } from '../../../examples/agent/agent';
import { streamBody } from '../../../test/support/api';
import { chromiumAvailable, launchBrowser, type Browser } from '../../../test/support/browser';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { startApp, type RunningApp } from '../../../test/support/process';
import { deleteKeysWithPrefix } from '../../../test/support/redis-server';

// What the console's browser test runs against: the API and the worker as real processes
// (compiled, with the console's build) on a database and a BullMQ prefix of their own,
// Chromium, and the reference agent.

const DIST = join(__dirname, '..', 'dist', 'index.html');

/** Whether the browser test can run here; in CI it must. */
export function consoleTestsRun(): boolean {
  const available = chromiumAvailable();
  if (!available && process.env.CI) throw new Error('/usr/bin/chromium is missing: .ci/run should have installed it');
  if (available && !existsSync(DIST)) throw new Error('the console is not built: run `npm run build` first');
  if (!available) process.stderr.write('console browser tests skipped: /usr/bin/chromium is not installed\n');
  return available;
}

export interface ConsoleServices {
  api: RunningApp;
  database: TestDatabase;
  browser: Browser;
  close(): Promise<void>;
}

export async function startConsoleServices(): Promise<ConsoleServices> {
  const database = await createTestDatabase();
  const prefix = `{luna-test-console-${randomBytes(4).toString('hex')}}`;
  const env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' };
  const [api, worker, browser] = await Promise.all([
    startApp('api', env, { compiled: true }),
    startApp('worker', { ...env, RECONCILE_INTERVAL: '2' }, { compiled: true }),
    launchBrowser(),
  ]);
  return {
    api,
    database,
    browser,
    close: async () => {
      await browser.close();
      await Promise.all([api.stop('SIGKILL'), worker.stop('SIGKILL')]);
      await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
      await database.drop();
    },
  };
}

/** Creates a stream through the API (not the console), for the tests that start from one. */
export async function createStream(apiUrl: string, overrides: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${apiUrl}/1/streams`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(streamBody(overrides)),
  });
  if (!res.ok) throw new Error(`create answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { stream_id: string }).stream_id;
}

/** The reference agent, as an operator's fleet would run it, until stopped. */
export function startAgent(apiUrl: string, failureRate: number, finishAfterSeconds: number) {
  const controller = new AbortController();
  const done = runAgent({
    apiUrl,
    capacity: 4,
    feedbackPeriodMs: 200,
    finishAfterSeconds,
    failureRate,
    runSeconds: 60,
    log: () => undefined,
    signal: controller.signal,
  });
  return { stop: async () => (controller.abort(), await done) };
}
