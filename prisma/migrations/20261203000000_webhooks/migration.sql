-- Webhooks (docs/dev/webhooks.md): signed POSTs of stream log rows to receivers.
--
-- The stream log is the outbox. Each webhook keeps `log_cursor`, the seq up to which the
-- log has been turned into its deliveries; the worker moves it only up to the event
-- feed's horizon (domain/feed-horizon.ts), so a row whose transaction commits after a
-- higher seq's is never skipped. A delivery row is one message: BullMQ only wakes the
-- worker for an attempt, so a flushed Redis or a killed worker loses none (reconcile
-- re-adds the wake-ups of overdue pending deliveries).

CREATE TABLE "webhooks" (
    "webhook_id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGINT GENERATED ALWAYS AS IDENTITY,
    "account_id" UUID NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "statuses" TEXT[] NOT NULL,
    "description" VARCHAR(128) NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "secret" TEXT NOT NULL,
    "previous_secret" TEXT,
    "previous_secret_until" TIMESTAMPTZ(3),
    "log_cursor" BIGINT NOT NULL,
    "create_time" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("webhook_id")
);

CREATE UNIQUE INDEX "webhooks_seq_key" ON "webhooks"("seq");
CREATE INDEX "webhooks_account_id_create_time_seq_idx" ON "webhooks"("account_id", "create_time", "seq");
CREATE INDEX "webhooks_create_time_seq_idx" ON "webhooks"("create_time", "seq");

-- One row per (webhook, log row): the message, its state and its last attempt. The log
-- row's values are copied, so log retention never takes a message's body away.
CREATE TABLE "webhook_deliveries" (
    "delivery_id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "webhook_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "stream_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "error" TEXT,
    "video_info" JSONB,
    "log_time" TIMESTAMPTZ(3) NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    -- Raised by every claim and deferral: a BullMQ wake-up names the value it was made
    -- for, so a duplicate or stale one claims nothing.
    "wake" INTEGER NOT NULL DEFAULT 0,
    "last_http_status" INTEGER,
    "last_error" TEXT,
    "last_response" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3),
    "give_up_at" TIMESTAMPTZ(3) NOT NULL,
    "create_time" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("delivery_id"),
    CONSTRAINT "webhook_deliveries_state_check" CHECK ("state" IN ('pending', 'delivered', 'failed')),
    CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id")
        REFERENCES "webhooks"("webhook_id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_seq_key" ON "webhook_deliveries"("webhook_id", "seq");
-- Settled deliveries go with the log rows under STREAM_LOG_RETENTION_DAYS, by age.
CREATE INDEX "webhook_deliveries_create_time_idx" ON "webhook_deliveries"("create_time");
-- Pending deliveries by due time, for reconcile's rebuild of lost wake-ups.
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries"("next_attempt_at") WHERE "state" = 'pending';
