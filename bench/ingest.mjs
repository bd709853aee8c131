// Benchmark: the ingest ceiling. In one run, on one machine and one Temporal dev server:
//  1. the bare ceiling: signal-with-start of a trivial workflow (per signal one local
//     activity, then wait for the next) from a Temporal client, with a worker in this process;
//     latency = signalWithStart called -> the activity ran. 10 % of the events start a new
//     workflow, 90 % signal one of a pool of running ones (the shape of Baton's mix).
//  2. Baton's ceiling for a realistic mix over GraphQL `recordEngagement`: 90 % low-intent
//     events (EMAIL_OPEN, BLOG_CLICK, SITE_VISIT: they never qualify) on existing leads, half
//     on nurtured leads (signalled, evaluated), half on leads in SAL (stored, not signalled);
//     10 % qualifying events on new leads (COMPARISON_GUIDE_DOWNLOAD by an ICP fit: MQL and
//     routed; not DEMO_REQUEST, which is hot and routes only within the reps' office hours).
//     Route = event accepted -> `lead { ownerId }` non-null over GraphQL (one aliased query
//     every 25 ms for every lead still waiting). The demo reps' capacity is raised first, so
//     routing never falls back to the unassigned queue.
//  3. the ratio of the two ceilings.
// Both run the same stepped open loop: each rate for --step-seconds, events sent at their
// scheduled instants whatever is outstanding (at most 2,000 outstanding: past that a send is
// shed and counted), until a step's p99 reaches 1 s, it achieves under 90 % of the asked rate,
// or over 1 % of its events fail. Achieved = accepted events / the step (or until the last
// answer, when later). Ceiling = the highest achieved rate at a step with p99 < 1 s (bare:
// activity; Baton: route and accept) and no errors. The bare part runs while the Baton stack
// is idle, then the Baton part. CPU per process is from /proc during each step.
// Targets: Baton ≥ 50 events/s with route p99 < 500 ms and accept p99 < 100 ms; Baton / bare
// ≥ 0.5. It prints figures; it does not pass or fail.
//   npm run build && node bench/ingest.mjs [--database-url postgres://...] [--step-seconds 10]
//     [--rates 10,20,40,...] [--max-rate 640] [--seed 1] [--nurtured 200] [--sal 100] [--json] [--keep] [--only bare|baton]
//     [--temporal-address host:port]  (both parts on that server instead of the stack's dev server)
// Without --database-url Baton runs on the stack's embedded database; give a PostgreSQL server
// (a fresh database is created on it and dropped at the end) for figures that compare with
// production.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { token } from '../scripts/lib/demo-leads.mjs';
import { startStack } from '../scripts/lib/stack.mjs';
import { inParallel, leadsInSal, raiseRepCapacity, recordEngagement, routeWatcher } from './lib/baton-client.mjs';
import { cpuSampler } from './lib/cpu.mjs';
import { mulberry32, summary } from './lib/stats.mjs';
import { runSteps } from './lib/stepped-load.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const STEP_SECONDS = Number(opt('step-seconds', 10));
const MAX_RATE = Number(opt('max-rate', Infinity));
const RATES = String(opt('rates', '10,20,40,60,80,120,160,240,320,480,640')).split(',').map(Number).filter((r) => r > 0 && r <= MAX_RATE);
const SEED = Number(opt('seed', 1));
const SERVER_URL = opt('database-url', null);
const TEMPORAL_ADDRESS = opt('temporal-address', undefined);
const NURTURED = Number(opt('nurtured', 200));
const IN_SAL = Number(opt('sal', 100));
const JSON_OUT = argv.includes('--json');
const KEEP = argv.includes('--keep');
/** `--only bare|baton`: one part (while tuning); the ratio needs both. */
const ONLY = opt('only', null);

