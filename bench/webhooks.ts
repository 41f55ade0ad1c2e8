import { seedAccount } from '../test/support/seed';
import { Receivers } from '../test/support/webhook-receiver';
import { eventually } from '../test/support/wait';
import { freshDatabase, limitFigure, peakRssMb, report, seedStreams, startService } from './support';

// Webhooks: 200 webhooks of one account, every receiver answering after 50 ms, an API
// and a worker as compiled processes with the shipped settings. Two phases:
// - steady: status changes at a rate whose messages the receivers keep up with
//   (CHANGES_PER_SECOND × 200 messages/s); figure: delay from a row's log_time to its
//   arrival at a receiver (p50, p95; target p95 ≤ 2 s);
// - burst: BURST changes at once (BURST × 200 messages); figure: messages delivered per
//   second until the last one arrived.
// And the worker's peak RSS.

const WEBHOOKS = 200;
const ANSWER_MS = 50;
const CHANGES_PER_SECOND = Number(process.env.BENCH_WEBHOOK_RATE ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BURST = Number(process.env.BENCH_WEBHOOK_BURST ?? 50);
const ENV = { WEBHOOK_DENY_NETWORKS: 'none' };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function patch(base: string, id: string, status: string): Promise<void> {
  const res = await fetch(`${base}/1/streams/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  if (res.status !== 204) throw new Error(`PATCH answered ${res.status}`);
}

async function main(): Promise<void> {
  const db = await freshDatabase();
  const receivers = await Receivers.start();
  try {
    const account = seedAccount(1);
    const ids = await seedStreams(db.url, 400, 'pending');
    const api = await startService('api', db.url, ENV);
    const worker = await startService('worker', db.url, ENV);
    try {
      const paths = Array.from({ length: WEBHOOKS }, (_, i) => `/r${i}`);
      for (const path of paths) {
        receivers.answer(path, (_m, res) => setTimeout(() => res.writeHead(204).end(), ANSWER_MS));
        const res = await fetch(`${api.url}/1/webhooks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ account_id: account, url: receivers.url(path), statuses: ['pause', 'pending'] }),
        });
        if (res.status !== 201) throw new Error(`create webhook answered ${res.status}`);
      }
      const received = () => paths.reduce((n, p) => n + receivers.messages(p).length, 0);

      // Steady: every change pauses a fresh stream, once per 1/CHANGES_PER_SECOND s.
      const steadyChanges = CHANGES_PER_SECOND * SECONDS;
      const steadyStarted = Date.now();
      for (let i = 0; i < steadyChanges; i++) {
        const due = steadyStarted + (i * 1000) / CHANGES_PER_SECOND;
        await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
        await patch(api.url, ids[i]!, 'pause');
      }
      await eventually(() => received() >= steadyChanges * WEBHOOKS, 120_000, 'steady messages', 100);
      const delays = paths
        .flatMap((p) => receivers.messages(p).map((m) => m.at - Date.parse(m.data.log_time)))
        .sort((a, b) => a - b);
      const steadyCount = received();

      // Burst: BURST changes as fast as the API takes them.
      const burstStarted = Date.now();
      await Promise.all(ids.slice(steadyChanges, steadyChanges + BURST).map((id) => patch(api.url, id, 'pause')));
      await eventually(() => received() >= steadyCount + BURST * WEBHOOKS, 300_000, 'burst messages', 100);
      const burstSeconds = (Date.now() - burstStarted) / 1000;
      const rss = peakRssMb(worker.child.pid!);

      report(
        'webhooks',
        [
          limitFigure(
            `webhook delay p50, ${CHANGES_PER_SECOND * WEBHOOKS} messages/s`,
            percentile(delays, 50),
            2000,
            'ms',
            0,
          ),
          limitFigure(
            `webhook delay p95, ${CHANGES_PER_SECOND * WEBHOOKS} messages/s`,
            percentile(delays, 95),
            2000,
            'ms',
            0,
          ),
          {
            figure: `webhook messages delivered per second (burst of ${BURST * WEBHOOKS}, receivers answer in ${ANSWER_MS} ms)`,
            service: ((BURST * WEBHOOKS) / burstSeconds).toFixed(0),
            baseline: '-',
            ratio: '-',
            target: '-',
            met: '-',
          },
          limitFigure('worker peak RSS (webhooks)', rss, 250, 'MB', 0),
        ],
        { webhooks: WEBHOOKS, answerMs: ANSWER_MS, steadyChanges, burst: BURST, burstSeconds, received: received() },
      );
    } finally {
      await worker.stop();
      await api.stop();
    }
  } finally {
    await receivers.stop();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
