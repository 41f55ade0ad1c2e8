import { randomUUID } from 'node:crypto';
import { deliveryJobId } from '@luna-streams/shared';
import request from 'supertest';
import { ACCOUNT_A, ACCOUNT_B, startTestApi, type TestApi } from '../../../test/support/api';

// The webhook endpoints on the API alone (delivery is the worker's: apps/worker/test/
// webhooks.*.test.ts): creation, validation of every field, the deny list at creation,
// account scoping, paging, rotation, and the retry of a failed delivery.

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const RECEIVER = 'https://hooks.example.com/luna';

async function createWebhook(body: Record<string, unknown> = {}): Promise<{ webhook_id: string; secret: string }> {
  const res = await request(api.app)
    .post('/1/webhooks')
    .send({ account_id: ACCOUNT_A, url: RECEIVER, ...body });
  if (res.status !== 201) throw new Error(`create answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A delivery row as the worker's outbox writes it, in a given state. */
async function seedDelivery(webhookId: string, state: 'pending' | 'delivered' | 'failed', seq: number) {
  const { rows } = await api.deps.db.pool.query<{ delivery_id: string }>(
    `INSERT INTO webhook_deliveries (webhook_id, seq, stream_id, account_id, status, version, log_time, state,
                                     attempts, give_up_at, last_http_status, last_error)
     SELECT $1, $2, gen_random_uuid(), account_id, 'failure', 1, now(), $3, 14, now(), 503, 'HTTP 503'
       FROM webhooks WHERE webhook_id = $1 RETURNING delivery_id::text`,
    [webhookId, seq, state],
  );
  return rows[0]!.delivery_id;
}

describe('POST /1/webhooks', () => {
  it('creates a webhook with a Standard Webhooks secret, shown only here', async () => {
    const { webhook_id, secret } = await createWebhook({ description: 'tickets' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    const res = await request(api.app).get(`/1/webhooks/${webhook_id}`).expect(200);
    expect(res.body).toEqual({
      webhook_id,
      account_id: ACCOUNT_A,
      url: RECEIVER,
      statuses: [
        'pending',
        'in_progress',
        'done',
        'pause',
        'restart',
        'cancel',
        'failure',
        'handler_lost',
        'not_found',
      ],
      description: 'tickets',
      enabled: true,
      create_time: expect.stringMatching(/Z$/),
      previous_secret_until: null,
    });
    expect(JSON.stringify(res.body)).not.toContain(secret.slice(6));
    const row = await api.deps.db.prisma.webhook.findUnique({ where: { webhook_id } });
    expect(row?.secret).toBe(secret);
  });

  it.each([
    ['no account_id', { account_id: undefined }],
    ['a bad account_id', { account_id: 'nope' }],
    ['no url', { url: undefined }],
    ['a url that is not http', { url: 'ftp://files.example.com/x' }],
    ['a url that is no URL', { url: 'hooks.example.com/x' }],
    ['a url over 2048 characters', { url: `https://example.com/${'a'.repeat(2030)}` }],
    ['empty statuses', { statuses: [] }],
    ['an unknown status', { statuses: ['failure', 'exploded'] }],
    ['statuses that are not a list', { statuses: 'failure' }],
    ['a description over 128 characters', { description: 'd'.repeat(129) }],
    ['an unknown property', { secret: 'whsec_mine' }],
  ])('refuses %s with 400 12022', async (_what, change) => {
    const res = await request(api.app)
      .post('/1/webhooks')
      .send({ account_id: ACCOUNT_A, url: RECEIVER, ...change })
      .expect(400);
    expect(res.body).toMatchObject({ error_code: 12022, desc: 'Bad/incomplete input data' });
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/hook'],
    ['a DNS name resolving to loopback', 'http://localhost:8080/hook'],
    ['cloud metadata (link-local)', 'http://169.254.169.254/latest/meta-data'],
    ['IPv6 loopback', 'http://[::1]/hook'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hook'],
    ['the unspecified address', 'https://0.0.0.0/hook'],
  ])('refuses %s with 400 39013', async (_what, url) => {
    const res = await request(api.app).post('/1/webhooks').send({ account_id: ACCOUNT_A, url }).expect(400);
    expect(res.body).toMatchObject({ error_code: 39013, detail: expect.stringContaining('in a denied network') });
  });

  it('allows private networks and names that do not resolve now', async () => {
    await createWebhook({ url: 'http://10.20.30.40:8080/hook' });
    await createWebhook({ url: 'https://receiver.invalid/hook' });
  });
});

