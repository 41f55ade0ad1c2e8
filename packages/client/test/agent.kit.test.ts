import {
  createAgent as createKitAgent,
  StreamFailure,
  type Agent,
  type AgentEvent,
  type AgentOptions,
  type AgentStop,
  type Stream,
  type Work,
} from '@luna-streams/client';
import { createStream, listen, logStatuses, startTestApi, type TestApi } from '../../../test/support/api';
import { eventually } from '../../../test/support/wait';

// The agent kit against the real service: capacity, one feedback request per interval for all
// streams, fencing, results with error and video_info, and stop with grace and hand-back.

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

// Every agent is stopped after its test, also when the test failed half way.
const agents: Agent[] = [];
const createAgent = (options: AgentOptions) => {
  const agent = createKitAgent(options);
  agents.push(agent);
  return agent;
};
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

const camera = (name: string) => createStream(api, { name, data: { type: 'tcp', reference: `rtsp://cam/${name}` } });
const dbStream = (id: string) => api.deps.db.prisma.stream.findUniqueOrThrow({ where: { stream_id: id } });

/** A camera: runs until its signal aborts, then says why. */
const untilAborted = (stream: Stream, work: Work) =>
  new Promise<void>((_resolve, reject) => {
    work.report({ fps: 25 });
    work.signal.addEventListener('abort', () =>
      reject(new Error(`aborted: ${(work.signal.reason as AgentStop).reason}`)),
    );
  });

/** A fetch that records the bodies of the feedback requests. */
function recordingFeedback() {
  const batches: { at: number; ids: string[] }[] = [];
  const fetchFn = async (request: Request) => {
    if (request.url.endsWith('/1/streams/feedback')) {
      const body = (await request.clone().json()) as { streams: { stream_id: string }[] };
      batches.push({ at: Date.now(), ids: body.streams.map((s) => s.stream_id).sort() });
    }
    return fetch(request);
  };
  return { batches, fetchFn };
}

