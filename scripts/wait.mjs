// Polling with a deadline, for the launcher scripts (the tests and benchmarks use
// test/support/wait.ts, its TypeScript twin).

/** Polls `check` until it returns true; throws naming `what` once `timeoutMs` have passed. */
export async function eventually(check, timeoutMs, what, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
