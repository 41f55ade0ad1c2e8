import { STORED_STATUSES, type StoredStatus } from '../src/contract/primitives';
import { streamInput } from '../src/contract/streams';
import { autorestartOnDone, autorestartOnFailure, FAILURE_EFFECTS, RESTARTED_STATUS } from '../src/domain/autorestart';
import { decidePatchStatus, isAllowedChain, raisesVersion, type Actor, type Place } from '../src/domain/status';
import { createAutorestartRepository } from '../src/store/autorestart.repository';
import { createDatabase, type Database } from '../src/store/database';
import { createFeedbackRepository } from '../src/store/feedback.repository';
import { createHandlerLostRepository } from '../src/store/handler-lost.repository';
import { createQueueRepository } from '../src/store/queue.repository';
import { createStreamChangesRepository } from '../src/store/stream-changes.repository';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { streamBody } from '../../../test/support/api';

// Every (stored status, actor, version match) through the real statements of take, feedback,
// the handler_lost sweep, autorestart (job and safety net), PUT and PATCH. Each outcome and
// log chain is compared with TRANSITIONS (isAllowedChain), the fencing rule (raisesVersion),
// decidePatchStatus and the autorestart decisions: the statements are built from domain/,
// and this shows they do what the domain says, case by case.

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase({ url: database.url, poolSize: 4, statementTimeoutMs: 10_000 });
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

const VERSION = 5;

interface Row {
  status: string;
  version: number;
  autorestart_status: string;
  autorestart_current_attempt: number;
  scheduled: boolean;
}

/** A stream in `status` at VERSION, silent for an hour, with an overdue autorestart deadline. */
async function seed(status: StoredStatus, series = { restart: 1, attempts: 3, current: 1 }) {
  await db.pool.query('TRUNCATE streams, stream_groups, stream_logs, mirror_outbox');
  const { rows } = await db.pool.query<{ id: string; at: Date }>(
    `INSERT INTO streams (account_id, reference, data, event_handler, policies, location, autorestart_restart,
                          autorestart_attempt_count, autorestart_delay, autorestart_current_attempt,
                          autorestart_status, status, version, last_feedback_at, autorestart_next_at)
     VALUES ('0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40', 'rtsp://cam', '{"type":"tcp","reference":"rtsp://cam"}', '{}',
             '{}', '{}', $2, $3, 60, $4, 'in_progress', $1, ${VERSION}, now() - interval '1 hour',
             now() - interval '1 minute')
     RETURNING stream_id::text AS id, autorestart_next_at AS at`,
    [status, series.restart, series.attempts, series.current],
  );
  return rows[0]!;
}

async function state(id: string): Promise<{ row: Row; logs: string[] }> {
  const { rows } = await db.pool.query<Row>(
    `SELECT status, version, autorestart_status, autorestart_current_attempt,
            COALESCE(autorestart_next_at > now(), false) AS scheduled FROM streams WHERE stream_id = $1`,
    [id],
  );
  const logs = await db.pool.query<{ entry: string }>(
    "SELECT status || '/' || version AS entry FROM stream_logs WHERE stream_id = $1 ORDER BY seq",
    [id],
  );
  return { row: rows[0]!, logs: logs.rows.map((l) => l.entry) };
}

/** The log rows a move writes: rows before the restart carry the version the stream had. */
function expectedLogs(chain: readonly Place[], raises: boolean): string[] {
  const restartAt = chain.indexOf('restart');
  return chain.map((s, i) => `${s}/${raises && i >= restartAt ? VERSION + 1 : VERSION}`);
}

interface Case {
  name: string;
  actor: Actor;
  /** The move the actor makes (spec 5.2), whether or not the table allows it from this status. */
  chain: Place[];
  /** Feedback with another version, or an autorestart timer with another deadline. */
  stale?: boolean;
  run(id: string, deadline: Date): Promise<unknown>;
}

const queue = () => createQueueRepository(db);
const feedback = (id: string, status: 'in_progress' | 'done' | 'failure', version: number) =>
  createFeedbackRepository(db).apply([{ stream_id: id, status, version, error: 'boom' }]);
const put = (id: string, status: 'pending' | 'pause') =>
  createStreamChangesRepository(db).replace(id, streamInput.parse(streamBody({ status })));

