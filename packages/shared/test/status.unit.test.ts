import { STORED_STATUSES } from '../src/contract/primitives';
import { LunaError } from '../src/contract/errors';
import {
  canTransition,
  decidePatchStatus,
  isAllowedChain,
  patchTargets,
  putChain,
  TRANSITIONS,
  type Place,
} from '../src/domain/status';

describe('the transition matrix (spec 5.2)', () => {
  it('has the per-row counts of the development manual', () => {
    const counts = Object.fromEntries(Object.entries(TRANSITIONS).map(([from, to]) => [from, Object.keys(to!).length]));
    expect(counts).toEqual({
      absent: 2,
      pending: 5,
      in_progress: 8,
      done: 4,
      restart: 2,
      pause: 4,
      cancel: 4,
      failure: 4,
      handler_lost: 1,
    });
  });

  it.each([
    ['absent', 'pending', 'create', true],
    ['absent', 'pause', 'create', true],
    ['absent', 'in_progress', 'create', false],
    ['pending', 'in_progress', 'queue_take', true],
    ['pending', 'in_progress', 'patch', false],
    ['pending', 'done', 'feedback', false],
    ['in_progress', 'done', 'feedback', true],
    ['in_progress', 'failure', 'feedback', true],
    ['in_progress', 'handler_lost', 'handler_lost_sweep', true],
    ['in_progress', 'pending', 'patch', true],
    ['done', 'cancel', 'patch', false],
    ['failure', 'cancel', 'patch', false],
    ['failure', 'restart', 'autorestart', true],
    ['failure', 'restart', 'patch', false],
    ['restart', 'pause', 'put', true],
    ['restart', 'pause', 'autorestart', false],
    ['handler_lost', 'pending', 'handler_lost_sweep', false],
    ['pause', 'pause', 'patch', false],
  ] as [Place, Place, Parameters<typeof canTransition>[2], boolean][])('%s → %s by %s: %p', (from, to, actor, ok) => {
    expect(canTransition(from, to, actor)).toBe(ok);
  });

  it('allows the transient chains of the logs', () => {
    expect(isAllowedChain('in_progress', ['handler_lost', 'restart', 'pending'], 'handler_lost_sweep')).toBe(true);
    expect(isAllowedChain('failure', ['restart', 'pending'], 'autorestart')).toBe(true);
    for (const from of STORED_STATUSES) {
      expect(isAllowedChain(from, putChain('pending'), 'put')).toBe(true);
      expect(isAllowedChain(from, putChain('pause'), 'put')).toBe(true);
    }
    expect(isAllowedChain('done', ['restart', 'pending'], 'autorestart')).toBe(false);
  });
});

describe('decidePatchStatus', () => {
  const id = '5b0e6c2d-8a41-4f7e-9c3b-71d2e8f4a6b9';
  const decide = (
    status: (typeof STORED_STATUSES)[number],
    target: 'pending' | 'pause' | 'cancel',
    sourceType = 'tcp',
  ) => decidePatchStatus({ stream_id: id, status, sourceType }, target);

  it('treats the same status as a no-op', () => {
    for (const status of ['pending', 'pause', 'cancel'] as const)
      expect(decide(status, status)).toEqual({ change: false });
  });

  it('refuses to pause a running video file (39003) but pauses a running camera', () => {
    expect(() => decide('in_progress', 'pause', 'videofile')).toThrow(
      expect.objectContaining({ kind: 'CANNOT_STOP' }) as unknown as LunaError,
    );
    expect(decide('in_progress', 'pause', 'tcp')).toEqual({
      change: true,
      logs: ['pause'],
      bumpVersion: true,
      requeue: false,
    });
  });

  it('refuses to cancel a finished stream (39005)', () => {
    for (const status of ['done', 'failure'] as const) {
      let error: unknown;
      try {
        decide(status, 'cancel');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LunaError);
      expect((error as LunaError).toBody()).toEqual({
        error_code: 39005,
        desc: 'Unable to cancel processing',
        detail: `Processing of stream with id '${id}' is finished and cannot be cancelled`,
      });
    }
  });

  it('raises the version when taking a stream from its agent or its result, re-queues only on pending', () => {
    expect(decide('in_progress', 'pending')).toEqual({
      change: true,
      logs: ['pending'],
      bumpVersion: true,
      requeue: true,
    });
    expect(decide('in_progress', 'cancel')).toMatchObject({ bumpVersion: true, requeue: false });
    // A finished run's version was handed out by a take: it is never handed out again.
    expect(decide('failure', 'pending')).toEqual({
      change: true,
      logs: ['pending'],
      bumpVersion: true,
      requeue: true,
    });
    expect(decide('done', 'pending')).toMatchObject({ bumpVersion: true });
    // done → pause → pending would hand the finished run's version out again otherwise.
    expect(decide('done', 'pause')).toMatchObject({ bumpVersion: true });
    expect(decide('pause', 'cancel')).toMatchObject({ bumpVersion: false });
    expect(decide('cancel', 'pending')).toMatchObject({ bumpVersion: false });
    expect(decide('pause', 'pending')).toMatchObject({ bumpVersion: false });
  });

  it('knows which PATCH targets each stored status has', () => {
    expect(patchTargets('done')).toEqual(['pending', 'pause']);
    expect(patchTargets('in_progress')).toEqual(['pending', 'pause', 'cancel']);
  });
});
