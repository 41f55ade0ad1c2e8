import request from 'supertest';
import { ACCOUNT_A, ACCOUNT_B, createStream, startTestApi, type TestApi } from '../../../test/support/api';
import { eventually } from '../../../test/support/wait';
import { Receivers, verifies, type ReceivedMessage } from '../../../test/support/webhook-receiver';
import { startTestWorker, type TestWorker } from '../../../test/support/worker';

// Webhook delivery end to end: an API and a worker on the same database and Redis,
// receivers on loopback (WEBHOOK_DENY_NETWORKS=none lets them be reached), retries from
// 1 s. Every message is checked with the standardwebhooks verifier.

let api: TestApi;
let worker: TestWorker;
let receivers: Receivers;
const MAX_IN_FLIGHT = 2;
beforeAll(async () => {
  api = await startTestApi({ WEBHOOK_DENY_NETWORKS: 'none' });
  worker = startTestWorker(api, {
    WEBHOOK_DENY_NETWORKS: 'none',
    WEBHOOK_RETRY_MIN: '1',
    WEBHOOK_RETRY_MAX: '1',
    WEBHOOK_CONCURRENCY: '6',
    WEBHOOK_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
    STREAM_STATUS_OBSOLETING_PERIOD: '600',
  });
  receivers = await Receivers.start();
});
afterAll(async () => {
  await worker.shutdown.run('test');
  await api.close();
  await receivers.stop();
});

async function createWebhook(path: string, body: Record<string, unknown> = {}) {
  const res = await request(api.app)
    .post('/1/webhooks')
    .send({ account_id: ACCOUNT_A, url: receivers.url(path), ...body })
    .expect(201);
  return res.body as { webhook_id: string; secret: string };
}

async function deliveries(webhookId: string) {
  const res = await request(api.app).get(`/1/webhooks/${webhookId}/deliveries?page_size=100`).expect(200);
  return res.body.deliveries as { delivery_id: string; seq: number; state: string; attempts: number }[];
}

async function logRows(statuses: string[], after: number) {
  const { rows } = await api.deps.db.pool.query<{ seq: string; stream_id: string; status: string }>(
    `SELECT seq, stream_id::text, status FROM stream_logs
      WHERE account_id = $1 AND status = ANY($2) AND seq > $3 ORDER BY seq`,
    [ACCOUNT_A, statuses, after],
  );
  return rows.map((r) => ({ seq: Number(r.seq), stream_id: r.stream_id, status: r.status }));
}

const seqs = (messages: ReceivedMessage[]) => messages.map((m) => m.data.seq).sort((a, b) => a - b);

