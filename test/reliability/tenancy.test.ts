import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createHttpServer, OPERATIONS } from '../../packages/shared/src';
import { ACCOUNT_A, ACCOUNT_B, startTestApi, streamBody, type TestApi } from '../support/api';
import { FeedReader } from '../support/events';

// Tenancy (spec 1.6, 4.8, 4.14, 4.20): for every endpoint that takes an account_id,
// another account can neither see nor change account A's stream, group or webhook. Each case
// runs against a snapshot of everything account A owns, taken before and after.

let api: TestApi;
let stream: string;
let group: string;
let streamOfB: string;
let webhook: string;
let delivery: string;
const NAME = 'tenant-a-camera';
const GROUP = 'entrance';

beforeAll(async () => {
  api = await startTestApi();
  const groupRes = await request(api.app)
    .post('/1/groups')
    .send({ account_id: ACCOUNT_A, group_name: GROUP, description: 'A' })
    .expect(201);
  group = groupRes.body.group_id;
  const streamRes = await request(api.app)
    .post('/1/streams')
    .send(streamBody({ account_id: ACCOUNT_A, name: NAME, group_name: GROUP }))
    .expect(201);
  stream = streamRes.body.stream_id;
  await request(api.app).post('/1/groups').send({ account_id: ACCOUNT_A, group_name: 'only-a' }).expect(201);
  // Account B has a group of the same name (names are unique per account) and a stream.
  await request(api.app).post('/1/groups').send({ account_id: ACCOUNT_B, group_name: GROUP }).expect(201);
  const own = await request(api.app)
    .post('/1/streams')
    .send(streamBody({ account_id: ACCOUNT_B, name: NAME }));
  streamOfB = own.body.stream_id;
  const hook = await request(api.app)
    .post('/1/webhooks')
    .send({ account_id: ACCOUNT_A, url: 'https://alerts.example.com/a' })
    .expect(201);
  webhook = hook.body.webhook_id;
  // A failed delivery, as the worker leaves one, for the deliveries and retry cases.
  const { rows } = await api.deps.db.pool.query(
    `INSERT INTO webhook_deliveries (webhook_id, seq, stream_id, account_id, status, version, log_time, state, give_up_at)
     VALUES ($1, 1, $2, $3, 'failure', 1, now(), 'failed', now()) RETURNING delivery_id::text`,
    [webhook, stream, ACCOUNT_A],
  );
  delivery = rows[0].delivery_id;
});
afterAll(() => api.close());

/**
 * The event feed is a stream, so supertest cannot read it: the case listens, follows the
 * feed from its start as account B and stops once B's own stream has shown up. The log is
 * replayed in seq order and A's stream was created first, so a leak would come before it.
 */
async function followFeedAsB(): Promise<request.Response> {
  const http = createHttpServer(api.app, api.deps.config, api.deps.logger);
  const server = http.server.listen(0);
  api.deps.shutdown.addServer(http);
  await api.deps.events.current();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const feed = await FeedReader.open(`${base}/1/streams/events?${B}&last_event_id=0`);
  try {
    await feed.waitForEvents(1);
    return { status: feed.status, body: feed.statusData() } as unknown as request.Response;
  } finally {
    feed.close();
  }
}

/** Everything account A owns, as the database holds it. */
async function accountA(): Promise<string> {
  const { rows } = await api.deps.db.pool.query(
    `SELECT (SELECT json_agg(s ORDER BY s.stream_id) FROM streams s WHERE account_id = $1) streams,
            (SELECT json_agg(g ORDER BY g.group_id) FROM groups g WHERE account_id = $1) groups,
            (SELECT json_agg(l ORDER BY l.stream_id, l.group_id) FROM stream_groups l
              WHERE l.stream_id IN (SELECT stream_id FROM streams WHERE account_id = $1)
                 OR l.group_id IN (SELECT group_id FROM groups WHERE account_id = $1)) links,
            (SELECT count(*) FROM stream_logs WHERE account_id = $1) logs,
            (SELECT json_agg(w ORDER BY w.webhook_id) FROM webhooks w WHERE account_id = $1) webhooks,
            (SELECT json_agg(d ORDER BY d.delivery_id) FROM webhook_deliveries d WHERE account_id = $1) deliveries`,
    [ACCOUNT_A],
  );
  return JSON.stringify(rows[0]);
}

