import http from 'node:http';
import { eventually } from './wait';

// A small Server-Sent Events reader for tests and the benchmark: it keeps the raw text
// and the parsed events, and can stop reading to play a slow client.

export interface FeedEvent {
  id?: string;
  event: string;
  data: string;
}

export class FeedReader {
  raw = '';
  events: FeedEvent[] = [];
  comments: string[] = [];
  ended = false;
  private pending = '';

  private constructor(
    readonly res: http.IncomingMessage,
    private readonly req: http.ClientRequest,
    /** Called with each event as it arrives (the benchmark times them). */
    private readonly onEvent?: (event: FeedEvent) => void,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.take(chunk));
    res.on('end', () => (this.ended = true));
    res.on('close', () => (this.ended = true));
    res.on('error', () => (this.ended = true));
  }

  /** Opens `url`; resolves with the reader once the answer's headers arrive. */
  static open(
    url: string,
    headers: Record<string, string> = {},
    onEvent?: (e: FeedEvent) => void,
  ): Promise<FeedReader> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) =>
        resolve(new FeedReader(res, req, onEvent)),
      );
      req.on('error', reject);
    });
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  /** The data of the status events, parsed. */
  statusData(): Record<string, unknown>[] {
    return this.events.filter((e) => e.event === 'status').map((e) => JSON.parse(e.data) as Record<string, unknown>);
  }

  seqs(): number[] {
    return this.statusData().map((d) => d.seq as number);
  }

  async waitForEvents(n: number, timeoutMs = 15_000): Promise<void> {
    await eventually(() => this.events.length >= n, timeoutMs, `${n} events (have ${this.events.length})`, 20);
  }

  async waitForEnd(timeoutMs = 15_000): Promise<void> {
    await eventually(() => this.ended, timeoutMs, 'the feed to end', 20);
  }

  /** Stops reading: the server's writes pile up in the socket buffers. */
  pause(): void {
    this.res.pause();
  }

  close(): void {
    this.req.destroy();
  }

  private take(chunk: string): void {
    this.raw += chunk;
    this.pending += chunk;
    let end: number;
    while ((end = this.pending.indexOf('\n\n')) >= 0) {
      const block = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      const event: FeedEvent = { event: 'message', data: '' };
      let isEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line);
        const [field, ...rest] = line.split(': ');
        const value = rest.join(': ');
        if (field === 'id') event.id = value;
        if (field === 'event') event.event = value;
        if (field === 'data') {
          event.data = value;
          isEvent = true;
        }
      }
      if (isEvent) {
        this.events.push(event);
        this.onEvent?.(event);
      }
    }
  }
}
