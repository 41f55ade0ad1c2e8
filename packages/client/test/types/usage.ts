import { createAgent, createLunaClient, type Stream } from '@luna-streams/client';

// Type tests of the client and the agent kit (types.unit.test.ts compiles this file, and so does
// `npm run lint`): what the document allows compiles; each @ts-expect-error line must fail to
// compile, or the compilation fails ("unused @ts-expect-error").

const luna = createLunaClient({ baseUrl: 'http://127.0.0.1:5160' });
const id = '557d54ec-29ad-4f3c-93b4-c9092ef12515';

export async function usage(): Promise<number> {
  // The minimal create body the document allows: everything with a default left out.
  const created = await luna.POST('/1/streams', {
    body: {
      account_id: id,
      data: { type: 'tcp', reference: 'rtsp://10.0.0.15/live' },
      event_handler: { origin: 'http://127.0.0.1:5000', bestshot_handler: { handler_id: id } },
    },
  });
  // @ts-expect-error a create body without its event_handler
  await luna.POST('/1/streams', { body: { account_id: id, data: { type: 'tcp', reference: 'rtsp://x' } } });
  const handler = { origin: 'http://lp', bestshot_handler: { handler_id: id } };
  const rtmp = { type: 'rtmp', reference: 'rtmp://x' } as const;
  // @ts-expect-error a source type that does not exist
  await luna.POST('/1/streams', { body: { account_id: id, data: rtmp, event_handler: handler } });
  const path = { path: { stream_id: created.stream_id } };
  await luna.PATCH('/1/streams/{stream_id}', { params: path, body: { status: 'pause' } });
  // @ts-expect-error a misspelt field of PATCH
  await luna.PATCH('/1/streams/{stream_id}', { params: path, body: { statuss: 'pause' } });
  // @ts-expect-error a status PATCH does not take
  await luna.PATCH('/1/streams/{stream_id}', { params: path, body: { status: 'done' } });
  // @ts-expect-error a path parameter left out
  await luna.GET('/1/streams/{stream_id}', {});
  await luna.GET('/1/streams', { params: { query: { statuses: ['pending', 'pause'], page_size: 100 } } });
  // @ts-expect-error a misspelt query filter
  await luna.GET('/1/streams', { params: { query: { statuss: ['pending'] } } });
  // @ts-expect-error a status that does not exist, as a filter
  await luna.GET('/1/streams', { params: { query: { statuses: ['running'] } } });
  await luna.POST('/1/streams/processing/queue', { body: { filters: { stream_ids: [id] }, limit: 1 } });
  // @ts-expect-error a misspelt filter of a take
  await luna.POST('/1/streams/processing/queue', { body: { filters: { stream_id: [id] }, limit: 1 } });
  // @ts-expect-error a path the API does not have
  await luna.GET('/1/stream');

  createAgent({ baseUrl: '', capacity: 1, filters: { names: ['door'] }, handle: async () => undefined });
  // @ts-expect-error a misspelt filter of the agent kit
  createAgent({ baseUrl: '', capacity: 1, filters: { name: ['door'] }, handle: async () => undefined });
  createAgent({
    baseUrl: '',
    capacity: 1,
    // @ts-expect-error a handler's result is a promise of { videoInfo } or nothing
    handle: async () => 'done',
  });

  // Answers are the document's own types: a stream of a list is a Stream (roi a tuple of four).
  const { streams } = await luna.GET('/1/streams');
  const rois: [number, number, number, number][] = streams.map((s: Stream) => s.data.roi);
  const { streams_count } = await luna.GET('/1/streams/count');
  return streams_count + rois.length;
}