const MAX_IN_FLIGHT = 2_000;
const DRAIN_MS = Math.max(10_000, STEP_SECONDS * 1000);
const LIMIT_MS = 1_000;
const TARGETS = { rate: 50, routeP99: 500, acceptP99: 100, ratio: 0.5 };
const RUN = `${SEED}-${Date.now().toString(36)}`;
const FIT = { company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' };
const NOT_FIT = { company: 'Tiny Shop', title: 'Assistant', industry: 'Retail', companySize: 8, country: 'NL' };
const LOW_INTENT = ['EMAIL_OPEN', 'BLOG_CLICK', 'SITE_VISIT'];

const T0 = Date.now();
const log = (m) => process.stderr.write(`[ingest ${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s] ${m}\n`);
const ms = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const pick = (rnd, xs) => xs[Math.floor(rnd() * xs.length)];

// ---------------------------------------------------------------- cleanup, also on Ctrl-C
const cleanups = [];
let cleaning = null;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e) => log(`cleanup: ${e.message}`));
  })());
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** The stop rule of both parts: why to stop after this step, or null. */
function stopReason(step, p99s) {
  if (p99s.some((p) => !(p < LIMIT_MS))) return 'p99 ≥ 1 s';
  if (step.achieved < 0.9 * step.rate) return 'achieved < 90 % of asked';
  if (step.errorCount > 0.01 * step.sent) return 'errors > 1 %';
  return null;
}

/** The highest achieved rate among steps that `qualifies`, with that step. */
function ceiling(steps, qualifies) {
  return steps.filter(qualifies).reduce((best, s) => (!best || s.achieved > best.achieved ? s : best), null);
}

const errorsText = (errors) => Object.entries(errors).map(([k, n]) => `${k} ${n}`).join(', ') || '-';
const cpuText = (cpu, names) => names.map((n) => cpu[n] ?? '-').join('/') + `  load ${cpu.load1}`;

