import type { FeedbackAnswer, FeedbackItem } from '../contract/feedback';
import type { StoredStatus } from '../contract/primitives';

// What an agent's feedback means (spec 4.12, DESIGN.md section 4). Pure functions; the
// feedback statement in the store applies exactly these rules to a whole batch at once.

export interface StreamState {
  status: StoredStatus;
  version: number;
}

/**
 * Feedback counts only from the agent that holds the stream now: the stream is in
 * progress and the agent works on its current version. Anything else changes nothing.
 */
export function acceptsFeedback(current: StreamState | undefined, item: Pick<FeedbackItem, 'version'>): boolean {
  return current !== undefined && current.status === 'in_progress' && current.version === item.version;
}

/** The status an accepted item leaves the stream in, and whether that is a change to log. */
export function feedbackOutcome(item: Pick<FeedbackItem, 'status'>): { status: StoredStatus; logged: boolean } {
  return { status: item.status, logged: item.status !== 'in_progress' };
}

/** What the agent is told: the stream's status and version now, or not_found. */
export function feedbackAnswerFor(after: StreamState | undefined): FeedbackAnswer {
  return after ? { status: after.status, version: after.version } : { status: 'not_found', version: null };
}

/** The agent's rule: keep processing only an in-progress stream of its own version. */
export function agentMayContinue(answer: FeedbackAnswer, ownVersion: number): boolean {
  return answer.status === 'in_progress' && answer.version === ownVersion;
}
