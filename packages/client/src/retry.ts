// Retries of idempotent calls (RFC 9110 section 9.2.2: GET, HEAD, PUT, DELETE, OPTIONS) when
// the service answers 503 (database unavailable, or overloaded) or cannot be reached. A POST
// or PATCH is never repeated: a take that reached the service but whose answer was lost must
// not take twice.

export interface RetryOptions {
  /** Further attempts after the first; 0 turns retries off. Default 4. */
  retries?: number;
  /** Wait before the first retry, doubled for each next one (with jitter), at most 5 s. Default 200 ms. */
  retryDelayMs?: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const MAX_DELAY_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before retry `attempt` (1-based): Retry-After when the service names one, else backoff. */
export function retryDelay(attempt: number, baseMs: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_DELAY_MS);
  const backoff = Math.min(baseMs * 2 ** (attempt - 1), MAX_DELAY_MS);
  return backoff / 2 + Math.random() * (backoff / 2);
}

/** Wraps a fetch so that idempotent requests are retried; others pass through once. */
export function retryingFetch(
  inner: (request: Request) => Promise<Response>,
  options: RetryOptions = {},
): (request: Request) => Promise<Response> {
  const retries = options.retries ?? 4;
  const baseMs = options.retryDelayMs ?? 200;
  return async (request) => {
    if (retries === 0 || !IDEMPOTENT.has(request.method)) return inner(request);
    for (let attempt = 1; ; attempt++) {
      const last = attempt > retries;
      let response: Response;
      try {
        // A body can be read once: every attempt but the last sends a copy.
        response = await inner(last ? request : request.clone());
      } catch (error) {
        if (last || request.signal.aborted) throw error;
        await sleep(retryDelay(attempt, baseMs, null));
        continue;
      }
      if (response.status !== 503 || last) return response;
      await response.body?.cancel();
      await sleep(retryDelay(attempt, baseMs, response.headers.get('retry-after')));
    }
  };
}