/** Wait until `outstanding()` is 0 (at most `limitMs`): the next part starts on an idle server. */
async function drained(outstanding, what, limitMs = 180_000) {
  const t = Date.now();
  if (outstanding() > 0) log(`${what} (${outstanding()} events)`);
  while (outstanding() > 0 && Date.now() - t < limitMs) await sleep(200);
  if (outstanding() > 0) log(`${outstanding()} events still outstanding after ${limitMs / 1000} s; going on`);
  else if (Date.now() - t > 1000) log(`drained in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------- 1. bare ceiling
async function bareCeiling(stack, sampler) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const taskQueue = `ingestbench-bare-${RUN}`;
  const workerConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  const clientConnection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection: clientConnection });
  const ran = new Map(); // eventId -> resolve(instant the activity ran)
  const activities = {
    async mark(eventId) {
      ran.get(eventId)?.(performance.now());
      ran.delete(eventId);
    },
  };
  const workflowsPath = fileURLToPath(new URL('./lib/bare-workflow.mjs', import.meta.url));
  const workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  const worker = await Worker.create({ connection: workerConnection, taskQueue, workflowBundle, activities });
  const running = worker.run();
  try {
    let events = 0;
    let starts = 0;
    /** Signal-with-start `workflowId`; resolves when the signal's activity has run. */
    const send = async (r, workflowId) => {
      const eventId = `e${events++}`;
      const activityRan = new Promise((resolve) => ran.set(eventId, resolve));
      await client.workflow.signalWithStart('bareLead', { workflowId, taskQueue, signal: 'event', signalArgs: [eventId] }).catch((e) => {
        ran.delete(eventId);
        throw e;
      });
      r.acceptedAt = performance.now();
      r.doneAt = await activityRan;
    };
    const pool = Array.from({ length: NURTURED + IN_SAL }, (_, i) => `ingestbench-bare-${RUN}-pool-${i}`);
    await inParallel(pool.length, 16, (i) => send({}, pool[i]));
    log(`bare: ${pool.length} workflows running; stepping ${RATES.join(', ')} events/s, ${STEP_SECONDS} s each`);
    const rnd = mulberry32(SEED);
    const fire = (r) => send(r, rnd() < 0.1 ? `ingestbench-bare-${RUN}-new-${starts++}` : pick(rnd, pool));
    console.log(`\n1. bare ceiling: signal-with-start of a trivial workflow, one local activity per signal (worker in the bench process)`);
    console.log('  asked/s  achieved/s  done/s  start p50/p99 ms  activity p50/p99 ms  errors  | cpu % bench/temporal');
    const steps = await runSteps({
      rates: RATES,
      seconds: STEP_SECONDS,
      fire,
      maxInFlight: MAX_IN_FLIGHT,
      drainMs: DRAIN_MS,
      warmUp: { rate: 10, seconds: 2 },
      stop: (s) => stopReason(s, [s.done.p99]),
      beforeStep: () => sampler.start(),
      onStep: (s) => {
        s.cpu = sampler.stop();
        console.log(
          `  ${String(s.rate).padStart(7)}  ${s.achieved.toFixed(1).padStart(10)}  ${s.completed.toFixed(1).padStart(6)}  ${`${ms(s.accept.p50)}/${ms(s.accept.p99)}`.padStart(16)}  ${`${ms(s.done.p50)}/${ms(s.done.p99)}`.padStart(19)}  ${errorsText(s.errors)}  | ${cpuText(s.cpu, ['bench', 'temporal'])}${s.stopReason ? `  (stop: ${s.stopReason})` : ''}`,
        );
      },
    });
    await drained(() => ran.size, 'bare: waiting for the last step\'s backlog');
    return steps;
  } finally {
    worker.shutdown();
    await running.catch((e) => log(`bare worker: ${e.message}`));
    await workerConnection.close();
    await clientConnection.close();
  }
}

// ---------------------------------------------------------------- 2. Baton's ceiling
/** Raise the reps' capacity, then `NURTURED` leads in nurture and `IN_SAL` leads accepted by their owner. */
async function prepareLeads(stack, integration, revops, watcher) {
  const reps = await raiseRepCapacity(stack.apiUrl, revops);
  const event = (prefix, i, type, person) => ({ email: `ingest.${RUN}.${prefix}${i}@${person === FIT ? 'fitting' : 'tiny-shop'}.example`, type, person, occurredAt: new Date().toISOString(), idempotencyKey: `ingest-${RUN}-${prefix}${i}`, ...(type === 'COMPARISON_GUIDE_DOWNLOAD' ? { contentTitle: 'Baton vs Spreadsheets' } : {}) });
  const nurtured = await inParallel(NURTURED, 8, async (i) => {
    const input = event('n', i, 'EMAIL_OPEN', NOT_FIT);
    await recordEngagement(stack.apiUrl, integration, input);
    return input.email;
  });
  const inSal = await leadsInSal({ stack, integration, watcher, reps, count: IN_SAL, event: (i) => event('s', i, 'COMPARISON_GUIDE_DOWNLOAD', FIT) });
  return { nurtured, inSal };
}

/** The mix's next event: 10 % qualifying on a new lead, 45 % low-intent on a nurtured lead, 45 % on a lead in SAL. */
function batonMix(rnd, { nurtured, inSal }) {
  let n = 0;
  return () => {
    const i = n++;
    const r = rnd();
    const base = { occurredAt: new Date().toISOString(), idempotencyKey: `ingest-${RUN}-m${i}` };
    if (r < 0.1) return { kind: 'qualifying', input: { ...base, email: `ingest.${RUN}.q${i}@fitting.example`, type: 'COMPARISON_GUIDE_DOWNLOAD', contentTitle: 'Baton vs Spreadsheets', person: FIT } };
    const kind = r < 0.55 ? 'nurtured' : 'sal';
    return { kind, input: { ...base, email: pick(rnd, kind === 'nurtured' ? nurtured : inSal), type: pick(rnd, LOW_INTENT) } };
  };
}

function batonFigures(step) {
  const qualifying = step.records.filter((r) => r.kind === 'qualifying' && r.routeMs !== undefined);
  step.route = summary(qualifying.map((r) => r.routeMs));
  step.delivery = {};
  for (const r of step.records) if (r.delivery) step.delivery[r.delivery] = (step.delivery[r.delivery] ?? 0) + 1;
  // In the JSON only: the accept latency of each part of the mix (a stored event never waits for Temporal).
  step.acceptByKind = Object.fromEntries(['nurtured', 'sal', 'qualifying'].map((k) => [k, summary(step.records.filter((r) => r.kind === k && r.acceptedAt !== null).map((r) => r.acceptedAt - r.sentAt))]));
  return step;
}

async function batonCeiling(stack, sampler) {
  const integration = await token(stack, 'webforms@demo.baton.dev');
  const revops = await token(stack, 'revops@demo.baton.dev');
  const watcher = routeWatcher({ apiUrl: stack.apiUrl, token: revops, timeoutMs: DRAIN_MS });
  try {
    const t = Date.now();
    const pool = await prepareLeads(stack, integration, revops, watcher);
    log(`baton: ${pool.nurtured.length} nurtured leads and ${pool.inSal.length} leads in SAL in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await sleep(2_000); // let the pool's last evaluations finish
    const next = batonMix(mulberry32(SEED + 1), pool);
    const fire = async (r) => {
      const { kind, input } = next();
      r.kind = kind;
      const { leadId, delivery } = await recordEngagement(stack.apiUrl, integration, input);
      r.acceptedAt = performance.now();
      r.delivery = delivery;
      if (kind !== 'qualifying') return void (r.doneAt = r.acceptedAt);
      const { at } = await watcher.wait(leadId);
      r.routeMs = at - r.acceptedAt;
      r.doneAt = at;
    };
    console.log(`\n2. Baton: recordEngagement over GraphQL, 90 % low-intent on existing leads (45 % nurtured, 45 % SAL), 10 % qualifying on new leads`);
    console.log('  asked/s  achieved/s  done/s  accept p50/p99 ms  route p50/p99 ms (n)  delivered/queued/stored  errors  | cpu % api/worker/temporal/db/bench');
    return await runSteps({
      rates: RATES,
      seconds: STEP_SECONDS,
      fire,
      maxInFlight: MAX_IN_FLIGHT,
      drainMs: DRAIN_MS,
      warmUp: { rate: 5, seconds: 3 },
      stop: (s) => stopReason(batonFigures(s), [s.accept.p99, s.route.p99]),
      beforeStep: () => sampler.start(),
      onStep: (s) => {
        s.cpu = sampler.stop();
        const d = s.delivery;
        console.log(
          `  ${String(s.rate).padStart(7)}  ${s.achieved.toFixed(1).padStart(10)}  ${s.completed.toFixed(1).padStart(6)}  ${`${ms(s.accept.p50)}/${ms(s.accept.p99)}`.padStart(17)}  ${`${ms(s.route.p50)}/${ms(s.route.p99)} (${s.route.n})`.padStart(20)}  ${`${d.DELIVERED ?? 0}/${d.QUEUED ?? 0}/${d.STORED ?? 0}`.padStart(23)}  ${errorsText(s.errors)}  | ${cpuText(s.cpu, ['api', 'worker', 'temporal', 'db', 'bench'])}${s.stopReason ? `  (stop: ${s.stopReason})` : ''}`,
        );
      },
    });
  } finally {
    await watcher.stop();
  }
}

