import request from 'supertest';
import {
  createAutorestartRepository,
  createHandlerLostRepository,
  type AutorestartRepository,
  type HandlerLostRepository,
} from '../../../packages/shared/src';
import { createStream, getStream, startTestApi, streamBody, type TestApi } from '../../../test/support/api';

// Versions as fencing tokens (DESIGN.md section 4): no version that one take handed out is
// handed out by a later take. For every path by which a taken stream gets back to the
// queue, a second take must get a greater version, and the first agent's retried done,
// failure or keep-alive must change nothing: not the status, not the version, no log row.
// The jobs' statements are called directly (their timers are tested in jobs.*.test.ts).

let api: TestApi;
let lostHandlers: HandlerLostRepository;
let autorestarts: AutorestartRepository;
beforeAll(async () => {
  api = await startTestApi();
  lostHandlers = createHandlerLostRepository(api.deps.db);
  autorestarts = createAutorestartRepository(api.deps.db);
});
afterAll(() => api.close());

async function take(id: string): Promise<number> {
  const res = await request(api.app)
    .post('/1/streams/processing/queue')
    .send({ filters: { stream_ids: [id] }, limit: 1 })
    .expect(200);
  expect(res.body.streams).toHaveLength(1);
  return res.body.streams[0].version as number;
}

async function feedback(id: string, version: number, status: 'in_progress' | 'done' | 'failure') {
  const res = await request(api.app)
    .post('/1/streams/feedback')
    .send({ streams: [{ stream_id: id, status, version, error: status === 'failure' ? 'boom' : undefined }] })
    .expect(200);
  return res.body.streams[id] as { status: string; version: number };
}

const patch = (id: string, status: string) => request(api.app).patch(`/1/streams/${id}`).send({ status }).expect(204);

const put = (id: string) => request(api.app).put(`/1/streams/${id}`).send(streamBody()).expect(200);

async function row(id: string) {
  const { rows } = await api.deps.db.pool.query<{ status: string; version: number; logs: number; fed: Date | null }>(
    `SELECT status, version, last_feedback_at AS fed,
            (SELECT count(*)::int FROM stream_logs l WHERE l.stream_id = s.stream_id) AS logs
       FROM streams s WHERE stream_id = $1`,
    [id],
  );
  return rows[0]!;
}

/** The failure's autorestart deadline, as the delayed job carries it. */
async function deadline(id: string): Promise<Date> {
  const { rows } = await api.deps.db.pool.query<{ at: Date }>(
    'SELECT autorestart_next_at AS at FROM streams WHERE stream_id = $1',
    [id],
  );
  return rows[0]!.at;
}

/** Each path from a taken stream (agent A at `v`) back to pending. */
const PATHS: [string, (id: string, v: number) => Promise<unknown>][] = [
  [
    'the handler_lost sweep',
    async (id) => {
      await api.deps.db.pool.query(
        "UPDATE streams SET last_feedback_at = now() - interval '1 hour' WHERE stream_id = $1",
        [id],
      );
      expect(await lostHandlers.sweepLostHandlers(60, 100)).toBe(1);
    },
  ],
  [
    'failure, then the autorestart job',
    async (id, v) => {
      await feedback(id, v, 'failure');
      expect(await autorestarts.restartOne(id, await deadline(id))).toBe(true);
    },
  ],
  [
    "failure, then reconcile's autorestart safety net",
    async (id, v) => {
      await feedback(id, v, 'failure');
      await api.deps.db.pool.query(
        "UPDATE streams SET autorestart_next_at = now() - interval '1 minute' WHERE stream_id = $1",
        [id],
      );
      expect(await autorestarts.restartOverdue(0, 100)).toBe(1);
    },
  ],
  ['PATCH to pending from in_progress', (id) => patch(id, 'pending')],
  ['done, then PATCH to pending', async (id, v) => (await feedback(id, v, 'done'), patch(id, 'pending'))],
  ['failure, then PATCH to pending', async (id, v) => (await feedback(id, v, 'failure'), patch(id, 'pending'))],
  ['PATCH to pause, then to pending', async (id) => (await patch(id, 'pause'), patch(id, 'pending'))],
  ['PATCH to cancel, then to pending', async (id) => (await patch(id, 'cancel'), patch(id, 'pending'))],
  [
    'done, then PATCH to pause, then to pending',
    async (id, v) => (await feedback(id, v, 'done'), await patch(id, 'pause'), patch(id, 'pending')),
  ],
  [
    'failure, then PATCH to pause, then to pending',
    async (id, v) => (await feedback(id, v, 'failure'), await patch(id, 'pause'), patch(id, 'pending')),
  ],
  ['PUT from in_progress', (id) => put(id)],
  ['done, then PUT', async (id, v) => (await feedback(id, v, 'done'), put(id))],
  ['failure, then PUT', async (id, v) => (await feedback(id, v, 'failure'), put(id))],
];

describe('a version handed out by one take is never handed out by a later one', () => {
  it.each(PATHS)('take, %s, take again', async (_path, backToPending) => {
    const id = await createStream(api, { autorestart: { restart: 1, attempt_count: 5, delay: 0 } });
    const first = await take(id);
    await backToPending(id, first);
    expect((await getStream(api, id)).status).toBe('pending');

    const second = await take(id);
    expect(second).toBeGreaterThan(first);

    // Agent A retries its results with its old version: B's run goes on untouched.
    const before = await row(id);
    for (const status of ['done', 'failure', 'in_progress'] as const) {
      expect(await feedback(id, first, status)).toEqual({ status: 'in_progress', version: second });
    }
    expect(await row(id)).toEqual(before);
    expect(before).toMatchObject({ status: 'in_progress', version: second });

    // B's own feedback still counts.
    expect(await feedback(id, second, 'done')).toEqual({ status: 'done', version: second });

    // The logs agree: each take's log row carries a version no other take's row carries.
    const { rows } = await api.deps.db.pool.query<{ version: number }>(
      "SELECT version FROM stream_logs WHERE stream_id = $1 AND status = 'in_progress' ORDER BY seq",
      [id],
    );
    expect(rows.map((r) => r.version)).toEqual([first, second]);
  });
});
