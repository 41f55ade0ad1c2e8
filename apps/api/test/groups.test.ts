import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ACCOUNT_A, ACCOUNT_B, createStream, startTestApi, type TestApi } from '../../../test/support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function createGroup(group_name: string, account_id = ACCOUNT_A, description?: string): Promise<string> {
  const res = await request(api.app)
    .post('/1/groups')
    .send({ account_id, group_name, ...(description === undefined ? {} : { description }) })
    .expect(201);
  expect(res.body).toEqual({ group_id: expect.any(String), group_name });
  return res.body.group_id;
}

const names = (groups: { group_name: string }[]) => groups.map((g) => g.group_name);

describe('POST /1/groups', () => {
  it('creates a group; GET shows it in the spec key order', async () => {
    const id = await createGroup('entrance_cams', ACCOUNT_A, 'All entrance cameras');
    const res = await request(api.app).get(`/1/groups/${id}`).expect(200);
    expect(res.body).toEqual({
      account_id: ACCOUNT_A,
      group_name: 'entrance_cams',
      group_id: id,
      description: 'All entrance cameras',
      create_time: expect.stringMatching(/Z$/),
    });
    expect(Object.keys(res.body)).toEqual(['account_id', 'group_name', 'group_id', 'description', 'create_time']);
    expect((await request(api.app).get(`/1/groups/${await createGroup('no_description')}`)).body.description).toBe('');
  });

  it('refuses a duplicate name in the account with 409 39006, allows it in another account', async () => {
    await createGroup('dup_name');
    const res = await request(api.app)
      .post('/1/groups')
      .send({ account_id: ACCOUNT_A, group_name: 'dup_name' })
      .expect(409);
    expect(res.body).toEqual({
      error_code: 39006,
      desc: 'Unique constraint error',
      detail: "Group named 'dup_name' already exists",
    });
    await createGroup('dup_name', ACCOUNT_B);
  });

  it('lets exactly one of racing duplicate creates win', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(api.app).post('/1/groups').send({ account_id: ACCOUNT_A, group_name: 'race' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it.each([
    [{ account_id: ACCOUNT_A, group_name: 'bad name!' }, "Path: 'group_name'"],
    [{ group_name: 'x' }, "''account_id' is a required property'"],
    [{ account_id: ACCOUNT_A, group_name: 'g'.repeat(129) }, "Path: 'group_name'"],
    [{ account_id: ACCOUNT_A, group_name: 'ok', description: 'd'.repeat(257) }, "Path: 'description'"],
    [{ account_id: ACCOUNT_A, group_name: 'ok', extra: 1 }, 'Additional properties are not allowed'],
  ])('answers 12022 for %p', async (body, detail) => {
    const res = await request(api.app).post('/1/groups').send(body).expect(400);
    expect(res.body.error_code).toBe(12022);
    expect(res.body.detail).toContain(detail);
  });
});

describe('group_name on stream create and PUT', () => {
  it("links only to a group of the stream's own account (39007 otherwise)", async () => {
    await createGroup('b_only', ACCOUNT_B);
    const res = await request(api.app)
      .post('/1/streams')
      .send({
        account_id: ACCOUNT_A,
        group_name: 'b_only',
        data: { type: 'tcp', reference: 'rtsp://x' },
        event_handler: { origin: 'http://x', bestshot_handler: { handler_id: ACCOUNT_A } },
      })
      .expect(404);
    expect(res.body).toEqual({ error_code: 39007, desc: 'Object not found', detail: "Group named 'b_only' not found" });
  });
});

describe('GET /1/groups and count', () => {
  let local: TestApi;
  const ids: string[] = [];
  beforeAll(async () => {
    local = await startTestApi();
    for (const [name, account] of [
      ['g1', ACCOUNT_A],
      ['g2', ACCOUNT_B],
      ['g3', ACCOUNT_A],
    ] as const) {
      const res = await request(local.app).post('/1/groups').send({ account_id: account, group_name: name });
      ids.push(res.body.group_id);
    }
  });
  afterAll(() => local.close());

  it.each([
    ['', ['g1', 'g2', 'g3']],
    [`?account_id=${ACCOUNT_A}`, ['g1', 'g3']],
    ['?group_names=g2,g3,nope', ['g2', 'g3']],
    [() => `?group_ids=${ids[2]},${ids[0]}`, ['g1', 'g3']],
    [`?group_names=g1,g2&account_id=${ACCOUNT_B}`, ['g2']],
    ['?page=2&page_size=2', ['g3']],
  ] as [string | (() => string), string[]][])('filters %p as a bare array, oldest first', async (query, expected) => {
    const q = typeof query === 'function' ? query() : query;
    const res = await request(local.app).get(`/1/groups${q}`).expect(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(names(res.body)).toEqual(expected);
    if (!q.includes('page')) {
      expect((await request(local.app).get(`/1/groups/count${q}`).expect(200)).body).toEqual({
        groups_count: expected.length,
      });
    }
  });

  it.each(['page_size=500', 'page=0', 'group_ids=abc', 'group_names=bad%20name', 'account_id=1'])(
    'answers 12012 for %s',
    async (query) => {
      const res = await request(local.app).get(`/1/groups?${query}`).expect(400);
      expect(res.body.error_code).toBe(12012);
    },
  );
});

describe('GET, PATCH, DELETE /1/groups/{group_id}', () => {
  it('updates the description; 12022 without it or too long; 404 39008 unknown; 12012 bad account', async () => {
    const id = await createGroup('patchable');
    await request(api.app).patch(`/1/groups/${id}`).send({ description: 'Entrance cameras, building 2' }).expect(204);
    expect((await request(api.app).get(`/1/groups/${id}`)).body.description).toBe('Entrance cameras, building 2');
    expect((await request(api.app).patch(`/1/groups/${id}`).send({}).expect(400)).body.detail).toContain(
      "''description' is a required property'",
    );
    await request(api.app)
      .patch(`/1/groups/${id}`)
      .send({ description: 'x'.repeat(257) })
      .expect(400);
    const unknown = randomUUID();
    const res = await request(api.app).patch(`/1/groups/${unknown}`).send({ description: 'x' }).expect(404);
    expect(res.body).toEqual({
      error_code: 39008,
      desc: 'Object not found',
      detail: `Group with id '${unknown}' not found`,
    });
    const bad = await request(api.app).patch(`/1/groups/${id}?account_id=123`).send({ description: 'x' }).expect(400);
    expect(bad.body).toEqual({
      error_code: 12012,
      desc: 'Bad/incomplete input data',
      detail: "Bad query parameters 'account_id'",
    });
  });

  it("keeps another account's group invisible", async () => {
    const id = await createGroup('private');
    await request(api.app).get(`/1/groups/${id}?account_id=${ACCOUNT_B}`).expect(404);
    await request(api.app).patch(`/1/groups/${id}?account_id=${ACCOUNT_B}`).send({ description: 'x' }).expect(404);
    await request(api.app).delete(`/1/groups/${id}?account_id=${ACCOUNT_B}`).expect(404);
    await request(api.app).get(`/1/groups/${id}?account_id=${ACCOUNT_A}`).expect(200);
    expect((await request(api.app).get(`/1/groups?account_id=${ACCOUNT_B}&group_ids=${id}`)).body).toEqual([]);
  });

  it('deletes a group with its links, never its streams; a second delete is 404 39008', async () => {
    const id = await createGroup('doomed');
    const stream = await createStream(api, { group_name: 'doomed' });
    expect((await request(api.app).get(`/1/streams/${stream}`)).body.groups).toEqual(['doomed']);
    await request(api.app).delete(`/1/groups/${id}`).expect(204);
    expect((await request(api.app).get(`/1/streams/${stream}`).expect(200)).body.groups).toEqual([]);
    expect((await request(api.app).delete(`/1/groups/${id}`).expect(404)).body.error_code).toBe(39008);
    await request(api.app).get('/1/groups/not-a-uuid').expect(400);
  });
});
