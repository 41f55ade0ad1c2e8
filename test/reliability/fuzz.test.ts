import fc from 'fast-check';
import request from 'supertest';
import { OPERATIONS } from '../../packages/shared/src';
import { ACCOUNT_A, createStream, startTestApi, streamBody, type TestApi } from '../support/api';
import { arbitraryFor, pathsOf, replaceAt } from '../support/schema-arbitrary';
import { startTestWorker } from '../support/worker';

// Hostile input on every endpoint: bodies generated from the contract's zod schemas, the
// same with one value replaced by something hostile, random query strings, random JSON
// bodies, random feedback items, broken bodies and headers. Never a 5xx, every error in
// the Luna shape, and nothing written by a rejected request.

let api: TestApi;
let id: string;
let groupId: string;
let inputs = 0;
let serverErrors = 0;
beforeAll(async () => {
  api = await startTestApi();
  id = await createStream(api);
  groupId = (await request(api.app).post('/1/groups').send({ account_id: ACCOUNT_A, group_name: 'fuzz' })).body
    .group_id;
});
afterAll(async () => {
  process.stdout.write(`fuzz: ${inputs} inputs tried, ${serverErrors} answered 5xx\n`);
  await api.close();
});

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

async function rowCounts(): Promise<string> {
  const { rows } = await api.deps.db.pool.query(
    `SELECT (SELECT count(*) FROM streams) s, (SELECT count(*) FROM stream_logs) l, (SELECT count(*) FROM groups) g,
            (SELECT count(*) FROM stream_groups) sg, (SELECT coalesce(sum(version), 0) FROM streams) v`,
  );
  return JSON.stringify(rows[0]);
}

/** The answer is not a 5xx; an error is in the Luna shape; a refused request changed nothing. */
async function expectSafe(label: string, send: () => Promise<request.Response>): Promise<void> {
  const before = await rowCounts();
  const res = await send();
  inputs++;
  if (res.status >= 500) serverErrors++;
  if (res.status >= 500) throw new Error(`${label} answered ${res.status}: ${res.text.slice(0, 300)}`);
  if (res.status >= 400) {
    expect(Object.keys(res.body)).toEqual(['error_code', 'desc', 'detail']);
    expect(await rowCounts()).toBe(before);
  }
}

const enc = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
};
const weird = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.integer().map(String),
  fc.constantFrom('\u0000', '\ud800', '%', ',', ',,', ' ', 'null', '-1', '1e999', '99999999999999999999', '[]', 'true'),
);
const json = fc.jsonValue({ maxDepth: 4 });

it('survives random query strings on every GET', async () => {
  const paths = [
    '/1/streams',
    '/1/streams/count',
    '/1/streams/logs',
    '/1/streams/processing/queue',
    '/1/groups',
    '/1/groups/count',
    '/version',
    '/healthcheck',
    '/1/config',
    '/docs/spec',
  ];
  const params = [
    'account_id',
    'stream_ids',
    'names',
    'reference',
    'statuses',
    'create_time__gte',
    'create_time__lt',
    'group_name',
    'page',
    'page_size',
    'limit',
    'targets',
    'log_time__gte',
    'log_time__lt',
    'group_ids',
    'group_names',
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...paths, `/1/streams/${id}`, `/1/groups/${id}`),
      fc.array(fc.tuple(fc.constantFrom(...params), weird), { maxLength: 4 }),
      async (path, qs) => {
        const query = qs.map(([k, v]) => `${k}=${enc(v)}`).join('&');
        await expectSafe(`GET ${path}?${query}`, () => request(api.app).get(`${path}?${query}`));
      },
    ),
    { numRuns: RUNS },
  );
});

