import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface RunningApp {
  child: ChildProcess;
  port: number;
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs an app's main.ts from source (tsx) as its own process, on a port the OS picks. */
export function startApp(main: 'api' | 'worker', env: Record<string, string>): Promise<RunningApp> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'apps', main, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Request lines are dropped from the kept output: only start-up and shutdown matter here.
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${main} did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk
        .toString()
        .split('\n')
        .filter((line) => !line.includes('"msg":"request"'))
        .join('\n');
      const match = /"port":(\d+),"msg":"luna-streams \w+ listening"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          port: Number(match[1]),
          output: () => output,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${main} exited with ${code}:\n${output}`));
    });
  });
}
