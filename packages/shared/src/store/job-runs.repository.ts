import type { Database } from './database';
import { translatingErrors } from './translate';

// When each background job last ran, kept in PostgreSQL so that every worker copy's
// /healthcheck answers the same (see the job_runs migration).

export interface JobRun {
  job: string;
  last_started_at: Date;
  last_finished_at: Date | null;
  last_error: string | null;
}

export function createJobRunsRepository(db: Database) {
  return translatingErrors({
    async recordStart(job: string): Promise<void> {
      await db.pool.query(
        `INSERT INTO job_runs (job, last_started_at) VALUES ($1, now())
         ON CONFLICT (job) DO UPDATE SET last_started_at = now()`,
        [job],
      );
    },

    async recordFinish(job: string, result: object | null, error: string | null): Promise<void> {
      await db.pool.query(
        `UPDATE job_runs SET last_finished_at = now(), last_result = $2::jsonb, last_error = $3 WHERE job = $1`,
        [job, result === null ? null : JSON.stringify(result), error],
      );
    },

    /** Milliseconds (database time) since `job` last started on any worker copy; null if it never has. */
    async msSinceStart(job: string): Promise<number | null> {
      const { rows } = await db.healthPool.query<{ ms: number | null }>(
        'SELECT (extract(epoch FROM now() - last_started_at) * 1000)::float8 AS ms FROM job_runs WHERE job = $1',
        [job],
      );
      return rows[0]?.ms ?? null;
    },

    async jobRuns(): Promise<JobRun[]> {
      // For the worker's /healthcheck: on the health connection, never behind busy feedback.
      const { rows } = await db.healthPool.query<JobRun>(
        'SELECT job, last_started_at, last_finished_at, last_error FROM job_runs ORDER BY job',
      );
      return rows;
    },
  });
}

export type JobRunsRepository = ReturnType<typeof createJobRunsRepository>;
