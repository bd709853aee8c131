// A dedicated, supervised platform in its own process, for the supervision system test:
// `node test/support/supervised-stack.mjs <dataDir>` starts the stack (its own embedded
// database in <dataDir>, or a fresh database on the PostgreSQL of DATABASE_URL) with
// supervision on, prints one line `READY {json}`, and stops everything cleanly on SIGTERM.
import pg from 'pg';
import { startStack } from '../../scripts/lib/stack.mjs';

async function freshPostgresDatabase(serverUrl) {
  const name = `baton_test_supervised_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: supervised-stack.mjs <dataDir>');
const log = (m) => process.stdout.write(`[supervised] ${m}\n`);
const databaseUrl = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
const stack = await startStack({ dataDir, databaseUrl, supervise: true, echo: process.env.BATON_ECHO_LOGS === '1', env: { LOG_LEVEL: 'info', NODE_ENV: 'test' }, log });

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    log('stopped');
    process.exit(0);
  });
}
process.stdout.write(`READY ${JSON.stringify({ apiUrl: stack.apiUrl, databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress, statusFile: stack.supervisor.statusFile })}\n`);
