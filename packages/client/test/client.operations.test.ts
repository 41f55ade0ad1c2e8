import { randomUUID } from 'node:crypto';
import { createLunaClient, LunaError, type LunaClient } from '@luna-streams/client';
import { listen, startTestApi, type TestApi } from '../../../test/support/api';
import { openApiValidator } from '../../../test/support/openapi-validator';

// The typed client against the real service: every operation of the document once, error
// answers as LunaError, and the request id passed through. A fetch wrapper records which
// documented operation each call reached, so a new operation fails this test until it is called.

const TOKEN = 'client-test-admin-token';
const ACCOUNT = '557d54ec-29ad-4f3c-93b4-c9092ef12515';
const HANDLER = '8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a';

let api: TestApi;
let server: { url: string; close(): Promise<void> };
const reached = new Set<string>();
const answers: { requestId: string | null; sent: string | null }[] = [];
let luna: LunaClient;

beforeAll(async () => {
  api = await startTestApi({ ADMIN_TOKEN: TOKEN });
  server = await listen(api);
  const recording = async (request: Request) => {
    const found = openApiValidator().operation(request.method, new URL(request.url).pathname);
    if (found) reached.add(found.op.operationId as string);
    const response = await fetch(request);
    answers.push({ requestId: response.headers.get('luna-request-id'), sent: request.headers.get('luna-request-id') });
    return response;
  };
  luna = createLunaClient({ baseUrl: server.url, fetch: recording, headers: { Authorization: `Bearer ${TOKEN}` } });
});
afterAll(async () => {
  await server.close();
  await api.close();
});

const body = (name: string) => ({
  account_id: ACCOUNT,
  name,
  data: { type: 'videofile' as const, reference: `/data/${name}.mp4` },
  event_handler: { origin: 'http://127.0.0.1:5000', bestshot_handler: { handler_id: HANDLER } },
});

