import type { LunaError } from './errors';

// The console's only way to the service: the public API on the same origin, exactly as a
// REST client calls it. Every answer comes back as a value (never thrown), so a view can
// show a Luna error next to what caused it.

export type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; error: LunaError };

/** Status 0: no answer at all (the API is down or the network is). */
export const UNREACHABLE: LunaError = {
  error_code: 0,
  desc: 'Service unreachable',
  detail: 'The API did not answer. Check that it runs; the console tries again when you reload or change the view.',
};

function asLunaError(status: number, body: unknown): LunaError {
  if (body && typeof body === 'object' && 'error_code' in body) return body as LunaError;
  return { error_code: status, desc: `HTTP ${status}`, detail: 'The service answered without a Luna error body.' };
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, error: UNREACHABLE };
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy's error page): reported by status below.
  }
  if (res.ok) return { ok: true, status: res.status, body: parsed as T };
  return { ok: false, status: res.status, error: asLunaError(res.status, parsed) };
}

/** The stream object of GET /1/streams (the fields the console reads). */
export interface Stream {
  stream_id: string;
  account_id: string;
  name: string;
  description: string;
  data: { type: string; reference: string; [key: string]: unknown };
  event_handler: Record<string, unknown>;
  policies: Record<string, unknown>;
  location: Record<string, unknown>;
  autorestart: {
    restart: 0 | 1;
    attempt_count: number;
    delay: number;
    current_attempt: number;
    last_attempt_time: string | null;
    status: string;
  };
  version: number;
  create_time: string;
  status: string;
  last_error: string | null;
  video_info: Record<string, unknown> | null;
  groups: string[];
}

export interface Group {
  account_id: string;
  group_name: string;
  group_id: string;
  description: string;
  create_time: string;
}

export interface LogRow {
  stream_id: string;
  status: string;
  version: number;
  error: string | null;
  log_time: string;
  [key: string]: unknown;
}
