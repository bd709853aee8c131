#!/usr/bin/env node
// Standalone embedded database: `node scripts/embedded-db.mjs [--data-dir DIR] [--port N]`.
// Prints the connection URL on stdout; stops cleanly on SIGINT/SIGTERM.
import path from 'node:path';
import { parseArgs } from 'node:util';

import { cacheDir } from './lib/provision.mjs';
import { startEmbeddedDatabase } from './lib/embedded-db.mjs';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: process.env.BATON_DB_DIR ?? path.join(cacheDir(), 'postgres') },
    port: { type: 'string', default: process.env.BATON_DB_PORT ?? '5433' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: node scripts/embedded-db.mjs [--data-dir DIR] [--port N]');
  process.exit(0);
}

const log = (msg) => console.error(`[embedded-db] ${msg}`);
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`[embedded-db] --port must be an integer 0..65535, got "${values.port}"`);
  process.exit(2);
}

// Handlers first: a signal during the first start (initdb) must still stop cleanly.
let db;
let stopRequested = false;
async function shutdown() {
  await db.stop();
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (db) void shutdown();
    else stopRequested = true;
  });
}

try {
  db = await startEmbeddedDatabase({ dataDir: values['data-dir'], port, log });
} catch (err) {
  console.error(`[embedded-db] ${err.message}`);
  process.exit(1);
}
if (stopRequested) await shutdown();
console.log(db.url);
db.exited.then(({ code, signal }) => {
  log(`PostgreSQL exited (code ${code}, signal ${signal})`);
  process.exit(1);
});
