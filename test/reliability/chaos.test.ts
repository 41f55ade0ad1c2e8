import { randomBytes, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Queue } from 'bullmq';
import pg from 'pg';
import { JOB_NAMES, STREAMS_PENDING_QUEUE, TRANSITIONS, type Place } from '../../packages/shared/src';
import { runAgent, type AgentEvent, type AgentReport } from '../../examples/agent/agent';
import { ACCOUNT_A, ACCOUNT_B, streamBody } from '../support/api';
import { ownPostgres, type OwnPostgres } from '../support/own-postgres';
import { startApp, type RunningApp } from '../support/process';
import { ownRedis, type OwnRedis } from '../support/redis-server';
import { databaseTime, eventually, jobRunAfter } from '../support/wait';

// Chaos with the reference agent fleet: 20 agents run 2,000 streams while Redis is
// restarted empty, PostgreSQL is restarted, and one of two workers is SIGKILLed. The
// service runs as real processes on a PostgreSQL and a redis-server of this test's own.
// At the end: every stream in a state the status rules allow, every log sequence allowed
// by them, no stream taken from an agent that was still current, every due autorestart
// made exactly once, and the pending mirror equal to PostgreSQL's pending set.

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

async function createStreams(): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < STREAMS) {
        const i = next++;
        const res = await post(
          `${api.url}/1/streams`,
          streamBody({
            account_id: i % 2 ? ACCOUNT_A : ACCOUNT_B,
            name: `chaos-${i}`,
            data:
              i % 2
                ? { type: 'videofile', reference: `/data/video/${i}.mp4` }
                : { type: 'tcp', reference: `rtsp://10.0.${i % 250}.1:554/live` },
            autorestart: { restart: 1, attempt_count: 50, delay: 1 },
          }),
        );
        if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
      }
    }),
  );
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

/**
 * A stream was taken from an agent still current when that agent's keep-alive, sent after
 * another agent's take of the stream had been answered, was accepted (in_progress with its
 * version) while its own take came before that other take.
 */
function takenFromCurrentAgent(events: AgentEvent[]): string[] {
  const byStream = new Map<string, AgentEvent[]>();
  for (const e of events) byStream.set(e.stream_id, [...(byStream.get(e.stream_id) ?? []), e]);
  const problems: string[] = [];
  for (const [stream, list] of byStream) {
    const takes = list.filter((e): e is Extract<AgentEvent, { kind: 'taken' }> => e.kind === 'taken');
    for (const e of list) {
      if (e.kind !== 'answer' || e.answer.status !== 'in_progress' || e.answer.version !== e.version) continue;
      const own = takes.filter((t) => t.agent === e.agent && t.at < e.sentAt).at(-1);
      if (!own) continue;
      const other = takes.find((t) => t.agent !== e.agent && t.at > own.at && t.at < e.sentAt);
      if (other) problems.push(`${stream}: ${other.agent} took it while ${e.agent} stayed current`);
    }
  }
  return problems;
}