const B = `account_id=${ACCOUNT_B}`;
type Case = [
  operationId: string,
  what: string,
  send: () => PromiseLike<request.Response>,
  expect: (res: request.Response) => void | Promise<void>,
];
const notFound = (code: number) => (res: request.Response) => {
  expect(res.status).toBe(404);
  expect(res.body.error_code).toBe(code);
};
const empty = (key: string, value: unknown) => (res: request.Response) => {
  expect(res.status).toBe(200);
  expect(key === '' ? res.body : res.body[key]).toEqual(value);
};
const noContent = (res: request.Response) => expect(res.status).toBe(204);

const CASES: Case[] = [
  ['getStreams', 'by id', () => request(api.app).get(`/1/streams?${B}&stream_ids=${stream}`), empty('streams', [])],
  [
    'getStreams',
    'by name',
    () => request(api.app).get(`/1/streams?${B}&names=${NAME}`),
    (res) => {
      expect(res.status).toBe(200);
      expect(res.body.streams.map((s: { account_id: string }) => s.account_id)).toEqual([ACCOUNT_B]);
    },
  ],
  [
    'getStreams',
    "by A's group name",
    () => request(api.app).get(`/1/streams?${B}&group_name=${GROUP}`),
    empty('streams', []),
  ],
  [
    'countStreams',
    'by id',
    () => request(api.app).get(`/1/streams/count?${B}&stream_ids=${stream}`),
    empty('streams_count', 0),
  ],
  ['getStream', '', () => request(api.app).get(`/1/streams/${stream}?${B}`), notFound(39001)],
  [
    'updateStream',
    'status',
    () => request(api.app).patch(`/1/streams/${stream}?${B}`).send({ status: 'pause' }),
    notFound(39001),
  ],
  [
    'updateStream',
    'description',
    () => request(api.app).patch(`/1/streams/${stream}?${B}`).send({ description: 'x' }),
    notFound(39001),
  ],
  [
    'putStream',
    'with B in the body',
    () =>
      request(api.app)
        .put(`/1/streams/${stream}`)
        .send(streamBody({ account_id: ACCOUNT_B, name: NAME })),
    notFound(39001),
  ],
  ['removeStream', '', () => request(api.app).delete(`/1/streams/${stream}?${B}`), notFound(39001)],
  [
    'deleteStreams',
    'by id and name',
    () =>
      request(api.app)
        .delete(`/1/streams?${B}`)
        .send({ stream_ids: [stream], names: [] }),
    noContent,
  ],
  [
    'getStreamsLogs',
    'by id',
    () => request(api.app).get(`/1/streams/logs?${B}&stream_ids=${stream}`),
    empty('logs', []),
  ],
  [
    'createGroup',
    'a group of its own',
    () => request(api.app).post('/1/groups').send({ account_id: ACCOUNT_B, group_name: 'b-own' }),
    (res) => expect(res.status).toBe(201),
  ],
  ['getGroups', 'by id', () => request(api.app).get(`/1/groups?${B}&group_ids=${group}`), empty('', [])],
  [
    'countGroups',
    'by id',
    () => request(api.app).get(`/1/groups/count?${B}&group_ids=${group}`),
    empty('groups_count', 0),
  ],
  ['getGroup', '', () => request(api.app).get(`/1/groups/${group}?${B}`), notFound(39008)],
  [
    'updateGroup',
    '',
    () => request(api.app).patch(`/1/groups/${group}?${B}`).send({ description: 'x' }),
    notFound(39008),
  ],
  ['removeGroup', '', () => request(api.app).delete(`/1/groups/${group}?${B}`), notFound(39008)],
  [
    'linkStreams',
    "detach from A's group as B",
    () =>
      request(api.app)
        .patch(`/1/linker?${B}`)
        .send({ action: 'detach', group_id: group, stream_ids: [stream] }),
    notFound(39008),
  ],
  [
    'linkStreams',
    "attach A's stream to B's group",
    async () => {
      const own = await request(api.app).get(`/1/groups?${B}&group_names=${GROUP}`);
      return request(api.app)
        .patch(`/1/linker?${B}`)
        .send({ action: 'attach', group_id: own.body[0].group_id, stream_ids: [stream] });
    },
    notFound(39001),
  ],
  [
    'linkStreams',
    "attach A's stream to B's group, no account_id",
    async () => {
      const own = await request(api.app).get(`/1/groups?${B}&group_names=${GROUP}`);
      return request(api.app)
        .patch('/1/linker')
        .send({ action: 'attach', group_id: own.body[0].group_id, stream_ids: [stream] });
    },
    notFound(39001),
  ],
  [
    'createStream',
    "in B, naming a group both accounts have: B's is linked",
    () =>
      request(api.app)
        .post('/1/streams')
        .send(streamBody({ account_id: ACCOUNT_B, name: 'b2', group_name: GROUP })),
    async (res) => {
      expect(res.status).toBe(201);
      const { rows } = await api.deps.db.pool.query(
        'SELECT g.account_id::text FROM stream_groups l JOIN groups g USING (group_id) WHERE l.stream_id = $1',
        [res.body.stream_id],
      );
      expect(rows).toEqual([{ account_id: ACCOUNT_B }]);
    },
  ],
  [
    'createStream',
    'in B, naming a group only A has',
    () =>
      request(api.app)
        .post('/1/streams')
        .send(streamBody({ account_id: ACCOUNT_B, name: 'b3', group_name: 'only-a' })),
    notFound(39007),
  ],
  [
    'putStream',
    "B's own stream, naming a group only A has",
    () =>
      request(api.app)
        .put(`/1/streams/${streamOfB}`)
        .send(streamBody({ account_id: ACCOUNT_B, name: NAME, group_name: 'only-a' })),
    notFound(39007),
  ],
  ['getWebhooks', '', () => request(api.app).get(`/1/webhooks?${B}`), empty('webhooks', [])],
  ['getWebhook', '', () => request(api.app).get(`/1/webhooks/${webhook}?${B}`), notFound(39011)],
  [
    'updateWebhook',
    'url and enabled',
    () => request(api.app).patch(`/1/webhooks/${webhook}?${B}`).send({ url: 'https://b.example.com', enabled: false }),
    notFound(39011),
  ],
  ['removeWebhook', '', () => request(api.app).delete(`/1/webhooks/${webhook}?${B}`), notFound(39011)],
  [
    'rotateWebhookSecret',
    '',
    () => request(api.app).post(`/1/webhooks/${webhook}/rotate-secret?${B}`),
    notFound(39011),
  ],
  ['getWebhookDeliveries', '', () => request(api.app).get(`/1/webhooks/${webhook}/deliveries?${B}`), notFound(39011)],
  [
    'retryWebhookDelivery',
    '',
    () => request(api.app).post(`/1/webhooks/${webhook}/deliveries/${delivery}/retry?${B}`),
    notFound(39011),
  ],
  [
    'followStreamsEvents',
    'from the start of the log',
    followFeedAsB,
    (res) => {
      expect(res.status).toBe(200);
      const events = res.body as { account_id: string; stream_id: string }[];
      expect(events.map((e) => e.stream_id)).toContain(streamOfB);
      expect(events.filter((e) => e.account_id !== ACCOUNT_B || e.stream_id === stream)).toEqual([]);
    },
  ],
];

