import type { Response } from 'express';
import type { EventsFilter, FeedRow } from '@luna-streams/shared';

// One connected client of GET /1/streams/events: a short Server-Sent Events writer with
// a bounded buffer. Node keeps what the socket has not taken yet in memory
// (`writableLength`); a client that stops reading lets it grow, so when a page of rows
// (feed-hub.ts) starts while more than `bufferBytes` still wait, the client is cut off:
// memory per client stays under bufferBytes plus one page. It reconnects with
// Last-Event-ID and loses nothing.

/** Milliseconds a browser's EventSource waits before reconnecting. */
export const RETRY_MS = 2000;

/** The wire form of a row's event, built once per row and shared by every client. */
export function statusEventText(row: FeedRow): string {
  const { groups: _groups, ...data } = row;
  return `id: ${row.seq}\nevent: status\ndata: ${JSON.stringify(data)}\n\n`;
}

export function matchesFilter(filter: EventsFilter, row: FeedRow): boolean {
  return (
    (!filter.account_id || row.account_id === filter.account_id) &&
    (!filter.stream_ids || filter.stream_ids.includes(row.stream_id)) &&
    (!filter.statuses || filter.statuses.includes(row.status)) &&
    (!filter.group_name || row.groups.includes(filter.group_name))
  );
}

export class FeedClient {
  /** The seq of the last row this client got (or skipped as not matching). */
  last: number;
  /** While catching up from Last-Event-ID: live rows wait here, in order. */
  private held: FeedRow[] | undefined;
  private heldBytes = 0;
  private ended = false;
  /** Text written since batch(), sent by flush(). */
  private batched: string | undefined;

  constructor(
    private readonly res: Response,
    readonly filter: EventsFilter,
    last: number,
    private readonly bufferBytes: number,
    private readonly onEnd: (client: FeedClient, reason: 'closed' | 'slow' | 'shutdown') => void,
  ) {
    this.last = last;
    res.on('close', () => this.end('closed'));
  }

  /** Answers 200 with the event-stream headers and the reconnect hint. */
  open(): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      // nginx buffers proxied answers unless told not to.
      'X-Accel-Buffering': 'no',
    });
    this.write(`retry: ${RETRY_MS}\n\n`);
  }

  holdLive(): void {
    this.held = [];
  }

  /** Sends the rows held while catching up, then follows live. */
  releaseHeld(texts: (row: FeedRow) => string): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const row of held) this.send(row, texts(row));
  }

  /** A row from the live feed: held while catching up, sent otherwise. */
  deliver(row: FeedRow, text: string): boolean {
    if (this.held && !this.ended) {
      this.held.push(row);
      this.heldBytes += text.length;
      if (this.heldBytes > this.bufferBytes) this.end('slow');
      return false;
    }
    return this.send(row, text);
  }

  /** A row read while catching up, or released after it: sent unless already seen. */
  send(row: FeedRow, text: string): boolean {
    if (this.ended || row.seq <= this.last) return false;
    this.last = row.seq;
    if (!matchesFilter(this.filter, row)) return false;
    this.write(text);
    return true;
  }

  reset(oldestKept: number): void {
    this.write(`event: reset\ndata: ${oldestKept}\n\n`);
  }

  ping(): void {
    this.write(': ping\n\n');
  }

  /**
   * Writes from here to flush() leave as one chunk: the rows of one pass cost each client one
   * write instead of one per row (with a thousand clients, most of the feed's work is writes).
   */
  batch(): void {
    this.batched ??= '';
  }

  flush(): void {
    const text = this.batched;
    this.batched = undefined;
    if (text) this.write(text);
  }

  /** Resolves once the socket has taken what was written (catching up pages wait on it). */
  drained(): Promise<void> {
    // 'drain' follows only a write that found the buffer full.
    if (this.ended || !this.res.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }

  get isEnded(): boolean {
    return this.ended;
  }

  end(reason: 'closed' | 'slow' | 'shutdown'): void {
    if (this.ended) return;
    this.ended = true;
    this.held = undefined;
    this.batched = undefined;
    if (reason === 'slow') this.res.destroy();
    else if (!this.res.writableEnded) this.res.end();
    this.onEnd(this, reason);
  }

  /** Cuts the client off when the socket has not taken what the last page left. */
  checkBacklog(): void {
    if (this.res.writableLength > this.bufferBytes) this.end('slow');
  }

  private write(text: string): void {
    if (this.ended) return;
    if (this.batched !== undefined) this.batched += text;
    else this.res.write(text);
  }
}
