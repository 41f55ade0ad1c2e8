import { z } from 'zod';
import { boundedString, int, STORED_STATUSES, time, uuid, videoInfo } from './primitives';

// Agent feedback (spec 4.12). One request reports many streams; the answer tells the
// agent, per stream, what the service holds now.
export const FEEDBACK_BATCH_MAX = 1000;

export const feedbackItem = z.strictObject({
  stream_id: uuid,
  status: z.enum(['in_progress', 'done', 'failure']),
  version: int(1),
  error: boundedString(4096).nullable().optional(),
  video_info: videoInfo.optional(),
  time: time.optional(),
});
export type FeedbackItem = z.infer<typeof feedbackItem>;

export const feedbackBody = z
  .strictObject({ streams: z.array(feedbackItem).max(FEEDBACK_BATCH_MAX) })
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
  status: z.enum([...STORED_STATUSES, 'not_found']),
  version: z.int().nullable(),
});
export type FeedbackAnswer = z.infer<typeof feedbackAnswer>;

export const feedbackResponse = z.object({ streams: z.record(z.string(), feedbackAnswer) });