describe('the client against the service', () => {
  it('calls every operation of the document', async () => {
    expect(await luna.GET('/version')).toEqual({ Version: { api: 1, major: 0, minor: 0, patch: 2 } });
    expect(await luna.GET('/healthcheck')).toMatchObject({ execution_time: expect.any(Number) });
    expect(await luna.GET('/1/config')).toMatchObject({ STREAM_STATUS_OBSOLETING_PERIOD: expect.any(Number) });
    expect(await luna.GET('/metrics', { parseAs: 'text' })).toContain('luna_streams_');
    const yaml = await luna.GET('/docs/spec', { parseAs: 'text', headers: { Accept: 'application/x-yaml' } });
    expect(yaml).toContain('openapi: 3.1.0');
    await luna.GET('/docs/dev', { redirect: 'manual', parseAs: 'text' });

    const group = await luna.POST('/1/groups', { body: { account_id: ACCOUNT, group_name: 'gate' } });
    expect(group.group_name).toBe('gate');
    expect(await luna.GET('/1/groups', { params: { query: { account_id: ACCOUNT } } })).toHaveLength(1);
    expect(await luna.GET('/1/groups/count')).toEqual({ groups_count: 1 });
    await luna.PATCH('/1/groups/{group_id}', {
      params: { path: { group_id: group.group_id } },
      body: { description: 'the gate' },
    });
    expect(await luna.GET('/1/groups/{group_id}', { params: { path: { group_id: group.group_id } } })).toMatchObject({
      description: 'the gate',
    });

    const created = await luna.POST('/1/streams', { body: { ...body('door'), group_name: 'gate' } });
    expect(created.version).toBe(1);
    const path = { path: { stream_id: created.stream_id } };
    const other = await luna.POST('/1/streams', { body: body('lobby') });
    expect((await luna.GET('/1/streams', { params: { query: { names: ['door', 'lobby'] } } })).streams).toHaveLength(2);
    expect(await luna.GET('/1/streams/count', { params: { query: { group_name: 'gate' } } })).toEqual({
      streams_count: 1,
    });
    await luna.PATCH('/1/linker', {
      body: { action: 'attach', stream_ids: [other.stream_id], group_id: group.group_id },
    });
    const queue = await luna.GET('/1/streams/processing/queue', { params: { query: { limit: 10 } } });
    expect(queue.streams.map((s) => s.stream_id)).toEqual([created.stream_id, other.stream_id]);
    const taken = await luna.POST('/1/streams/processing/queue', {
      body: { filters: { stream_ids: [created.stream_id] }, limit: 1 },
    });
    expect(taken.streams[0]).toMatchObject({ stream_id: created.stream_id, status: 'in_progress' });
    const answer = await luna.POST('/1/streams/feedback', {
      body: { streams: [{ stream_id: created.stream_id, status: 'done', version: 1, video_info: { fps: 25 } }] },
    });
    expect(answer.streams[created.stream_id]).toEqual({ status: 'done', version: 1 });
    expect(await luna.GET('/1/streams/{stream_id}', { params: path })).toMatchObject({ status: 'done' });
    const logs = await luna.GET('/1/streams/logs', { params: { query: { stream_ids: [created.stream_id] } } });
    expect(logs.logs.map((l) => l.status)).toEqual(['pending', 'in_progress', 'done']);
    const feed = await luna.GET('/1/streams/events', {
      params: { query: { stream_ids: [created.stream_id], last_event_id: 0 } },
      parseAs: 'stream',
    });
    const reader = feed!.getReader();
    let text = '';
    while (!text.includes('"status":"done"')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    await luna.PATCH('/1/streams/{stream_id}', { params: path, body: { description: 'front door' } });
    const put = await luna.PUT('/1/streams/{stream_id}', { params: path, body: body('door') });
    expect(put.version).toBe(2);
    await luna.DELETE('/1/streams/{stream_id}', { params: path });
    await luna.DELETE('/1/streams', { body: { stream_ids: [other.stream_id] } });
    await luna.DELETE('/1/groups/{group_id}', { params: { path: { group_id: group.group_id } } });

    // Webhooks: a receiver address outside WEBHOOK_DENY_NETWORKS (TEST-NET-1, never answered here).
    const webhook = await luna.POST('/1/webhooks', {
      body: { account_id: ACCOUNT, url: 'http://192.0.2.10/hook', statuses: ['failure'] },
    });
    const hook = { path: { webhook_id: webhook.webhook_id } };
    expect((await luna.GET('/1/webhooks', { params: { query: { account_id: ACCOUNT } } })).webhooks).toHaveLength(1);
    await luna.PATCH('/1/webhooks/{webhook_id}', { params: hook, body: { description: 'alerts' } });
    expect(await luna.GET('/1/webhooks/{webhook_id}', { params: hook })).toMatchObject({ description: 'alerts' });
    expect((await luna.POST('/1/webhooks/{webhook_id}/rotate-secret', { params: hook })).secret).toMatch(/^whsec_/);
    expect((await luna.GET('/1/webhooks/{webhook_id}/deliveries', { params: hook })).deliveries).toEqual([]);
    const delivery_id = randomUUID();
    const retry = await luna
      .POST('/1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry', {
        params: { path: { webhook_id: webhook.webhook_id, delivery_id } },
      })
      .catch((e: unknown) => e);
    expect(retry).toMatchObject({ status: 404 });
    await luna.DELETE('/1/webhooks/{webhook_id}', { params: hook });

    const documented = Object.values(
      openApiValidator().doc.paths as Record<string, Record<string, { operationId?: string }>>,
    )
      .flatMap((item) => Object.values(item).map((op) => op.operationId))
      .filter(Boolean);
    expect([...reached].sort()).toEqual([...documented].sort());
  });

  it('turns error answers into LunaError with the code, the detail and the request id', async () => {
    const requestId = `${Math.floor(Date.now() / 1000)},${randomUUID()}`;
    const missing = randomUUID();
    const error = await luna
      .GET('/1/streams/{stream_id}', {
        params: { path: { stream_id: missing }, header: { 'Luna-Request-Id': requestId } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LunaError);
    expect(error).toMatchObject({
      status: 404,
      error_code: 39001,
      desc: 'Object not found',
      detail: `Stream with id '${missing}' not found`,
      requestId,
      operation: 'GET /1/streams/{stream_id}',
    });
    const bad = await luna
      .POST('/1/streams', { body: { ...body('x'), name: 'x'.repeat(200) } })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, error_code: 12022 });
    const open = createLunaClient({ baseUrl: server.url });
    await expect(open.GET('/1/config')).rejects.toMatchObject({ status: 401, error_code: 12025 });
  });

  it('passes a request id set per call through to the answer, and gets one made by the service otherwise', async () => {
    answers.length = 0;
    const requestId = `${Math.floor(Date.now() / 1000)},${randomUUID()}`;
    await luna.GET('/1/streams/count', { params: { header: { 'Luna-Request-Id': requestId } } });
    await luna.GET('/1/streams/count');
    expect(answers[0]).toEqual({ requestId, sent: requestId });
    expect(answers[1]!.sent).toBeNull();
    expect(answers[1]!.requestId).toMatch(/^[0-9]{10},[a-f0-9-]{36}$/);
  });
});
