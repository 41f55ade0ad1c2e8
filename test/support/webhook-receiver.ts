import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

// Webhook receivers for tests and the benchmark: one HTTP server on loopback, a path per
// receiver, each with an answer of its own; every request is kept with its raw body.

export interface ReceivedMessage {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Date.now() when the whole request had arrived. */
  at: number;
  data: { seq: number; stream_id: string; account_id: string; status: string; log_time: string };
}

type Answer = (message: ReceivedMessage, res: http.ServerResponse) => void;

export class Receivers {
  private readonly received = new Map<string, ReceivedMessage[]>();
  private readonly answers = new Map<string, Answer>();
  /** Requests being answered now, per path, and the most at once. */
  readonly open = new Map<string, number>();
  readonly mostOpen = new Map<string, number>();
  private server: http.Server | undefined;
  port = 0;

  static async start(): Promise<Receivers> {
    const receivers = new Receivers();
    await receivers.listen();
    return receivers;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** How `path` answers: a status, or a function that answers (2xx by default). */
  answer(path: string, answer: number | Answer): void {
    this.answers.set(path, typeof answer === 'number' ? (_m, res) => res.writeHead(answer).end() : answer);
  }

  messages(path: string): ReceivedMessage[] {
    return this.received.get(path) ?? [];
  }

  /** Listens again on the same port (after stop): a receiver back from an outage. */
  async listen(): Promise<void> {
    this.server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every connection: the receiver is down. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const message: ReceivedMessage = {
        path,
        headers: req.headers as Record<string, string>,
        body,
        at: Date.now(),
        data: (JSON.parse(body) as { data: ReceivedMessage['data'] }).data,
      };
      const list = this.received.get(path) ?? [];
      list.push(message);
      this.received.set(path, list);
      const open = (this.open.get(path) ?? 0) + 1;
      this.open.set(path, open);
      this.mostOpen.set(path, Math.max(open, this.mostOpen.get(path) ?? 0));
      res.on('close', () => this.open.set(path, (this.open.get(path) ?? 1) - 1));
      (this.answers.get(path) ?? ((_m, r) => r.writeHead(204).end()))(message, res);
    });
  }
}

/** Whether the reference verifier accepts the message with `secret` (it throws otherwise). */
export function verifies(message: ReceivedMessage, secret: string): boolean {
  try {
    new Webhook(secret).verify(message.body, message.headers);
    return true;
  } catch {
    return false;
  }
}
