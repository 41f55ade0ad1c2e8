import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ACCOUNT_A, ACCOUNT_B, startTestApi, streamBody, type TestApi } from '../../../test/support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function create(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await request(api.app).post('/1/streams').send(streamBody(overrides)).expect(201);
  return res.body.stream_id;
}

async function exists(id: string): Promise<boolean> {
  return (await api.deps.db.prisma.stream.count({ where: { stream_id: id } })) === 1;
}

describe('DELETE /1/streams/{stream_id}', () => {
  it('removes the stream and its group links, keeps its logs; a second delete is 404', async () => {
    const group = await api.deps.db.prisma.group.create({ data: { account_id: ACCOUNT_A, group_name: 'g1' } });
    const id = await create({ group_name: 'g1' });
    await request(api.app).delete(`/1/streams/${id}`).expect(204);
    expect(await exists(id)).toBe(false);
    expect(await api.deps.db.prisma.streamGroup.count({ where: { stream_id: id } })).toBe(0);
    expect(await api.deps.db.prisma.group.count({ where: { group_id: group.group_id } })).toBe(1);
    expect(await api.deps.db.prisma.streamLog.count({ where: { stream_id: id } })).toBe(1);
    const again = await request(api.app).delete(`/1/streams/${id}`).expect(404);
    expect(again.body).toEqual({
      error_code: 39001,
      desc: 'Object not found',
      detail: `Stream with id '${id}' not found`,
    });
  });

  it("does not delete another account's stream", async () => {
    const id = await create();
    await request(api.app).delete(`/1/streams/${id}?account_id=${ACCOUNT_B}`).expect(404);
    expect(await exists(id)).toBe(true);
    await request(api.app).delete(`/1/streams/${id}?account_id=${ACCOUNT_A}`).expect(204);
    expect(await exists(id)).toBe(false);
  });

  it('rejects a non-UUID id with 400 12012', async () => {
    const res = await request(api.app).delete('/1/streams/123').expect(400);
    expect(res.body.error_code).toBe(12012);
  });
});

describe('DELETE /1/streams', () => {
  it('deletes by ids OR names, ignoring what matches nothing', async () => {
    const a = await create({ name: 'lobby' });
    const b = await create({ name: 'parking' });
    const c = await create({ name: 'keep' });
    const d = await create({ name: 'by-id' });
    await request(api.app)
      .delete('/1/streams')
      .send({ stream_ids: [d, randomUUID()], names: ['lobby', 'parking', 'nothing'] })
      .expect(204);
    expect(await Promise.all([a, b, c, d].map(exists))).toEqual([false, false, true, false]);
  });

  it('restricts to account_id when given', async () => {
    const mine = await create({ name: 'shared-name' });
    const theirs = await create({ name: 'shared-name', account_id: ACCOUNT_B });
    await request(api.app)
      .delete(`/1/streams?account_id=${ACCOUNT_B}`)
      .send({ names: ['shared-name'], stream_ids: [mine] })
      .expect(204);
    expect(await exists(mine)).toBe(true);
    expect(await exists(theirs)).toBe(false);
  });

  it('deletes nothing for an empty body object', async () => {
    const id = await create();
    await request(api.app).delete('/1/streams').send({}).expect(204);
    await request(api.app).delete('/1/streams').send({ stream_ids: [], names: [] }).expect(204);
    expect(await exists(id)).toBe(true);
  });

  it('takes 1000 ids and 1000 names in one call, and refuses 1001', async () => {
    const ids = [await create({ name: 'bulk' }), ...Array.from({ length: 999 }, () => randomUUID())];
    const names = Array.from({ length: 1000 }, (_, i) => `name-${i}`);
    await request(api.app).delete('/1/streams').send({ stream_ids: ids, names }).expect(204);
    expect(await exists(ids[0]!)).toBe(false);

    const before = await api.deps.db.prisma.stream.count();
    const tooMany = await request(api.app)
      .delete('/1/streams')
      .send({ stream_ids: [...ids, randomUUID()] })
      .expect(400);
    expect(tooMany.body.error_code).toBe(12022);
    expect(tooMany.body.detail).toContain("Path: 'stream_ids'");
    const tooManyNames = await request(api.app)
      .delete('/1/streams')
      .send({ names: [...names, 'one-more'] })
      .expect(400);
    expect(tooManyNames.body.detail).toContain("Path: 'names'");
    expect(await api.deps.db.prisma.stream.count()).toBe(before);
  });

  it('answers 12022 for an unknown property and for a bad id, deleting nothing', async () => {
    const id = await create();
    const unknown = await request(api.app).delete('/1/streams').send({ faces: [] }).expect(400);
    expect(unknown.body).toEqual({
      error_code: 12022,
      desc: 'Bad/incomplete input data',
      detail:
        "Failed to validate input json. Path: '', message: 'Additional properties are not allowed ('faces' was unexpected)'",
    });
    const bad = await request(api.app)
      .delete('/1/streams')
      .send({ stream_ids: [id, 'nope'] })
      .expect(400);
    expect(bad.body.detail).toContain("Path: 'stream_ids.1'");
    expect(await exists(id)).toBe(true);
  });

  it('answers 12002 without a body and 12012 for a bad account_id', async () => {
    const noBody = await request(api.app).delete('/1/streams').expect(400);
    expect(noBody.body.error_code).toBe(12002);
    const account = await request(api.app).delete('/1/streams?account_id=x').send({}).expect(400);
    expect(account.body.detail).toBe("Bad query parameters 'account_id'");
  });
});