describe('the agent kit', () => {
  it('takes up to its capacity and keeps all its streams alive in one request per interval', async () => {
    const ids = await Promise.all(['k1', 'k2', 'k3', 'k4', 'k5'].map(camera));
    const { batches, fetchFn } = recordingFeedback();
    const events: AgentEvent[] = [];
    const agent = createAgent({
      baseUrl: server.url,
      capacity: 3,
      filters: { stream_ids: ids },
      handle: untilAborted,
      handlerPeriodMs: 900,
      feedbackIntervalMs: 5000, // asked too long: the kit keeps it to a third of the period
      stopSignals: [],
      graceMs: 0,
      fetch: fetchFn,
    });
    agent.on('event', (e) => events.push(e));
    const finished = agent.start();
    await eventually(async () => batches.length >= 4, 10_000, 'four keep-alive rounds');
    expect(agent.running()).toHaveLength(3);
    const held = agent
      .running()
      .map((r) => r.stream_id)
      .sort();
    // Every round is one request naming every stream the agent runs.
    for (const batch of batches.slice(1)) expect(batch.ids).toEqual(held);
    const gaps = batches.slice(1).map((b, i) => b.at - batches[i]!.at);
    expect(Math.max(...gaps)).toBeLessThan(900); // a third of the period, plus scheduling
    expect(await api.deps.db.prisma.stream.count({ where: { stream_id: { in: ids }, status: 'in_progress' } })).toBe(3);
    const summary = await agent.stop();
    expect(summary).toMatchObject({ taken: 3, handedBack: 3, lost: 0 });
    expect(await finished).toEqual(summary);
    expect(events.filter((e) => e.type === 'taken')).toHaveLength(3);
  });

  it('stops a stream whose answer is not in_progress with its version (pause, PUT)', async () => {
    const [paused, replaced] = await Promise.all([camera('f1'), camera('f2')]);
    const reasons = new Map<string, string>();
    const agent = createAgent({
      baseUrl: server.url,
      capacity: 2,
      filters: { stream_ids: [paused!, replaced!] },
      handle: (stream, work) =>
        untilAborted(stream, work).catch((error: Error) => {
          reasons.set(stream.stream_id, error.message);
          throw error;
        }),
      handlerPeriodMs: 900,
      stopSignals: [],
      graceMs: 0,
    });
    const lost: AgentEvent[] = [];
    agent.on('event', (e) => e.type === 'lost' && lost.push(e));
    const finished = agent.start();
    await eventually(async () => agent.running().length === 2, 10_000, 'both taken');
    const { default: request } = await import('supertest');
    await request(api.app).patch(`/1/streams/${paused}`).send({ status: 'pause' }).expect(204);
    const current = await request(api.app).get(`/1/streams/${replaced}`).expect(200);
    const {
      stream_id: _id,
      version: _v,
      create_time: _c,
      status: _s,
      last_error: _e,
      video_info: _i,
      groups: _g,
      ...settings
    } = current.body;
    await request(api.app)
      .put(`/1/streams/${replaced}`)
      .send({ ...settings, autorestart: { restart: 1, attempt_count: 10, delay: 60 } })
      .expect(200);
    await eventually(async () => lost.length === 2, 10_000, 'both dropped');
    expect(lost).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stream_id: paused,
          version: 1,
          reported: 'in_progress',
          holds: { status: 'pause', version: 2 },
        }),
        // Pending at version 2, or already taken again by this agent at version 2 before a keep-alive told.
        expect.objectContaining({ stream_id: replaced, version: 1, holds: expect.objectContaining({ version: 2 }) }),
      ]),
    );
    expect(reasons.get(paused!)).toBe('aborted: lost');
    expect(reasons.get(replaced!)).toBe('aborted: lost');
    // The replaced stream is pending again with its new settings: the freed slot takes it, at version 2.
    await eventually(async () => agent.running()[0]?.version === 2, 10_000, 'the replaced stream taken again');
    expect(agent.running()).toEqual([{ stream_id: replaced, version: 2 }]);
    expect(await agent.stop()).toMatchObject({ taken: 3, lost: 2, handedBack: 1 });
    await finished;
  });

  it('reports done and failure with error and video_info', async () => {
    const good = await createStream(api, { name: 'v1', data: { type: 'videofile', reference: '/v/1.mp4' } });
    const bad = await createStream(api, {
      name: 'v2',
      data: { type: 'videofile', reference: '/v/2.mp4' },
      autorestart: { restart: 0 },
    });
    const agent = createAgent({
      baseUrl: server.url,
      capacity: 2,
      filters: { stream_ids: [good, bad] },
      handle: async (stream) => {
        if (stream.stream_id === bad) throw new StreamFailure('Failed to open stream: no such file', { opened: false });
        return { videoInfo: { duration: 12.5, progress: 1 } };
      },
      handlerPeriodMs: 3000,
      stopSignals: [],
    });
    const finished = agent.start();
    await eventually(
      async () => (await dbStream(bad)).status === 'failure' && (await dbStream(good)).status === 'done',
      10_000,
      'results reported',
    );
    expect(await dbStream(good)).toMatchObject({ video_info: { duration: 12.5, progress: 1 } });
    expect(await dbStream(bad)).toMatchObject({
      last_error: 'Failed to open stream: no such file',
      video_info: { opened: false },
    });
    expect(await agent.stop()).toMatchObject({ taken: 2, done: 1, failed: 1, handedBack: 0 });
    await finished;
    expect(await logStatuses(api, good)).toEqual(['pending/1', 'in_progress/1', 'done/1']);
  });

  it('on stop lets running work finish within the grace period and hands the rest back at once', async () => {
    const file = await createStream(api, { name: 'g1', data: { type: 'videofile', reference: '/v/g.mp4' } });
    const cam = await camera('g2');
    const agent = createAgent({
      baseUrl: server.url,
      capacity: 2,
      filters: { stream_ids: [file, cam] },
      handle: (stream, work) =>
        stream.data.type === 'videofile'
          ? new Promise((resolve) => setTimeout(() => resolve({ videoInfo: { progress: 1 } }), 400))
          : untilAborted(stream, work),
      handlerPeriodMs: 20_000,
      graceMs: 3000,
      stopSignals: [],
    });
    const finished = agent.start();
    await eventually(async () => agent.running().length === 2, 10_000, 'both taken');
    const stopped = Date.now();
    const summary = await agent.stop();
    expect(Date.now() - stopped).toBeLessThan(3000 + 2000);
    expect(summary).toMatchObject({ taken: 2, done: 1, handedBack: 1 });
    await finished;
    expect(await logStatuses(api, file)).toEqual(['pending/1', 'in_progress/1', 'done/1']);
    // Handed back: pending with a higher version, so a late keep-alive of this agent would not count.
    expect(await logStatuses(api, cam)).toEqual(['pending/1', 'in_progress/1', 'pending/2']);
  });

  /**
   * An agent takes `cam` and stops at once; `meanwhile` runs just before its hand-back PATCH
   * is sent, as if it happened between the agent's last feedback and the hand-back.
   */
  async function stopWithHandBackRace(cam: string, meanwhile: () => Promise<void>) {
    const events: AgentEvent[] = [];
    const fetchFn = async (req: Request) => {
      if (req.method === 'PATCH' && req.url.includes(cam)) await meanwhile();
      return fetch(req);
    };
    const agent = createAgent({
      baseUrl: server.url,
      capacity: 1,
      filters: { stream_ids: [cam] },
      handle: untilAborted,
      handlerPeriodMs: 20_000,
      graceMs: 0,
      stopSignals: [],
      fetch: fetchFn,
    });
    agent.on('event', (e) => events.push(e));
    const finished = agent.start();
    await eventually(async () => agent.running().length === 1, 10_000, 'taken');
    const summary = await agent.stop();
    await finished;
    return { summary, events };
  }

  it('never hands back a stream that another agent took in the meantime (409 39015)', async () => {
    const cam = await camera('h1');
    // Taken away (handler_lost's effect, version 2), and a second agent takes it.
    const { summary, events } = await stopWithHandBackRace(cam, async () => {
      await api.deps.db.pool.query(
        `UPDATE streams SET status = 'pending', version = version + 1 WHERE stream_id = $1`,
        [cam],
      );
      const taken = await fetch(`${server.url}/1/streams/processing/queue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ filters: { stream_ids: [cam] }, limit: 1 }),
      });
      expect(((await taken.json()) as { streams: { version: number }[] }).streams[0]?.version).toBe(2);
    });
    expect(summary).toMatchObject({ taken: 1, handedBack: 0, lost: 1 });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'lost',
        stream_id: cam,
        version: 1,
        holds: { status: 'changed', version: null },
      }),
    );
    // The second agent keeps it.
    expect(await dbStream(cam)).toMatchObject({ status: 'in_progress', version: 2 });
  });

  it('counts a stream deleted before its hand-back as lost (404 39001), not as a failed request', async () => {
    const cam = await camera('h2');
    const { summary, events } = await stopWithHandBackRace(cam, async () => {
      await fetch(`${server.url}/1/streams/${cam}`, { method: 'DELETE' });
    });
    expect(summary).toMatchObject({ taken: 1, handedBack: 0, lost: 1 });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'lost', stream_id: cam, holds: { status: 'not_found', version: null } }),
    );
    expect(events.filter((e) => e.type === 'request_failed')).toEqual([]);
  });
});
