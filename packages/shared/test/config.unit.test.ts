import { ConfigError, maskUrl, parseConfig } from '../src/config';

const required = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/luna', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('parseConfig', () => {
  it('fills the documented defaults', () => {
    expect(parseConfig(required)).toEqual({
      ...required,
      NODE_ENV: 'development',
      PORT: 5160,
      WORKER_PORT: 5161,
      LOG_LEVEL: 'info',
      DB_POOL_SIZE: 10,
      DB_POOL_MAX_WAITING: 100,
      DB_POOL_WAIT_TIMEOUT_MS: 2000,
      DB_STATEMENT_TIMEOUT_MS: 10000,
      REDIS_PREFIX: '{luna}',
      STREAM_STATUS_OBSOLETING_PERIOD: 20,
      STREAM_STATUS_OBSOLETING_INTERVAL: 5,
      MIRROR_DRAIN_INTERVAL_MS: 250,
      RECONCILE_INTERVAL: 10,
      AUTORESTART_RESET_AFTER: 3600,
      WORKER_ROLES: ['http', 'jobs'],
      SWEEP_BATCH_SIZE: 1000,
      WEBHOOK_CONCURRENCY: 64,
      WEBHOOK_DENY_NETWORKS: ['127.0.0.0/8', '::1/128', '169.254.0.0/16', 'fe80::/10', '0.0.0.0/8', '::/128'],
      WEBHOOK_MAX_IN_FLIGHT: 8,
      WEBHOOK_POLL_INTERVAL_MS: 250,
      WEBHOOK_RETRY_FOR: 86400,
      WEBHOOK_RETRY_MAX: 3600,
      WEBHOOK_RETRY_MIN: 5,
      WEBHOOK_TIMEOUT_MS: 10000,
      HTTP_REQUEST_TIMEOUT_MS: 30000,
      HTTP_HEADERS_TIMEOUT_MS: 10000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 5000,
      EVENTS_MAX_CLIENTS: 1000,
      EVENTS_PING_INTERVAL: 15,
      EVENTS_POLL_INTERVAL_MS: 100,
      EVENTS_CLIENT_BUFFER: 1048576,
      REDIS_TLS: false,
      redis: { mode: 'single', url: required.REDIS_URL },
    });
  });

  it('parses given values and treats empty ones as unset', () => {
    const config = parseConfig({ ...required, PORT: '8080', LOG_LEVEL: 'DEBUG', WORKER_PORT: '' });
    expect(config.PORT).toBe(8080);
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.WORKER_PORT).toBe(5161);
  });

  it.each([
    [{ PORT: 'abc' }, /^Environment variable PORT is invalid/],
    [{ PORT: '70000' }, /^Environment variable PORT is invalid/],
    [{ LOG_LEVEL: 'loud' }, /^Environment variable LOG_LEVEL is invalid/],
    [{ DATABASE_URL: 'mysql://x' }, /^Environment variable DATABASE_URL is invalid/],
    [{ DATABASE_URL: undefined }, /^Environment variable DATABASE_URL is required$/],
    [{ REDIS_URL: '' }, /^Environment variable REDIS_URL is required \(or REDIS_CLUSTER_NODES/],
    [{ WORKER_ROLES: 'http,cron' }, /^Environment variable WORKER_ROLES is invalid/],
    [{ HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' }, /^Environment variable HTTP_KEEP_ALIVE_TIMEOUT_MS is invalid/],
    [{ MAX_IN_PROGRESS_STREAMS: '0' }, /^Environment variable MAX_IN_PROGRESS_STREAMS is invalid/],
    [{ STREAM_STATUS_OBSOLETING_PERIOD: '0' }, /^Environment variable STREAM_STATUS_OBSOLETING_PERIOD is invalid/],
    [{ DB_POOL_MAX_WAITING: '-1' }, /^Environment variable DB_POOL_MAX_WAITING is invalid/],
    [{ DB_POOL_WAIT_TIMEOUT_MS: '50' }, /^Environment variable DB_POOL_WAIT_TIMEOUT_MS is invalid/],
  ])('refuses %p with one line naming the variable', (override, message) => {
    let error: unknown;
    try {
      parseConfig({ ...required, ...override });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('maskUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(maskUrl('postgresql://luna:secret@db:5432/luna')).toBe('postgresql://luna:***@db:5432/luna');
    expect(maskUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(maskUrl('not a url')).toBe('***');
    // Credentials given as parameters, as libpq and pg take them.
    expect(maskUrl('postgresql://luna@db/luna?password=secret&sslmode=require')).toBe(
      'postgresql://luna@db/luna?password=***&sslmode=require',
    );
    expect(maskUrl('postgresql://db/luna?sslpassword=s&sslkey=/k.pem')).toBe(
      'postgresql://db/luna?sslpassword=***&sslkey=***',
    );
  });
});
