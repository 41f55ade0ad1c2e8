import { setMaxListeners } from 'node:events';
import { runAgent, type AgentEvent, type AgentReport } from '../../examples/agent/agent';
import { ACCOUNT_A, ACCOUNT_B, streamBody } from './api';

// The reference agent fleet for the chaos runs (test/reliability): streams created over
// HTTP, a fleet of agents taking and reporting until stopped, and the events they saw,
// for the end checks in fleet-checks.ts.

/** Every chaos stream autorestarts after 1 s, up to 50 times. */
export const CHAOS_AUTORESTART = { restart: 1, attempt_count: 50, delay: 1 };

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Creates `count` streams through the API, 20 requests at a time: half videofiles (they finish), half cameras. */
export async function createChaosStreams(apiUrl: string, count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(20, count) }, async () => {
      while (next < count) {
        const i = next++;
        const res = await post(
          `${apiUrl}/1/streams`,
          streamBody({
            account_id: i % 2 ? ACCOUNT_A : ACCOUNT_B,
            name: `chaos-${i}`,
            data:
              i % 2
                ? { type: 'videofile', reference: `/data/video/${i}.mp4` }
                : { type: 'tcp', reference: `rtsp://10.0.${i % 250}.1:554/live` },
            autorestart: CHAOS_AUTORESTART,
          }),
        );
        if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
      }
    }),
  );
}

export interface FleetOptions {
  apiUrl: string;
  /** Agent n reports to feedbackUrls[n % length] (workers or the API). */
  feedbackUrls: string[];
  agents: number;
  capacity: number;
  feedbackPeriodMs: number;
  finishAfterSeconds: number;
  failureRate: number;
}

export interface FleetTotals {
  taken: number;
  done: number;
  failed: number;
  events: AgentEvent[];
}

/** Starts the fleet; `stop` aborts every agent and resolves with their totals and events. */
export function startFleet(options: FleetOptions): { events: AgentEvent[]; stop(): Promise<FleetTotals> } {
  const events: AgentEvent[] = [];
  const controller = new AbortController();
  setMaxListeners(options.agents, controller.signal); // every agent waits on it
  const fleet: Promise<AgentReport>[] = Array.from({ length: options.agents }, (_, n) =>
    runAgent({
      name: `agent-${n}`,
      apiUrl: options.apiUrl,
      feedbackUrl: options.feedbackUrls[n % options.feedbackUrls.length],
      capacity: options.capacity,
      feedbackPeriodMs: options.feedbackPeriodMs,
      finishAfterSeconds: options.finishAfterSeconds,
      failureRate: options.failureRate,
      runSeconds: 0,
      log: () => undefined,
      onEvent: (e) => events.push(e),
      signal: controller.signal,
    }),
  );
  return {
    events,
    async stop() {
      controller.abort();
      const reports = await Promise.all(fleet);
      const sum = (key: 'taken' | 'done' | 'failed') => reports.reduce((n, r) => n + r[key], 0);
      return { taken: sum('taken'), done: sum('done'), failed: sum('failed'), events };
    },
  };
}

/**
 * A stream was taken from an agent still current when that agent's keep-alive, sent after
 * another agent's take of the stream had been answered, was accepted (in_progress with its
 * version) while its own latest take came before that other take.
 */
export function takenFromCurrentAgent(events: AgentEvent[]): string[] {
  const byStream = new Map<string, AgentEvent[]>();
  for (const e of events) byStream.set(e.stream_id, [...(byStream.get(e.stream_id) ?? []), e]);
  const problems: string[] = [];
  for (const [stream, list] of byStream) {
    const takes = list.filter((e): e is Extract<AgentEvent, { kind: 'taken' }> => e.kind === 'taken');
    for (const e of list) {
      if (e.kind !== 'answer' || e.answer.status !== 'in_progress' || e.answer.version !== e.version) continue;
      // An agent reports only after its take's answer arrived: in the same millisecond counts.
      const own = takes.filter((t) => t.agent === e.agent && t.at <= e.sentAt).at(-1);
      if (!own) continue;
      const other = takes.find((t) => t.agent !== e.agent && t.at > own.at && t.at < e.sentAt);
      if (other) problems.push(`${stream}: ${other.agent} took it while ${e.agent} stayed current`);
    }
  }
  return problems;
}
