// The seq trap (docs/dev/events.md): seq is drawn when a row is inserted, not when its
// transaction commits, so "every row with seq > N" can skip a row that commits later
// than a higher one. The feed therefore sends rows only up to a horizon below which no
// row can still appear.
//
// Writers take a transaction id before drawing a seq (the column's default does both).
// So when the feed reads the sequence's last value Q and afterwards the ids of every
// running transaction, each seq <= Q belongs to a transaction that had ended by then or
// is in that list. Once a later read finds none of the listed ids running, all of those
// transactions have ended: rows up to Q are final (committed and visible, or never to
// appear). Q is then the horizon. (A snapshot's xmax is no such bound: it is one past
// the last *completed* id, and transactions above it may be running.)

export interface Observation {
  /** The sequence's last drawn value, read first. */
  lastDrawn: number;
  /** The ids of the transactions running when read after lastDrawn. */
  running: ReadonlySet<string>;
}

export class FeedHorizon {
  private waiting: Observation[] = [];
  private final = -1;

  /** Records a (last drawn seq, transactions running afterwards) pair. */
  observe(observation: Observation): void {
    this.waiting.push(observation);
  }

  /**
   * With the transactions running at a read made after every observation so far: the
   * highest seq known final, or -1 while none is.
   */
  advance(running: ReadonlySet<string>): number {
    const ended = (o: Observation) => ![...o.running].some((id) => running.has(id));
    for (const o of this.waiting.filter(ended)) this.final = Math.max(this.final, o.lastDrawn);
    this.waiting = this.waiting.filter((o) => !ended(o));
    return this.final;
  }

  /** Whether an observation still waits for transactions to end (worth another pass soon). */
  get pending(): boolean {
    return this.waiting.some((o) => o.lastDrawn > this.final);
  }
}