it('survives random JSON bodies on every body-carrying endpoint', async () => {
  const targets = [
    ['post', '/1/streams'],
    ['put', `/1/streams/${id}`],
    ['patch', `/1/streams/${id}`],
    ['delete', '/1/streams'],
    ['post', '/1/streams/processing/queue'],
    ['post', '/1/streams/feedback'],
    ['post', '/1/groups'],
    ['patch', `/1/groups/${id}`],
    ['patch', '/1/linker'],
  ] as const;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...targets), json, async ([method, path], body) => {
      // Only refusals are checked for "nothing written"; a valid random body may legitimately change things.
      const agent = request(api.app);
      const res = await agent[method](path).set('Content-Type', 'application/json').send(JSON.stringify(body));
      inputs++;
      if (res.status >= 500) serverErrors++;
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) expect(Object.keys(res.body)).toEqual(['error_code', 'desc', 'detail']);
    }),
    { numRuns: RUNS },
  );
});

it('survives a valid stream body with any one field replaced by anything', async () => {
  const base = streamBody({
    location: { city: 'x' },
    policies: { sending: { number_of_bestshots_to_send: 2 } },
    autorestart: { delay: 5 },
  });
  const fields = [
    'account_id',
    'name',
    'description',
    'data',
    'data.type',
    'data.reference',
    'data.roi',
    'data.rotation',
    'event_handler',
    'event_handler.origin',
    'event_handler.api_version',
    'event_handler.bestshot_handler.handler_id',
    'policies',
    'policies.sending.number_of_bestshots_to_send',
    'location.city',
    'location.geo_position',
    'autorestart',
    'autorestart.delay',
    'status',
    'group_name',
  ];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...fields), json, fc.constantFrom('post', 'put'), async (field, value, method) => {
      const body = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
      const keys = field.split('.');
      let target = body;
      for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
      target[keys.at(-1)!] = value;
      const path = method === 'post' ? '/1/streams' : `/1/streams/${id}`;
      await expectSafe(`${method} ${field}`, () => request(api.app)[method](path).send(body));
    }),
    { numRuns: RUNS },
  );
});

it('survives random feedback items', async () => {
  const item = fc.record(
    {
      stream_id: fc.oneof(fc.uuid(), fc.constant(id), fc.string()),
      status: fc.oneof(fc.constantFrom('in_progress', 'done', 'failure'), fc.string()),
      version: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 31)),
      error: fc.option(fc.string({ unit: 'binary' })),
      video_info: fc.option(fc.dictionary(fc.string({ unit: 'binary' }), json)),
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(item, { maxLength: 3 }), async (items) => {
      await expectSafe('feedback', () => request(api.app).post('/1/streams/feedback').send({ streams: items }));
    }),
    { numRuns: RUNS },
  );
});

it('survives broken bodies, content types, encodings and headers', async () => {
  const cases: [string, string][] = [
    ['application/json', '\u0000'],
    ['application/json', '{"name":"\\u0000"}'],
    ['application/json', '{"a":"\\ud800"}'],
    ['application/json; charset=latin1', '{}'],
    ['application/json', '['.repeat(5000)],
    ['text/plain', '{}'],
    ['application/x-www-form-urlencoded', 'a=1'],
    ['multipart/form-data; boundary=x', '--x--'],
  ];
  for (const [type, body] of cases) {
    for (const path of ['/1/streams', '/1/streams/feedback', '/1/groups', '/1/streams/processing/queue']) {
      await expectSafe(`${type} ${path}`, () => request(api.app).post(path).set('Content-Type', type).send(body));
    }
  }
  for (const encoding of ['br', 'gzip', 'x-unknown']) {
    await expectSafe(encoding, () =>
      request(api.app)
        .post('/1/streams')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send('{}'),
    );
  }
  for (const path of ['/1/streams/%zz', '/1/groups/%E0%A4%A', '/1/streams/%00', '/%']) {
    await expectSafe(path, () => request(api.app).get(path));
  }
  await expectSafe('long header', () => request(api.app).get('/version').set('Luna-Request-Id', 'x'.repeat(8000)));
});

