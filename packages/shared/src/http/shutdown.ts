import type { Logger } from '../log';
import type { HttpServer } from './server';

/** How long a shutdown step may take unless it says otherwise. */
export const STEP_DEADLINE_MS = 3000;

function withinDeadline(step: Promise<unknown>, deadlineMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${deadlineMs} ms`)), deadlineMs);
  });
  return Promise.race([step, late]).finally(() => clearTimeout(timer));
}

/**
 * One shutdown per process (docs/dev/conventions.md): stop accepting, let in-flight requests finish
 * (answered with Connection: close), let idle keep-alive sockets end at their keep-alive
 * timeout (http/server.ts), then run the remaining steps (workers, queues, pools) in order.
 * At the deadline every socket is cut.
 */
export class Shutdown {
  private started = false;
  private readonly servers: HttpServer[] = [];
  private readonly steps: { name: string; run: () => Promise<unknown> }[] = [];
  private readonly closing: (() => void)[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs = 10_000,
  ) {}

  get inProgress(): boolean {
    return this.started;
  }

  /** A server to drain when the shutdown starts (the traffic port, the management port). */
  addServer(server: HttpServer): void {
    this.servers.push(server);
  }

  /** Runs once the servers stop accepting: answers that never finish on their own end here. */
  onClosing(run: () => void): void {
    this.closing.push(run);
  }

  /**
   * Steps run in the order they were added, after the HTTP servers have closed. Each has a
   * deadline: a step still running then is logged and left behind (the process exits
   * anyway), so one that waits on a server that is away cannot hold the exit.
   */
  add(name: string, run: () => Promise<unknown>, deadlineMs = STEP_DEADLINE_MS): void {
    this.steps.push({ name, run: () => withinDeadline(run(), deadlineMs) });
  }

  async run(reason: string): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.logger.info({ reason }, 'shutting down');
    const deadline = setTimeout(() => {
      this.logger.warn('shutdown deadline reached, closing every connection');
      for (const server of this.servers) server.cut();
    }, this.deadlineMs);
    deadline.unref();
    // Draining stops accepting at once; then the closing hooks end what never finishes by itself (event streams).
    const drained = Promise.all(this.servers.map((server) => server.drain()));
    for (const run of this.closing) run();
    await drained;
    for (const step of this.steps) {
      await step
        .run()
        .catch((error: unknown) => this.logger.warn({ err: error, step: step.name }, 'shutdown step failed'));
    }
    clearTimeout(deadline);
    this.logger.info('shutdown complete');
  }

  /** SIGTERM and SIGINT run the shutdown, then exit 0. */
  onSignals(exit: (code: number) => void = (code) => process.exit(code)): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void this.run(signal).then(() => exit(0));
      });
    }
  }
}