it("delivers every matching row of the account once, signed, with the log row as data; another account's rows never", async () => {
  const { webhook_id, secret } = await createWebhook('/matching', { statuses: ['pending', 'pause'] });
  const { rows } = await api.deps.db.pool.query('SELECT log_cursor FROM webhooks WHERE webhook_id = $1', [webhook_id]);
  const start = Number(rows[0].log_cursor);
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(await createStream(api));
  await request(api.app).patch(`/1/streams/${ids[0]}`).send({ status: 'pause' }).expect(204);
  await request(api.app).patch(`/1/streams/${ids[1]}`).send({ status: 'cancel' }).expect(204);
  await createStream(api, { account_id: ACCOUNT_B });

  const expected = await logRows(['pending', 'pause'], start);
  expect(expected).toHaveLength(6);
  await eventually(() => receivers.messages('/matching').length >= 6, 15_000, 'six messages');
  await eventually(async () => (await deliveries(webhook_id)).every((d) => d.state === 'delivered'), 10_000, 'settled');
  const messages = receivers.messages('/matching');
  expect(seqs(messages)).toEqual(expected.map((r) => r.seq));
  expect(messages.every((m) => verifies(m, secret))).toBe(true);
  expect(messages.every((m) => m.data.account_id === ACCOUNT_A)).toBe(true);

  const first = messages.find((m) => m.data.seq === expected[0]!.seq)!;
  const log = await api.deps.db.prisma.streamLog.findUnique({ where: { seq: BigInt(expected[0]!.seq) } });
  expect(JSON.parse(first.body)).toEqual({
    type: 'stream.status',
    timestamp: log!.log_time.toISOString(),
    data: {
      seq: expected[0]!.seq,
      stream_id: log!.stream_id,
      account_id: ACCOUNT_A,
      status: log!.status,
      version: log!.version,
      error: null,
      video_info: null,
      log_time: log!.log_time.toISOString(),
    },
  });
  const list = await deliveries(webhook_id);
  expect(list.map((d) => d.seq)).toEqual(expected.map((r) => r.seq).reverse());
  expect(list.every((d) => d.attempts === 1)).toBe(true);
  const byDelivery = new Set(list.map((d) => d.delivery_id));
  expect(messages.every((m) => byDelivery.has(m.headers['webhook-id']!))).toBe(true);
  const delivered = await worker.deps.metrics.webhookDeliveries.get();
  expect(delivered.values.find((v) => v.labels.result === 'delivered')?.value).toBeGreaterThanOrEqual(6);
  const count = async (histogram: typeof worker.deps.metrics.webhookDelay) =>
    (await histogram.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  expect(await count(worker.deps.metrics.webhookDelay)).toBeGreaterThanOrEqual(6);
  expect(await count(worker.deps.metrics.webhookAttempts)).toBeGreaterThanOrEqual(6);
});

it('retries a failing receiver with the same webhook-id until it answers 2xx', async () => {
  let calls = 0;
  receivers.answer('/flaky', (_m, res) => res.writeHead(++calls <= 2 ? 500 : 200).end());
  const { webhook_id, secret } = await createWebhook('/flaky', { statuses: ['pending'] });
  await createStream(api);
  await eventually(async () => (await deliveries(webhook_id))[0]?.state === 'delivered', 20_000, 'delivered');
  const messages = receivers.messages('/flaky');
  expect(messages).toHaveLength(3);
  expect(new Set(messages.map((m) => m.headers['webhook-id'])).size).toBe(1);
  expect(messages.every((m) => verifies(m, secret))).toBe(true);
  expect(await deliveries(webhook_id)).toEqual([
    expect.objectContaining({ state: 'delivered', attempts: 3, last_http_status: 200, last_error: null }),
  ]);
});

it('signs with both secrets after a rotation, so the old and the new one verify', async () => {
  const { webhook_id, secret } = await createWebhook('/rotated', { statuses: ['pending'] });
  const rotated = await request(api.app).post(`/1/webhooks/${webhook_id}/rotate-secret`).expect(200);
  await createStream(api);
  await eventually(() => receivers.messages('/rotated').length === 1, 15_000, 'message');
  const [message] = receivers.messages('/rotated') as [ReceivedMessage];
  expect(message.headers['webhook-signature']!.split(' ')).toHaveLength(2);
  expect(verifies(message, secret)).toBe(true);
  expect(verifies(message, rotated.body.secret)).toBe(true);
});

it('disables the webhook on 410 Gone and sends it nothing more', async () => {
  receivers.answer('/gone', 410);
  const gone = await createWebhook('/gone', { statuses: ['pending'] });
  await createWebhook('/witness', { statuses: ['pending'] });
  await createStream(api);
  await eventually(async () => (await deliveries(gone.webhook_id))[0]?.state === 'failed', 15_000, 'failed');
  expect((await request(api.app).get(`/1/webhooks/${gone.webhook_id}`).expect(200)).body.enabled).toBe(false);
  expect((await deliveries(gone.webhook_id))[0]).toMatchObject({ attempts: 1, last_http_status: 410 });
  // A later row reaches the witness webhook, so the outbox has passed it: the disabled one got none.
  const later = await createStream(api);
  await eventually(() => receivers.messages('/witness').some((m) => m.data.stream_id === later), 15_000, 'witness');
  expect(await deliveries(gone.webhook_id)).toHaveLength(1);
  expect(receivers.messages('/gone')).toHaveLength(1);
});

it('gives up once the retry window has passed, and sends a failed delivery again on request', async () => {
  let up = false;
  receivers.answer('/late', (_m, res) => res.writeHead(up ? 200 : 503).end('down for maintenance'));
  const { webhook_id } = await createWebhook('/late', { statuses: ['pending'] });
  await createStream(api);
  await eventually(() => receivers.messages('/late').length >= 1, 15_000, 'first attempt');
  // As if the row had been logged WEBHOOK_RETRY_FOR ago: the next failure is the last.
  await api.deps.db.pool.query('UPDATE webhook_deliveries SET give_up_at = now() WHERE webhook_id = $1', [webhook_id]);
  await eventually(async () => (await deliveries(webhook_id))[0]?.state === 'failed', 15_000, 'failed');
  const [failed] = (await request(api.app).get(`/1/webhooks/${webhook_id}/deliveries`)).body.deliveries;
  expect(failed).toMatchObject({
    last_http_status: 503,
    last_error: 'HTTP 503',
    last_response: 'down for maintenance',
  });
  expect(failed.next_attempt_at).toBeNull();

  up = true;
  await request(api.app).post(`/1/webhooks/${webhook_id}/deliveries/${failed.delivery_id}/retry`).expect(202);
  await eventually(async () => (await deliveries(webhook_id))[0]?.state === 'delivered', 15_000, 'delivered');
  expect((await deliveries(webhook_id))[0]).toMatchObject({ attempts: 1 });
});

it('never lets one slow receiver delay the others', async () => {
  receivers.answer('/slow', (_m, res) => setTimeout(() => res.writeHead(200).end(), 3000));
  await createWebhook('/slow', { statuses: ['pending'] });
  await createWebhook('/fast', { statuses: ['pending'] });
  for (let i = 0; i < 8; i++) await createStream(api);
  await eventually(() => receivers.messages('/fast').length >= 8, 20_000, 'fast receiver served');
  const slow = receivers.messages('/slow');
  // The slow receiver never had more than its share of the worker's slots, and the fast
  // one was served before the slow one could have taken a third message.
  expect(receivers.mostOpen.get('/slow')).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  expect(slow.length).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  await eventually(() => receivers.messages('/slow').length > MAX_IN_FLIGHT, 15_000, 'the slow one served next');
});
