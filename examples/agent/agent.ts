// A reference stream-processing agent for luna-streams, built on the agent kit of
// @luna-streams/client: the kit takes work, keeps it alive, obeys the service's answers and
// hands work back on stop; this file only says what "processing" a stream means.
//
// "Processing" here is simulated: a videofile stream finishes (done) after a while, any
// stream may fail at the configured rate, and a camera runs until it is taken away. A real
// agent decodes the video instead.
import { createAgent, StreamFailure, type AgentEvent as KitEvent, type Stream, type Work } from '@luna-streams/client';

export interface AgentOptions {
  /** Where to take streams: the API's base URL. */
  apiUrl: string;
  /** Where to post feedback: the worker's or the API's base URL. */
  feedbackUrl?: string;
  /** How many streams this agent runs at once. */
  capacity: number;
  /** How often keep-alives go out (at most a third of handlerPeriodMs). */
  feedbackPeriodMs: number;
  /** The service's STREAM_STATUS_OBSOLETING_PERIOD in ms; 20 s by default. */
  handlerPeriodMs?: number;
  /** On stop, how long running work may finish before the rest is handed back; 1 s by default. */
  graceMs?: number;
  /** A videofile stream is done after this many seconds of processing. */
  finishAfterSeconds: number;
  /** Chance per feedback period that a stream fails (0..1). */
  failureRate: number;
  /** Stops after this long; 0 runs until `signal` aborts. */
  runSeconds: number;
  name?: string;
  log?: (line: string) => void;
  /** Sees every take and every answer, e.g. for a dashboard or a test that audits the fleet. */
  onEvent?: (event: AgentEvent) => void;
  /** Sees every event of the kit as it is. */
  onKitEvent?: (event: KitEvent) => void;
  signal?: AbortSignal;
}

export type AgentEvent =
  /** `at` is when the take's answer arrived: the service had committed it by then. */
  | { kind: 'taken'; agent: string; stream_id: string; version: number; at: number }
  /** `sentAt` is when the feedback request left: the service applied it after that. */
  | { kind: 'answer'; agent: string; stream_id: string; version: number; sentAt: number; answer: Answer };

type Answer = { status: string; version: number | null };

export interface AgentReport {
  taken: number;
  done: number;
  /** Failures reported, whether or not the answer still counted them as this agent's. */
  failed: number;
  /** Streams taken away by the service, or handed back on stop. */
  stopped: number;
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener behind (a camera ticks forever). */
const tick = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** What "processing" a stream means here: ticks of progress until done, a failure, or the signal. */
function simulate(options: AgentOptions) {
  return async (stream: Stream, work: Work) => {
    const started = Date.now();
    const video = { fps: 25, frame_width: 1920, frame_height: 1080 };
    while (!work.signal.aborted) {
      await tick(options.feedbackPeriodMs, work.signal);
      if (work.signal.aborted) break;
      if (Math.random() < options.failureRate) throw new StreamFailure('simulated decoder failure', video);
      const elapsed = (Date.now() - started) / 1000;
      if (stream.data.type !== 'videofile') {
        work.report(video);
        continue;
      }
      const progress = Math.min(1, elapsed / options.finishAfterSeconds);
      if (progress >= 1) return { videoInfo: { ...video, progress } };
      work.report({ ...video, progress });
    }
  };
}

export async function runAgent(options: AgentOptions): Promise<AgentReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const name = options.name ?? 'agent';
  const report: AgentReport = { taken: 0, done: 0, failed: 0, stopped: 0 };
  const agent = createAgent({
    baseUrl: options.apiUrl,
    feedbackUrl: options.feedbackUrl,
    capacity: options.capacity,
    handle: simulate(options),
    handlerPeriodMs: options.handlerPeriodMs,
    feedbackIntervalMs: options.feedbackPeriodMs,
    graceMs: options.graceMs ?? 1000,
    stopSignals: [],
    name,
  });
  agent.on('event', (event) => {
    options.onKitEvent?.(event);
    switch (event.type) {
      case 'taken':
        report.taken++;
        options.onEvent?.({
          kind: 'taken',
          agent: name,
          stream_id: event.stream_id,
          version: event.version,
          at: event.at,
        });
        log(`${name}: took ${event.stream_id} (version ${event.version})`);
        break;
      case 'answer':
        options.onEvent?.({ kind: 'answer', ...event, agent: name });
        break;
      case 'done':
        report.done++;
        log(`${name}: ${event.stream_id} done`);
        break;
      case 'failed':
        report.failed++;
        log(`${name}: ${event.stream_id} failure`);
        break;
      case 'lost':
        if (event.reported === 'failure') report.failed++;
        else if (event.reported === 'done') report.done++;
        else report.stopped++;
        log(`${name}: stopping ${event.stream_id}: service holds ${event.holds.status} version ${event.holds.version}`);
        break;
      case 'handed_back':
        report.stopped++;
        log(`${name}: handed ${event.stream_id} back`);
        break;
      case 'request_failed':
        log(`${name}: ${event.request} failed: ${event.error}`);
        break;
      default:
        break;
    }
  });
  const finished = agent.start();
  const stop = () => void agent.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  const timer = options.runSeconds > 0 ? setTimeout(stop, options.runSeconds * 1000) : undefined;
  await finished;
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', stop);
  return report;
}
