import { createChaosStreams, startFleet, type FleetTotals } from './fleet';
import { settleAndAudit, type Audit } from './fleet-checks';
import { startApp, type RunningApp } from './process';

// A small chaos run for the Redis modes (test/reliability/redis-*.test.ts): the API and
// two workers as processes on `env`, a fleet of reference agents for `runMs`, an optional
// fault in the middle, then the end checks of fleet-checks.ts. Sized to take well under
// a minute: a few agents, a few hundred streams, a 3 s handler period.

export const CHAOS_SERVICE_ENV = {
  LOG_LEVEL: 'warn',
  STREAM_STATUS_OBSOLETING_PERIOD: '3',
  STREAM_STATUS_OBSOLETING_INTERVAL: '1',
  RECONCILE_INTERVAL: '2',
  MIRROR_DRAIN_INTERVAL_MS: '100',
};

export interface ChaosResult {
  totals: FleetTotals;
  audit: Audit;
  /** What each process wrote (API first, then the workers). */
  outputs: string[];
  /** What the fault reported. */
  fault?: string;
}

export async function chaosRun(
  env: Record<string, string>,
  options: { streams: number; agents: number; runMs: number; fault?: { afterMs: number; run(): Promise<string> } },
): Promise<ChaosResult> {
  // One prefix for every process (startApp would give each its own): the production one by default.
  const serviceEnv = { ...CHAOS_SERVICE_ENV, REDIS_PREFIX: '{luna}', ...env };
  const apps: RunningApp[] = [];
  try {
    apps.push(await startApp('api', serviceEnv));
    apps.push(...(await Promise.all([startApp('worker', serviceEnv), startApp('worker', serviceEnv)])));
    const [api, ...workers] = apps as [RunningApp, RunningApp, RunningApp];
    await createChaosStreams(api.url, options.streams);
    const fleet = startFleet({
      apiUrl: api.url,
      feedbackUrls: [...workers.map((w) => w.url), api.url],
      agents: options.agents,
      capacity: Math.ceil((options.streams * 0.6) / options.agents),
      feedbackPeriodMs: 300,
      finishAfterSeconds: 2,
      // About one failure per stream every 10 s of running: plenty of autorestart timers.
      failureRate: 0.01,
    });
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let fault: string | undefined;
    if (options.fault) {
      await pause(options.fault.afterMs);
      fault = await options.fault.run();
      await pause(Math.max(0, options.runMs - options.fault.afterMs));
    } else {
      await pause(options.runMs);
    }
    const totals = await fleet.stop();
    const audit = await settleAndAudit(serviceEnv, options.streams, totals).catch((error: Error) => {
      // What the services logged (warnings and errors) explains a run that did not settle.
      const tails = apps.map((a, i) => `--- ${i === 0 ? 'api' : `worker ${i}`}:\n${tail(a.output(), 30)}`);
      error.message = [error.message, ...(fault !== undefined ? [`fault: ${fault}`] : []), ...tails].join('\n');
      throw error;
    });
    return { totals, audit, outputs: apps.map((a) => a.output()), ...(fault !== undefined ? { fault } : {}) };
  } finally {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  }
}

function tail(output: string, lines: number): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The checks every mode's run must pass, as one object for one `toEqual`. */
export function verdict({ totals, audit }: ChaosResult) {
  return {
    broken: audit.broken,
    doubleAssigned: audit.doubleAssigned,
    statusesAllowed: audit.statuses.every((s) => s === 'pending' || s === 'done'),
    somethingDone: totals.done > 0,
    failuresRestarted: audit.failures > 0 && audit.failures <= totals.failed,
  };
}

export const PASSED = {
  broken: [],
  doubleAssigned: [],
  statusesAllowed: true,
  somethingDone: true,
  failuresRestarted: true,
};

/** Lines where reconcile restarted failures whose timer Redis did not fire. */
export function lostTimers(result: ChaosResult): string[] {
  return result.outputs.flatMap((o) => o.split('\n').filter((l) => l.includes('autorestart timer was lost')));
}
