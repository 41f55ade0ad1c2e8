import { z } from 'zod';
import { int, streamName, uuid } from './primitives';
import { query } from './query';

// The processing queue (spec 4.10, 4.11): pending streams in (queued_at, seq) order.
// A peek or a take returns at most 1000 streams, whatever the limit asks (DESIGN.md section 3).
export const QUEUE_BATCH_MAX = 1000;

export const peekQueueQuery = z.object({
  limit: query.int(int(1)),
  stream_ids: query.list(uuid).optional(),
  names: query.list(streamName).optional(),
});
export type PeekQueueQuery = z.infer<typeof peekQueueQuery>;

export const queueFilters = z.strictObject({
  stream_ids: z.array(uuid).max(QUEUE_BATCH_MAX).optional().describe('take only streams with these ids'),
  names: z.array(streamName).max(QUEUE_BATCH_MAX).optional().describe('take only streams with these names'),
});
export type QueueFilters = z.infer<typeof queueFilters>;

export const takeQueueBody = z.strictObject({
  filters: queueFilters.describe('which pending streams may be taken; {} takes any'),
  limit: int(1).describe('how many streams to take at most (never more than 1000): the free slots of the agent'),
});
export type TakeQueueBody = z.infer<typeof takeQueueBody>;