/** Every operation that takes a body, with its path's ids filled in. */
function bodyOperations() {
  return OPERATIONS.filter((op) => op.body !== undefined).map((op) => ({
    op,
    path: op.path
      .replace('{stream_id}', id)
      .replace('{group_id}', groupId)
      .replace('{webhook_id}', groupId)
      .replace('{delivery_id}', id),
    body: arbitraryFor(op.body!),
  }));
}

it('never refuses a body generated from the contract as invalid (12022), and never fails on one', async () => {
  for (const { op, path, body } of bodyOperations()) {
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const send = request(api.app)[op.method];
        const res = await send(path).send(value as object);
        inputs++;
        if (res.status >= 500) serverErrors++;
        expect(res.status).toBeLessThan(500);
        // A domain answer (404 unknown group, 409 duplicate name...) is fine; a schema refusal is not.
        if (res.status >= 400) {
          expect(Object.keys(res.body)).toEqual(['error_code', 'desc', 'detail']);
          expect({ op: op.operationId, value, body: res.body }).not.toMatchObject({ body: { error_code: 12022 } });
        }
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  }
});

const hostile = fc.oneof(
  weird,
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1.5,
    -0,
    2 ** 31,
    2 ** 53 + 2,
    1e308,
    '',
    'x'.repeat(300_000),
    'not-a-uuid',
    '0C4F7A52-1D6E-4B8A-9F3C-2A7E5D9B1C40',
    '\u0000',
    '\ud800',
    'é'.repeat(129),
    {},
    [],
    Array.from({ length: 1001 }, () => '0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40'),
  ),
  fc.integer({ min: 1, max: 3000 }).map((depth) => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < depth; i++) deep = i % 2 ? [deep] : { a: deep };
    return deep;
  }),
  json,
);

it('survives a contract-valid body with any one value replaced by something hostile', async () => {
  for (const { op, path, body } of bodyOperations()) {
    const mutated = body.chain((value) =>
      fc
        .tuple(fc.constantFrom(...pathsOf(value)), hostile)
        .map(([at, replacement]) => replaceAt(value, at, replacement)),
    );
    await fc.assert(
      fc.asyncProperty(mutated, async (value) => {
        await expectSafe(`${op.operationId}`, () =>
          request(api.app)[op.method](path).set('Content-Type', 'application/json').send(JSON.stringify(value)),
        );
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  }
});

// Depth bombs, written as text: the test's own JSON.stringify could not serialise them.
const BOMBS = [65, 5_000, 100_000].flatMap((depth) => [
  { name: `array ${depth}`, text: `${'['.repeat(depth)}${']'.repeat(depth)}` },
  { name: `object ${depth}`, text: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` },
]);

it('answers a depth bomb in any body field with a 4xx Luna error, on both apps', async () => {
  const worker = startTestWorker(api, { WORKER_ROLES: 'http' });
  try {
    const targets = bodyOperations().map(({ op, path, body }) => ({ app: api.app, op, path, body }));
    const feedback = targets.find(({ op }) => op.path === '/1/streams/feedback')!;
    targets.push({ ...feedback, app: worker.app });
    for (const { app, op, path, body } of targets) {
      const [sample] = fc.sample(body, { numRuns: 1, seed: 19 });
      for (const at of pathsOf(sample)) {
        const withMarker = JSON.stringify(replaceAt(sample, at, '__bomb__'));
        for (const bomb of BOMBS) {
          await expectSafe(`${op.operationId} ${at.join('.')} ${bomb.name}`, async () => {
            const send = request(app)[op.method](path);
            const res = await send
              .set('Content-Type', 'application/json')
              .send(withMarker.replace('"__bomb__"', bomb.text));
            expect(res.status).toBeGreaterThanOrEqual(400);
            return res;
          });
        }
      }
    }
  } finally {
    await worker.shutdown.run('test finished');
  }
});
