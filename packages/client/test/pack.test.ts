import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, startTestApi, type TestApi } from '../../../test/support/api';

// `npm pack` of @luna-streams/client, installed into an empty folder as a stranger would:
// the ES module imports and works against a running API, and its declarations type-check a
// consumer's TypeScript (nodenext). Nothing of the repository is on the consumer's path.

const ROOT = join(__dirname, '..', '..', '..');
let api: TestApi;
let server: { url: string; close(): Promise<void> };
let folder: string;

beforeAll(async () => {
  api = await startTestApi();
  server = await listen(api);
  folder = mkdtempSync(join(tmpdir(), 'luna-client-pack-'));
});
afterAll(async () => {
  await server?.close();
  await api?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

it('packs into a tarball that installs and works in an empty folder', async () => {
  // The build of `npm run build` (CI builds before it tests); prepack would build it again.
  const packed = JSON.parse(
    run(
      'npm',
      ['pack', '-w', '@luna-streams/client', '--ignore-scripts', '--json', '--pack-destination', folder],
      ROOT,
    ),
  ) as {
    filename: string;
    files: { path: string }[];
  }[];
  const files = packed[0]!.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts']));
  expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);

  const app = join(folder, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(folder, packed[0]!.filename)], app);

  writeFileSync(
    join(app, 'check.mjs'),
    `import { createLunaClient, createAgent, LunaError } from '@luna-streams/client';
const baseUrl = process.argv[2];
const luna = createLunaClient({ baseUrl });
const body = { account_id: '557d54ec-29ad-4f3c-93b4-c9092ef12515', data: { type: 'videofile', reference: '/v.mp4' },
  event_handler: { origin: 'http://127.0.0.1:5000', bestshot_handler: { handler_id: '557d54ec-29ad-4f3c-93b4-c9092ef12515' } } };
const { stream_id } = await luna.POST('/1/streams', { body });
const agent = createAgent({ baseUrl, capacity: 1, filters: { stream_ids: [stream_id] }, stopSignals: [],
  handle: async () => ({ videoInfo: { frames: 250 } }) });
agent.start();
while ((await luna.GET('/1/streams/{stream_id}', { params: { path: { stream_id } } })).status !== 'done') await new Promise((r) => setTimeout(r, 50));
const summary = await agent.stop();
const error = await luna.GET('/1/groups/{group_id}', { params: { path: { group_id: stream_id } } }).catch((e) => e);
console.log(JSON.stringify({ summary, isLunaError: error instanceof LunaError, code: error.error_code }));
`,
  );
  // Not execFileSync: the API answering it runs in this process, whose event loop must stay free.
  const { stdout } = await promisify(execFile)(process.execPath, ['check.mjs', server.url], {
    cwd: app,
    timeout: 60_000,
  });
  const out = JSON.parse(stdout) as Record<string, unknown>;
  expect(out).toEqual({ summary: expect.objectContaining({ taken: 1, done: 1 }), isLunaError: true, code: 39008 });

  writeFileSync(
    join(app, 'check.ts'),
    `import { createLunaClient, type Stream } from '@luna-streams/client';
const luna = createLunaClient({ baseUrl: 'http://127.0.0.1:5160' });
export async function names(): Promise<string[]> {
  const { streams } = await luna.GET('/1/streams', { params: { query: { page_size: 100 } } });
  return streams.map((s: Stream) => s.name);
}
`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
      },
    }),
  );
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
}, 120_000);
