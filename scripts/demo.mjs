// `npm run demo`: the whole loop in one command. Starts the service on the embedded
// defaults (or the URLs given), creates a few streams with the typed client, runs the
// reference agent (built on the agent kit) on them for a while, then prints the statuses
// and logs it produced, and stops everything.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.PORT ?? '5160';
const api = `http://127.0.0.1:${port}`;
const account = '0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40';
const log = (line) => process.stdout.write(`${line}\n`);

// The service writes to this terminal itself, so its apps see one and log readable lines.
const service = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
  cwd: root,
  env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const workerUrl = `http://127.0.0.1:${process.env.WORKER_PORT ?? '5161'}`;
const healthy = (url) =>
  fetch(`${url}/healthcheck`).then(
    (res) => res.ok,
    () => false,
  );
const stopped = new Promise((resolve) => service.once('exit', resolve));
const stop = async () => {
  service.kill('SIGTERM');
  await stopped;
};

try {
  const up = async () => {
    if (service.exitCode !== null) throw new Error('the service did not start (its line above says why)');
    return (await healthy(api)) && (await healthy(workerUrl));
  };
  await eventually(up, 180_000, 'the service', 200);
  // The typed client of packages/client, built by start.mjs above (so imported only now).
  const { createLunaClient } = await import('@luna-streams/client');
  const luna = createLunaClient({ baseUrl: api });
  const handler = { origin: 'http://127.0.0.1:5000', bestshot_handler: { handler_id: account } };
  const ids = [];
  for (const [name, type] of [
    ['door.mp4', 'videofile'],
    ['lobby.mp4', 'videofile'],
    ['parking', 'tcp'],
  ]) {
    const { stream_id } = await luna.POST('/1/streams', {
      body: { account_id: account, name, data: { type, reference: `demo://${name}` }, event_handler: handler },
    });
    ids.push(stream_id);
    log(`demo: created ${name} (${type}) ${stream_id}`);
  }
  const agent = new Promise((resolve) => {
    const env = {
      ...process.env,
      LUNA_STREAMS_URL: api,
      AGENT_CAPACITY: '3',
      AGENT_FEEDBACK_PERIOD_MS: '500',
      AGENT_FINISH_AFTER_SECONDS: '2',
      AGENT_RUN_SECONDS: '5',
      AGENT_GRACE_MS: '500',
    };
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(root, 'examples', 'agent', 'main.ts')], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    child.once('exit', resolve);
  });
  await agent;
  // The agent handed the camera back when it stopped; pause it, as a user would.
  await luna.PATCH('/1/streams/{stream_id}', { params: { path: { stream_id: ids[2] } }, body: { status: 'pause' } });
  log('\ndemo: statuses');
  for (const stream_id of ids) {
    const s = await luna.GET('/1/streams/{stream_id}', { params: { path: { stream_id } } });
    log(`  ${s.name.padEnd(10)} ${s.status.padEnd(12)} version ${s.version}`);
  }
  log('\ndemo: logs');
  const { logs } = await luna.GET('/1/streams/logs', {
    params: { query: { page_size: 100, targets: ['stream_id', 'status', 'version', 'log_time'] } },
  });
  for (const l of logs) log(`  ${l.log_time}  ${l.stream_id.slice(0, 8)}  ${l.status}/${l.version}`);
} catch (error) {
  process.stderr.write(`demo failed: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  await stop();
}
