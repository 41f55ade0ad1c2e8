import { setMaxListeners } from 'node:events';
import pg from 'pg';
import { runAgent, type AgentEvent as FleetEvent, type AgentReport } from '../../examples/agent/agent';
import { startAgentProcess, type AgentProcess } from '../support/agent-process';
import { streamBody } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_REDIS_URL } from '../support/env';
import { takenFromCurrentAgent } from '../support/fleet';
import { startApp, type RunningApp } from '../support/process';
import { databaseTime, eventually } from '../support/wait';

// The agent kit under chaos: 20 agents (17 in this process, 3 reference agents as processes of
// their own) run 60 cameras on the real API and worker. One agent process is SIGKILLed (its
// streams come back within the handler period plus a sweep interval), one gets SIGTERM (it hands
// its streams back: pending within 2 s), and one is frozen with SIGSTOP past the handler period
// and woken (its streams went to others after handler_lost; it drops them on the answers to its
// stale versions). No stream is ever handed to a second agent while the first was current.

const PERIOD_S = 3;
const INTERVAL_S = 1;
const STREAMS = 60;
const CAPACITY = 4;

let database: TestDatabase;
let db: pg.Pool;
const apps: RunningApp[] = [];
const agents: AgentProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = new pg.Pool({ connectionString: database.url, max: 2 });
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `{luna-kit-${process.pid}}`,
    LOG_LEVEL: 'warn',
    STREAM_STATUS_OBSOLETING_PERIOD: String(PERIOD_S),
    STREAM_STATUS_OBSOLETING_INTERVAL: String(INTERVAL_S),
  };
  apps.push(...(await Promise.all([startApp('api', env), startApp('worker', env)])));
}, 120_000);

afterAll(async () => {
  for (const agent of agents) if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  await db?.end();
  await database?.drop();
});

/** Log rows of a stream after a database time. */
async function logsAfter(id: string, after: Date) {
  const { rows } = await db.query<{ status: string; version: number; log_time: Date }>(
    'SELECT status, version, log_time FROM stream_logs WHERE stream_id = $1 AND log_time >= $2 ORDER BY log_time, seq',
    [id, after],
  );
  return rows;
}

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

