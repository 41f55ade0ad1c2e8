import { sweepStalled } from '../src/stall';

// When a worker copy replaces its BullMQ worker (jobs-runner.ts): only once no sweep has
// started anywhere for the stall period, and never before its own worker had that long.
describe('sweepStalled', () => {
  it('leaves a worker alone while sweeps start within the period', () => {
    expect(sweepStalled(8_999, 60_000, 9_000)).toBe(false);
  });
  it('replaces it once the last sweep is older than the period', () => {
    expect(sweepStalled(9_001, 60_000, 9_000)).toBe(true);
  });
  it('replaces it when no sweep ever started', () => {
    expect(sweepStalled(null, 9_000, 9_000)).toBe(true);
  });
  it('gives a fresh worker the whole period first', () => {
    expect(sweepStalled(null, 8_999, 9_000)).toBe(false);
    expect(sweepStalled(120_000, 1_000, 9_000)).toBe(false);
  });
});