// ---------------------------------------------------------------- summary
function report(bare, baton) {
  const bareBest = ceiling(bare, (s) => s.done.p99 < LIMIT_MS && s.errorCount === 0);
  const batonBest = ceiling(baton, (s) => s.route.p99 < LIMIT_MS && s.accept.p99 < LIMIT_MS && s.errorCount === 0);
  const onTarget = ceiling(baton, (s) => s.route.p99 < TARGETS.routeP99 && s.accept.p99 < TARGETS.acceptP99 && s.errorCount === 0);
  const ratio = bareBest && batonBest ? batonBest.achieved / bareBest.achieved : NaN;
  const yes = (ok) => (ok ? 'yes' : 'no');
  console.log('\n3. ceilings');
  console.log(`  bare:  ${bareBest ? `${bareBest.achieved.toFixed(1)} events/s (asked ${bareBest.rate}, activity p99 ${ms(bareBest.done.p99)} ms)` : 'none (no step under 1 s without errors)'}`);
  console.log(`  Baton: ${batonBest ? `${batonBest.achieved.toFixed(1)} events/s (asked ${batonBest.rate}, route p99 ${ms(batonBest.route.p99)} ms, accept p99 ${ms(batonBest.accept.p99)} ms)` : 'none (no step under 1 s without errors)'}`);
  console.log(`  Baton within route p99 < ${TARGETS.routeP99} ms and accept p99 < ${TARGETS.acceptP99} ms: ${onTarget ? `${onTarget.achieved.toFixed(1)} events/s` : 'no step'}; target ≥ ${TARGETS.rate} events/s: ${yes(onTarget?.achieved >= TARGETS.rate)}`);
  console.log(`  ratio Baton / bare: ${Number.isFinite(ratio) ? ratio.toFixed(2) : '-'} (target ≥ ${TARGETS.ratio}: ${yes(ratio >= TARGETS.ratio)})`);
  if (!JSON_OUT) return;
  const plain = (steps) => steps.map(({ records: _records, ...s }) => s);
  const result = { stepSeconds: STEP_SECONDS, seed: SEED, database: SERVER_URL ? 'postgresql' : 'embedded', bare: { ceiling: bareBest?.achieved ?? null, steps: plain(bare) }, baton: { ceiling: batonBest?.achieved ?? null, onTarget: onTarget?.achieved ?? null, meetsTargets: onTarget?.achieved >= TARGETS.rate, steps: plain(baton) }, ratio: Number.isFinite(ratio) ? ratio : null, targets: TARGETS };
  console.log(JSON.stringify(result));
}

