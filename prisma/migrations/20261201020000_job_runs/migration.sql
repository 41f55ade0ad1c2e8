-- When each background job last ran, kept in PostgreSQL so that every worker copy's
-- /healthcheck answers the same, and an operator can see a job that stopped running.

CREATE TABLE "job_runs" (
    "job" TEXT NOT NULL,
    "last_started_at" TIMESTAMPTZ(3) NOT NULL,
    "last_finished_at" TIMESTAMPTZ(3),
    "last_result" JSONB,
    "last_error" TEXT,

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("job")
);

-- Streams waiting for an autorestart, for the reconcile safety net.
CREATE INDEX "streams_autorestart_due_idx" ON "streams"("autorestart_next_at") WHERE "status" = 'failure' AND "autorestart_next_at" IS NOT NULL;
