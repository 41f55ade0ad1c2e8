import type { ServiceHolds } from './types.js';

/**
 * What a feedback answer means for one stream (the fencing rule): a report counted only when the
 * service holds the status it reported, with the agent's version. A keep-alive answered otherwise
 * (pause, cancel, pending after PUT or handler_lost, another agent's higher version, not_found)
 * means the stream is no longer this agent's; a result answered otherwise did not count either.
 */
export function verdict(
  sent: { status: 'in_progress' | 'done' | 'failure'; version: number },
  answer: ServiceHolds | undefined,
): 'keep' | 'finished' | 'lost' {
  if (!answer || answer.version !== sent.version || answer.status !== sent.status) return 'lost';
  return sent.status === 'in_progress' ? 'keep' : 'finished';
}

/** The keep-alive interval: as asked, but at most a third of the handler period (a quarter by default). */
export function feedbackInterval(handlerPeriodMs: number, asked?: number): number {
  const most = Math.floor(handlerPeriodMs / 3);
  return Math.max(1, Math.min(asked ?? Math.floor(handlerPeriodMs / 4), most));
}
