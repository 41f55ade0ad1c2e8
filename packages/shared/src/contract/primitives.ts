import { z } from 'zod';

// Scalars of spec section 3.1, hardened for PostgreSQL (STACK-NOTES.md, zod 4):
// strings carry no NUL and no lone surrogate, every integer has a maximum.

export const UUID_PATTERN = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;
export const GROUP_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;
export const INT4_MAX = 2_147_483_647;

// A NUL, or a surrogate half without its partner: PostgreSQL refuses both in text and jsonb.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

export const storableString = () =>
  z.string().refine(isStorableText, { message: 'contains a character that cannot be stored' });

export const boundedString = (max: number) => storableString().max(max);

export const uuid = z.string().regex(UUID_PATTERN);
export const accountId = uuid;
export const streamName = boundedString(128);
export const streamDescription = boundedString(128);
export const groupName = z.string().regex(GROUP_NAME_PATTERN);
export const streamReference = boundedString(256);

export const int = (min: number, max: number = INT4_MAX) => z.int().min(min).max(max);
export const boundedNumber = (min: number, max: number) => z.number().min(min).max(max);

// Statuses a stream can be in or pass through (spec 3.1), and the ones ever stored (spec 5.1).
export const STREAM_STATUSES = [
  'pending',
  'in_progress',
  'done',
  'pause',
  'restart',
  'cancel',
  'failure',
  'handler_lost',
  'not_found',
] as const;
export const streamStatus = z.enum(STREAM_STATUSES);
export type StreamStatus = z.infer<typeof streamStatus>;

export const STORED_STATUSES = ['pending', 'in_progress', 'done', 'pause', 'cancel', 'failure'] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];

// RFC 3339 date-time, with Z or an offset. A '+' in an unencoded query string arrives
// as a space; it is put back so a copied time still matches.
const RFC3339 = z.iso.datetime({ offset: true });
export const time = z
  .string()
  .transform((s) => s.replace(/^(\S+T[0-9:.]+) (\d{2}:?\d{2})$/, '$1+$2'))
  .pipe(RFC3339)
  .transform((s) => new Date(s))
  .refine((d) => !Number.isNaN(d.getTime()))
  .meta({ format: 'date-time' });

export const page = int(1);
export const pageSize = int(1, 100);

// video_info is whatever the agent sends (spec 3.7), stored as jsonb: bounded so that one
// agent cannot store megabytes per stream or nest deep enough to hurt, and free of text
// PostgreSQL refuses (NUL, lone surrogates, in keys as well as values).
export const VIDEO_INFO_MAX_BYTES = 16 * 1024;
export const VIDEO_INFO_MAX_DEPTH = 8;

function jsonProblem(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string')
    return isStorableText(value) ? undefined : 'contains a character that cannot be stored';
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > VIDEO_INFO_MAX_DEPTH) return `is nested deeper than ${VIDEO_INFO_MAX_DEPTH} levels`;
  const entries = Array.isArray(value) ? value.map((v) => ['', v] as const) : Object.entries(value);
  for (const [key, inner] of entries) {
    if (!isStorableText(key)) return 'contains a character that cannot be stored';
    const problem = jsonProblem(inner, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

// JSON.parse has already made the body JSON, so a plain-object check and one walk suffice
// (z.json() would walk the value a second time, for every item of every feedback batch).
export const videoInfo = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const problem = jsonProblem(value, 1);
  if (problem) ctx.addIssue({ code: 'custom', message: `video_info ${problem}` });
  else if (Buffer.byteLength(JSON.stringify(value)) > VIDEO_INFO_MAX_BYTES) {
    ctx.addIssue({ code: 'custom', message: `video_info is larger than ${VIDEO_INFO_MAX_BYTES} bytes` });
  }
});
