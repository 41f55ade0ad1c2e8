import { Router } from 'express';
import {
  accountScope,
  deleteStreamsBody,
  listStreamsQuery,
  parseBody,
  parseQuery,
  patchStreamBody,
  patchStreamQuery,
  pathId,
  route,
  streamFilters,
  streamInput,
} from '@luna-streams/shared';
import type { ApiDeps } from '../deps';

// Streams (spec 4.2-4.9). Static paths (count here, logs in logs.ts) are registered
// before /:stream_id.
export function streamsRouter({ streams, streamChanges }: ApiDeps): Router {
  const router = Router();

  route(router, '/1/streams', {
    post: async (req, res) => {
      const input = parseBody(streamInput, req.body);
      const created = await streams.create(input);
      res.status(201).location(`/1/streams/${created.stream_id}`).json(created);
    },
    get: async (req, res) => {
      const query = parseQuery(listStreamsQuery, req.query);
      res.json({ streams: await streams.list(query, query) });
    },
    delete: async (req, res) => {
      const { account_id } = parseQuery(accountScope, req.query);
      const selection = parseBody(deleteStreamsBody, req.body);
      await streams.removeMany(selection, account_id);
      res.status(204).end();
    },
  });

  route(router, '/1/streams/count', {
    get: async (req, res) => {
      const filters = parseQuery(streamFilters, req.query);
      res.json({ streams_count: await streams.count(filters) });
    },
  });

  route(router, '/1/streams/:stream_id', {
    get: async (req, res) => {
      const streamId = pathId(req, 'stream_id');
      const { account_id } = parseQuery(accountScope, req.query);
      res.json(await streams.get(streamId, account_id));
    },
    patch: async (req, res) => {
      const streamId = pathId(req, 'stream_id');
      const { account_id, version } = parseQuery(patchStreamQuery, req.query);
      await streamChanges.patch(streamId, account_id, parseBody(patchStreamBody, req.body), version);
      res.status(204).end();
    },
    put: async (req, res) => {
      const streamId = pathId(req, 'stream_id');
      res.json(await streamChanges.replace(streamId, parseBody(streamInput, req.body)));
    },
    delete: async (req, res) => {
      const streamId = pathId(req, 'stream_id');
      const { account_id } = parseQuery(accountScope, req.query);
      await streams.remove(streamId, account_id);
      res.status(204).end();
    },
  });

  return router;
}
