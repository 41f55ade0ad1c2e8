-- The live feed of stream logs (GET /1/streams/events; docs/dev/events.md).
--
-- 1. A log row's seq is drawn only once its transaction has an id. The feed reads the
--    sequence's last value and then waits until every transaction that was running at
--    that moment has ended before it sends rows up to that value; a writer that drew a
--    seq before taking an id would be invisible to that wait. The identity column
--    becomes a plain column whose default takes the id first, then the next value.
DO $$
DECLARE
    last BIGINT;
BEGIN
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO last FROM "stream_logs_seq_seq";
    ALTER TABLE "stream_logs" ALTER COLUMN "seq" DROP IDENTITY;
    CREATE SEQUENCE "stream_log_seq" AS BIGINT OWNED BY "stream_logs"."seq";
    PERFORM setval('stream_log_seq', greatest(last, 1), last > 0);
END;
$$;

CREATE FUNCTION "next_stream_log_seq"() RETURNS BIGINT LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_current_xact_id();
    RETURN nextval('stream_log_seq');
END;
$$;

ALTER TABLE "stream_logs" ALTER COLUMN "seq" SET DEFAULT next_stream_log_seq();

-- 2. Wake the feed readers of every API copy when log rows commit. NOTIFY is delivered
--    at commit and once per transaction for the same payload; the readers then read the
--    log itself, so a lost notification only delays events until the next poll. A row
--    trigger, not a statement one: a statement trigger fires on an INSERT of no rows too,
--    and every keep-alive feedback batch (whose log INSERT writes nothing) would notify,
--    and NOTIFY serialises the commits of every notifying transaction on the server.
CREATE FUNCTION "notify_stream_logs"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('stream_logs', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER "stream_logs_notify" AFTER INSERT ON "stream_logs"
    FOR EACH ROW EXECUTE FUNCTION "notify_stream_logs"();
