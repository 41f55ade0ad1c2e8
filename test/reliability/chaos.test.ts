import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { JOB_NAMES } from '../../packages/shared/src';
import { createChaosStreams, startFleet } from '../support/fleet';
import { settleAndAudit } from '../support/fleet-checks';
import { ownPostgres, type OwnPostgres } from '../support/own-postgres';
import { startApp, type RunningApp } from '../support/process';
import { ownRedis, type OwnRedis } from '../support/redis-server';
import { databaseTime, eventually, jobRunAfter } from '../support/wait';

// Chaos with the reference agent fleet: 20 agents run 2,000 streams while Redis is
// restarted empty, PostgreSQL is restarted, and one of two workers is SIGKILLed. The
// service runs as real processes on a PostgreSQL and a redis-server of this test's own.
// At the end: every stream in a state the status rules allow, every log sequence allowed
// by them, no version handed out by two takes of one stream, no stream taken from an
// agent that was still current, every due autorestart made exactly once, and the pending
// mirror equal to PostgreSQL's pending set.

const STREAMS = 2000;
const AGENTS = 20;
const HANDLER_PERIOD_S = 3;

let redis: OwnRedis;
let postgres: OwnPostgres;
let api: RunningApp;
const workers: RunningApp[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  [redis, postgres] = await Promise.all([ownRedis(), ownPostgres()]);
  env = {
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: `{luna-test-${randomBytes(4).toString('hex')}}`,
    LOG_LEVEL: 'warn',
    STREAM_STATUS_OBSOLETING_PERIOD: String(HANDLER_PERIOD_S),
    STREAM_STATUS_OBSOLETING_INTERVAL: '1',
    RECONCILE_INTERVAL: '2',
    MIRROR_DRAIN_INTERVAL_MS: '100',
  };
  api = await startApp('api', env);
  workers.push(await startApp('worker', env), await startApp('worker', env));
}, 120_000);

afterAll(async () => {
  if (process.env.CHAOS_OUTPUT) {
    const { writeFileSync } = await import('node:fs');
    [api, ...workers].forEach((app, i) => app && writeFileSync(`${process.env.CHAOS_OUTPUT}-${i}.log`, app.output()));
  }
  await Promise.all([api, ...workers].filter(Boolean).map((app) => app.stop('SIGKILL')));
  await Promise.all([redis?.stop(), postgres?.destroy()]);
});

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Probes during an outage: every answer must be 503 with error_code 2, within 2 s. */
async function probeOutage(urls: { url: string; body?: unknown }[]): Promise<number> {
  let probes = 0;
  for (const { url, body } of urls) {
    const started = Date.now();
    const res = body === undefined ? await fetch(url) : await post(url, body);
    const elapsed = Date.now() - started;
    const answer = (await res.json()) as { error_code?: number };
    expect({ url, status: res.status, error_code: answer.error_code }).toEqual({ url, status: 503, error_code: 2 });
    expect(elapsed).toBeLessThan(2000);
    probes++;
  }
  return probes;
}

async function answersOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

it('survives Redis and PostgreSQL restarts and a killed worker, losing and duplicating nothing', async () => {
  const faults: string[] = [];
  await createChaosStreams(api.url, STREAMS);

  const fleet = startFleet({
    apiUrl: api.url,
    // A third report to each worker, a third to the API.
    feedbackUrls: [workers[0]!.url, workers[1]!.url, api.url],
    agents: AGENTS,
    capacity: 40,
    feedbackPeriodMs: 300,
    finishAfterSeconds: 4,
    failureRate: 0.003,
  });
  const { events } = fleet;
  // How long a server stays down: the fault itself, not a wait for something to happen.
  const outage = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // Between faults the test waits for signs of work, not for a fixed time: streams finished
  // (videos end after 4 s), and the background jobs run again after the fault.
  const doneAnswers = () => events.filter((e) => e.kind === 'answer' && e.answer.status === 'done').length;
  const moreDone = (n: number, what: string) => {
    const target = doneAnswers() + n;
    return eventually(() => doneAnswers() >= target, 60_000, `${n} more streams done ${what}`, 200);
  };
  // Its own client: it outlives PostgreSQL's restart (a pool reconnects; its idle client's error is expected).
  const jobsDb = new pg.Pool({ connectionString: postgres.url, max: 1 });
  jobsDb.on('error', () => undefined);
  const jobRuns = async (job: string, afterSeconds = 0) =>
    jobRunAfter(jobsDb, job, await databaseTime(jobsDb, afterSeconds), 60_000);

  await moreDone(50, 'before the first fault');
  // Redis restarted empty: the mirror, the schedulers and every autorestart timer are gone.
  await redis.stop();
  await outage(500);
  await redis.start();
  faults.push('redis restarted empty');
  await jobRuns(JOB_NAMES.reconcile); // schedulers back, the mirror rebuilt
  await moreDone(20, 'after Redis returned');

  // PostgreSQL restarted: requests during the outage are 503/2 within 2 s.
  await postgres.stop();
  const probes = await probeOutage([
    { url: `${api.url}/1/streams/count` },
    { url: `${api.url}/1/streams/processing/queue`, body: { filters: {}, limit: 1 } },
    {
      url: `${workers[1]!.url}/1/streams/feedback`,
      body: { streams: [{ stream_id: randomUUID(), status: 'in_progress', version: 1 }] },
    },
  ]);
  await outage(1500);
  await postgres.start();
  await eventually(
    () => answersOk(`${api.url}/1/streams/count`),
    20_000,
    'the API answering after PostgreSQL returned',
  );
  faults.push(`postgresql restarted (${probes} requests during the outage: 503/2)`);
  await jobRuns(JOB_NAMES.reconcile);
  await moreDone(20, 'after PostgreSQL returned');

  // One worker dies mid-job; the other carries on (its agents' feedback now fails).
  expect(await workers[0]!.stop('SIGKILL')).toBeNull();
  faults.push('worker SIGKILLed');
  // The agents reporting to the dead worker go silent: a sweep after their period hands their streams on.
  await jobRuns(JOB_NAMES.handlerLostSweep, HANDLER_PERIOD_S);
  await moreDone(20, 'after the worker died');
  await jobsDb.end();

  const totals = await fleet.stop();
  expect(totals.done).toBeGreaterThan(100);
  expect(totals.failed).toBeGreaterThan(0);

  const audit = await settleAndAudit(env, STREAMS, totals);
  expect(audit.broken).toEqual([]);
  expect(audit.doubleAssigned).toEqual([]);
  for (const status of audit.statuses) expect(['pending', 'done']).toContain(status);
  // An agent counts a failure it reported even when the answer said it was no longer its stream.
  expect(audit.failures).toBeGreaterThan(0);
  expect(audit.failures).toBeLessThanOrEqual(totals.failed);
  expect(audit.handlerLost).toBeGreaterThan(0);
  process.stdout.write(
    `chaos: ${faults.join('; ')}; ${totals.taken} takes, ${totals.done} done, ${totals.failed} failures restarted ` +
      `once each, ${audit.handlerLost} handler_lost, ${audit.logRows} log rows checked, 0 violations\n`,
  );
}, 240_000);
