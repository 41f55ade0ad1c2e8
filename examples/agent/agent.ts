// A reference stream-processing agent for luna-streams. Copy it: it shows the whole loop
// an agent runs against the service, with no dependency but Node's fetch.
//
//   1. take work:   POST /1/streams/processing/queue {"filters": {}, "limit": <free slots>}
//   2. report:      POST /1/streams/feedback with every running stream, every period
//                   (well under STREAM_STATUS_OBSOLETING_PERIOD, 20 s by default)
//   3. obey:        keep a stream only while its answer is in_progress with our version;
//                   anything else (pause, cancel, pending after a PUT, not_found) means stop.
//
// "Processing" here is simulated: a videofile stream finishes (done) after a while, and
// any stream may fail at the configured rate. A real agent decodes the video instead.

export interface AgentOptions {
  /** Where to take streams: the API's base URL. */
  apiUrl: string;
  /** Where to post feedback: the worker's or the API's base URL. */
  feedbackUrl?: string;
  /** How many streams this agent runs at once. */
  capacity: number;
  feedbackPeriodMs: number;
  /** A videofile stream is done after this many seconds of processing. */
  finishAfterSeconds: number;
  /** Chance per report that a stream fails (0..1). */
  failureRate: number;
  /** Stops after this long; 0 runs until `signal` aborts. */
  runSeconds: number;
  name?: string;
  log?: (line: string) => void;
  /** Sees every take and every answer, e.g. for a dashboard or a test that audits the fleet. */
  onEvent?: (event: AgentEvent) => void;
  signal?: AbortSignal;
}

export type AgentEvent =
  /** `at` is when the take's answer arrived: the service had committed it by then. */
  | { kind: 'taken'; agent: string; stream_id: string; version: number; at: number }
  /** `sentAt` is when the feedback request left: the service applied it after that. */
  | { kind: 'answer'; agent: string; stream_id: string; version: number; sentAt: number; answer: Answer };

interface Running {
  version: number;
  type: string;
  startedAt: number;
}

type Answer = { status: string; version: number | null };

export interface AgentReport {
  taken: number;
  done: number;
  failed: number;
  stopped: number;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener behind (an agent sleeps forever). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export async function runAgent(options: AgentOptions): Promise<AgentReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const name = options.name ?? 'agent';
  const feedbackUrl = options.feedbackUrl ?? options.apiUrl;
  const running = new Map<string, Running>();
  const report: AgentReport = { taken: 0, done: 0, failed: 0, stopped: 0 };
  const until = options.runSeconds > 0 ? Date.now() + options.runSeconds * 1000 : Infinity;

  while (!options.signal?.aborted && Date.now() < until) {
    try {
      // 1. Fill free slots from the queue.
      const free = options.capacity - running.size;
      if (free > 0) {
        const { streams } = await post<{ streams: { stream_id: string; version: number; data: { type: string } }[] }>(
          `${options.apiUrl}/1/streams/processing/queue`,
          { filters: {}, limit: free },
        );
        const takenAt = Date.now(); // the service committed the take before its answer left
        for (const s of streams) {
          running.set(s.stream_id, { version: s.version, type: s.data.type, startedAt: Date.now() });
          report.taken++;
          options.onEvent?.({ kind: 'taken', agent: name, stream_id: s.stream_id, version: s.version, at: takenAt });
          log(`${name}: took ${s.stream_id} (${s.data.type}, version ${s.version})`);
        }
      }

      // 2. Report on every running stream at once.
      if (running.size > 0) {
        const items = [...running].map(([stream_id, r]) => {
          const elapsed = (Date.now() - r.startedAt) / 1000;
          if (Math.random() < options.failureRate) {
            return { stream_id, status: 'failure', version: r.version, error: 'simulated decoder failure' };
          }
          const status = r.type === 'videofile' && elapsed >= options.finishAfterSeconds ? 'done' : 'in_progress';
          const progress = r.type === 'videofile' ? Math.min(1, elapsed / options.finishAfterSeconds) : undefined;
          return {
            stream_id,
            status,
            version: r.version,
            video_info: { fps: 25, frame_width: 1920, frame_height: 1080, progress },
          };
        });
        const sentAt = Date.now();
        const { streams: answers } = await post<{ streams: Record<string, Answer> }>(
          `${feedbackUrl}/1/streams/feedback`,
          { streams: items },
        );

        // 3. Obey the answers.
        for (const item of items) {
          const answer = answers[item.stream_id];
          const mine = running.get(item.stream_id)!;
          if (answer) {
            options.onEvent?.({
              kind: 'answer',
              agent: name,
              stream_id: item.stream_id,
              version: mine.version,
              sentAt,
              answer,
            });
          }
          if (item.status === 'done' || item.status === 'failure') {
            running.delete(item.stream_id);
            if (item.status === 'done') report.done++;
            else report.failed++;
            log(`${name}: ${item.stream_id} ${item.status}`);
          } else if (!answer || answer.status !== 'in_progress' || answer.version !== mine.version) {
            running.delete(item.stream_id);
            report.stopped++;
            log(`${name}: stopping ${item.stream_id}: service holds ${answer?.status} version ${answer?.version}`);
          }
        }
      }
    } catch (error) {
      // The service may be restarting: keep the streams and try again next period.
      log(`${name}: ${(error as Error).message}`);
    }
    await sleep(options.feedbackPeriodMs, options.signal);
  }
  return report;
}
