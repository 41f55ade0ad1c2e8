import type { FeedbackAnswer } from '../contract/feedback';
import type { StoredStatus } from '../contract/primitives';

// What an agent is told about its feedback (spec 4.12, DESIGN.md section 4). Which feedback
// counts is FEEDBACK_FROM in moves.ts plus the version, built into the feedback statement.

export interface StreamState {
  status: StoredStatus;
  version: number;
}

/** What the agent is told: the stream's status and version now, or not_found. */
export function feedbackAnswerFor(after: StreamState | undefined): FeedbackAnswer {
  return after ? { status: after.status, version: after.version } : { status: 'not_found', version: null };
}
