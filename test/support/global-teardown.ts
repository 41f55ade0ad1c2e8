import type { ChildProcess } from 'node:child_process';

/** Stops the embedded services global setup started, if it started any. */
export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as { lunaServices?: ChildProcess }).lunaServices;
  if (!child || child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}