it('covers every operation that takes an account_id', () => {
  const scoped = OPERATIONS.filter(
    (op) =>
      op.query?.shape.account_id !== undefined ||
      op.operationId === 'putStream' ||
      op.operationId === 'createGroup' ||
      op.operationId === 'createStream',
  ).map((op) => op.operationId);
  expect([...new Set(CASES.map(([id]) => id))].sort()).toEqual(scoped.sort());
});

describe.each(CASES)('%s (%s) as account B', (_operation, _what, send, check) => {
  it("neither shows nor changes account A's objects", async () => {
    const before = await accountA();
    await check(await send());
    expect(await accountA()).toBe(before);
  });
});

it("account A still sees and changes its own objects (the matrix's refusals are about B)", async () => {
  const A = `account_id=${ACCOUNT_A}`;
  await request(api.app).get(`/1/streams/${stream}?${A}`).expect(200);
  await request(api.app).patch(`/1/streams/${stream}?${A}`).send({ description: 'mine' }).expect(204);
  await request(api.app).get(`/1/groups/${group}?${A}`).expect(200);
  await request(api.app).get(`/1/webhooks/${webhook}/deliveries?${A}`).expect(200);
  const res = await request(api.app).get(`/1/streams?${A}&group_name=${GROUP}`).expect(200);
  expect(res.body.streams.map((s: { stream_id: string }) => s.stream_id)).toEqual([stream]);
});
