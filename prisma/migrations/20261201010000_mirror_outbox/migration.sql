-- The dirty-set outbox of the streams-pending mirror (DESIGN.md section 3).
-- Every change of a stream's status (and its creation and deletion) marks the stream
-- here, in the same transaction as the change, by trigger: no writer can forget it.
-- The API drains the set: it copies each marked stream's current status into BullMQ and
-- then deletes the marks whose `tick` it saw. A change made while a drain runs raises
-- the tick, so that mark survives the drain and is copied again on the next pass.

CREATE TABLE "mirror_outbox" (
    "stream_id" UUID NOT NULL,
    "tick" BIGINT NOT NULL DEFAULT 1,
    "marked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "mirror_outbox_pkey" PRIMARY KEY ("stream_id")
);

CREATE FUNCTION "mark_stream_for_mirror"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    id UUID;
BEGIN
    IF TG_OP = 'DELETE' THEN
        id := OLD.stream_id;
    ELSE
        id := NEW.stream_id;
    END IF;
    INSERT INTO "mirror_outbox" ("stream_id") VALUES (id)
    ON CONFLICT ("stream_id") DO UPDATE SET "tick" = "mirror_outbox"."tick" + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "streams_mirror_on_insert" AFTER INSERT ON "streams"
    FOR EACH ROW EXECUTE FUNCTION "mark_stream_for_mirror"();
CREATE TRIGGER "streams_mirror_on_status" AFTER UPDATE OF "status" ON "streams"
    FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status") EXECUTE FUNCTION "mark_stream_for_mirror"();
CREATE TRIGGER "streams_mirror_on_delete" AFTER DELETE ON "streams"
    FOR EACH ROW EXECUTE FUNCTION "mark_stream_for_mirror"();
