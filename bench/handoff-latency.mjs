// Benchmark: time from a qualifying engagement event accepted by the API to the rep
// assignment visible over GraphQL, on the embedded stack (PostgreSQL + Temporal dev server),
// at a fixed event rate. Prints p50/p90/p99/max; it does not pass or fail.
//   npm run build && node bench/handoff-latency.mjs [--events 200] [--rate 5]
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { graphql, token } from '../scripts/lib/demo-leads.mjs';
import { startStack } from '../scripts/lib/stack.mjs';
import { pct } from './lib/stats.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const EVENTS = arg('events', 200);
const RATE = arg('rate', 5);

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-'));
const stack = await startStack({ dataDir, echo: false, env: { LOG_LEVEL: 'warn' }, log: () => {} });
try {
  const integration = await token(stack, 'webforms@demo.baton.dev');
  const reader = await token(stack, 'manager@demo.baton.dev');
  const RECORD = 'mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { leadId } }';
  const OWNER = 'query($id: ID!) { lead(id: $id) { ownerId } }';

  async function one(n) {
    const t0 = performance.now();
    const r = await graphql(stack.apiUrl, integration, RECORD, {
      i: {
        email: `bench.${n}.${Date.now()}@fitting.example`,
        type: 'COMPARISON_GUIDE_DOWNLOAD',
        occurredAt: new Date().toISOString(),
        idempotencyKey: `bench-${n}-${Date.now()}`,
        person: { company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' },
      },
    });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    const accepted = performance.now();
    const id = r.data.recordEngagement.leadId;
    for (;;) {
      const q = await graphql(stack.apiUrl, reader, OWNER, { id });
      if (q.data?.lead?.ownerId) return { total: performance.now() - t0, api: accepted - t0, assign: performance.now() - accepted };
      await new Promise((res) => setTimeout(res, 20));
    }
  }

  // Warm-up (JIT, connection pools, workflow cache), not measured.
  await Promise.all(Array.from({ length: 10 }, (_, i) => one(`warm${i}`)));
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < EVENTS; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    pending.push(one(i));
  }
  const results = await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  const report = (key) => {
    const v = results.map((r) => r[key]).sort((a, b) => a - b);
    return `p50 ${pct(v, 0.5).toFixed(0)} ms  p90 ${pct(v, 0.9).toFixed(0)} ms  p99 ${pct(v, 0.99).toFixed(0)} ms  max ${v.at(-1).toFixed(0)} ms`;
  };
  console.log(`handoff latency, embedded stack, ${EVENTS} qualifying events at ${RATE}/s (achieved ${(EVENTS / elapsed).toFixed(1)}/s)`);
  console.log(`  event accepted -> assignment visible: ${report('assign')}`);
  console.log(`  request sent   -> assignment visible: ${report('total')}`);
  console.log(`  API accept (recordEngagement):        ${report('api')}`);
} finally {
  await stack.stop();
}
