/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createStream, listen, startTestApi, type TestApi } from '../../../test/support/api';

// The documentation page and the queue dashboard in a real browser: Debian's Chromium,
// driven by playwright-core. .ci/run installs Chromium; elsewhere the test is skipped
// with a note when it is missing.

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run should have installed it`);
const maybe = available ? describe : describe.skip;
if (!available) process.stderr.write(`browser tests skipped: ${CHROMIUM} is not installed\n`);

maybe('in Chromium', () => {
  let api: TestApi;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  beforeAll(async () => {
    api = await startTestApi();
    server = await listen(api);
    await createStream(api, { name: 'entrance' });
    await api.deps.mirror.drainNow();
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await api?.close();
  });

  it('renders the API reference with every endpoint', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const loaded: string[] = [];
    page.on('response', (r) => loaded.push(r.url()));
    await page.goto(`${server.url}/docs/spec`);
    await page.waitForFunction(() => document.body.innerText.includes('create stream'), undefined, { timeout: 30_000 });
    await page.waitForTimeout(500);
    const text = await page.textContent('body');
    // Nothing is loaded from outside this service (the page's policy blocks Redoc's remote logo).
    expect(
      loaded.filter((url) => !url.startsWith(server.url) && !url.startsWith('blob:') && !url.startsWith('data:')),
    ).toEqual([]);
    for (const summary of [
      'get streams',
      'get some streams from the queue',
      'post feedback on streams',
      'create group',
      'get streams logs',
    ]) {
      expect(text).toContain(summary);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'docs-page.png') });
    await page.close();
  });

  it('shows streams-pending on the queue dashboard', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/admin/queues`);
    await page.waitForSelector('text=streams-pending', { timeout: 30_000 });
    await page.click('text=streams-pending');
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => !document.body.innerText.includes('Loading'), undefined, { timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'queue-dashboard.png') });
    await page.close();
  });
});
