/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { screenshot, seriousViolations } from '../../../test/support/browser';
import { seedStreams } from '../../../test/support/seed';
import { eventually } from '../../../test/support/wait';
import {
  consoleTestsRun,
  createStream as createVia,
  startAgent,
  startConsoleServices,
  type ConsoleServices,
} from './console-services';

// The console end to end: Debian's Chromium against the API and the worker as real processes,
// PostgreSQL and Redis (console-services.ts); the reference agent moves streams. Each view is
// checked with axe-core and saved as a screenshot in test-artifacts/.

const maybe = consoleTestsRun() ? describe : describe.skip;
const ACCOUNT = randomUUID();
const BIG_ACCOUNT = randomUUID();
let services: ConsoleServices;
let api: ConsoleServices['api'];
let page: Page;

const createStream = (overrides: Record<string, unknown>) => createVia(api.url, { account_id: ACCOUNT, ...overrides });
const agent = (failureRate: number, finishAfterSeconds: number) => startAgent(api.url, failureRate, finishAfterSeconds);

const pageOf = (text: string) => page.getByTestId('page-of').filter({ hasText: text }).waitFor();
const row = (id: string) => page.locator(`tr[data-stream-id="${id}"]`);
const rowStatus = (id: string) => row(id).locator('td.status-cell [data-status]');

async function check(name: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, `console-${name}`);
}

async function select(ids: string[]): Promise<void> {
  for (const id of ids) await row(id).getByRole('checkbox').check();
}

