import { FeedHorizon } from '../src/domain/feed-horizon';

const ids = (...xids: number[]) => new Set(xids.map(String));

describe('FeedHorizon', () => {
  test('nothing is final while a transaction running after the sequence was read still runs', () => {
    const horizon = new FeedHorizon();
    expect(horizon.advance(ids(7))).toBe(-1);
    horizon.observe({ lastDrawn: 10, running: ids(7, 9) });
    // 9 still runs: it may own a seq up to 10 and commit later.
    expect(horizon.advance(ids(9, 12))).toBe(-1);
    expect(horizon.pending).toBe(true);
    expect(horizon.advance(ids(12, 13))).toBe(10);
    expect(horizon.pending).toBe(false);
  });

  test('with nothing running after the sequence was read, its last value is final at once', () => {
    const horizon = new FeedHorizon();
    horizon.observe({ lastDrawn: 4, running: ids() });
    expect(horizon.advance(ids())).toBe(4);
  });

  test('each observation waits for its own transactions; the horizon never goes back', () => {
    const horizon = new FeedHorizon();
    horizon.observe({ lastDrawn: 10, running: ids(1) });
    horizon.observe({ lastDrawn: 20, running: ids(1, 2) });
    horizon.observe({ lastDrawn: 25, running: ids(2, 3) });
    expect(horizon.advance(ids(2))).toBe(10);
    expect(horizon.advance(ids())).toBe(25);
    horizon.observe({ lastDrawn: 5, running: ids() });
    expect(horizon.advance(ids())).toBe(25);
  });
});
