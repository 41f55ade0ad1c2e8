import pino, { type Logger } from 'pino';

export type { Logger };

// One pino logger per process. JSON lines for machines; pretty when a person watches
// a terminal. Secrets that may reach a log line are redacted.
export function createLogger(options: { level: string; name: string; pretty?: boolean }): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  return pino({
    name: options.name,
    level: options.level,
    // Errors as type, message, code and stack: pg and Prisma errors carry whole clients
    // (connection settings included) that must not reach a log line.
    serializers: {
      err: (error: unknown) => {
        const { type, message, stack, code } = pino.stdSerializers.err(error as Error) as Record<string, unknown>;
        return { type, message, code, stack };
      },
    },
    redact: {
      paths: [
        '*.password',
        '*.authorization',
        'config.DATABASE_URL',
        'config.REDIS_URL',
        'config.REDIS_PASSWORD',
        'config.redis.url',
        'config.redis.password',
      ],
      censor: '***',
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } } : {}),
  });
}
