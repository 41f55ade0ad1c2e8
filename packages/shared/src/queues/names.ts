// BullMQ queue names and job contracts. Job ids never contain ':' and are never integers
// (BullMQ treats an id it still holds as a duplicate and silently skips the add).

/** The mirror of the pending set, for dashboards; never read to decide who gets a stream. */
export const STREAMS_PENDING_QUEUE = 'streams-pending';

export interface PendingJobData {
  stream_id: string;
  account_id: string;
}

/** Every job and scheduler template removes itself when done (STACK-NOTES.md, BullMQ). */
export const SELF_REMOVING = { removeOnComplete: true, removeOnFail: true } as const;
