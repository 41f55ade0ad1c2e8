import { EventEmitter } from 'node:events';
import { createLunaClient, type LunaClient } from '../client.js';
import { LunaError } from '../errors.js';

/** The service's error codes a hand-back can meet (docs/spec, section 9). */
const STREAM_NOT_FOUND = 39001;
const STREAM_VERSION_CHANGED = 39015;
import { feedbackInterval, verdict } from './verdict.js';
import { Waiter } from './waiter.js';
import { startStream, type Running } from './running.js';
import {
  type Agent,
  type AgentEvent,
  type AgentOptions,
  type AgentStop,
  type AgentSummary,
  type FeedbackItem,
  type ServiceHolds,
  type Stream,
} from './types.js';

// The agent loop of docs/dev/queue-and-agents.md as a kit: take up to capacity, keep every
// running stream alive in one feedback request per interval, obey the answers (fencing),
// report results, and on stop let work finish for a grace period, then hand the rest back.

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createAgent(options: AgentOptions): Agent {
  return new AgentLoop(options);
}

class AgentLoop extends EventEmitter implements Agent {
  private readonly name: string;
  private readonly api: LunaClient;
  private readonly feedbackApi: LunaClient;
  private readonly intervalMs: number;
  private readonly takeIntervalMs: number;
  private readonly streams = new Map<string, Running>();
  private readonly summary: AgentSummary = { taken: 0, done: 0, failed: 0, lost: 0, handedBack: 0 };
  private stopping = false;
  /** Feedback goes out at once when a result is ready; a take when a slot is freed. */
  private readonly feedbackWaiter = new Waiter();
  private readonly takeWaiter = new Waiter();
  private finished?: Promise<AgentSummary>;

  constructor(private readonly options: AgentOptions) {
    super();
    this.name = options.name ?? 'agent';
    const base = { fetch: options.fetch };
    this.api = createLunaClient({ ...base, baseUrl: options.baseUrl });
    this.feedbackApi = createLunaClient({ ...base, baseUrl: options.feedbackUrl ?? options.baseUrl });
    this.intervalMs = feedbackInterval(options.handlerPeriodMs ?? 20_000, options.feedbackIntervalMs);
    this.takeIntervalMs = options.takeIntervalMs ?? this.intervalMs;
  }

  running() {
    return [...this.streams.values()].map((r) => ({ stream_id: r.stream.stream_id, version: r.version }));
  }

  start(): Promise<AgentSummary> {
    this.finished ??= this.run();
    return this.finished;
  }

  stop(): Promise<AgentSummary> {
    this.stopping = true;
    this.feedbackWaiter.wake();
    this.takeWaiter.wake();
    return this.start();
  }

  private emitEvent(event: AgentEvent) {
    this.emit('event', event);
  }

  private async run(): Promise<AgentSummary> {
    const onSignal = () => void this.stop();
    const signals = this.options.stopSignals ?? ['SIGTERM', 'SIGINT'];
    for (const signal of signals) process.on(signal, onSignal);
    try {
      await Promise.all([this.takeLoop(), this.feedbackLoop()]);
      await this.handBack();
    } finally {
      for (const signal of signals) process.off(signal, onSignal);
    }
    this.emitEvent({ type: 'stopped', agent: this.name, summary: { ...this.summary } });
    return { ...this.summary };
  }

  private async takeLoop() {
    while (!this.stopping) {
      const free = this.options.capacity - this.streams.size;
      if (free > 0) await this.take(free);
      if (!this.stopping) await this.takeWaiter.sleep(this.takeIntervalMs);
    }
  }

  private async take(limit: number) {
    try {
      const { streams } = await this.api.POST('/1/streams/processing/queue', {
        body: { filters: this.options.filters ?? {}, limit },
      });
      const at = Date.now(); // the service committed the take before its answer left
      for (const stream of streams) this.begin(stream, at);
    } catch (error) {
      this.emitEvent({ type: 'request_failed', agent: this.name, request: 'take', error: message(error) });
    }
  }

  private begin(stream: Stream, at: number) {
    // Taken again (replaced by PUT, or re-queued) before a keep-alive told us: the older run is not ours.
    const older = this.streams.get(stream.stream_id);
    if (older) this.drop(older, 'in_progress', { status: 'in_progress', version: stream.version });
    const running = startStream(stream, this.options.handle, () => this.feedbackWaiter.wake());
    this.streams.set(stream.stream_id, running);
    this.summary.taken++;
    this.emitEvent({ type: 'taken', agent: this.name, stream_id: stream.stream_id, version: stream.version, at });
  }

  private async feedbackLoop() {
    while (!this.stopping) {
      await this.sendFeedback();
      if (!this.stopping) await this.feedbackWaiter.sleep(this.intervalMs);
    }
  }

