import { maskUrl, type Config, type HostPort, type RedisTarget, type Settings } from '@luna-streams/shared';

// GET /1/config (spec 4.23, DESIGN.md section 9): the settings in force, grouped the
// LUNA way, with every password masked, including those inside connection URLs.

/**
 * Where each setting shows in the view (a section, or section.key). A Record over every
 * setting: a new one does not compile until it has a place, and config-view.unit.test.ts
 * checks that each place is in the view.
 */
export const SHOWN_AT: Record<keyof Settings, string> = {
  NODE_ENV: 'LUNA_STREAMS_SERVICE.node_env',
  ADMIN_TOKEN: 'LUNA_STREAMS_SERVICE.admin_token',
  DATABASE_URL: 'LUNA_STREAMS_DB.database_url',
  DB_POOL_SIZE: 'LUNA_STREAMS_DB.db_settings.connection_pool_size',
  DB_POOL_MAX_WAITING: 'LUNA_STREAMS_DB.db_settings.connection_pool_max_waiting',
  DB_POOL_WAIT_TIMEOUT_MS: 'LUNA_STREAMS_DB.db_settings.connection_wait_timeout_ms',
  DB_STATEMENT_TIMEOUT_MS: 'LUNA_STREAMS_DB.db_settings.statement_timeout_ms',
  // Only the settings of the Redis mode in force are listed (redisView).
  REDIS_URL: 'LUNA_STREAMS_REDIS.redis_url',
  REDIS_CLUSTER_NODES: 'LUNA_STREAMS_REDIS.cluster_nodes',
  REDIS_SENTINELS: 'LUNA_STREAMS_REDIS.sentinels',
  REDIS_SENTINEL_MASTER: 'LUNA_STREAMS_REDIS.sentinel_master',
  REDIS_USERNAME: 'LUNA_STREAMS_REDIS.username',
  REDIS_PASSWORD: 'LUNA_STREAMS_REDIS.password',
  REDIS_TLS: 'LUNA_STREAMS_REDIS.tls',
  REDIS_TLS_CA_FILE: 'LUNA_STREAMS_REDIS.tls_ca_file',
  REDIS_PREFIX: 'LUNA_STREAMS_REDIS.prefix',
  LOG_LEVEL: 'LUNA_STREAMS_LOGGER.log_level',
  PORT: 'LUNA_STREAMS_HTTP.port',
  WORKER_PORT: 'LUNA_STREAMS_HTTP.worker_port',
  MANAGEMENT_PORT: 'LUNA_STREAMS_HTTP.management_port',
  WORKER_MANAGEMENT_PORT: 'LUNA_STREAMS_HTTP.worker_management_port',
  HTTP_REQUEST_TIMEOUT_MS: 'LUNA_STREAMS_HTTP.request_timeout_ms',
  HTTP_HEADERS_TIMEOUT_MS: 'LUNA_STREAMS_HTTP.headers_timeout_ms',
  HTTP_KEEP_ALIVE_TIMEOUT_MS: 'LUNA_STREAMS_HTTP.keep_alive_timeout_ms',
  STREAM_STATUS_OBSOLETING_PERIOD: 'STREAM_STATUS_OBSOLETING_PERIOD',
  STREAM_STATUS_OBSOLETING_INTERVAL: 'STREAM_STATUS_OBSOLETING_INTERVAL',
  MAX_IN_PROGRESS_STREAMS: 'MAX_IN_PROGRESS_STREAMS',
  WORKER_ROLES: 'LUNA_STREAMS_JOBS.worker_roles',
  MIRROR_DRAIN_INTERVAL_MS: 'LUNA_STREAMS_JOBS.mirror_drain_interval_ms',
  RECONCILE_INTERVAL: 'LUNA_STREAMS_JOBS.reconcile_interval_s',
  AUTORESTART_RESET_AFTER: 'LUNA_STREAMS_JOBS.autorestart_reset_after_s',
  SWEEP_BATCH_SIZE: 'LUNA_STREAMS_JOBS.sweep_batch_size',
  STREAM_LOG_RETENTION_DAYS: 'LUNA_STREAMS_JOBS.stream_log_retention_days',
  EVENTS_MAX_CLIENTS: 'LUNA_STREAMS_EVENTS.max_clients',
  EVENTS_PING_INTERVAL: 'LUNA_STREAMS_EVENTS.ping_interval_s',
  EVENTS_POLL_INTERVAL_MS: 'LUNA_STREAMS_EVENTS.poll_interval_ms',
  EVENTS_CLIENT_BUFFER: 'LUNA_STREAMS_EVENTS.client_buffer_bytes',
  WEBHOOK_RETRY_MIN: 'LUNA_STREAMS_WEBHOOKS.retry_min_s',
  WEBHOOK_RETRY_MAX: 'LUNA_STREAMS_WEBHOOKS.retry_max_s',
  WEBHOOK_RETRY_FOR: 'LUNA_STREAMS_WEBHOOKS.retry_for_s',
  WEBHOOK_TIMEOUT_MS: 'LUNA_STREAMS_WEBHOOKS.timeout_ms',
  WEBHOOK_POLL_INTERVAL_MS: 'LUNA_STREAMS_WEBHOOKS.poll_interval_ms',
  WEBHOOK_CONCURRENCY: 'LUNA_STREAMS_WEBHOOKS.concurrency',
  WEBHOOK_MAX_IN_FLIGHT: 'LUNA_STREAMS_WEBHOOKS.max_in_flight',
  WEBHOOK_DENY_NETWORKS: 'LUNA_STREAMS_WEBHOOKS.deny_networks',
};

export function configView(config: Config): Record<string, unknown> {
  const db = new URL(config.DATABASE_URL);
  return {
    LUNA_STREAMS_SERVICE: { node_env: config.NODE_ENV, admin_token: config.ADMIN_TOKEN ? '***' : '' },
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
    LUNA_STREAMS_JOBS: {
      worker_roles: config.WORKER_ROLES.join(','),
      mirror_drain_interval_ms: config.MIRROR_DRAIN_INTERVAL_MS,
      reconcile_interval_s: config.RECONCILE_INTERVAL,
      autorestart_reset_after_s: config.AUTORESTART_RESET_AFTER,
      sweep_batch_size: config.SWEEP_BATCH_SIZE,
      // null: kept for ever.
      stream_log_retention_days: config.STREAM_LOG_RETENTION_DAYS ?? null,
    },
    LUNA_STREAMS_EVENTS: {
      max_clients: config.EVENTS_MAX_CLIENTS,
      ping_interval_s: config.EVENTS_PING_INTERVAL,
      poll_interval_ms: config.EVENTS_POLL_INTERVAL_MS,
      client_buffer_bytes: config.EVENTS_CLIENT_BUFFER,
    },
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
