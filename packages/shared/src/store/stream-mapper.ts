import {
  autorestartSettings,
  eventHandler,
  location,
  policies,
  streamData,
  type AutorestartStatus,
  type StreamObject,
} from '../contract/streams';
import type { StoredStatus } from '../contract/primitives';

// Rows never reach res.json (DESIGN.md section 6): this builds the stream object of spec
// 3.9 in its key order. jsonb reorders keys, so each stored document is run through its
// contract schema again, which emits keys in the schema's order and fills any default a
// later version added.

export interface StreamRow {
  stream_id: string;
  account_id: string;
  name: string;
  description: string;
  data: unknown;
  event_handler: unknown;
  policies: unknown;
  location: unknown;
  autorestart_restart: number;
  autorestart_attempt_count: number;
  autorestart_delay: number;
  autorestart_current_attempt: number;
  autorestart_last_attempt_time: Date | null;
  autorestart_status: string;
  version: number;
  create_time: Date;
  status: string;
  last_error: string | null;
  video_info: unknown;
}

function reorder<T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, value: unknown): T {
  const result = schema.safeParse(value);
  return result.success ? (result.data as T) : (value as T);
}

export function toStreamObject(row: StreamRow, groups: string[]): StreamObject {
  const settings = reorder(autorestartSettings, {
    restart: row.autorestart_restart,
    attempt_count: row.autorestart_attempt_count,
    delay: row.autorestart_delay,
  });
  return {
    stream_id: row.stream_id,
    account_id: row.account_id,
    name: row.name,
    description: row.description,
    data: reorder(streamData, row.data),
    event_handler: reorder(eventHandler, row.event_handler),
    policies: reorder(policies, row.policies),
    location: reorder(location, row.location),
    autorestart: {
      ...settings,
      current_attempt: row.autorestart_current_attempt,
      last_attempt_time: row.autorestart_last_attempt_time?.toISOString() ?? null,
      status: row.autorestart_status as AutorestartStatus,
    },
    version: row.version,
    create_time: row.create_time.toISOString(),
    status: row.status as StoredStatus,
    last_error: row.last_error,
    video_info: (row.video_info ?? null) as StreamObject['video_info'],
    groups,
  };
}
