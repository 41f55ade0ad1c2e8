import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { ACCOUNT_A, ACCOUNT_B, createStream, startTestApi, type TestApi } from '../../../test/support/api';
import { seedStreams } from '../../../test/support/seed';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function group(name: string, account_id = ACCOUNT_A): Promise<string> {
  return (await request(api.app).post('/1/groups').send({ account_id, group_name: name }).expect(201)).body.group_id;
}

function link(body: object, query = '') {
  return request(api.app).patch(`/1/linker${query}`).send(body);
}

async function groupsOf(id: string): Promise<string[]> {
  return (await request(api.app).get(`/1/streams/${id}`).expect(200)).body.groups;
}

describe('PATCH /1/linker', () => {
  it('attaches and detaches, idempotently; a stream in several groups lists them all', async () => {
    const g1 = await group('entrance');
    const g2 = await group('parking');
    const a = await createStream(api);
    const b = await createStream(api);
    await link({ action: 'attach', group_id: g1, stream_ids: [a, b] }).expect(204);
    await link({ action: 'attach', group_id: g1, stream_ids: [a, b, a] }).expect(204);
    await link({ action: 'attach', group_id: g2, stream_ids: [a] }).expect(204);
    expect(await groupsOf(a)).toEqual(['entrance', 'parking']);
    expect(await groupsOf(b)).toEqual(['entrance']);

    const filtered = await request(api.app).get('/1/streams?group_name=entrance').expect(200);
    expect(filtered.body.streams.map((s: { stream_id: string }) => s.stream_id)).toEqual([a, b]);
    expect((await request(api.app).get('/1/streams/count?group_name=parking')).body).toEqual({ streams_count: 1 });

    await link({ action: 'detach', group_id: g1, stream_ids: [b] }).expect(204);
    await link({ action: 'detach', group_id: g1, stream_ids: [b] }).expect(204);
    expect(await groupsOf(b)).toEqual([]);
    const after = await request(api.app).get('/1/streams?group_name=entrance').expect(200);
    expect(after.body.streams.map((s: { stream_id: string }) => s.stream_id)).toEqual([a]);
    // Linking changes neither status nor version.
    expect((await request(api.app).get(`/1/streams/${a}`)).body).toMatchObject({ status: 'pending', version: 1 });
  });

  it('changes nothing when one stream is unknown: 404 39001 naming it', async () => {
    const g = await group('all_or_nothing');
    const a = await createStream(api);
    const unknown = randomUUID();
    const res = await link({ action: 'attach', group_id: g, stream_ids: [a, unknown] }).expect(404);
    expect(res.body).toEqual({
      error_code: 39001,
      desc: 'Object not found',
      detail: `Stream with id '${unknown}' not found`,
    });
    expect(await groupsOf(a)).toEqual([]);
  });

  it("refuses another account's stream (39001) and another account's group (39008)", async () => {
    const mine = await group('mine');
    const theirs = await group('theirs', ACCOUNT_B);
    const a = await createStream(api);
    const foreign = await createStream(api, { account_id: ACCOUNT_B });
    const res = await link({ action: 'attach', group_id: mine, stream_ids: [a, foreign] }).expect(404);
    expect(res.body.detail).toBe(`Stream with id '${foreign}' not found`);
    expect(await groupsOf(a)).toEqual([]);
    const scoped = await link(
      { action: 'attach', group_id: theirs, stream_ids: [foreign] },
      `?account_id=${ACCOUNT_A}`,
    ).expect(404);
    expect(scoped.body.error_code).toBe(39008);
    expect(await groupsOf(foreign)).toEqual([]);
  });

  it('answers 404 39008 for an unknown group', async () => {
    const a = await createStream(api);
    const unknown = randomUUID();
    const res = await link({ action: 'attach', group_id: unknown, stream_ids: [a] }).expect(404);
    expect(res.body).toEqual({
      error_code: 39008,
      desc: 'Object not found',
      detail: `Group with id '${unknown}' not found`,
    });
  });

  it('links 1000 streams in one call and refuses 1001', async () => {
    const g = await group('thousand');
    const ids = await seedStreams(api.deps.db.pool, 1000);
    await link({ action: 'attach', group_id: g, stream_ids: ids }).expect(204);
    expect((await request(api.app).get('/1/streams/count?group_name=thousand')).body).toEqual({ streams_count: 1000 });
    const res = await link({ action: 'detach', group_id: g, stream_ids: [...ids, randomUUID()] }).expect(400);
    expect(res.body.detail).toContain("Path: 'stream_ids'");
  });

  it.each([
    [{ action: 'move', group_id: randomUUID(), stream_ids: [] }, "Path: 'action'"],
    [{ action: 'attach', stream_ids: [] }, "''group_id' is a required property'"],
    [{ action: 'attach', group_id: randomUUID(), stream_ids: ['x'] }, "Path: 'stream_ids.0'"],
    [{ action: 'attach', group_id: 'x', stream_ids: [] }, "Path: 'group_id'"],
  ])('answers 12022 for %p', async (body, detail) => {
    const res = await link(body).expect(400);
    expect(res.body.error_code).toBe(12022);
    expect(res.body.detail).toContain(detail);
  });

  it('answers 405 for other methods', async () => {
    await request(api.app).post('/1/linker').expect(405);
  });
});

