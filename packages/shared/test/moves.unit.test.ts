import { feedbackItem } from '../src/contract/feedback';
import { STORED_STATUSES, type StoredStatus } from '../src/contract/primitives';
import { AUTORESTART, FEEDBACK_FROM, FEEDBACK_RESULTS, HANDLER_LOST, move, PUT, TAKE } from '../src/domain/moves';
import { canTransition, raisesVersion, type Actor } from '../src/domain/status';
import { chainRows, failureOutcomeSql, statusIn } from '../src/store/move-sql';

describe('the moves of the single statements, derived from TRANSITIONS', () => {
  it('start where the table lets each actor start, and write the chains of spec 5.2', () => {
    expect(TAKE).toMatchObject({ from: ['pending'], chain: ['in_progress'], raisesVersion: false });
    expect(HANDLER_LOST).toMatchObject({ from: ['in_progress'], to: 'pending', raisesVersion: true });
    expect(HANDLER_LOST.logVersionOffsets).toEqual([-1, 0, 0]);
    expect(AUTORESTART).toMatchObject({ from: ['failure'], chain: ['restart', 'pending'], raisesVersion: true });
    expect(FEEDBACK_FROM).toEqual(['in_progress']);
    expect(PUT.pause.from).toEqual(STORED_STATUSES);
  });

  it('refuses a chain the table forbids, when the module loads', () => {
    expect(() => move('autorestart', ['restart', 'pause'])).toThrow('autorestart may not move');
    expect(() => move('queue_take', ['in_progress'], ['done'])).toThrow();
  });

  it('covers every result an agent may report', () => {
    const reported = feedbackItem.shape.status.options.filter((s) => s !== 'in_progress');
    expect(FEEDBACK_RESULTS.map((m) => m.to)).toEqual(reported);
  });

  it('become SQL that keeps the partial indexes usable', () => {
    expect(statusIn('status', TAKE.from)).toBe("status = 'pending'");
    expect(chainRows(HANDLER_LOST)).toContain("ARRAY['handler_lost', 'restart', 'pending']::text[], ARRAY[-1, 0, 0]");
    expect(failureOutcomeSql('s')).toContain("THEN 'give_up'");
  });
});

/** Every move between stored statuses, as the table and the statements allow it. */
function edges(): { from: StoredStatus; to: StoredStatus; actor: Actor }[] {
  const list: { from: StoredStatus; to: StoredStatus; actor: Actor }[] = [];
  for (const from of STORED_STATUSES) {
    for (const to of STORED_STATUSES) {
      for (const actor of ['queue_take', 'feedback', 'patch'] as const) {
        if (canTransition(from, to, actor)) list.push({ from, to, actor });
      }
    }
  }
  for (const m of [HANDLER_LOST, AUTORESTART, PUT.pending, PUT.pause]) {
    for (const from of m.from) list.push({ from, to: m.to, actor: m.actor });
  }
  return list;
}

/**
 * Walks every sequence of moves after a take, tracking whether the stream's version was
 * handed out already; a take of a handed-out version breaks the rule. Returns the first.
 */
function reuseOfVersion(raises: (from: StoredStatus, actor: Actor) => boolean): string | undefined {
  const seen = new Set<string>();
  const queue: { status: StoredStatus; handedOut: boolean; path: string }[] = [
    { status: 'in_progress', handedOut: true, path: 'take' },
  ];
  const all = edges();
  while (queue.length > 0) {
    const at = queue.shift()!;
    const key = `${at.status}/${at.handedOut}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const e of all.filter((x) => x.from === at.status)) {
      const path = `${at.path}, ${e.actor} → ${e.to}`;
      if (e.actor === 'queue_take' && at.handedOut) return path;
      const handedOut = e.actor === 'queue_take' || (at.handedOut && !raises(e.from, e.actor));
      queue.push({ status: e.to, handedOut, path });
    }
  }
  return undefined;
}

describe('the fencing rule (DESIGN.md section 4)', () => {
  it('no path after a take hands its version out again', () => {
    expect(reuseOfVersion(raisesVersion)).toBeUndefined();
  });

  it('would be broken if only taking a running stream away raised the version', () => {
    const old = (from: StoredStatus, actor: Actor) =>
      actor === 'put' || (from === 'in_progress' && actor !== 'feedback');
    expect(reuseOfVersion(old)).toMatch(/take, feedback → (done|failure), .*queue_take → in_progress/);
  });
});
