import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { deleteKeysWithPrefix, freePort } from './redis-server';
import { eventually } from './wait';

const ROOT = join(__dirname, '..', '..');

export interface RunningApp {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs an app's main.ts from source (tsx), or its build, as its own process on a free port, and resolves
 * once its /healthcheck answers. Request log lines are left out of the kept output.
 */
export async function startApp(
  main: 'api' | 'worker',
  env: Record<string, string>,
  options: {
    compiled?: boolean;
    nodeArgs?: string[];
    descriptorLimit?: number;
    /** Where to wait for /healthcheck when not the app's own port (a worker without HTTP). */
    healthPort?: number;
  } = {},
): Promise<RunningApp> {
  const port = await freePort();
  const prefix = env.REDIS_PREFIX ?? `{luna-test-${randomBytes(4).toString('hex')}}`;
  const portVariable = main === 'api' ? 'PORT' : 'WORKER_PORT';
  // Compiled (apps/*/dist, needs a build) for benchmarks: tsx adds its own memory and start-up.
  const args = [
    ...(options.nodeArgs ?? []),
    ...(options.compiled
      ? [join(ROOT, 'apps', main, 'dist', 'main.js')]
      : ['--require', 'tsx/cjs', join(ROOT, 'apps', main, 'src', 'main.ts')]),
  ];
  // A lower `ulimit -n` for this process only: sh sets it, then becomes node (same pid).
  const [command, commandArgs] =
    options.descriptorLimit === undefined
      ? [process.execPath, args]
      : ['/bin/sh', ['-c', `ulimit -n ${options.descriptorLimit} && exec "$0" "$@"`, process.execPath, ...args]];
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      // Each run gets BullMQ keys of its own unless the caller shares a prefix on purpose.
      ...env,
      REDIS_PREFIX: prefix,
      [portVariable]: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk
      .toString()
      .split('\n')
      .filter((line) => !line.includes('"msg":"request"'))
      .join('\n');
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const answers = async () => {
    if (exitCode !== undefined) throw new Error(`${main} exited with ${exitCode}:\n${output}`);
    try {
      const healthUrl = options.healthPort === undefined ? url : `http://127.0.0.1:${options.healthPort}`;
      return (await fetch(`${healthUrl}/healthcheck`)).status === 200;
    } catch {
      return false; // not listening yet
    }
  };
  try {
    await eventually(answers, 30_000, `${main} answering /healthcheck`);
  } catch (error) {
    if (exitCode !== undefined) throw error;
    child.kill('SIGKILL');
    throw new Error(`${main} did not start: ${(error as Error).message}\n${output}`, { cause: error });
  }
  return {
    child,
    port,
    url,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (exitCode === undefined) child.kill(signal);
      const code = await exited;
      // A prefix of the caller's own (shared with a test API) is the caller's to clean.
      if (env.REDIS_PREFIX === undefined && env.REDIS_URL) await deleteKeysWithPrefix(env.REDIS_URL, prefix);
      return code;
    },
  };
}
