import { maskUrl, type Config, type HostPort, type RedisTarget } from '@luna-streams/shared';

// GET /1/config (spec 4.23, DESIGN.md section 9): the settings in force, grouped the
// LUNA way, with every password masked, including those inside connection URLs.

export function configView(config: Config): Record<string, unknown> {
  const db = new URL(config.DATABASE_URL);
  return {
    LUNA_STREAMS_DB: {
      db_type: 'postgres',
      db_host: db.hostname,
      db_port: Number(db.port || 5432),
      db_user: decodeURIComponent(db.username),
      db_password: db.password ? '***' : '',
      db_name: decodeURIComponent(db.pathname.replace(/^\//, '')),
      database_url: maskUrl(config.DATABASE_URL),
      db_settings: {
        connection_pool_size: config.DB_POOL_SIZE,
        connection_pool_max_waiting: config.DB_POOL_MAX_WAITING,
        connection_wait_timeout_ms: config.DB_POOL_WAIT_TIMEOUT_MS,
        statement_timeout_ms: config.DB_STATEMENT_TIMEOUT_MS,
      },
    },
    LUNA_STREAMS_REDIS: { ...redisView(config.redis), prefix: config.REDIS_PREFIX },
    LUNA_STREAMS_LOGGER: { log_level: config.LOG_LEVEL.toUpperCase(), log_to_stdout: 1, log_to_file: 0 },
    LUNA_STREAMS_HTTP: {
      port: config.PORT,
      worker_port: config.WORKER_PORT,
      management_port: config.MANAGEMENT_PORT ?? null,
      worker_management_port: config.WORKER_MANAGEMENT_PORT ?? null,
      request_timeout_ms: config.HTTP_REQUEST_TIMEOUT_MS,
      headers_timeout_ms: config.HTTP_HEADERS_TIMEOUT_MS,
      keep_alive_timeout_ms: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    STREAM_STATUS_OBSOLETING_PERIOD: config.STREAM_STATUS_OBSOLETING_PERIOD,
    STREAM_STATUS_OBSOLETING_INTERVAL: config.STREAM_STATUS_OBSOLETING_INTERVAL,
    // The console's queue view shows streams in progress against it; null: no cap.
    MAX_IN_PROGRESS_STREAMS: config.MAX_IN_PROGRESS_STREAMS ?? null,
    LUNA_STREAMS_WEBHOOKS: {
      retry_min_s: config.WEBHOOK_RETRY_MIN,
      retry_max_s: config.WEBHOOK_RETRY_MAX,
      retry_for_s: config.WEBHOOK_RETRY_FOR,
      timeout_ms: config.WEBHOOK_TIMEOUT_MS,
      poll_interval_ms: config.WEBHOOK_POLL_INTERVAL_MS,
      concurrency: config.WEBHOOK_CONCURRENCY,
      max_in_flight: config.WEBHOOK_MAX_IN_FLIGHT,
      deny_networks: config.WEBHOOK_DENY_NETWORKS.length > 0 ? config.WEBHOOK_DENY_NETWORKS.join(',') : 'none',
    },
  };
}

/** Only the settings of the mode in force; a password shows as *** (set) or '' (unset). */
function redisView(target: RedisTarget): Record<string, unknown> {
  const list = (nodes: HostPort[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  const tls = { tls: target.tls !== undefined, tls_ca_file: target.tls?.caFile ?? '' };
  if (target.mode === 'single') return { mode: 'single', redis_url: maskUrl(target.url), ...tls };
  const auth = { username: target.username ?? '', password: target.password === undefined ? '' : '***', ...tls };
  if (target.mode === 'cluster') return { mode: 'cluster', cluster_nodes: list(target.nodes), ...auth };
  return { mode: 'sentinel', sentinels: list(target.sentinels), sentinel_master: target.masterName, ...auth };
}

/** The text/plain form: one `SECTION.key = value` line per setting. */
export function configText(view: Record<string, unknown>, prefix = ''): string {
  return Object.entries(view)
    .map(([key, value]) =>
      value !== null && typeof value === 'object'
        ? configText(value as Record<string, unknown>, `${prefix}${key}.`)
        : `${prefix}${key} = ${String(value)}\n`,
    )
    .join('');
}
