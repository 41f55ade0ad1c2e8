import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_DENIED_NETWORKS, parseCidr } from './domain/webhooks';
import { redisTarget } from './redis-target';

// Settings come from the environment, parsed once at start by each app (docs/dev/conventions.md):
// nothing else reads process.env. A bad value stops the process with one line that
// names the variable. README's settings table lists the same names and defaults.

const intSetting = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?[0-9]+$/, 'expected an integer')
    .transform(Number)
    .pipe(z.int().min(min).max(max));

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

/** `host:port,host:port,...` (REDIS_CLUSTER_NODES, REDIS_SENTINELS). */
const hostPortList = z
  .string()
  .regex(/^\s*[^\s:,]+:[0-9]{1,5}\s*(,\s*[^\s:,]+:[0-9]{1,5}\s*)*$/, 'expected host:port,host:port,...')
  .transform((list) =>
    list.split(',').map((entry) => {
      const [host, port] = entry.trim().split(':');
      return { host: host!, port: Number(port) };
    }),
  )
  .refine((nodes) => nodes.every((n) => n.port >= 1 && n.port <= 65535), 'expected ports between 1 and 65535');

const readableFile = z.string().refine((path) => {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}, 'expected a readable file');

/** WEBHOOK_DENY_NETWORKS: comma-separated CIDR ranges, or `none`. */
const cidrList = z
  .string()
  .transform((value) => (value.trim() === 'none' ? [] : value.split(',').map((r) => r.trim())))
  .refine(
    (ranges) => ranges.every((r) => parseCidr(r) !== undefined),
    'expected CIDR ranges (a.b.c.d/n, x::y/n) or none',
  );

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const settingsSchema = z.object({
  NODE_ENV: z.string().default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  // One of three ways to reach Redis (redis-target.ts checks that exactly one is set).
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_CLUSTER_NODES: hostPortList.optional(),
  REDIS_SENTINELS: hostPortList.optional(),
  REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_TLS: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
  REDIS_TLS_CA_FILE: readableFile.optional(),
  PORT: intSetting(0, 65535).default(5160),
  WORKER_PORT: intSetting(0, 65535).default(5161),
  // /healthcheck and /metrics on a port of their own, for load balancers and probes (http/management.ts).
  MANAGEMENT_PORT: intSetting(0, 65535).optional(),
  WORKER_MANAGEMENT_PORT: intSetting(0, 65535).optional(),
  LOG_LEVEL: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(LOG_LEVELS))
    .default('info'),
  DB_POOL_SIZE: intSetting(1, 1000).default(10),
  DB_POOL_MAX_WAITING: intSetting(0, 100_000).default(100),
  DB_POOL_WAIT_TIMEOUT_MS: intSetting(100, 60_000).default(2000),
  DB_STATEMENT_TIMEOUT_MS: intSetting(100, 600_000).default(10_000),
  REDIS_PREFIX: z.string().min(1).default('{luna}'),
  STREAM_STATUS_OBSOLETING_PERIOD: intSetting(1, 86_400).default(20),
  STREAM_STATUS_OBSOLETING_INTERVAL: intSetting(1, 3600).default(5),
  MAX_IN_PROGRESS_STREAMS: intSetting(1, 10_000_000).optional(),
  MIRROR_DRAIN_INTERVAL_MS: intSetting(10, 60_000).default(250),
  RECONCILE_INTERVAL: intSetting(1, 3600).default(10),
  AUTORESTART_RESET_AFTER: intSetting(1, 31_536_000).default(3600),
  STREAM_LOG_RETENTION_DAYS: intSetting(1, 36_500).optional(),
  WORKER_ROLES: z
    .string()
    .transform((s) => s.split(',').map((r) => r.trim()))
    .pipe(z.array(z.enum(['http', 'jobs'])).min(1))
    .default(['http', 'jobs']),
  SWEEP_BATCH_SIZE: intSetting(1, 100_000).default(1000),
  // How long a connection may hold the server without sending a whole request (http/server.ts).
  HTTP_REQUEST_TIMEOUT_MS: intSetting(100, 600_000).default(30_000),
  HTTP_HEADERS_TIMEOUT_MS: intSetting(100, 600_000).default(10_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: intSetting(1000, 600_000).default(5_000),
  EVENTS_MAX_CLIENTS: intSetting(0, 1_000_000).default(1000),
  EVENTS_PING_INTERVAL: intSetting(1, 3600).default(15),
  EVENTS_POLL_INTERVAL_MS: intSetting(10, 10_000).default(100),
  EVENTS_CLIENT_BUFFER: intSetting(1024, 1_073_741_824).default(1_048_576),
  // Webhooks (docs/dev/webhooks.md): retries from WEBHOOK_RETRY_MIN doubling up to
  // WEBHOOK_RETRY_MAX seconds, for WEBHOOK_RETRY_FOR seconds after the row was logged.
  WEBHOOK_RETRY_MIN: intSetting(1, 86_400).default(5),
  WEBHOOK_RETRY_MAX: intSetting(1, 86_400).default(3600),
  WEBHOOK_RETRY_FOR: intSetting(1, 2_592_000).default(86_400),
  WEBHOOK_TIMEOUT_MS: intSetting(100, 120_000).default(10_000),
  WEBHOOK_POLL_INTERVAL_MS: intSetting(10, 10_000).default(250),
  WEBHOOK_CONCURRENCY: intSetting(1, 10_000).default(64),
  WEBHOOK_MAX_IN_FLIGHT: intSetting(1, 1000).default(8),
  WEBHOOK_DENY_NETWORKS: cidrList.default([...DEFAULT_DENIED_NETWORKS]),
  ADMIN_TOKEN: z.string().min(8, 'expected at least 8 characters').optional(),
});

/** The settings, plus `redis`: how to reach Redis, derived from the REDIS_* settings. */
export const configSchema = settingsSchema.transform((settings, ctx) => ({
  ...settings,
  redis: redisTarget(settings, ctx),
}));

export type Config = z.output<typeof configSchema>;
export type Settings = z.output<typeof settingsSchema>;

/** Every setting's name, for what must list them all (GET /1/config, the settings tables). */
export const SETTING_NAMES = Object.keys(settingsSchema.shape) as (keyof Settings)[];

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError with one line naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable counts as unset, as shells and compose files often leave them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'environment');
  const why =
    present[name] === undefined
      ? `is required${issue?.code === 'custom' ? ` ${issue.message}` : ''}`
      : `is invalid: ${issue?.message ?? ''}`;
  throw new ConfigError(`Environment variable ${name} ${why}`);
}

/** parseConfig for a process's entry point: a bad value prints one line and exits 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** Replaces the password of a connection URL with *** (GET /1/config, logs). */
export function maskUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '***';
    // libpq and pg also take credentials as parameters (`?password=`, `sslpassword`, `sslkey`...).
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return '***';
  }
}
