import { STORED_STATUSES, type StoredStatus } from '../contract/primitives';
import { isAllowedChain, putChain, raisesVersion, type Actor, type Place } from './status';

// The moves that take, feedback, PUT and the worker's jobs make in one SQL statement each,
// as data derived from TRANSITIONS and the fencing rule (status.ts). The store builds
// those statements from these values (store/move-sql.ts), so the statements cannot drift
// from the table: a chain the table forbids fails here, when the module loads.

export interface Move {
  actor: Actor;
  /** The stored statuses the move may start from: every one whose whole chain the table allows. */
  from: readonly StoredStatus[];
  /** The log rows the move writes, in order; the last one is the status it stores. */
  chain: readonly Place[];
  /** The status the row holds afterwards. */
  to: StoredStatus;
  /** Whether the version rises by one (raisesVersion, for every starting status). */
  raisesVersion: boolean;
  /**
   * Per log row, its version relative to the stored version afterwards: rows written before
   * the stream is restarted (handler_lost) carry the version its agent had, so -1.
   */
  logVersionOffsets: readonly number[];
}

function isStored(place: Place): place is StoredStatus {
  return (STORED_STATUSES as readonly string[]).includes(place);
}

/** A move of `actor` through `chain`, checked against the table. */
export function move(actor: Actor, chain: readonly Place[], from?: readonly StoredStatus[]): Move {
  const allowed = STORED_STATUSES.filter((status) => isAllowedChain(status, chain, actor));
  const starts = from ?? allowed;
  const to = chain.at(-1);
  if (starts.length === 0 || starts.some((s) => !allowed.includes(s)) || to === undefined || !isStored(to)) {
    throw new Error(`${actor} may not move a stream through ${chain.join(' → ')}`);
  }
  const raises = starts.map((s) => raisesVersion(s, actor));
  if (raises.some((r) => r !== raises[0])) throw new Error(`${actor}: the version rule differs between its statuses`);
  const restartAt = chain.indexOf('restart');
  return {
    actor,
    from: starts,
    chain,
    to,
    raisesVersion: raises[0]!,
    logVersionOffsets: chain.map((_, i) => (raises[0] && i < restartAt ? -1 : 0)),
  };
}

/** An agent takes a pending stream (spec 4.11). */
export const TAKE = move('queue_take', ['in_progress']);
/** A silent agent's stream goes back to the queue (spec 6.5). */
export const HANDLER_LOST = move('handler_lost_sweep', ['handler_lost', 'restart', 'pending']);
/** A failure whose autorestart is due goes back to the queue (spec 6.4). */
export const AUTORESTART = move('autorestart', ['restart', 'pending']);
/** The agent's results; a keep-alive (`in_progress`) changes no status and writes no log row. */
export const FEEDBACK_RESULTS = [move('feedback', ['done']), move('feedback', ['failure'])] as const;
/** The statuses in which an agent's feedback counts (with its version). */
export const FEEDBACK_FROM: readonly StoredStatus[] = FEEDBACK_RESULTS[0].from;
/** PUT passes every stored status through restart to the body's status (spec 5.2). */
export const PUT = { pending: move('put', putChain('pending')), pause: move('put', putChain('pause')) } as const;
