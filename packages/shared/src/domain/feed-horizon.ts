// The seq trap (docs/dev/events.md): seq is drawn when a row is inserted, not when its
// transaction commits, so "every row with seq > N" can skip a row that commits later
// than a higher one. The feed therefore sends rows only up to a horizon below which no
// row can still appear.
//
// Writers take a transaction id before drawing a seq (the column's default does both).
// So when the feed reads the sequence's last value Q and afterwards takes a snapshot
// with xmax X, every seq <= Q belongs to a transaction whose id is below X. Once a later
// snapshot's xmin reaches X, all of those have ended: rows up to Q are final (committed
// and visible, or never to appear). Q is then the horizon.

export interface Observation {
  /** The sequence's last drawn value, read before the snapshot. */
  lastDrawn: number;
  /** xmax of a snapshot taken after lastDrawn was read. */
  xmax: bigint;
}

export class FeedHorizon {
  private waiting: Observation[] = [];
  private final = -1;

  /** Records a (last drawn seq, later snapshot xmax) pair. */
  observe(observation: Observation): void {
    this.waiting.push(observation);
  }

  /**
   * With the xmin of a snapshot taken after every observation so far: the highest seq
   * known final, or -1 while none is.
   */
  advance(xmin: bigint): number {
    const ready = this.waiting.filter((o) => o.xmax <= xmin);
    this.waiting = this.waiting.filter((o) => o.xmax > xmin);
    for (const o of ready) this.final = Math.max(this.final, o.lastDrawn);
    return this.final;
  }

  /** Whether an observation still waits for transactions to end (worth another pass soon). */
  get pending(): boolean {
    return this.waiting.some((o) => o.lastDrawn > this.final);
  }
}