  /** One request for every stream: results of the settled ones, keep-alives of the rest. */
  private async sendFeedback(): Promise<boolean> {
    const mine = [...this.streams.values()].filter((r) => !r.controller.signal.aborted);
    if (mine.length === 0) return true;
    const items: FeedbackItem[] = mine.map((r) => ({
      stream_id: r.stream.stream_id,
      status: r.outcome?.status ?? 'in_progress',
      version: r.version,
      ...(r.outcome?.error === undefined ? {} : { error: r.outcome.error }),
      ...(r.videoInfo === undefined ? {} : { video_info: r.videoInfo }),
    }));
    const sentAt = Date.now();
    let answers: Record<string, ServiceHolds>;
    try {
      answers = (await this.feedbackApi.POST('/1/streams/feedback', { body: { streams: items } })).streams;
    } catch (error) {
      // Keep every stream: the next interval tries again, and its answer tells what still holds.
      this.emitEvent({ type: 'request_failed', agent: this.name, request: 'feedback', error: message(error) });
      return false;
    }
    mine.forEach((running, i) => this.obey(running, items[i]!, answers[running.stream.stream_id], sentAt));
    return true;
  }

  private obey(running: Running, sent: FeedbackItem, answer: ServiceHolds | undefined, sentAt: number) {
    const { stream_id } = running.stream;
    const base = { agent: this.name, stream_id, version: running.version };
    if (answer) this.emitEvent({ type: 'answer', ...base, sentAt, answer });
    // Dropped while the request was under way (taken again at a higher version): already settled.
    if (this.streams.get(stream_id) !== running) return;
    const outcome = verdict(sent, answer);
    if (outcome === 'keep') return;
    this.takeWaiter.wake();
    if (outcome === 'finished') this.streams.delete(stream_id);
    if (outcome === 'finished' && sent.status === 'done') {
      this.summary.done++;
      this.emitEvent({ type: 'done', ...base });
    } else if (outcome === 'finished') {
      this.summary.failed++;
      this.emitEvent({ type: 'failed', ...base, error: sent.error ?? '' });
    } else {
      this.drop(running, sent.status, answer ?? { status: 'not_found', version: null });
    }
  }

  /** A stream that is no longer this agent's: its handler is aborted and nothing more is reported. */
  private drop(running: Running, reported: FeedbackItem['status'], holds: ServiceHolds) {
    const { stream_id } = running.stream;
    if (this.streams.get(stream_id) === running) this.streams.delete(stream_id);
    this.summary.lost++;
    running.controller.abort({ reason: 'lost', holds } satisfies AgentStop);
    this.emitEvent({ type: 'lost', agent: this.name, stream_id, version: running.version, reported, holds });
  }

  /**
   * After stop: running work gets the grace period to finish (keep-alives go on meanwhile), the
   * results are reported, and every stream still this agent's is put back to pending at once, so
   * another agent takes it now rather than after handler_lost.
   */
  private async handBack() {
    this.emitEvent({ type: 'stopping', agent: this.name, running: this.streams.size });
    const deadline = Date.now() + (this.options.graceMs ?? 5000);
    for (;;) {
      const unsettled = [...this.streams.values()].filter((r) => !r.outcome).map((r) => r.settled);
      const left = deadline - Date.now();
      if (unsettled.length === 0 || left <= 0) break;
      // Until a handler settles (its result goes out at once) or the next keep-alive is due.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise((resolve) => (timer = setTimeout(resolve, Math.min(left, this.intervalMs))));
      await Promise.race([...unsettled, tick]);
      clearTimeout(timer);
      await this.sendFeedback();
    }
    // Results and keep-alives once more: the answers say which streams are still ours.
    await this.sendFeedback();
    const rest = [...this.streams.values()].filter((r) => !r.outcome);
    for (const running of rest) running.controller.abort({ reason: 'stopping' } satisfies AgentStop);
    await Promise.all(rest.map((running) => this.giveBack(running)));
  }

  private async giveBack(running: Running) {
    const { stream_id } = running.stream;
    try {
      // Only the take this agent holds: once another agent has taken the stream (after
      // handler_lost), its version is higher and the service answers 409 39015, changing nothing.
      await this.api.PATCH('/1/streams/{stream_id}', {
        params: { path: { stream_id }, query: { version: running.version } },
        body: { status: 'pending' },
      });
      this.streams.delete(stream_id);
      this.summary.handedBack++;
      this.emitEvent({ type: 'handed_back', agent: this.name, stream_id, version: running.version });
    } catch (error) {
      const code = error instanceof LunaError ? error.error_code : undefined;
      // No longer this agent's: deleted, or at another version (taken away, maybe taken by another agent).
      if (code === STREAM_NOT_FOUND || code === STREAM_VERSION_CHANGED) {
        const status = code === STREAM_NOT_FOUND ? 'not_found' : 'changed';
        this.drop(running, 'in_progress', { status, version: null });
        return;
      }
      // Not handed back: the service takes it back after the handler period (handler_lost).
      this.emitEvent({ type: 'request_failed', agent: this.name, request: 'hand_back', error: message(error) });
    }
  }
}
