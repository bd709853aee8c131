// System tier: bring up the real platform once for all system tests — API and worker
// processes, a Temporal dev server, and the embedded database (or a fresh database on the
// PostgreSQL named by DATABASE_URL) — and hand its addresses to the tests via env.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startStack } from '../../scripts/lib/stack.mjs';

/** A new, empty database on the PostgreSQL server of `serverUrl` (the system tier's and isolated stacks'). */
export async function freshPostgresDatabase(serverUrl) {
  const name = `baton_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drop a database `freshPostgresDatabase` made (only those: the name must say so). */
export async function dropTestDatabase(serverUrl, databaseUrl) {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^baton_test_\w+$/.test(name)) return;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export default async function globalSetup() {
  const t0 = Date.now();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'baton-system-'));
  const databaseUrl = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  const stack = await startStack({ dataDir, databaseUrl, echo: process.env.BATON_ECHO_LOGS === '1', env: { LOG_LEVEL: 'info', NODE_ENV: 'test' }, log: () => {} });
  globalThis.__BATON_STACK__ = stack;
  Object.assign(process.env, {
    BATON_TEST_API_URL: stack.apiUrl,
    BATON_TEST_DATABASE_URL: stack.databaseUrl,
    BATON_TEST_TEMPORAL_ADDRESS: stack.temporalAddress,
    BATON_TEST_TEMPORAL_CLI: stack.temporalCliPath ?? '',
    BATON_TEST_WORKER_PID: String(stack.worker.pid),
    BATON_TEST_DATA_DIR: dataDir,
    
  });
  process.stdout.write(`\n[system] platform up in ${Date.now() - t0} ms (database: ${databaseUrl ? 'PostgreSQL' : 'embedded PostgreSQL'})\n`);
}
