import type { components, paths } from '../generated/openapi.js';

// What an agent is given, what it tells its handler, and the events it emits.

/** A stream as the queue hands it out (the document's Stream). */
export type Stream = components['schemas']['Stream'];
/** The filters of a take: only streams with these ids or names. */
export type TakeFilters =
  paths['/1/streams/processing/queue']['post']['requestBody']['content']['application/json']['filters'];
type FeedbackBody = paths['/1/streams/feedback']['post']['requestBody']['content']['application/json'];
export type FeedbackItem = FeedbackBody['streams'][number];
export type VideoInfo = NonNullable<FeedbackItem['video_info']>;
/**
 * What the service holds for a stream, as a feedback answer says; after a refused hand-back,
 * `changed` (409 39015: at another version) or `not_found` (deleted).
 */
export type ServiceHolds = { status: string; version: number | null };

export interface Work {
  /**
   * Aborted when the stream is no longer this agent's (its answer was not in_progress with our version:
   * paused, cancelled, replaced, deleted, or handed to another agent after handler_lost), or when the agent
   * stops and the grace period is over. `signal.reason` is an AgentStop.
   */
  signal: AbortSignal;
  /** The version this agent was given: the fencing token its feedback carries. */
  version: number;
  /** What is known about the video now; sent with the next keep-alive and stored by the service. */
  report(videoInfo: VideoInfo): void;
}

/** Why a handler's signal was aborted. */
export interface AgentStop {
  reason: 'lost' | 'stopping';
  /** With `lost`: what the service holds now. */
  holds?: ServiceHolds;
}

/** Throw this from a handler to report a failure with video_info; any other error reports its message. */
export class StreamFailure extends Error {
  constructor(
    message: string,
    readonly videoInfo?: VideoInfo,
  ) {
    super(message);
    this.name = 'StreamFailure';
  }
}

/**
 * Runs one stream. Resolve when it is done (optionally with its last video_info); throw when it
 * failed; stop promptly when `work.signal` aborts (a live camera runs until then).
 */
export type Handler = (stream: Stream, work: Work) => Promise<void | { videoInfo?: VideoInfo }>;

export type StopSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGQUIT' | 'SIGUSR1' | 'SIGUSR2';

export interface AgentOptions {
  /** The API's base URL: streams are taken there. */
  baseUrl: string;
  /** Where feedback goes (the worker, WORKER_PORT, for agents at scale); baseUrl by default. */
  feedbackUrl?: string;
  /** How many streams this agent runs at once. */
  capacity: number;
  /** Take only streams with these ids or names; any stream by default. */
  filters?: TakeFilters;
  handle: Handler;
  /** The service's STREAM_STATUS_OBSOLETING_PERIOD in ms (20 s by default): silent that long, a stream is lost. */
  handlerPeriodMs?: number;
  /** How often keep-alives go out, in one request for all streams: a quarter of the period by default, at most a third. */
  feedbackIntervalMs?: number;
  /** How often to look for work while slots are free; the feedback interval by default. */
  takeIntervalMs?: number;
  /** On stop: how long running work may finish before the rest is handed back. 5 s by default. */
  graceMs?: number;
  /** Signals that stop the agent gracefully; SIGTERM and SIGINT by default, [] for none. */
  stopSignals?: StopSignal[];
  /** A name for events and request ids' logs. */
  name?: string;
  /** The fetch to use; global fetch by default. */
  fetch?: (request: Request) => Promise<Response>;
}

/** What an agent did, as `start()` and `stop()` resolve it. */
export interface AgentSummary {
  taken: number;
  done: number;
  failed: number;
  /** Taken away by the service (fencing): paused, cancelled, replaced, deleted, or lost after silence. */
  lost: number;
  /** Given back as pending when the agent stopped. */
  handedBack: number;
}

/** Everything an agent does, for a program to log (`agent.on('event', ...)`). */
export type AgentEvent =
  | { type: 'taken'; agent: string; stream_id: string; version: number; at: number }
  | { type: 'answer'; agent: string; stream_id: string; version: number; sentAt: number; answer: ServiceHolds }
  | { type: 'done'; agent: string; stream_id: string; version: number }
  | { type: 'failed'; agent: string; stream_id: string; version: number; error: string }
  /** `reported`: what the agent had sent (a result that did not count is lost too). */
  | {
      type: 'lost';
      agent: string;
      stream_id: string;
      version: number;
      reported: 'in_progress' | 'done' | 'failure';
      holds: ServiceHolds;
    }
  | { type: 'handed_back'; agent: string; stream_id: string; version: number }
  | { type: 'request_failed'; agent: string; request: 'take' | 'feedback' | 'hand_back'; error: string }
  | { type: 'stopping'; agent: string; running: number }
  | { type: 'stopped'; agent: string; summary: AgentSummary };

export interface Agent {
  /** Starts taking work; resolves with the summary once the agent has stopped. */
  start(): Promise<AgentSummary>;
  /** Stops taking, lets running work finish within the grace period, hands the rest back. */
  stop(): Promise<AgentSummary>;
  on(event: 'event', listener: (event: AgentEvent) => void): this;
  off(event: 'event', listener: (event: AgentEvent) => void): this;
  /** The streams running now, with the versions this agent holds. */
  running(): { stream_id: string; version: number }[];
}
