// `npm start`: build, then bring the whole platform up on this machine on the embedded
// default (PostgreSQL + Temporal dev server, both persisted under .data/), seed the demo
// organisation on first start, and stop everything cleanly on Ctrl-C. The Temporal dev
// server, the worker and the API are supervised: one that dies is restarted with backoff
// (BATON_SUPERVISE=0 turns that off: then a crashed API or worker stops the platform).
import path from 'node:path';
import { build, ROOT, startStack } from './lib/stack.mjs';
import { seedDemoLeads } from './lib/demo-leads.mjs';

const log = (m) => process.stdout.write(`[baton] ${m}\n`);
const t0 = Date.now();
const supervise = process.env.BATON_SUPERVISE !== '0';

let stack = null;
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping`);
    // Still starting: exiting stops the supervised children too (they run in their own process group).
    if (!stack) process.exit(130);
    await stack.stop();
    log('stopped');
    process.exit(0);
  });
}

await build(log);
stack = await startStack({
  dataDir: process.env.BATON_DATA_DIR || path.join(ROOT, '.data'),
  apiPort: Number(process.env.PORT || 3000),
  temporalPort: Number(process.env.TEMPORAL_PORT || 7233),
  uiPort: Number(process.env.TEMPORAL_UI_PORT || 8233),
  dbPort: Number(process.env.BATON_DB_PORT || 55432),
  databaseUrl: process.env.DATABASE_URL,
  temporalAddress: process.env.TEMPORAL_ADDRESS,
  echo: process.env.BATON_ECHO_LOGS !== '0',
  supervise,
  log,
});
try {
  if (stack.seeded) await seedDemoLeads(stack, log);
} catch (e) {
  log(`demo seed failed: ${e.message}`);
  await stack.stop();
  process.exit(1);
}

log('');
log(`Baton is up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
log(`  GraphQL       ${stack.apiUrl}/graphql`);
log(`  Health        ${stack.apiUrl}/health`);
if (stack.temporalUiUrl) log(`  Temporal UI   ${stack.temporalUiUrl}`);
log(`  Temporal      ${stack.temporalAddress}`);
log(`  Database      ${stack.databaseUrl}`);
log(`  Token         DATABASE_URL=${stack.databaseUrl} npm run token -- admin@demo.baton.dev   (or a role: SALES_REP, REVOPS, ...)`);
if (supervise) log(`Supervised: a crashed Temporal dev server, worker or API restarts by itself (state: ${stack.supervisor.statusFile}, and /health)`);
log('Ctrl-C stops everything; the next start resumes the same data and workflows.');

// Unsupervised, a crashed API or worker takes the platform down rather than leaving half of it running.
for (const p of supervise ? [] : [stack.api, stack.worker]) {
  p.exited.then(async ({ code }) => {
    if (stopping) return;
    log(`${p.name} exited unexpectedly (code ${code}); stopping`);
    stopping = true;
    await stack.stop();
    process.exit(1);
  });
}
