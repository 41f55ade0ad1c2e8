-- luna:no-transaction
-- Lists filtered by account and status (a tenant's dashboard: "my failed cameras").
-- With only (account_id, create_time, seq), PostgreSQL walks every stream of the account
-- to find the few in a status: 10,000 rows and ~15 ms for an account with none of them
-- in a table of a million. Built CONCURRENTLY so a large table keeps taking writes.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "streams_account_id_status_create_time_seq_idx" ON "streams"("account_id", "status", "create_time", "seq");
