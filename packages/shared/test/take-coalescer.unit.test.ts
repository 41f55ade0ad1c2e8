import { createTakeCoalescer } from '../src/store/take-coalescer';

// The dealing rules on a queue of numbers; the database side is in apps/api/test/queue.test.ts.

function queueOf(n: number) {
  const queue = Array.from({ length: n }, (_, i) => i);
  const calls: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const run = async (limit: number) => {
    calls.push(limit);
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, 5));
    running -= 1;
    return queue.splice(0, limit);
  };
  return { run, calls, maxRunning: () => maxRunning };
}

describe('take coalescer', () => {
  it('runs one statement for a lone take', async () => {
    const q = queueOf(10);
    const coalescer = createTakeCoalescer({ run: q.run, maxInFlight: 2, maxPerStatement: 1000 });
    expect(await coalescer.take(3)).toEqual([0, 1, 2]);
    expect(q.calls).toEqual([3]);
  });

  it('deals a shared statement out in arrival order, never more than maxInFlight at once', async () => {
    const q = queueOf(100);
    const coalescer = createTakeCoalescer({ run: q.run, maxInFlight: 2, maxPerStatement: 1000 });
    const got = await Promise.all([1, 2, 3, 1, 2, 3, 1].map((limit) => coalescer.take(limit)));
    expect(got.flat()).toEqual([...Array(13).keys()]);
    expect(got.map((g) => g.length)).toEqual([1, 2, 3, 1, 2, 3, 1]);
    expect(q.calls).toEqual([1, 2, 10]);
    expect(q.maxRunning()).toBe(2);
  });

  it('gives the earliest takes what there is when the queue runs short', async () => {
    const q = queueOf(4);
    const coalescer = createTakeCoalescer({ run: q.run, maxInFlight: 1, maxPerStatement: 1000 });
    const got = await Promise.all([3, 3, 3, 3].map((limit) => coalescer.take(limit)));
    expect(got).toEqual([[0, 1, 2], [3], [], []]);
  });

  it('keeps a statement within maxPerStatement', async () => {
    const q = queueOf(3000);
    const coalescer = createTakeCoalescer({ run: q.run, maxInFlight: 1, maxPerStatement: 1000 });
    await Promise.all([600, 600, 300, 200].map((limit) => coalescer.take(limit)));
    expect(q.calls).toEqual([600, 900, 200]);
  });

  it('fails every take of a failed statement, and goes on with the next', async () => {
    let fail = true;
    const coalescer = createTakeCoalescer<number>({
      run: async (limit) => {
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error('database away');
        return Array.from({ length: limit }, (_, i) => i);
      },
      maxInFlight: 1,
      maxPerStatement: 1000,
    });
    const first = coalescer.take(1);
    const batched = [coalescer.take(1), coalescer.take(2)];
    await expect(first).rejects.toThrow('database away');
    fail = false;
    await expect(Promise.all(batched)).resolves.toEqual([[0], [1, 2]]);
  });

  it('refuses a take at once when maxWaiting takes already wait, and serves those that wait', async () => {
    const q = queueOf(100);
    const coalescer = createTakeCoalescer({
      run: q.run,
      maxInFlight: 1,
      maxPerStatement: 1000,
      maxWaiting: 2,
      refusal: async () => new Error('busy'),
    });
    const running = coalescer.take(1);
    const waiting = [coalescer.take(1), coalescer.take(1)];
    await expect(coalescer.take(1)).rejects.toThrow('busy');
    await expect(Promise.all([running, ...waiting])).resolves.toEqual([[0], [1], [2]]);
    expect(q.calls).toEqual([1, 2]);
  });
});
