import pg from 'pg';

// A busy pool is not a lost database (docs/dev/operations.md, Overload). pg-pool queues every caller that finds
// all connections busy, without a bound, and answers each after connectionTimeoutMillis
// with the same error a silent server gives. This pool refuses at once when `maxWaiting`
// callers already wait, and names both refusals: PoolBusyError while the database answers
// (an overload: 503 code 3 with Retry-After), DatabaseSilentError when it does not (code 2).

/** Every connection is busy and the wait is full or ran out, while the database answers. */
export class PoolBusyError extends Error {
  override name = 'PoolBusyError';
  constructor(why: string) {
    super(`database connection pool is busy: ${why}`);
  }
}

/** Every connection is busy, and the database did not answer a probe either. */
export class DatabaseSilentError extends Error {
  override name = 'DatabaseSilentError';
  constructor() {
    super('database did not answer while every pool connection was busy');
  }
}

/** pg-pool's error for a caller whose wait in its queue ran out. */
const QUEUE_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';

type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: boolean | Error) => void,
) => void;

export interface BoundedPoolConfig extends pg.PoolConfig {
  /** How many callers may wait for a busy pool's connection; the next is refused at once. */
  maxWaiting: number;
  /** Whether the database answers now, on a connection outside this pool. */
  databaseAnswers(): Promise<boolean>;
}

export class BoundedPool extends pg.Pool {
  readonly maxWaiting: number;
  private readonly databaseAnswers: () => Promise<boolean>;

  constructor({ maxWaiting, databaseAnswers, ...config }: BoundedPoolConfig) {
    super(config);
    this.maxWaiting = maxWaiting;
    this.databaseAnswers = databaseAnswers;
  }

  /** True when a caller now would have to wait, and the wait is full. */
  get full(): boolean {
    return this.idleCount === 0 && this.totalCount >= (this.options.max ?? 10) && this.waitingCount >= this.maxWaiting;
  }

  /** The error for a caller refused for want of a connection: overload, or an outage. */
  async refusal(why: string): Promise<Error> {
    return (await this.databaseAnswers()) ? new PoolBusyError(why) : new DatabaseSilentError();
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const connecting = this.full ? this.refused('too many requests wait for a connection') : this.waitForClient();
    if (!callback) return connecting;
    connecting.then(
      (client) => callback(undefined, client, client.release),
      (error: Error) => callback(error, undefined, () => undefined),
    );
  }

  private async refused(why: string): Promise<never> {
    throw await this.refusal(why);
  }

  private async waitForClient(): Promise<pg.PoolClient> {
    try {
      return await super.connect();
    } catch (error) {
      if ((error as Error).message !== QUEUE_TIMEOUT_MESSAGE) throw error;
      throw await this.refusal('the wait for a connection ran out');
    }
  }
}
