// `npm start`: build, then bring the whole platform up on this machine on the embedded
// default (PGlite + Temporal dev server, both persisted under .data/), seed the demo
// organisation on first start, and stop everything cleanly on Ctrl-C.
import path from 'node:path';
import { build, ROOT, startStack } from './lib/stack.mjs';
import { seedDemoLeads } from './lib/demo-leads.mjs';

const log = (m) => process.stdout.write(`[baton] ${m}\n`);
const t0 = Date.now();

await build(log);
const stack = await startStack({
  dataDir: process.env.BATON_DATA_DIR || path.join(ROOT, '.data'),
  apiPort: Number(process.env.PORT || 3000),
  temporalPort: Number(process.env.TEMPORAL_PORT || 7233),
  uiPort: Number(process.env.TEMPORAL_UI_PORT || 8233),
  dbPort: Number(process.env.BATON_DB_PORT || 55432),
  databaseUrl: process.env.DATABASE_URL,
  temporalAddress: process.env.TEMPORAL_ADDRESS,
  echo: process.env.BATON_ECHO_LOGS !== '0',
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
log('Ctrl-C stops everything; the next start resumes the same data and workflows.');

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping`);
    await stack.stop();
    log('stopped');
    process.exit(0);
  });
}
// A crashed API or worker takes the platform down rather than leaving half of it running.
for (const p of [stack.api, stack.worker]) {
  p.exited.then(async ({ code }) => {
    if (stopping) return;
    log(`${p.name} exited unexpectedly (code ${code}); stopping`);
    stopping = true;
    await stack.stop();
    process.exit(1);
  });
}
