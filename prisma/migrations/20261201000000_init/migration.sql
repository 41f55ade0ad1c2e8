-- The stream store: streams, their status logs, groups and the stream-group links.
-- Timestamps are timestamptz(3) from the database clock, so a time copied from a
-- response into a filter matches exactly (STACK-NOTES.md, PostgreSQL).

CREATE TABLE "streams" (
    "stream_id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGINT GENERATED ALWAYS AS IDENTITY,
    "account_id" UUID NOT NULL,
    "name" VARCHAR(128) NOT NULL DEFAULT '',
    "description" VARCHAR(128) NOT NULL DEFAULT '',
    "reference" VARCHAR(256) NOT NULL,
    "data" JSONB NOT NULL,
    "event_handler" JSONB NOT NULL,
    "policies" JSONB NOT NULL,
    "location" JSONB NOT NULL,
    "autorestart_restart" SMALLINT NOT NULL,
    "autorestart_attempt_count" INTEGER NOT NULL,
    "autorestart_delay" INTEGER NOT NULL,
    "autorestart_current_attempt" INTEGER NOT NULL DEFAULT 0,
    "autorestart_last_attempt_time" TIMESTAMPTZ(3),
    "autorestart_status" TEXT NOT NULL,
    "autorestart_next_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "create_time" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "status" TEXT NOT NULL,
    "last_error" TEXT,
    "video_info" JSONB,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "last_feedback_at" TIMESTAMPTZ(3),

    CONSTRAINT "streams_pkey" PRIMARY KEY ("stream_id"),
    -- Only the user-visible statuses are ever stored (spec 5.1); the transient
    -- ones (restart, handler_lost) exist in the logs only.
    CONSTRAINT "streams_status_check" CHECK ("status" IN ('pending', 'in_progress', 'done', 'pause', 'cancel', 'failure')),
    CONSTRAINT "streams_autorestart_status_check" CHECK ("autorestart_status" IN ('disabled', 'enabled', 'in_progress', 'failed'))
) WITH (fillfactor = 80);
-- fillfactor 80 leaves room on each page so feedback updates (last_feedback_at,
-- video_info, neither indexed) stay HOT.

CREATE UNIQUE INDEX "streams_seq_key" ON "streams"("seq");
CREATE INDEX "streams_create_time_seq_idx" ON "streams"("create_time", "seq");
CREATE INDEX "streams_account_id_create_time_seq_idx" ON "streams"("account_id", "create_time", "seq");
CREATE INDEX "streams_name_idx" ON "streams"("name");
CREATE INDEX "streams_reference_idx" ON "streams"("reference");
-- The processing queue: pending rows in queue order (DESIGN.md section 3).
CREATE INDEX "streams_pending_queue_idx" ON "streams"("queued_at", "seq") WHERE "status" = 'pending';
-- In-progress rows for the handler_lost sweep; deliberately without last_feedback_at.
CREATE INDEX "streams_in_progress_idx" ON "streams"("seq") WHERE "status" = 'in_progress';
CREATE INDEX "streams_status_create_time_seq_idx" ON "streams"("status", "create_time", "seq");

CREATE TABLE "stream_logs" (
    "seq" BIGINT GENERATED ALWAYS AS IDENTITY,
    "stream_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "video_info" JSONB,
    "log_time" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "version" INTEGER NOT NULL,

    CONSTRAINT "stream_logs_pkey" PRIMARY KEY ("seq")
);

CREATE INDEX "stream_logs_stream_id_log_time_seq_idx" ON "stream_logs"("stream_id", "log_time", "seq");
CREATE INDEX "stream_logs_account_id_log_time_seq_idx" ON "stream_logs"("account_id", "log_time", "seq");
CREATE INDEX "stream_logs_log_time_seq_idx" ON "stream_logs"("log_time", "seq");

CREATE TABLE "groups" (
    "group_id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGINT GENERATED ALWAYS AS IDENTITY,
    "account_id" UUID NOT NULL,
    "group_name" VARCHAR(128) NOT NULL,
    "description" VARCHAR(256) NOT NULL DEFAULT '',
    "create_time" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "groups_pkey" PRIMARY KEY ("group_id")
);

CREATE UNIQUE INDEX "groups_seq_key" ON "groups"("seq");
CREATE UNIQUE INDEX "groups_account_id_group_name_key" ON "groups"("account_id", "group_name");
CREATE INDEX "groups_create_time_seq_idx" ON "groups"("create_time", "seq");

CREATE TABLE "stream_groups" (
    "stream_id" UUID NOT NULL,
    "group_id" UUID NOT NULL,

    CONSTRAINT "stream_groups_pkey" PRIMARY KEY ("stream_id", "group_id")
);

CREATE INDEX "stream_groups_group_id_idx" ON "stream_groups"("group_id");

ALTER TABLE "stream_groups" ADD CONSTRAINT "stream_groups_stream_id_fkey" FOREIGN KEY ("stream_id") REFERENCES "streams"("stream_id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "stream_groups" ADD CONSTRAINT "stream_groups_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("group_id") ON DELETE CASCADE ON UPDATE CASCADE;
