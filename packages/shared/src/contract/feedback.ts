import { z } from 'zod';
import { boundedString, int, STORED_STATUSES, time, uuid, videoInfo } from './primitives';

// Agent feedback (spec 4.12). One request reports many streams; the answer tells the
// agent, per stream, what the service holds now.
export const FEEDBACK_BATCH_MAX = 1000;

export const feedbackItem = z.strictObject({
  stream_id: uuid.describe('the stream reported on'),
  status: z
    .enum(['in_progress', 'done', 'failure'])
    .describe('in_progress: still running (a keep-alive); done: finished; failure: stopped by an error'),
  version: int(1).describe('the version the agent was given when it took the stream'),
  error: boundedString(4096).nullable().optional().describe('what went wrong, with failure'),
  video_info: videoInfo
    .optional()
    .describe('anything the agent knows about the video (size, frame rate, progress), stored as sent; at most 16 kB'),
  time: time.optional().describe('when the agent observed this (RFC 3339); the service keeps its own clock'),
});
export type FeedbackItem = z.infer<typeof feedbackItem>;

export const feedbackBody = z
  .strictObject({
    streams: z
      .array(feedbackItem)
      .max(FEEDBACK_BATCH_MAX)
      .describe('one item per stream the agent runs, each stream at most once, up to 1000'),
  })
  .superRefine((body, ctx) => {
    // One stream twice in a batch has no single meaning (DESIGN.md section 4).
    const seen = new Set<string>();
    body.streams.forEach((item, index) => {
      if (seen.has(item.stream_id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['streams', index, 'stream_id'],
          message: `duplicate stream_id '${item.stream_id}'`,
        });
      }
      seen.add(item.stream_id);
    });
  });
export type FeedbackBody = z.infer<typeof feedbackBody>;

export const feedbackAnswer = z.object({
  status: z
    .enum([...STORED_STATUSES, 'not_found'])
    .describe('the status the service holds now; not_found when the stream was deleted'),
  version: z.int().nullable().describe('the version the service holds now; null when the stream was deleted'),
});
export type FeedbackAnswer = z.infer<typeof feedbackAnswer>;

export const feedbackResponse = z.object({
  streams: z
    .record(z.string(), feedbackAnswer)
    .describe('per stream id of the request: keep running it only when it is in_progress with your version'),
});