const CASES: Case[] = [
  { name: 'take', actor: 'queue_take', chain: ['in_progress'], run: (id) => queue().take({ stream_ids: [id] }, 1) },
  ...(['done', 'failure'] as const).flatMap((status) =>
    [false, true].map((stale): Case => ({
      name: `feedback ${status}${stale ? ', other version' : ''}`,
      actor: 'feedback',
      chain: [status],
      stale,
      run: (id) => feedback(id, status, stale ? VERSION - 1 : VERSION),
    })),
  ),
  {
    name: 'handler_lost sweep',
    actor: 'handler_lost_sweep',
    chain: ['handler_lost', 'restart', 'pending'],
    run: () => createHandlerLostRepository(db).sweepLostHandlers(60, 10),
  },
  {
    name: 'autorestart job',
    actor: 'autorestart',
    chain: ['restart', 'pending'],
    run: (id, at) => createAutorestartRepository(db).restartOne(id, at),
  },
  {
    name: 'autorestart job, another deadline',
    actor: 'autorestart',
    chain: ['restart', 'pending'],
    stale: true,
    run: (id, at) => createAutorestartRepository(db).restartOne(id, new Date(at.getTime() - 1000)),
  },
  {
    name: 'autorestart safety net',
    actor: 'autorestart',
    chain: ['restart', 'pending'],
    run: () => createAutorestartRepository(db).restartOverdue(0, 10),
  },
  { name: 'PUT pending', actor: 'put', chain: ['restart', 'pending'], run: (id) => put(id, 'pending') },
  { name: 'PUT pause', actor: 'put', chain: ['restart', 'pause'], run: (id) => put(id, 'pause') },
];

describe.each(STORED_STATUSES)('from %s', (from) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s does what the domain says', async (_name, c) => {
    const { id, at } = await seed(from);
    await c.run(id, at);
    const { row, logs } = await state(id);
    if (isAllowedChain(from, c.chain, c.actor) && !c.stale) {
      const raises = raisesVersion(from, c.actor);
      expect(row).toMatchObject({ status: c.chain.at(-1), version: VERSION + (raises ? 1 : 0) });
      expect(logs).toEqual(expectedLogs(c.chain, raises));
      if (c.actor === 'autorestart') {
        expect(row).toMatchObject({ autorestart_status: RESTARTED_STATUS, autorestart_current_attempt: 2 });
      }
    } else {
      expect(row).toMatchObject({ status: from, version: VERSION });
      expect(logs).toEqual([]);
    }
  });

  it('a keep-alive counts only from the status an agent holds, with its version, and logs nothing', async () => {
    for (const version of [VERSION, VERSION - 1]) {
      const { id } = await seed(from);
      const answer = await feedback(id, 'in_progress', version);
      // The keep-alive is accepted where a result would be.
      const accepted = isAllowedChain(from, ['done'], 'feedback') && version === VERSION;
      const { rows } = await db.pool.query<{ fresh: boolean }>(
        "SELECT last_feedback_at > now() - interval '1 minute' AS fresh FROM streams WHERE stream_id = $1",
        [id],
      );
      expect(rows[0]!.fresh).toBe(accepted);
      expect(answer.answers[id]).toEqual({ status: from, version: VERSION });
      expect((await state(id)).logs).toEqual([]);
    }
  });

  it.each(['pending', 'pause', 'cancel'] as const)('PATCH to %s does what decidePatchStatus says', async (to) => {
    const { id } = await seed(from);
    let decision: ReturnType<typeof decidePatchStatus> | Error;
    try {
      decision = decidePatchStatus({ stream_id: id, status: from, sourceType: 'tcp' }, to);
    } catch (error) {
      decision = error as Error;
    }
    const result = await createStreamChangesRepository(db)
      .patch(id, undefined, { status: to })
      .then(
        () => undefined,
        (error: Error) => error,
      );
    const { row, logs } = await state(id);
    if (decision instanceof Error) {
      expect(result).toEqual(decision);
      expect({ row, logs }).toMatchObject({ row: { status: from, version: VERSION }, logs: [] });
    } else if (!decision.change) {
      expect({ row, logs }).toMatchObject({ row: { status: from, version: VERSION }, logs: [] });
    } else {
      expect(isAllowedChain(from, decision.logs, 'patch')).toBe(true);
      const version = VERSION + (raisesVersion(from, 'patch') ? 1 : 0);
      expect(row).toMatchObject({ status: to, version });
      expect(logs).toEqual([`${to}/${version}`]);
    }
  });
});

describe('the autorestart decisions in the feedback statement', () => {
  it.each([
    [1, 3, 2],
    [1, 3, 3],
    [0, 3, 2],
    [0, 3, 3],
  ] as const)('restart %i, attempt_count %i, current_attempt %i', async (restart, attempts, current) => {
    const failed = await seed('in_progress', { restart, attempts, current });
    const result = await feedback(failed.id, 'failure', VERSION);
    const outcome = autorestartOnFailure({ restart, attemptsLeft: current < attempts });
    const effects = FAILURE_EFFECTS[outcome];
    const after = (await state(failed.id)).row;
    expect(after).toMatchObject({
      status: 'failure',
      scheduled: effects.schedules,
      autorestart_status: effects.status ?? 'in_progress',
      autorestart_current_attempt: current,
    });
    expect(result.autorestarts.map((r) => r.stream_id)).toEqual(effects.schedules ? [failed.id] : []);

    const done = await seed('in_progress', { restart, attempts, current });
    await feedback(done.id, 'done', VERSION);
    expect((await state(done.id)).row).toMatchObject({
      autorestart_status: autorestartOnDone(restart).status,
      autorestart_current_attempt: autorestartOnDone(restart).current_attempt,
    });
  });
});
