import type { RedisConnection } from './redis';

export interface RedisState {
  up: boolean;
  /** When `up` last changed. */
  since: Date;
  /** Why Redis is down; null while up. */
  reason: string | null;
}

export interface RedisWatch {
  state(): RedisState;
  stop(): void;
}

const STATUS_EVENTS = ['ready', 'close', 'reconnecting', 'end'] as const;

/**
 * Whether a connection can reach Redis, kept current in the background so that health
 * answers and the jobs' fallback read it without waiting on Redis (DESIGN.md section 9).
 * Down as soon as the connection leaves `ready` (its events say so at once); while ready,
 * a PING every `intervalMs` that is not answered within `timeoutMs` (a server that stopped
 * answering on a live socket) also counts as down. Uses only what Redis and Cluster share.
 */
export function watchRedis(
  connection: RedisConnection,
  options: { intervalMs?: number; timeoutMs?: number } = {},
): RedisWatch {
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 500;
  let state: RedisState = { up: false, since: new Date(), reason: `connection ${connection.status}` };
  let lastError: string | null = null;
  let pinging = false;

  const set = (up: boolean, reason: string | null) => {
    state = { up, since: up === state.up ? state.since : new Date(), reason };
  };

  const ping = async () => {
    if (pinging) return;
    pinging = true;
    const timer = setTimeout(() => set(false, `PING not answered within ${timeoutMs} ms`), timeoutMs);
    try {
      await connection.ping();
      clearTimeout(timer);
      if (connection.status === 'ready') set(true, null);
    } catch (error) {
      set(false, `PING failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
      pinging = false;
    }
  };

  const check = () => {
    if (connection.status === 'ready') {
      lastError = null;
      void ping();
    } else set(false, `connection ${connection.status}${lastError ? ` (${lastError})` : ''}`);
  };
  const onError = (error: Error) => {
    lastError = error.message;
  };
  connection.on('error', onError);
  for (const event of STATUS_EVENTS) connection.on(event, check);
  const timer = setInterval(check, intervalMs);
  timer.unref();
  check();

  return {
    state: () => state,
    stop() {
      clearInterval(timer);
      connection.off('error', onError);
      for (const event of STATUS_EVENTS) connection.off(event, check);
    },
  };
}