it('survives Redis and PostgreSQL restarts and a killed worker, losing and duplicating nothing', async () => {
  const faults: string[] = [];
  await createStreams();

  const events: AgentEvent[] = [];
  const controller = new AbortController();
  setMaxListeners(AGENTS, controller.signal); // every agent waits on it
  const fleet: Promise<AgentReport>[] = Array.from({ length: AGENTS }, (_, n) =>
    runAgent({
      name: `agent-${n}`,
      apiUrl: api.url,
      // A third report to each worker, a third to the API.
      feedbackUrl: [workers[0]!.url, workers[1]!.url, api.url][n % 3],
      capacity: 40,
      feedbackPeriodMs: 300,
      finishAfterSeconds: 4,
      failureRate: 0.003,
      runSeconds: 0,
      log: () => undefined,
      onEvent: (e) => events.push(e),
      signal: controller.signal,
    }),
  );
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

  controller.abort();
  const reports = await Promise.all(fleet);
  const taken = reports.reduce((n, r) => n + r.taken, 0);
  const done = reports.reduce((n, r) => n + r.done, 0);
  const failed = reports.reduce((n, r) => n + r.failed, 0);
  expect(done).toBeGreaterThan(100);
  expect(failed).toBeGreaterThan(0);

  const db = new pg.Client({ connectionString: postgres.url });
  await db.connect();
  const mirror = new Queue(STREAMS_PENDING_QUEUE, { connection: { url: redis.url }, prefix: env.REDIS_PREFIX });
  try {
    // With the fleet gone, the survivors settle: lost handlers back to pending, every due
    // failure restarted, the mirror caught up.
    const settled = async () => {
      const { rows } = await db.query<{ busy: string }>(
        `SELECT count(*) AS busy FROM streams
          WHERE status IN ('in_progress', 'handler_lost', 'restart')
             OR (status = 'failure' AND autorestart_next_at IS NOT NULL)`,
      );
      return rows[0]!.busy === '0';
    };
    await eventually(settled, 30_000, 'streams settled after the fleet stopped');

    // Final states.
    const { rows: streams } = await db.query<{
      stream_id: string;
      status: string;
      autorestart_current_attempt: number;
      autorestart_status: string;
    }>('SELECT stream_id::text, status, autorestart_current_attempt, autorestart_status FROM streams');
    expect(streams).toHaveLength(STREAMS);
    const statuses = new Set(streams.map((s) => s.status));
    for (const status of statuses) expect(['pending', 'done']).toContain(status);

    // Every log sequence follows the status rules; every failure was restarted exactly once.
    const { rows: logs } = await db.query<{ stream_id: string; status: Place; version: number }>(
      'SELECT stream_id::text, status, version FROM stream_logs ORDER BY stream_id, seq',
    );
    const byStream = new Map<string, { status: Place; version: number }[]>();
    for (const l of logs) byStream.set(l.stream_id, [...(byStream.get(l.stream_id) ?? []), l]);
    const allowed = (from: Place, to: Place) => (TRANSITIONS[from]?.[to]?.length ?? 0) > 0;
    const broken: string[] = [];
    let failures = 0;
    let handlerLost = 0;
    for (const s of streams) {
      const chain = byStream.get(s.stream_id) ?? [];
      let previous: { status: Place; version: number } = { status: 'absent', version: 1 };
      let attemptsSinceDone = 0;
      chain.forEach((entry, i) => {
        if (!allowed(previous.status, entry.status) || entry.version < previous.version) {
          broken.push(`${s.stream_id}: ${previous.status}/${previous.version} → ${entry.status}/${entry.version}`);
        }
        if (entry.status === 'failure') {
          failures++;
          attemptsSinceDone++;
          if (chain[i + 1]?.status !== 'restart' || chain[i + 2]?.status !== 'pending') {
            broken.push(`${s.stream_id}: failure #${i} not followed by one restart`);
          }
        }
        if (entry.status === 'handler_lost') handlerLost++;
        if (entry.status === 'done') attemptsSinceDone = 0;
        previous = entry;
      });
      if (chain.at(-1)?.status !== s.status)
        broken.push(`${s.stream_id}: last log ${chain.at(-1)?.status} ≠ ${s.status}`);
      if (s.autorestart_current_attempt !== attemptsSinceDone) {
        broken.push(`${s.stream_id}: ${s.autorestart_current_attempt} autorestarts counted, ${attemptsSinceDone} due`);
      }
    }
    expect(broken).toEqual([]);
    // An agent counts a failure it reported even when the answer said it was no longer its stream.
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThanOrEqual(failed);
    expect(handlerLost).toBeGreaterThan(0);

    // No stream was handed to a second agent while the first was still current.
    expect(takenFromCurrentAgent(events)).toEqual([]);

    // The pending mirror lost nothing: it equals PostgreSQL's pending set.
    const pending = await db.query<{ stream_id: string }>(
      "SELECT stream_id::text FROM streams WHERE status = 'pending' ORDER BY 1",
    );
    await eventually(
      async () => {
        const jobs = await mirror.getJobs(['waiting', 'prioritized', 'delayed']);
        return JSON.stringify(jobs.map((j) => j.id).sort()) === JSON.stringify(pending.rows.map((r) => r.stream_id));
      },
      20_000,
      'the mirror equal to the pending set',
    );

    process.stdout.write(
      `chaos: ${faults.join('; ')}; ${taken} takes, ${done} done, ${failed} failures restarted once each, ` +
        `${handlerLost} handler_lost, ${logs.length} log rows checked, 0 violations\n`,
    );
  } finally {
    await mirror.close();
    await db.end();
  }
}, 240_000);
