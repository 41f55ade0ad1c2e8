/// <reference lib="dom" />
import pg from 'pg';
import type { Page } from 'playwright-core';
import { chromiumAvailable, launchBrowser } from '../test/support/browser';
import { seedAccount, seedStreams } from '../test/support/seed';
import { freshDatabase, limitFigure, report, startService, type Figure } from './support';

// The console with 1,000,000 streams: the streams view's first page, from navigation to
// the rows painted (p95 ≤ 500 ms), and, with 200 status events a second arriving through
// the feed, the longest gap between two frames the page draws (≤ 100 ms), measured in the
// browser with requestAnimationFrame. Needs the console's build (npm run bench builds).

const STREAMS = Number(process.env.BENCH_CONSOLE_STREAMS ?? 1_000_000);
const LOADS = 30;
const EVENTS_PER_S = 200;
const LOAD_SECONDS = 10;
const ACCOUNT = seedAccount(7);

async function seed(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('ALTER TABLE streams DISABLE TRIGGER USER');
  await seedStreams(client, STREAMS, {
    accounts: 97,
    names: 10_000,
    status: ['pending', 'pause', 'done', 'failure'],
    returnIds: false,
  });
  await client.query('ALTER TABLE streams ENABLE TRIGGER USER');
  await client.query('VACUUM ANALYZE');
  // Streams that PATCH can move back and forth (pause <-> pending), the first page's among them.
  const { rows } = await client.query<{ stream_id: string }>(
    `SELECT stream_id::text FROM streams WHERE status = 'pause' ORDER BY create_time, seq LIMIT 400`,
  );
  await client.end();
  return rows.map((r) => r.stream_id);
}

/** Milliseconds from navigation start to the rows painted (the app's `luna:rows-drawn` mark). */
async function firstPage(page: Page, url: string): Promise<number> {
  await page.goto(url);
  const mark = await page.waitForFunction(
    () => performance.getEntriesByName('luna:rows-drawn')[0]?.startTime,
    undefined,
    {
      polling: 5,
    },
  );
  return (await mark.jsonValue()) as number;
}

// Plain strings: the bench runs under tsx, whose helper names would not exist in the page.
const WATCH_FRAMES = `(() => {
  window.gaps = []; window.rowChanges = 0; window.stopFrames = false;
  new MutationObserver((list) => { window.rowChanges += list.length; })
    .observe(document.querySelector('tbody'), { subtree: true, characterData: true, childList: true, attributes: true });
  let last = performance.now();
  requestAnimationFrame(function frame(now) {
    window.gaps.push(now - last); last = now;
    if (!window.stopFrames) requestAnimationFrame(frame);
  });
})()`;
const READ_FRAMES = `(() => { window.stopFrames = true; return { gaps: window.gaps, rowChanges: window.rowChanges }; })()`;

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!;
}

/** PATCHes `ids` between pause and pending at `perSecond` for `seconds`; each PATCH logs one row. */
async function statusLoad(base: string, ids: string[], perSecond: number, seconds: number): Promise<number> {
  const paused = new Set(ids);
  const started = Date.now();
  let sent = 0;
  const total = perSecond * seconds;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (sent < total) {
        const j = sent++;
        const due = started + (j * 1000) / perSecond;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        const id = ids[j % ids.length]!;
        const status = paused.has(id) ? 'pending' : 'pause';
        if (status === 'pending') paused.delete(id);
        else paused.add(id);
        await fetch(`${base}/1/streams/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ status }),
        });
      }
    }),
  );
  return (total / (Date.now() - started)) * 1000;
}

async function frameGaps(page: Page, run: () => Promise<number>) {
  await page.evaluate(WATCH_FRAMES);
  const rate = await run();
  return { rate, ...((await page.evaluate(READ_FRAMES)) as { gaps: number[]; rowChanges: number }) };
}

async function main(): Promise<void> {
  if (!chromiumAvailable()) throw new Error('/usr/bin/chromium is missing (apt-get install chromium)');
  const db = await freshDatabase();
  try {
    const started = Date.now();
    const movable = await seed(db.url);
    process.stdout.write(`seeded ${STREAMS} streams in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    const app = await startService('api', db.url, { MIRROR_DRAIN_INTERVAL_MS: '60000' });
    const browser = await launchBrowser();
    const figures: Figure[] = [];
    const details: Record<string, unknown> = { streams: STREAMS };
    try {
      const page = await browser.context.newPage();
      for (const [name, path] of [
        ['every account', '/console/streams'],
        ['one account', `/console/streams?account_id=${ACCOUNT}`],
      ] as const) {
        const samples: number[] = [];
        for (let i = 0; i < LOADS + 3; i++) {
          const ms = await firstPage(page, `${app.url}${path}`);
          if (i >= 3) samples.push(ms);
        }
        figures.push(
          limitFigure(`1M streams: streams view, ${name}, navigation to rows p95`, p95(samples), 500, 'ms', 0),
        );
        details[name] = samples;
      }
      await firstPage(page, `${app.url}/console/streams`);
      await page.locator('[data-feed="live"]').waitFor();
      const load = await frameGaps(page, () => statusLoad(app.url, movable, EVENTS_PER_S, LOAD_SECONDS));
      const worst = Math.max(...load.gaps);
      figures.push(
        limitFigure(`streams view, ${EVENTS_PER_S} events/s: longest gap between frames`, worst, 100, 'ms', 0),
      );
      figures.push(limitFigure('streams view under that load: frame gap p95', p95(load.gaps), 100, 'ms', 0));
      details.load = { eventsPerSecondSent: load.rate, frames: load.gaps.length, rowChanges: load.rowChanges };
      process.stdout.write(
        `status changes sent: ${load.rate.toFixed(0)}/s; frames: ${load.gaps.length}; table mutations: ${load.rowChanges}\n`,
      );
    } finally {
      await browser.close();
      await app.stop();
    }
    report('console', figures, details);
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
