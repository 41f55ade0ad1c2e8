import { FeedHorizon } from '../src/domain/feed-horizon';

describe('FeedHorizon', () => {
  test('nothing is final before a snapshot shows every earlier transaction ended', () => {
    const horizon = new FeedHorizon();
    expect(horizon.advance(100n)).toBe(-1);
    horizon.observe({ lastDrawn: 10, xmax: 105n });
    // A transaction below 105 is still running: seqs up to 10 may still commit.
    expect(horizon.advance(103n)).toBe(-1);
    expect(horizon.pending).toBe(true);
    expect(horizon.advance(105n)).toBe(10);
    expect(horizon.pending).toBe(false);
  });

  test('a later observation waits for its own transactions; the horizon never goes back', () => {
    const horizon = new FeedHorizon();
    horizon.observe({ lastDrawn: 10, xmax: 105n });
    horizon.observe({ lastDrawn: 20, xmax: 110n });
    expect(horizon.advance(107n)).toBe(10);
    horizon.observe({ lastDrawn: 20, xmax: 111n });
    expect(horizon.advance(111n)).toBe(20);
    horizon.observe({ lastDrawn: 5, xmax: 112n });
    expect(horizon.advance(112n)).toBe(20);
  });
});
