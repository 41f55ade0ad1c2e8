// The unit project runs with no PostgreSQL and no Redis: point both at a closed port, so
// a test that reaches for either fails here, on a machine where the services run too.
process.env.DATABASE_URL = 'postgresql://postgres@127.0.0.1:1/unit-tests-use-no-database';
process.env.REDIS_URL = 'redis://127.0.0.1:1';
