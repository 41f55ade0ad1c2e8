// `npm start`: the API and the worker, on the embedded defaults when DATABASE_URL or
// REDIS_URL is unset (outside production; see services.mjs). Builds first (turbo caches),
// prints the URLs once both apps answer, and on Ctrl-C or SIGTERM stops everything it
// started. In production, start each app with node directly instead.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { free, serversAnswer } from './preflight.mjs';
import { failureLine, startServices, StartupError } from './services.mjs';
import { eventually } from './wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (line) => process.stdout.write(`${line}\n`);

// Whatever goes wrong, one line: the cause and the fix, never a stack trace.
const die = (error) => {
  process.stderr.write(`${failureLine(error)}\n`);
  process.exit(1);
};
process.on('uncaughtException', die);
process.on('unhandledRejection', die);

async function healthy(url) {
  const answers = () =>
    fetch(`${url}/healthcheck`).then(
      (res) => res.ok,
      () => false,
    );
  await eventually(answers, 60_000, `an answer from ${url}/healthcheck`, 200);
}

const port = process.env.PORT ?? '5160';
const workerPort = process.env.WORKER_PORT ?? '5161';
for (const [name, value] of [
  ['PORT', port],
  ['WORKER_PORT', workerPort],
]) {
  if (!(await free(value))) {
    die(new StartupError(`port ${value} (${name}) is in use, perhaps by another npm start: stop it, or set ${name}`));
  }
}

let services;
try {
  services = await startServices(process.env, log);
  await serversAnswer(services);
} catch (error) {
  await services?.stop();
  die(error);
}

if (process.env.LUNA_SKIP_BUILD !== '1') {
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) {
    await services.stop();
    process.stderr.write('the build failed (its errors are above): fix them, then npm start again\n');
    process.exit(build.status ?? 1);
  }
}

// The apps' memory settings as shipped (deploy/runtime-env.json, also in the Dockerfile);
// a value already in the environment wins.
const runtime = JSON.parse(readFileSync(join(root, 'deploy', 'runtime-env.json'), 'utf8'));
const env = { ...runtime, ...process.env, DATABASE_URL: services.DATABASE_URL };
// Set only when it names the Redis (given, or the embedded one), never beside a Cluster or Sentinel setting.
if (services.REDIS_URL) env.REDIS_URL = services.REDIS_URL;
const apps = ['api', 'worker'].map((app) =>
  spawn(process.execPath, [join(root, 'apps', app, 'dist', 'main.js')], { cwd: root, env, stdio: 'inherit' }),
);

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    apps.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  await services.stop();
  process.exit(code);
}
// Ctrl-C reaches the apps and this launcher (the servers run in process groups of their
// own): the apps stop first, PostgreSQL and Redis last, so no connection is cut under an app.
// `on`, not `once`: npm and terminals may deliver a second signal while the first is handled.
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
for (const child of apps) child.once('exit', (code) => void stop(code ?? 1));

try {
  await Promise.all([healthy(`http://127.0.0.1:${port}`), healthy(`http://127.0.0.1:${workerPort}`)]);
  log('');
  log(`luna-streams is running`);
  log(`  API              http://127.0.0.1:${port}`);
  log(`  console          http://127.0.0.1:${port}/console`);
  log(`  API reference    http://127.0.0.1:${port}/docs/spec`);
  log(`  manual           http://127.0.0.1:${port}/docs/dev`);
  log(`  queue dashboard  http://127.0.0.1:${port}/admin/queues`);
  log(`  worker           http://127.0.0.1:${workerPort} (agents' feedback)`);
  log(`  PostgreSQL       ${services.DATABASE_URL.replace(/:[^:@/]+@/, ':***@')}`);
  log(`  Redis            ${redisShown(env)}`);
  log('Ctrl-C stops everything.');
} catch (error) {
  process.stderr.write(`${error.message}: see the apps' lines above\n`);
  await stop(1);
}

function redisShown(env) {
  if (env.REDIS_CLUSTER_NODES) return `Cluster ${env.REDIS_CLUSTER_NODES}`;
  if (env.REDIS_SENTINELS) return `Sentinel ${env.REDIS_SENTINELS} (master ${env.REDIS_SENTINEL_MASTER ?? '?'})`;
  return env.REDIS_URL.replace(/:[^:@/]+@/, ':***@');
}
