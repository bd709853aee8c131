// The whole Baton platform on one machine: embedded database (or DATABASE_URL), Temporal
// dev server (or TEMPORAL_ADDRESS), migrations, demo seed, worker and API. Used by
// `npm start` and by the system tests, so both run exactly the same thing.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startEmbeddedDatabase } from './embedded-db.mjs';
import { run, startProcess } from './processes.mjs';
import { ensureTemporalCli, freePort, startTemporalDevServer } from './provision.mjs';
import { createSupervisor } from './supervisor.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist');

/** Compile TypeScript and prebuild the workflow bundle (`npm run build`). */
export async function build(log = () => {}) {
  const t0 = Date.now();
  await run(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
  log(`built in ${Date.now() - t0} ms`);
}

/**
 * With `supervise`, the Temporal dev server, the worker and the API are restarted when they
 * die unexpectedly (exponential backoff, see supervisor.mjs), and their state is written to
 * `<dataDir>/supervisor.json`, which the API shows on /health (BATON_SUPERVISOR_STATUS).
 * @param {{ dataDir: string, apiPort?: number, temporalPort?: number, uiPort?: number, dbPort?: number,
 *           databaseUrl?: string, temporalAddress?: string, env?: Record<string,string>, echo?: boolean,
 *           log?: (m: string) => void, seed?: boolean, supervise?: boolean,
 *           backoff?: { initialMs?: number, maxMs?: number, resetAfterMs?: number } }} o
 */
export async function startStack(o) {
  const log = o.log ?? ((m) => process.stdout.write(`[baton] ${m}\n`));
  const dataDir = path.resolve(o.dataDir);
  await mkdir(dataDir, { recursive: true });
  if (!existsSync(path.join(DIST, 'apps/api/src/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const stops = [];
  const stack = { dataDir, log };
  const supervisor = o.supervise ? createSupervisor({ statusFile: path.join(dataDir, 'supervisor.json'), log, backoff: o.backoff }) : null;
  stack.supervisor = supervisor;
  const detached = Boolean(supervisor);
  /** Run `start` under the supervisor when there is one, else once. */
  const supervised = (name, start) => (supervisor ? supervisor.supervise(name, start) : start());

  try {
    // Database: the PostgreSQL of DATABASE_URL when given, else the embedded PostgreSQL.
    if (o.databaseUrl) {
      stack.databaseUrl = o.databaseUrl;
    } else {
      await mkdir(path.join(dataDir, 'logs'), { recursive: true });
      const dbPort = o.dbPort || (await freePort());
      const launchDatabase = () =>
        startEmbeddedDatabase({ dataDir: path.join(dataDir, 'postgres'), port: dbPort, log, logFile: path.join(dataDir, 'logs', 'postgres.log'), detached });
      let first;
      const db = await supervised('database', async () => (first = await launchDatabase()));
      stack.databaseUrl = first.url; // a restart keeps the port, so the URL holds
      stack.database = db;
      stops.push(() => db.stop());
      if (existsSync(path.join(dataDir, 'pglite'))) log(`${path.join(dataDir, 'pglite')} holds data of the former PGlite default; it is not carried over (see docs/runtime.md)`);
    }

    // Temporal: an existing server when TEMPORAL_ADDRESS is given, else the CLI dev server.
    if (o.temporalAddress) {
      stack.temporalAddress = o.temporalAddress;
    } else {
      const cliPath = await ensureTemporalCli({ log });
      const port = o.temporalPort ?? (await freePort());
      const uiPort = o.uiPort ?? (await freePort());
      // A restart reuses the same port and SQLite file, so clients reconnect to the same server and workflows.
      const dbFile = path.join(dataDir, 'temporal.db');
      const launchTemporal = () => startTemporalDevServer({ cliPath, dbFile, port, uiPort, log, detached });
      let first;
      let temporal = await supervised('temporal', async () => (first = await launchTemporal()));
      stack.temporalAddress = first.address;
      stack.temporalUiUrl = first.uiUrl;
      stack.temporalCliPath = cliPath;
      stack.temporal = temporal;
      // Outage drills (unsupervised stacks): kill the dev server without warning, start it again on the same port and file.
      stack.killTemporal = async () => {
        process.kill(temporal.pid, 'SIGKILL');
        await temporal.stop();
      };
      stack.restartTemporal = async () => {
        await temporal.stop();
        temporal = stack.temporal = await launchTemporal();
      };
      stops.push(() => temporal.stop());
    }

    const env = {
      NODE_ENV: process.env.NODE_ENV || 'development',
      ...o.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      ...(supervisor ? { BATON_SUPERVISOR_STATUS: supervisor.statusFile } : {}),
    };
    stack.env = env;

    await run(process.execPath, [path.join(DIST, 'libs/persistence/src/migrate.js')], { env, cwd: ROOT });
    if (o.seed !== false) {
      const out = await run(process.execPath, [path.join(DIST, 'libs/persistence/src/seed.js')], { env, cwd: ROOT });
      stack.seeded = out.includes('"created":true');
    }

    const logs = path.join(dataDir, 'logs');
    await mkdir(logs, { recursive: true });
    /** Start a child and wait until it is ready; one that never gets ready is stopped, not left behind. */
    const ready = async (p, predicate, what) => {
      try {
        await p.waitFor(predicate, 90_000, what);
      } catch (e) {
        await p.stop(2_000);
        throw e;
      }
      return p;
    };
    const echo = o.echo ?? true;
    const launchWorker = () =>
      ready(startProcess({ name: 'worker', command: process.execPath, args: [path.join(DIST, 'apps/worker/src/main.js')], env, cwd: ROOT, logFile: path.join(logs, 'worker.log'), echo, detached }), (s) => s.includes('worker polling'), 'polling');
    const launchApi = () =>
      ready(startProcess({ name: 'api', command: process.execPath, args: [path.join(DIST, 'apps/api/src/main.js')], env: { ...env, PORT: String(stack.apiPort) }, cwd: ROOT, logFile: path.join(logs, 'api.log'), echo, detached }), (s) => s.includes('api listening'), 'listening');
    stack.startWorker = async () => (stack.worker = await supervised('worker', launchWorker));
    stack.startApi = async () => (stack.api = await supervised('api', launchApi));
    stack.apiPort = o.apiPort ?? (await freePort());
    stack.apiUrl = `http://127.0.0.1:${stack.apiPort}`;
    await stack.startWorker();
    await stack.startApi();
  } catch (e) {
    await stopAll();
    throw e;
  }

  async function stopAll() {
    // A clean stop: nothing is restarted from here on.
    supervisor?.beginStop();
    // Reverse order of start: API and worker first (they drain), then Temporal, then the database.
    await Promise.all([stack.api?.stop(), stack.worker?.stop()]);
    for (const stop of stops.reverse()) await stop().catch((e) => log(`stop failed: ${e.message}`));
  }
  stack.stop = stopAll;
  return stack;
}