// ---------------------------------------------------------------- run
async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'baton-ingest-'));
  cleanups.push(async () => (KEEP ? log(`data kept in ${dataDir}`) : rm(dataDir, { recursive: true, force: true })));
  const databaseUrl = SERVER_URL ? await freshDatabase(SERVER_URL) : undefined;
  if (databaseUrl && !KEEP) cleanups.push(() => dropDatabase(SERVER_URL, databaseUrl));
  log(`starting the stack (${databaseUrl ? `PostgreSQL ${new URL(databaseUrl).pathname.slice(1)}` : 'embedded database'})`);
  const stack = await startStack({ dataDir, databaseUrl, temporalAddress: TEMPORAL_ADDRESS, echo: false, env: { LOG_LEVEL: 'warn' }, log: () => {} });
  cleanups.push(() => stack.stop());
  log(`stack up: api ${stack.apiUrl}, temporal ${stack.temporalAddress}, logs in ${dataDir}/logs`);
  const sampler = cpuSampler({ api: () => stack.api?.pid, worker: () => stack.worker?.pid, temporal: () => stack.temporal?.pid, db: () => ({ comm: 'postgres' }), bench: () => process.pid });
  const bare = ONLY === 'baton' ? [] : await bareCeiling(stack, sampler);
  const baton = ONLY === 'bare' ? [] : await batonCeiling(stack, sampler);
  report(bare, baton);
}

/** Run `statement` on the server of `serverUrl` (CREATE / DROP DATABASE). */
async function onServer(serverUrl, statement) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A new, empty database on the server of `serverUrl` (as test/support/global-setup.mjs makes them); its URL. */
async function freshDatabase(serverUrl) {
  const name = `baton_bench_ingest_${Date.now()}_${process.pid}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
const dropDatabase = (serverUrl, databaseUrl) => onServer(serverUrl, `DROP DATABASE IF EXISTS ${new URL(databaseUrl).pathname.slice(1)} WITH (FORCE)`);

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(`ingest benchmark failed: ${e.stack ?? e}`);
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
