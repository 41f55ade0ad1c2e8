import { setMaxListeners } from 'node:events';
import pg from 'pg';
import { runAgent, type AgentEvent } from '../../examples/agent/agent';
import { ACCOUNT_A, ACCOUNT_B, streamBody } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { FeedReader } from '../support/events';
import { startApp, type RunningApp } from '../support/process';
import { ownRedis, type OwnRedis } from '../support/redis-server';
import { eventually } from '../support/wait';

// The event feed under chaos: agents run streams while Redis is restarted empty and the
// following client's connection is cut; the client reconnects with Last-Event-ID and ends
// with exactly the stream_logs rows its filter matches, in seq order, none twice.

const STREAMS = 120;
const FILTER = `account_id=${ACCOUNT_A}&statuses=in_progress,done,failure,handler_lost,restart`;

let redis: OwnRedis;
let database: TestDatabase;
let api: RunningApp;
let worker: RunningApp;

beforeAll(async () => {
  [redis, database] = await Promise.all([ownRedis(), createTestDatabase()]);
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    LOG_LEVEL: 'warn',
    STREAM_STATUS_OBSOLETING_PERIOD: '3',
    STREAM_STATUS_OBSOLETING_INTERVAL: '1',
    RECONCILE_INTERVAL: '2',
  };
  [api, worker] = await Promise.all([startApp('api', env), startApp('worker', env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([api, worker].filter(Boolean).map((app) => app.stop('SIGKILL')));
  await redis?.stop();
  await database?.drop();
});

/** Follows the feed, reconnecting with the last id seen whenever the connection ends. */
function follow(url: string) {
  const seen: { seq: number; data: Record<string, unknown> }[] = [];
  let reader: FeedReader | undefined;
  let stopped = false;
  const connect = async (): Promise<void> => {
    while (!stopped) {
      const last = seen.at(-1)?.seq;
      try {
        reader = await FeedReader.open(url, last === undefined ? {} : { 'Last-Event-ID': String(last) }, (e) => {
          if (e.event === 'status')
            seen.push({ seq: Number(e.id), data: JSON.parse(e.data) as Record<string, unknown> });
        });
        await eventually(() => reader!.ended || stopped, 120_000, 'the feed to end', 50);
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const running = connect();
  return {
    seen,
    cut: () => reader?.close(),
    stop: async () => {
      stopped = true;
      reader?.close();
      await running;
    },
  };
}

it('a client following through a Redis restart and a cut connection gets exactly the matching rows', async () => {
  for (let i = 0; i < STREAMS; i++) {
    const res = await fetch(`${api.url}/1/streams`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        streamBody({
          account_id: i % 2 ? ACCOUNT_A : ACCOUNT_B,
          data: { type: 'videofile', reference: `/data/video/${i}.mp4` },
          autorestart: { restart: 1, attempt_count: 50, delay: 1 },
        }),
      ),
    });
    expect(res.status).toBe(201);
  }
  const client = follow(`${api.url}/1/streams/events?${FILTER}&last_event_id=0`);

  const events: AgentEvent[] = [];
  const controller = new AbortController();
  setMaxListeners(10, controller.signal);
  const fleet = Array.from({ length: 4 }, (_, n) =>
    runAgent({
      name: `agent-${n}`,
      apiUrl: api.url,
      feedbackUrl: n % 2 ? worker.url : api.url,
      capacity: 15,
      feedbackPeriodMs: 300,
      finishAfterSeconds: 1,
      failureRate: 0.05,
      runSeconds: 0,
      log: () => undefined,
      onEvent: (e) => events.push(e),
      signal: controller.signal,
    }),
  );
  const done = () => events.filter((e) => e.kind === 'answer' && e.answer.status === 'done').length;
  const moreDone = async (n: number) => {
    const target = done() + n;
    await eventually(() => done() >= target, 30_000, `${n} more streams done`, 100);
  };

  await moreDone(10);
  await redis.stop();
  await new Promise((r) => setTimeout(r, 500));
  await redis.start();
  await moreDone(10);
  client.cut();
  await moreDone(10);
  controller.abort();
  await Promise.all(fleet);

  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    const expected = async () => {
      const { rows } = await db.query<{ seq: string }>(
        `SELECT seq FROM stream_logs
          WHERE account_id = $1 AND status = ANY($2::text[]) ORDER BY seq`,
        [ACCOUNT_A, ['in_progress', 'done', 'failure', 'handler_lost', 'restart']],
      );
      return rows.map((r) => Number(r.seq));
    };
    // The feed trails the log by a pass; the sweep may still write rows after the fleet stops.
    await eventually(
      async () => JSON.stringify(client.seen.map((s) => s.seq)) === JSON.stringify(await expected()),
      20_000,
      'the followed rows to equal the matching stream_logs rows',
      200,
    );
    expect(client.seen.length).toBeGreaterThan(60);
    expect(client.seen.every((s) => s.data.account_id === ACCOUNT_A)).toBe(true);
  } finally {
    await db.end();
    await client.stop();
  }
});