describe('group_name with other filters and paging', () => {
  it('combines with statuses, names and paging', async () => {
    await group('site_7');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await createStream(api, { name: `s7-${i}`, group_name: 'site_7', status: i % 2 ? 'pause' : 'pending' }));
    await createStream(api, { name: 's7-other' });
    const q = (query: string) => request(api.app).get(`/1/streams?group_name=site_7&${query}`).expect(200);
    expect((await q('statuses=pause')).body.streams.map((s: { name: string }) => s.name)).toEqual(['s7-1', 's7-3']);
    expect((await q('page=2&page_size=2')).body.streams.map((s: { name: string }) => s.name)).toEqual(['s7-2', 's7-3']);
    expect((await q('names=s7-0,s7-other')).body.streams.map((s: { name: string }) => s.name)).toEqual(['s7-0']);
    expect((await q(`account_id=${ACCOUNT_B}`)).body.streams).toEqual([]);
  });
});

describe('listing streams with their groups', () => {
  it('costs a constant number of SQL statements, not one per stream', async () => {
    const local = await startTestApi();
    try {
      const groupIds: string[] = [];
      for (const name of ['a', 'b', 'c']) {
        groupIds.push(
          (await request(local.app).post('/1/groups').send({ account_id: ACCOUNT_A, group_name: name })).body.group_id,
        );
      }
      const ids = await seedStreams(local.deps.db.pool, 100);
      for (const g of groupIds)
        await request(local.app)
          .patch('/1/linker')
          .send({ action: 'attach', group_id: g, stream_ids: ids })
          .expect(204);

      const statementsFor = async (pageSize: number): Promise<number> => {
        const spy = jest.spyOn(pg.Client.prototype, 'query');
        try {
          const res = await request(local.app).get(`/1/streams?page_size=${pageSize}`).expect(200);
          expect(res.body.streams).toHaveLength(pageSize);
          expect(res.body.streams.every((s: { groups: string[] }) => s.groups.join() === 'a,b,c')).toBe(true);
          // Only this request's statements: the mirror drain runs on its own in the background.
          const text = (arg: unknown) => (typeof arg === 'string' ? arg : ((arg as { text?: string })?.text ?? ''));
          return spy.mock.calls.filter(([arg]) => !/mirror_outbox|advisory|^(BEGIN|COMMIT|ROLLBACK)/.test(text(arg)))
            .length;
        } finally {
          spy.mockRestore();
        }
      };
      const one = await statementsFor(1);
      const hundred = await statementsFor(100);
      expect(hundred).toBe(one);
      expect(hundred).toBeLessThanOrEqual(4);
    } finally {
      await local.close();
    }
  });
});