maybe('the console in Chromium', () => {
  beforeAll(async () => {
    services = await startConsoleServices();
    api = services.api;
    page = await services.browser.context.newPage();
  }, 60_000);

  afterAll(() => services?.close());

  it('shows a new account as empty, and says what to do; loads nothing from elsewhere, < 300 KB of gzipped JS', async () => {
    const loaded: { url: string; body: Promise<Buffer> }[] = [];
    page.on('response', (r) => loaded.push({ url: r.url(), body: r.body().catch(() => Buffer.alloc(0)) }));
    await page.goto(`${api.url}/console/streams?account_id=${ACCOUNT}`);
    await page.getByText(`No streams match for account ${ACCOUNT}`).waitFor();
    await page.locator('[data-feed="live"]').waitFor();
    page.removeAllListeners('response');
    expect(loaded.filter((r) => !r.url.startsWith(api.url))).toEqual([]);
    const scripts = loaded.filter((r) => r.url.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = (await Promise.all(scripts.map(async (r) => gzipSync(await r.body).length))).reduce(
      (a, b) => a + b,
    );
    expect(gzipped).toBeLessThan(300 * 1024);
    await check('empty');
  });

  let fileId = '';
  it('creates a stream through the form, an API error shown at its field first', async () => {
    await page.getByRole('link', { name: 'Create a stream' }).click();
    await page.getByLabel('Name', { exact: true }).fill('entrance-file');
    await page.getByLabel('Source type').selectOption('videofile');
    await page.getByLabel('Source reference').fill('/data/entrance.mp4');
    await page.getByLabel('Event handler origin').fill('ftp://not-http');
    await page.getByLabel('Best shot handler id').fill(randomUUID());
    await page.getByRole('button', { name: 'Create' }).click();
    const originError = page.locator('[data-field="event_handler.origin"] .field-error');
    await expect(originError.textContent()).resolves.toContain('12022');
    await check('create-error');
    await page.getByLabel('Event handler origin').fill('http://127.0.0.1:5000');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/console\/streams\/[0-9a-f-]{36}$/);
    fileId = page.url().split('/').at(-1)!;
    await page.locator('#detail-title [data-status="pending"]').waitFor();
    await check('detail');
  });

  it('shows the row become in_progress, then done, as the agent runs it, without a reload', async () => {
    await page.goto(`${api.url}/console/streams?account_id=${ACCOUNT}`);
    await rowStatus(fileId).and(page.locator('[data-status="pending"]')).waitFor();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const fleet = agent(0, 1.5);
    await rowStatus(fileId).and(page.locator('[data-status="in_progress"]')).waitFor({ timeout: 20_000 });
    await rowStatus(fileId).and(page.locator('[data-status="done"]')).waitFor({ timeout: 20_000 });
    await fleet.stop();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await page.locator('[data-count-status="done"] .value', { hasText: '1' }).waitFor();
  });

  it('shows failure, restart and pending on the timeline of a stream that autorestarts', async () => {
    const id = await createStream({
      name: 'flaky-file',
      data: { type: 'videofile', reference: '/data/flaky.mp4' },
      autorestart: { restart: 1, attempt_count: 3, delay: 2 },
    });
    await page.goto(`${api.url}/console/streams/${id}`);
    await page.locator('.timeline li[data-status="pending"]').first().waitFor();
    const fleet = agent(1, 0.3);
    await page.locator('.timeline li[data-status="failure"]').waitFor({ timeout: 20_000 });
    await fleet.stop();
    await page.locator('.timeline li[data-status="restart"]').waitFor({ timeout: 20_000 });
    await eventually(
      async () =>
        (
          await page.locator('.timeline li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.status))
        ).join() === 'pending,in_progress,failure,restart,pending',
      10_000,
      'timeline pending, in_progress, failure, restart, pending',
    );
    await expect(page.getByTestId('autorestart').textContent()).resolves.toContain('attempt 1 of 3');
    await check('timeline');
  });

  it('pauses, resumes, cancels and deletes from the table, and shows a refusal next to its row', async () => {
    const [a, b, c] = [
      await createStream({ name: 'cam-a' }),
      await createStream({ name: 'cam-b' }),
      await createStream({ name: 'cam-c' }),
    ];
    await page.goto(`${api.url}/console/streams?account_id=${ACCOUNT}`);
    await select([a!]);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await rowStatus(a!).and(page.locator('[data-status="pause"]')).waitFor();
    await select([a!]);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await rowStatus(a!).and(page.locator('[data-status="pending"]')).waitFor();
    // A done stream cannot be cancelled: 39005 next to its row, the other row cancelled.
    await select([b!, fileId]);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await rowStatus(b!).and(page.locator('[data-status="cancel"]')).waitFor();
    await expect(row(fileId).locator('td.result [data-error-code]').getAttribute('data-error-code')).resolves.toBe(
      '39005',
    );
    await select([c!]);
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await row(c!).locator('.status-deleted').waitFor();
    expect((await fetch(`${api.url}/1/streams/${c}`)).status).toBe(404);
    // The counts follow: entrance done, flaky and cam-a pending, cam-b cancelled (cam-c gone).
    await page.locator('[data-count-status="cancel"] .value', { hasText: /^1$/ }).waitFor();
    await page.locator('[data-count-status="pending"] .value', { hasText: /^2$/ }).waitFor();
    await check('streams-actions');
  });

  it('creates a group and attaches streams to it', async () => {
    await page.goto(`${api.url}/console/groups?account_id=${ACCOUNT}`);
    const create = page.getByRole('form', { name: 'Create a group' });
    await create.getByLabel('Group name').fill('entrance');
    await create.getByLabel('Description').fill('cameras at the gate');
    await create.getByRole('button', { name: 'Create group' }).click();
    await page.locator('tr[data-group="entrance"]').waitFor();
    await check('groups');
    await page.goto(`${api.url}/console/streams?account_id=${ACCOUNT}&names=cam-a,cam-b`);
    await page.locator('tr[data-stream-id]').nth(1).waitFor();
    const ids = await page
      .locator('tr[data-stream-id]')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.streamId!));
    expect(ids).toHaveLength(2);
    await select(ids);
    await page.getByLabel('Group', { exact: true }).selectOption({ label: 'entrance' });
    await page.getByRole('button', { name: 'Attach' }).click();
    for (const id of ids)
      await row(id)
        .locator('td', { hasText: /^entrance$/ })
        .waitFor();
    await page.goto(`${api.url}/console/groups?account_id=${ACCOUNT}`);
    await page.locator('tr[data-group="entrance"] a', { hasText: 'Streams' }).click();
    await page.waitForURL(/group_name=entrance/);
    await page.locator('tr[data-stream-id]').nth(1).waitFor();
    await expect(page.locator('tr[data-stream-id]').count()).resolves.toBe(2);
  });

  it('edits a group description and deletes the group', async () => {
    const groups = async () =>
      ((await (await fetch(`${api.url}/1/groups?account_id=${ACCOUNT}`)).json()) as Record<string, string>[]).filter(
        (g) => g.group_name === 'spare',
      );
    await page.goto(`${api.url}/console/groups?account_id=${ACCOUNT}`);
    const create = page.getByRole('form', { name: 'Create a group' });
    await create.getByLabel('Group name').fill('spare');
    await create.getByRole('button', { name: 'Create group' }).click();
    const spare = page.locator('tr[data-group="spare"]');
    await spare.waitFor();
    await spare.getByRole('button', { name: 'Edit description' }).click();
    await spare.getByLabel('Description of spare').fill('kept for later');
    await spare.getByRole('button', { name: 'Save' }).click();
    await spare.locator('td', { hasText: /^kept for later$/ }).waitFor();
    expect((await groups())[0]?.description).toBe('kept for later');
    await spare.getByRole('button', { name: 'Delete…' }).click();
    await spare.getByRole('button', { name: 'Yes, delete spare' }).click();
    await spare.waitFor({ state: 'detached' });
    expect(await groups()).toEqual([]);
  });

  it('shows the API error of a bad JSON edit at its field, and saves a good one', async () => {
    await page.goto(`${api.url}/console/streams/${fileId}`);
    await page.getByRole('button', { name: 'Edit as JSON' }).click();
    const editor = page.getByLabel('Stream as JSON');
    const body = JSON.parse(await editor.inputValue()) as Record<string, Record<string, unknown>>;
    await editor.fill(JSON.stringify({ ...body, event_handler: { ...body.event_handler, origin: 'nope' } }, null, 2));
    await page.getByRole('button', { name: 'Save (PUT)' }).click();
    await expect(page.locator('[data-error-path]').getAttribute('data-error-path')).resolves.toBe(
      'event_handler.origin',
    );
    await expect(page.locator('.error-note').getAttribute('data-error-code')).resolves.toBe('12022');
    await check('edit-error');
    await editor.fill(JSON.stringify({ ...body, description: 'edited in the console' }, null, 2));
    await page.getByRole('button', { name: 'Save (PUT)' }).click();
    await page.getByText('Saved: the stream is now at version 2.').waitFor();
    await page.getByText('edited in the console').waitFor();
  });

  it('pages and filters 10,000 streams, the view kept in the URL', async () => {
    await seedStreams(services.database.url, 10_000, {
      account: BIG_ACCOUNT,
      status: ['done', 'pause', 'cancel'],
      returnIds: false,
    });
    await page.goto(`${api.url}/console/streams?account_id=${BIG_ACCOUNT}&page_size=100`);
    await pageOf('Page 1 of 100 · 10000 streams');
    await page.locator('tr[data-stream-id]').nth(99).waitFor();
    await expect(page.locator('tr[data-stream-id]').count()).resolves.toBe(100);
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.waitForURL(/page=2/);
    await page.locator('tr[data-stream-id]').first().getByText('cam-101', { exact: true }).waitFor();
    await page.locator('[data-count-status="pause"]').click();
    await pageOf('Page 1 of 34 · 3334 streams');
    await page.reload();
    await pageOf('Page 1 of 34 · 3334 streams');
    await page.locator('tr[data-stream-id]').first().waitFor();
    const statuses = await page
      .locator('tr[data-stream-id] td.status-cell [data-status]')
      .evaluateAll((s) => [...new Set(s.map((e) => (e as HTMLElement).dataset.status))]);
    expect(statuses).toEqual(['pause']);
    // Stream i of the seed is cam-i with the (i % 3)th status: cam-5002 is paused.
    await page.getByLabel('Names').fill('cam-5002');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/names=cam-5002/);
    await pageOf('Page 1 of 1 · 1 stream');
    await page.locator('tr[data-stream-id]', { hasText: 'cam-5002' }).waitFor();
    await eventually(async () => (await page.locator('tr[data-stream-id]').count()) === 1, 10_000, 'one row');
    await check('streams-10k');
    // Without account_id: every account's streams; "/" jumps to the filters from the keyboard.
    await page.goto(`${api.url}/console/streams`);
    await page.getByRole('heading', { name: 'Streams of every account' }).waitFor();
    await pageOf('· 1000');
    await page.locator('body').press('/');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('account_id');
  });

  it('shows the queue, the streams in progress and the rates from the feed', async () => {
    await page.goto(`${api.url}/console/queue`);
    await page.getByTestId('pending').filter({ hasText: /^\d+$/ }).waitFor();
    await page.getByText('(no cap set)').waitFor();
    await page.locator('tbody tr').first().waitFor();
    // The agent takes the 3 pending streams and finishes the 2 files: the rates and counts follow the feed.
    const fleet = agent(0, 0.3);
    await page.locator('[data-rate="takes"]', { hasText: /^3$/ }).waitFor({ timeout: 20_000 });
    await page.locator('[data-rate="done"]', { hasText: /^2$/ }).waitFor({ timeout: 20_000 });
    // Stopped, the agent hands the camera it still runs back to the queue (the agent kit's hand-back).
    await fleet.stop();
    await page.getByTestId('in-progress').filter({ hasText: /^0/ }).waitFor();
    await page.getByTestId('pending').filter({ hasText: /^1$/ }).waitFor();
    await check('queue');
  });

  it('pauses the feed in a hidden tab, and tells when the service is gone and the feed retries', async () => {
    await page.goto(`${api.url}/console/streams?account_id=${ACCOUNT}`);
    await page.locator('[data-feed="live"]').waitFor();
    const showTab = (state: string) =>
      page.evaluate((visibility) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await showTab('hidden');
    await page.locator('[data-feed="paused"]').waitFor();
    await showTab('visible');
    await page.locator('[data-feed="live"]').waitFor();
    await api.stop('SIGKILL');
    await page.locator('[data-feed="retrying"]').waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: 'Queue', exact: true }).click();
    await page.getByText('Service unreachable').waitFor();
  });
});
