// The baseline of bench/crud: a bare Express + pg server doing the same reads and inserts
// as the service, without validation, mapping, logs or the contract.
import express from 'express';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pool.on('error', () => undefined);
const app = express();
app.use(express.json({ limit: '1mb' }));
app.get('/s/:id', async (req, res) => {
  const { rows } = await pool.query('SELECT * FROM streams WHERE stream_id = $1', [req.params.id]);
  if (rows.length === 0) res.status(404).end();
  else res.json(rows[0]);
});
app.post('/s', async (req, res) => {
  const b = req.body;
  const { rows } = await pool.query(
    `INSERT INTO streams (account_id, name, description, reference, data, event_handler, policies, location,
                          autorestart_restart, autorestart_attempt_count, autorestart_delay, autorestart_status, status)
     VALUES ($1, '', '', $2, $3, $4, '{}', '{}', 1, 10, 60, 'enabled', 'pending') RETURNING stream_id, version`,
    [b.account_id, b.data.reference, b.data, b.event_handler],
  );
  res.status(201).json(rows[0]);
});
const server = app.listen(Number(process.env.PORT), () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