it('keeps every stream with one agent at a time through SIGKILL, SIGTERM and SIGSTOP of agents', async () => {
  const [api, worker] = apps as [RunningApp, RunningApp];
  for (let i = 0; i < STREAMS; i++) {
    const body = streamBody({ name: `kit-${i}`, data: { type: 'tcp', reference: `rtsp://10.1.0.${i}/live` } });
    const res = await fetch(`${api.url}/1/streams`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
  }
  const agentEnv = {
    LUNA_STREAMS_URL: api.url,
    LUNA_STREAMS_FEEDBACK_URL: worker.url,
    AGENT_CAPACITY: String(CAPACITY),
    AGENT_FEEDBACK_PERIOD_MS: '500',
    AGENT_HANDLER_PERIOD_MS: String(PERIOD_S * 1000),
    AGENT_GRACE_MS: '500',
  };
  const [killed, terminated, frozen] = ['killed', 'terminated', 'frozen'].map((name) =>
    startAgentProcess(name, agentEnv),
  ) as [AgentProcess, AgentProcess, AgentProcess];
  agents.push(killed, terminated, frozen);
  await eventually(
    () => agents.every((a) => a.holding().size === CAPACITY),
    60_000,
    'each agent process running 4 streams',
  );

  const fleetEvents: FleetEvent[] = [];
  const controller = new AbortController();
  setMaxListeners(20, controller.signal); // every agent of the fleet waits on it
  const fleet: Promise<AgentReport>[] = Array.from({ length: 17 }, (_, n) =>
    runAgent({
      name: `fleet-${n}`,
      apiUrl: api.url,
      feedbackUrl: n % 2 ? worker.url : api.url,
      capacity: CAPACITY,
      feedbackPeriodMs: 500,
      handlerPeriodMs: PERIOD_S * 1000,
      graceMs: 0,
      finishAfterSeconds: 3600,
      failureRate: 0,
      runSeconds: 0,
      log: () => undefined,
      onEvent: (e) => fleetEvents.push(e),
      signal: controller.signal,
    }),
  );
  const inProgress = async () =>
    Number((await db.query("SELECT count(*) FROM streams WHERE status = 'in_progress'")).rows[0].count);
  await eventually(async () => (await inProgress()) === STREAMS, 30_000, 'every stream taken');

  // SIGKILL: no keep-alive after the kill, so each stream is back by the period plus a sweep interval.
  const killedHeld = [...killed.holding().keys()];
  const killedAt = await databaseTime(db);
  killed.child.kill('SIGKILL');
  await eventually(
    async () =>
      (await Promise.all(killedHeld.map((id) => logsAfter(id, killedAt)))).every((rows) =>
        rows.some((r) => r.status === 'pending'),
      ),
    (PERIOD_S + INTERVAL_S) * 1000 + 15_000,
    "the killed agent's streams pending again",
  );
  let killedBackS = 0;
  for (const id of killedHeld) {
    const back = (await logsAfter(id, killedAt)).find((r) => r.status === 'pending')!;
    killedBackS = Math.max(killedBackS, seconds(killedAt, back.log_time));
  }
  expect(killedBackS).toBeLessThanOrEqual(PERIOD_S + INTERVAL_S + 1);

  // SIGTERM: the kit stops taking, gives running work its 0.5 s grace, and hands the rest back.
  const terminatedHeld = [...terminated.holding()];
  const terminatedAt = await databaseTime(db);
  terminated.child.kill('SIGTERM');
  expect(await terminated.exited).toBe(0);
  let handedBackS = 0;
  for (const [id, version] of terminatedHeld) {
    const back = (await logsAfter(id, terminatedAt)).find((r) => r.status === 'pending');
    expect({ id, version: back?.version }).toEqual({ id, version: version + 1 });
    handedBackS = Math.max(handedBackS, seconds(terminatedAt, back!.log_time));
  }
  expect(handedBackS).toBeLessThan(2);
  expect(terminated.events.filter((e) => e.type === 'handed_back')).toHaveLength(terminatedHeld.length);

  // SIGSTOP past the period: the service hands its streams on with a higher version; woken, the
  // agent's keep-alives carry the stale version and it drops each stream on the answer.
  const frozenHeld = [...frozen.holding()];
  const frozenAt = await databaseTime(db);
  frozen.child.kill('SIGSTOP');
  await eventually(
    async () =>
      (await Promise.all(frozenHeld.map(([id]) => logsAfter(id, frozenAt)))).every((rows) =>
        rows.some((r) => r.status === 'in_progress'),
      ),
    (PERIOD_S + INTERVAL_S) * 1000 + 15_000,
    "the frozen agent's streams taken by other agents",
  );
  frozen.child.kill('SIGCONT');
  await eventually(
    () => frozenHeld.every(([id]) => frozen.events.some((e) => e.type === 'lost' && e.stream_id === id)),
    15_000,
    'the woken agent dropping its stale streams',
  );
  for (const [id, version] of frozenHeld) {
    const lost = frozen.events.find((e) => e.type === 'lost' && e.stream_id === id);
    expect(lost).toMatchObject({ version, holds: { status: 'in_progress', version: version + 1 } });
  }

  frozen.child.kill('SIGTERM');
  await frozen.exited;
  controller.abort();
  await Promise.all(fleet);

  // One agent at a time: no keep-alive of an agent was accepted after another agent's take.
  const processEvents: FleetEvent[] = agents.flatMap((a) =>
    a.events.flatMap((e): FleetEvent[] =>
      e.type === 'taken'
        ? [{ kind: 'taken', agent: a.name, stream_id: e.stream_id, version: e.version, at: e.at }]
        : e.type === 'answer'
          ? [
              {
                kind: 'answer',
                agent: a.name,
                stream_id: e.stream_id,
                version: e.version,
                sentAt: e.sentAt,
                answer: e.answer,
              },
            ]
          : [],
    ),
  );
  expect(takenFromCurrentAgent([...fleetEvents, ...processEvents])).toEqual([]);
  process.stdout.write(
    `agent kit chaos: 20 agents, ${STREAMS} streams; SIGKILL: ${killedHeld.length} streams pending again within ` +
      `${killedBackS.toFixed(2)} s (bound ${PERIOD_S + INTERVAL_S} s + 1); SIGTERM: ${terminatedHeld.length} handed ` +
      `back within ${handedBackS.toFixed(2)} s (bound 2 s); SIGSTOP: ${frozenHeld.length} stale versions dropped; ` +
      `0 streams with two current agents\n`,
  );
}, 180_000);
