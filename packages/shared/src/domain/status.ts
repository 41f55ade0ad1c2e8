import { errors } from '../contract/errors';
import type { StoredStatus, StreamStatus } from '../contract/primitives';

// The status model of spec 5.2 as data: for each status, the statuses that may follow it
// and who may make that move. PATCH asks these functions; the single statements of take,
// feedback, PUT and the jobs get their chains and starting statuses from moves.ts, which
// derives them from this table.

/** Who moves a stream: the user's calls, the agents, and the service's own jobs. */
export type Actor =
  'create' | 'patch' | 'put' | 'delete' | 'queue_take' | 'feedback' | 'handler_lost_sweep' | 'autorestart' | 'service';

/** `absent` stands for ∅: no stream (before creation, after deletion). */
export type Place = StreamStatus | 'absent';

type Matrix = Partial<Record<Place, Partial<Record<Place, readonly Actor[]>>>>;

export const TRANSITIONS: Matrix = {
  absent: { pending: ['create'], pause: ['create'] },
  pending: { absent: ['delete'], in_progress: ['queue_take'], restart: ['put'], pause: ['patch'], cancel: ['patch'] },
  in_progress: {
    absent: ['delete'],
    pending: ['patch'],
    done: ['feedback'],
    restart: ['put'],
    pause: ['patch'],
    cancel: ['patch'],
    failure: ['feedback'],
    handler_lost: ['handler_lost_sweep'],
  },
  done: { absent: ['delete'], pending: ['patch'], restart: ['put'], pause: ['patch'] },
  restart: { pending: ['service', 'put', 'autorestart', 'handler_lost_sweep'], pause: ['put'] },
  pause: { absent: ['delete'], pending: ['patch'], restart: ['put'], cancel: ['patch'] },
  cancel: { absent: ['delete'], pending: ['patch'], restart: ['put'], pause: ['patch'] },
  failure: { absent: ['delete'], pending: ['patch'], restart: ['autorestart', 'put'], pause: ['patch'] },
  handler_lost: { restart: ['handler_lost_sweep', 'service'] },
};

/**
 * Statuses whose current version a take has handed out: the agent's own run, and the
 * result it reported. Leaving them by anyone but the agent raises the version.
 */
export const HANDED_OUT: readonly StoredStatus[] = ['in_progress', 'done', 'failure'];

/**
 * The fencing rule (DESIGN.md section 4): no version that one take handed out is handed
 * out by a later take. So a PUT always raises the version (spec 4.8), and so does every
 * other move out of a status whose version a take handed out, except the agent's own
 * feedback: the handler_lost sweep, autorestart, and a PATCH of a running or finished stream.
 */
export function raisesVersion(from: StoredStatus, actor: Actor): boolean {
  return actor === 'put' || (HANDED_OUT.includes(from) && actor !== 'feedback');
}

export function canTransition(from: Place, to: Place, actor: Actor): boolean {
  return TRANSITIONS[from]?.[to]?.includes(actor) ?? false;
}

/** Whether a chain of moves (as written to the logs) is allowed for the actor, step by step. */
export function isAllowedChain(from: Place, chain: readonly Place[], actor: Actor): boolean {
  let current = from;
  for (const next of chain) {
    if (!canTransition(current, next, actor)) return false;
    current = next;
  }
  return true;
}

export type PatchStatus = 'pending' | 'pause' | 'cancel';

export type PatchDecision =
  | { change: false }
  | {
      change: true;
      /** Log rows to write, in order. */
      logs: PatchStatus[];
      /** Taking a stream away from its agent, or from its result, raises the version (raisesVersion). */
      bumpVersion: boolean;
      /** pending puts the stream at the back of the queue. */
      requeue: boolean;
    };

/**
 * A user's PATCH of a stream's status (spec 4.7): the same status is a no-op; pausing a
 * running video file is 39003; cancelling a finished stream is 39005.
 */
export function decidePatchStatus(
  stream: { stream_id: string; status: StoredStatus; sourceType: string },
  target: PatchStatus,
): PatchDecision {
  if (stream.status === target) return { change: false };
  if (stream.status === 'in_progress' && target === 'pause' && stream.sourceType === 'videofile') {
    throw errors.cannotStop(stream.stream_id);
  }
  if (target === 'cancel' && (stream.status === 'done' || stream.status === 'failure')) {
    throw errors.cannotCancel(stream.stream_id);
  }
  if (!canTransition(stream.status, target, 'patch')) {
    throw errors.badStreamStatus(target, patchTargets(stream.status));
  }
  return {
    change: true,
    logs: [target],
    bumpVersion: raisesVersion(stream.status, 'patch'),
    requeue: target === 'pending',
  };
}

/** The statuses a PATCH may move a stream to from `from`. */
export function patchTargets(from: StoredStatus): PatchStatus[] {
  return (['pending', 'pause', 'cancel'] as const).filter((to) => canTransition(from, to, 'patch'));
}

/** A PUT passes every stored status through restart to the body's status (spec 5.2). */
export function putChain(target: 'pending' | 'pause'): ['restart', 'pending' | 'pause'] {
  return ['restart', target];
}
