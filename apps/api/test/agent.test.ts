import request from 'supertest';
import { runAgent } from '../../../examples/agent/agent';
import { createStream, listen, logStatuses, startTestApi, type TestApi } from '../../../test/support/api';
import { eventually } from '../../../test/support/wait';

let api: TestApi;
let server: { url: string; close(): Promise<void> };
beforeAll(async () => {
  api = await startTestApi();
  server = await listen(api);
});
afterAll(async () => {
  await server.close();
  await api.close();
});

describe('the reference agent', () => {
  it('drives video files to done against a running service', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        await createStream(api, { name: `file-${i}`, data: { type: 'videofile', reference: `/data/${i}.mp4` } }),
      );
    }
    const lines: string[] = [];
    const controller = new AbortController();
    const agent = runAgent({
      apiUrl: server.url,
      capacity: 3,
      feedbackPeriodMs: 100,
      finishAfterSeconds: 0.3,
      failureRate: 0,
      runSeconds: 30,
      log: (line) => lines.push(line),
      signal: controller.signal,
    });
    await eventually(
      async () => (await api.deps.db.prisma.stream.count({ where: { stream_id: { in: ids }, status: 'done' } })) === 5,
      20_000,
      'all streams done',
    );
    controller.abort();
    const report = await agent;
    expect(report).toMatchObject({ taken: 5, done: 5, failed: 0, stopped: 0 });
    for (const id of ids) expect(await logStatuses(api, id)).toEqual(['pending/1', 'in_progress/1', 'done/1']);
    expect(lines.some((l) => l.includes('took'))).toBe(true);
    const info = (await request(api.app).get(`/1/streams/${ids[0]}`)).body.video_info;
    expect(info).toMatchObject({ fps: 25 });
  });

  it('stops a stream when the answer says so (a user paused it)', async () => {
    const id = await createStream(api, { name: 'camera' });
    const lines: string[] = [];
    const controller = new AbortController();
    const agent = runAgent({
      apiUrl: server.url,
      capacity: 1,
      feedbackPeriodMs: 100,
      finishAfterSeconds: 60,
      failureRate: 0,
      runSeconds: 30,
      log: (line) => lines.push(line),
      signal: controller.signal,
    });
    await eventually(async () => lines.some((l) => l.includes(`took ${id}`)), 10_000, 'agent took the camera');
    await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pause' }).expect(204);
    await eventually(async () => lines.some((l) => l.includes(`stopping ${id}`)), 10_000, 'agent stopped the camera');
    controller.abort();
    const report = await agent;
    expect(report.stopped).toBe(1);
    expect(lines.find((l) => l.includes(`stopping ${id}`))).toContain('service holds pause version 2');
  });
});