describe('the other webhook endpoints', () => {
  it('lists an account’s webhooks oldest first, paged, and only that account’s', async () => {
    const own = [];
    for (let i = 0; i < 3; i++)
      own.push((await createWebhook({ account_id: ACCOUNT_B, description: `b${i}` })).webhook_id);
    const page = await request(api.app).get(`/1/webhooks?account_id=${ACCOUNT_B}&page=2&page_size=2`).expect(200);
    expect(page.body.webhooks.map((w: { webhook_id: string }) => w.webhook_id)).toEqual([own[2]]);
    const all = await request(api.app).get(`/1/webhooks?account_id=${ACCOUNT_B}&page_size=100`).expect(200);
    expect(all.body.webhooks.map((w: { webhook_id: string }) => w.webhook_id)).toEqual(own);
    expect((await request(api.app).get('/1/webhooks?page_size=101').expect(400)).body.error_code).toBe(12012);
  });

  it('updates url, statuses, description and enabled; validates each; 404 39011 elsewhere', async () => {
    const { webhook_id } = await createWebhook();
    const path = `/1/webhooks/${webhook_id}`;
    await request(api.app)
      .patch(`${path}?account_id=${ACCOUNT_A}`)
      .send({ url: 'https://other.example.com/x', statuses: ['failure', 'failure', 'done'], enabled: false })
      .expect(204);
    const res = await request(api.app).get(path).expect(200);
    expect(res.body).toMatchObject({
      url: 'https://other.example.com/x',
      statuses: ['failure', 'done'],
      enabled: false,
    });
    for (const bad of [
      {},
      { enabled: 'yes' },
      { statuses: [] },
      { url: 'mailto:x@y.z' },
      { description: 'x'.repeat(129) },
    ]) {
      expect((await request(api.app).patch(path).send(bad).expect(400)).body.error_code).toBe(12022);
    }
    expect((await request(api.app).patch(path).send({ url: 'http://localhost/x' }).expect(400)).body.error_code).toBe(
      39013,
    );
    const other = `/1/webhooks/${randomUUID()}`;
    expect((await request(api.app).patch(other).send({ enabled: true }).expect(404)).body).toMatchObject({
      error_code: 39011,
      desc: 'Object not found',
    });
    expect((await request(api.app).get('/1/webhooks/not-a-uuid').expect(400)).body.error_code).toBe(12012);
  });

  it('re-enabling starts from the present log position', async () => {
    const { webhook_id } = await createWebhook();
    await request(api.app).patch(`/1/webhooks/${webhook_id}`).send({ enabled: false }).expect(204);
    await api.deps.db.pool.query(
      `INSERT INTO stream_logs (stream_id, account_id, status, version) VALUES (gen_random_uuid(), $1, 'done', 1)`,
      [ACCOUNT_A],
    );
    await request(api.app).patch(`/1/webhooks/${webhook_id}`).send({ enabled: true }).expect(204);
    const { rows } = await api.deps.db.pool.query(
      'SELECT w.log_cursor = (SELECT max(seq) FROM stream_logs) AS present FROM webhooks w WHERE webhook_id = $1',
      [webhook_id],
    );
    expect(rows[0].present).toBe(true);
  });

  it('rotates the secret: a new one, the previous one still signing for 24 hours', async () => {
    const { webhook_id, secret } = await createWebhook();
    const res = await request(api.app).post(`/1/webhooks/${webhook_id}/rotate-secret`).expect(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(secret);
    const row = await api.deps.db.prisma.webhook.findUnique({ where: { webhook_id } });
    expect(row).toMatchObject({ secret: res.body.secret, previous_secret: secret });
    const hours = (row!.previous_secret_until!.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const shown = await request(api.app).get(`/1/webhooks/${webhook_id}`).expect(200);
    expect(shown.body.previous_secret_until).toBe(row!.previous_secret_until!.toISOString());
  });

  it('deletes a webhook with its deliveries; a second delete is 404 39011', async () => {
    const { webhook_id } = await createWebhook();
    await seedDelivery(webhook_id, 'failed', 1);
    await request(api.app).delete(`/1/webhooks/${webhook_id}`).expect(204);
    expect(await api.deps.db.prisma.webhookDelivery.count({ where: { webhook_id } })).toBe(0);
    expect((await request(api.app).delete(`/1/webhooks/${webhook_id}`).expect(404)).body.error_code).toBe(39011);
  });
});

describe('deliveries', () => {
  it('lists them newest first, filtered by state, paged', async () => {
    const { webhook_id } = await createWebhook();
    for (const [seq, state] of [
      [1, 'delivered'],
      [2, 'failed'],
      [3, 'pending'],
    ] as const) {
      await seedDelivery(webhook_id, state, seq);
    }
    const res = await request(api.app).get(`/1/webhooks/${webhook_id}/deliveries`).expect(200);
    expect(res.body.deliveries.map((d: { seq: number }) => d.seq)).toEqual([3, 2, 1]);
    expect(Object.keys(res.body.deliveries[0])).toEqual([
      'delivery_id',
      'webhook_id',
      'seq',
      'stream_id',
      'status',
      'state',
      'attempts',
      'last_http_status',
      'last_error',
      'last_response',
      'next_attempt_at',
      'create_time',
      'delivered_at',
    ]);
    const failed = await request(api.app).get(`/1/webhooks/${webhook_id}/deliveries?states=failed`).expect(200);
    expect(failed.body.deliveries).toEqual([
      expect.objectContaining({ seq: 2, state: 'failed', attempts: 14, last_http_status: 503, last_error: 'HTTP 503' }),
    ]);
    const second = await request(api.app).get(`/1/webhooks/${webhook_id}/deliveries?page=2&page_size=2`).expect(200);
    expect(second.body.deliveries.map((d: { seq: number }) => d.seq)).toEqual([1]);
    const bad = await request(api.app).get(`/1/webhooks/${webhook_id}/deliveries?states=lost`).expect(400);
    expect(bad.body.error_code).toBe(12012);
    await request(api.app).get(`/1/webhooks/${randomUUID()}/deliveries`).expect(404);
  });

  it('retries a failed one: pending again, a fresh series, its wake-up queued; others 409 39014 or 404', async () => {
    const { webhook_id } = await createWebhook();
    const failed = await seedDelivery(webhook_id, 'failed', 10);
    const delivered = await seedDelivery(webhook_id, 'delivered', 11);
    await request(api.app).post(`/1/webhooks/${webhook_id}/deliveries/${failed}/retry`).expect(202);
    const row = await api.deps.db.prisma.webhookDelivery.findUnique({ where: { delivery_id: failed } });
    expect(row).toMatchObject({ state: 'pending', attempts: 0, wake: 1 });
    expect(row!.give_up_at.getTime()).toBeGreaterThan(Date.now() + 86_000_000);
    expect(await api.deps.webhooksQueue.getJob(deliveryJobId(failed, 1))).toBeDefined();

    const again = await request(api.app).post(`/1/webhooks/${webhook_id}/deliveries/${failed}/retry`).expect(409);
    expect(again.body).toMatchObject({ error_code: 39014, detail: expect.stringContaining('is pending') });
    await request(api.app).post(`/1/webhooks/${webhook_id}/deliveries/${delivered}/retry`).expect(409);
    const unknown = await request(api.app)
      .post(`/1/webhooks/${webhook_id}/deliveries/${randomUUID()}/retry`)
      .expect(404);
    expect(unknown.body.error_code).toBe(39012);
    const elsewhere = await request(api.app)
      .post(`/1/webhooks/${webhook_id}/deliveries/${failed}/retry?account_id=${ACCOUNT_B}`)
      .expect(404);
    expect(elsewhere.body.error_code).toBe(39011);
  });
});
