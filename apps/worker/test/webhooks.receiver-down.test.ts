import request from 'supertest';
import { ACCOUNT_A, createStream, startTestApi, type TestApi } from '../../../test/support/api';
import { eventually } from '../../../test/support/wait';
import { Receivers, verifies } from '../../../test/support/webhook-receiver';
import { startTestWorker, type TestWorker } from '../../../test/support/worker';

// A receiver down for 30 seconds (connections refused) while rows keep being logged gets
// every message once it is back. Retries from 1 s doubling to 4 s, so it is caught up
// within a few seconds of its return.

const DOWN_MS = 30_000;

let api: TestApi;
let worker: TestWorker;
let receivers: Receivers;
beforeAll(async () => {
  api = await startTestApi({ WEBHOOK_DENY_NETWORKS: 'none' });
  worker = startTestWorker(api, {
    WEBHOOK_DENY_NETWORKS: 'none',
    WEBHOOK_RETRY_MIN: '1',
    WEBHOOK_RETRY_MAX: '4',
    STREAM_STATUS_OBSOLETING_PERIOD: '600',
  });
  receivers = await Receivers.start();
});
afterAll(async () => {
  await worker.shutdown.run('test');
  await api.close();
  await receivers.stop();
});

it('delivers every message to a receiver that was down for 30 seconds, once it is back', async () => {
  const res = await request(api.app)
    .post('/1/webhooks')
    .send({ account_id: ACCOUNT_A, url: receivers.url('/down') })
    .expect(201);
  const { webhook_id, secret } = res.body as { webhook_id: string; secret: string };
  await createStream(api);
  await eventually(() => receivers.messages('/down').length === 1, 15_000, 'first message while up');

  await receivers.stop();
  const downAt = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await createStream(api));
  // Rows logged during the outage fail their attempts and wait for their retries.
  await eventually(
    async () => {
      const { rows } = await api.deps.db.pool.query(
        `SELECT count(*)::int AS n FROM webhook_deliveries
          WHERE webhook_id = $1 AND state = 'pending' AND attempts >= 2 AND last_error LIKE '%ECONNREFUSED%'`,
        [webhook_id],
      );
      return rows[0].n === 5;
    },
    DOWN_MS / 2,
    'five messages retried while the receiver is down',
  );
  for (const id of ids) await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pause' }).expect(204);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, DOWN_MS - (Date.now() - downAt))));

  await receivers.listen();
  const backAt = Date.now();
  const { rows } = await api.deps.db.pool.query<{ seq: string }>(
    `SELECT seq FROM stream_logs WHERE account_id = $1 AND seq >= (SELECT min(seq) FROM webhook_deliveries WHERE webhook_id = $2)
      ORDER BY seq`,
    [ACCOUNT_A, webhook_id],
  );
  const expected = rows.map((r) => Number(r.seq));
  expect(expected).toHaveLength(11);
  await eventually(
    () => new Set(receivers.messages('/down').map((m) => m.data.seq)).size === expected.length,
    20_000,
    'every message after the outage',
  );
  const messages = receivers.messages('/down');
  expect([...new Set(messages.map((m) => m.data.seq))].sort((a, b) => a - b)).toEqual(expected);
  expect(messages.every((m) => verifies(m, secret))).toBe(true);
  const states = async () =>
    JSON.stringify(
      (
        await api.deps.db.pool.query(
          `SELECT state, count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 GROUP BY state`,
          [webhook_id],
        )
      ).rows,
    );
  await eventually(
    async () => (await states()) === JSON.stringify([{ state: 'delivered', n: 11 }]),
    10_000,
    'all delivered',
  );
  process.stdout.write(
    `receiver down ${DOWN_MS / 1000} s: ${expected.length} messages, ${messages.length - expected.length} duplicates, ` +
      `the last one ${Math.max(...messages.map((m) => m.at)) - backAt} ms after it was back\n`,
  );
});
