// Polling with a deadline, for the launcher scripts (the tests and benchmarks use
// test/support/wait.ts, its TypeScript twin).
import net from 'node:net';

/** Polls `check` until it returns true; throws naming `what` once `timeoutMs` have passed. */
export async function eventually(check, timeoutMs, what, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Whether something accepts a TCP connection on `host:port` (within 5 s). */
export function answers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 5000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
