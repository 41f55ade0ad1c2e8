import { z } from 'zod';

// Scalars of spec section 3.1, hardened for PostgreSQL (docs/dev/conventions.md, zod 4):
// strings carry no NUL and no lone surrogate, every integer has a maximum.

export const UUID_PATTERN = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;
export const GROUP_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;
export const INT4_MAX = 2_147_483_647;

// A NUL, or a surrogate half without its partner: PostgreSQL refuses both in text and jsonb.
// isWellFormed (Node 20, ES2024: beyond the lib this project compiles against) finds the
// lone surrogates faster than a regular expression with lookbehind.
export function isStorableText(value: string): boolean {
  return (value as unknown as { isWellFormed(): boolean }).isWellFormed() && !value.includes('\u0000');
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

// Statuses a stream can be in or pass through (spec 3.1), and the ones ever stored (spec 5.1):
// STORED_STATUSES is the one list of those; the contract's enums, the gauges and the
// database's CHECK constraint (checked by a test) follow it.
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

const CANNOT_STORE = 'contains a character that cannot be stored';

/**
 * Walks a parsed JSON value once: the first problem, if any, and meanwhile an upper bound of
 * its serialised size (a UTF-16 unit of a string is at most 6 bytes, as \uXXXX; a number at
 * most 25 characters), so the exact size is measured only for values that could be too big.
 */
function jsonProblem(value: unknown, depth: number, size: { bound: number }): string | undefined {
  if (typeof value === 'string') {
    size.bound += 6 * value.length + 2;
    return isStorableText(value) ? undefined : CANNOT_STORE;
  }
  if (value === null || typeof value !== 'object') {
    size.bound += 25;
    return undefined;
  }
  if (depth > VIDEO_INFO_MAX_DEPTH) return `is nested deeper than ${VIDEO_INFO_MAX_DEPTH} levels`;
  size.bound += 2;
  if (Array.isArray(value)) {
    for (const inner of value as unknown[]) {
      size.bound += 1;
      const problem = jsonProblem(inner, depth + 1, size);
      if (problem) return problem;
    }
    return undefined;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    size.bound += 6 * key.length + 4;
    if (!isStorableText(key)) return CANNOT_STORE;
    const problem = jsonProblem(object[key], depth + 1, size);
    if (problem) return problem;
  }
  return undefined;
}

// JSON.parse has already made the body JSON, so a plain-object check and one walk suffice
// (z.json() would walk the value a second time, for every item of every feedback batch).
export const videoInfo = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const size = { bound: 0 };
  const problem = jsonProblem(value, 1, size);
  if (problem) ctx.addIssue({ code: 'custom', message: `video_info ${problem}` });
  else if (size.bound > VIDEO_INFO_MAX_BYTES && Buffer.byteLength(JSON.stringify(value)) > VIDEO_INFO_MAX_BYTES) {
    ctx.addIssue({ code: 'custom', message: `video_info is larger than ${VIDEO_INFO_MAX_BYTES} bytes` });
  }
});
