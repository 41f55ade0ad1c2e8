import request from 'supertest';
import { createLogger } from '@luna-streams/shared';
import { composeWorker } from '../src/compose';
import { createAndTake, startTestApi, testConfig, type TestApi } from '../../../test/support/api';

// The worker serves the same feedback router as the API (DESIGN.md section 1).
let api: TestApi;
let worker: ReturnType<typeof composeWorker>;
beforeAll(async () => {
  api = await startTestApi();
  worker = composeWorker(testConfig(api.database.url), createLogger({ level: 'silent', name: 'test', pretty: false }));
});
afterAll(async () => {
  await worker.shutdown.run('test');
  await api.close();
});

describe('POST /1/streams/feedback on the worker', () => {
  it('applies feedback exactly as the API does', async () => {
    const [id, other] = await createAndTake(api, 2);
    const res = await request(worker.app)
      .post('/1/streams/feedback')
      .send({
        streams: [
          { stream_id: id, status: 'done', version: 1 },
          { stream_id: other, status: 'in_progress', version: 2 },
        ],
      })
      .expect(200);
    expect(res.body).toEqual({
      streams: { [id!]: { status: 'done', version: 1 }, [other!]: { status: 'in_progress', version: 1 } },
    });
    expect((await request(api.app).get(`/1/streams/${id}`)).body.status).toBe('done');
  });

  it('answers errors in the Luna shape', async () => {
    const res = await request(worker.app).post('/1/streams/feedback').send({ streams: 'no' }).expect(400);
    expect(res.body.error_code).toBe(12022);
    await request(worker.app).get('/1/streams/feedback').expect(405);
  });
});
