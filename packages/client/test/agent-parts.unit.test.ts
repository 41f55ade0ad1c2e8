import { feedbackInterval, verdict } from '../src/agent/verdict';
import { Waiter } from '../src/agent/waiter';

describe('the fencing rule of the agent kit', () => {
  it.each([
    ['in_progress', 3, { status: 'in_progress', version: 3 }, 'keep'],
    ['in_progress', 3, { status: 'in_progress', version: 4 }, 'lost'], // handed to another agent after handler_lost
    ['in_progress', 3, { status: 'pause', version: 4 }, 'lost'],
    ['in_progress', 3, { status: 'pending', version: 4 }, 'lost'], // PUT or PATCH to pending
    ['in_progress', 3, { status: 'not_found', version: null }, 'lost'],
    ['done', 3, { status: 'done', version: 3 }, 'finished'],
    ['failure', 3, { status: 'failure', version: 3 }, 'finished'],
    ['done', 3, { status: 'in_progress', version: 4 }, 'lost'], // a stale result does not count
    ['failure', 3, { status: 'pending', version: 4 }, 'lost'],
  ] as const)('sent %s v%i, service holds %j: %s', (status, version, answer, expected) => {
    expect(verdict({ status, version }, answer)).toBe(expected);
  });

  it('treats a stream missing from the answer as lost', () => {
    expect(verdict({ status: 'in_progress', version: 1 }, undefined)).toBe('lost');
  });
});

describe('the keep-alive interval', () => {
  it('is a quarter of the handler period by default and never more than a third', () => {
    expect(feedbackInterval(20_000)).toBe(5000);
    expect(feedbackInterval(20_000, 2000)).toBe(2000);
    expect(feedbackInterval(20_000, 15_000)).toBe(6666);
    expect(feedbackInterval(3000, 5000)).toBe(1000);
  });
});

describe('the waiter the agent loops sleep on', () => {
  it('wakes a sleep early, and a wake before the sleep ends the next one at once', async () => {
    const waiter = new Waiter();
    const started = Date.now();
    const sleeping = waiter.sleep(60_000);
    waiter.wake();
    await sleeping;
    waiter.wake();
    await waiter.sleep(60_000);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
