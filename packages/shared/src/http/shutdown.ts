import type { Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log';

/**
 * One shutdown per process (docs/dev/conventions.md): stop accepting, let in-flight requests finish
 * (answered with Connection: close), close idle keep-alive sockets at once, then run the
 * remaining steps (workers, queues, pools) in order. At the deadline every socket is cut.
 */
export class Shutdown {
  private started = false;
  private server: Server | undefined;
  private readonly steps: { name: string; run: () => Promise<unknown> }[] = [];
  private readonly closing: (() => void)[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs = 10_000,
  ) {}

  get inProgress(): boolean {
    return this.started;
  }

  /** Middleware: while shutting down, answers carry Connection: close. */
  connectionClose() {
    return (_req: Request, res: Response, next: NextFunction): void => {
      if (this.started) res.setHeader('Connection', 'close');
      next();
    };
  }

  setServer(server: Server): void {
    this.server = server;
  }

  /** Runs once the server stops accepting: answers that never finish on their own end here. */
  onClosing(run: () => void): void {
    this.closing.push(run);
  }

  /** Steps run in the order they were added, after the HTTP server has closed. */
  add(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  async run(reason: string): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.logger.info({ reason }, 'shutting down');
    const deadline = setTimeout(() => {
      this.logger.warn('shutdown deadline reached, closing every connection');
      this.server?.closeAllConnections();
    }, this.deadlineMs);
    deadline.unref();
    if (this.server) {
      const server = this.server;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const run of this.closing) run();
      await closed;
    } else {
      for (const run of this.closing) run();
    }
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
