// Benchmark: latency of the GraphQL `scorecard` query over the last 90 days, on a real
// PostgreSQL holding 1,000,000 leads with two years of related history (bench/lib/kpi-dataset.mjs,
// generated inside PostgreSQL). Prints load time, row counts and p50/p95/p99/max; it does
// not pass or fail (target: p95 < 300 ms).
//
//   npm run build && node bench/scorecard.mjs [--database-url postgres://...] [--leads 1000000]
//        [--reload] [--load-only] [--warmup 5] [--runs 50]
//
// The database `baton_bench_kpi` (on the server of --database-url, default the local cluster)
// is created, migrated, seeded with the demo organisation and loaded once; later runs reuse
// it (a marker row in bench.load_info records the load) unless --reload is given or the
// marker is missing or was made for another --leads. Migrations and the seed run every
// time (both are idempotent). The period is the organisation's reporting time zone's today
// and the 89 days before it, so a dataset loaded days ago sees a window shifted past its
// newest data: --reload to refresh it.
//
// Timing starts only what the query needs: a Temporal dev server (the API refuses to start
// without Temporal) and the API. No worker: its daily KPI snapshot schedule would run the
// same heavy queries in the background while we measure.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { graphql, token } from '../scripts/lib/demo-leads.mjs';
import { run, startProcess } from '../scripts/lib/processes.mjs';
import { ensureTemporalCli, freePort, startTemporalDevServer } from '../scripts/lib/provision.mjs';
import { ROOT } from '../scripts/lib/stack.mjs';
import { LOADED_TABLES, loadInfo, loadKpiDataset } from './lib/kpi-dataset.mjs';
import { pct } from './lib/stats.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const int = (name, dflt, min) => {
  const v = Number(String(opt(name, dflt)).replace(/_/g, ''));
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${name} must be an integer >= ${min}, got ${opt(name, dflt)}`);
    process.exit(2);
  }
  return v;
};
const DATABASE_URL = opt('database-url', 'postgres://postgres:postgres@127.0.0.1:5432/postgres');
const LEADS = int('leads', 1_000_000, 1);
const WARMUP = int('warmup', 5, 0);
const RUNS = int('runs', 50, 1);
const DB_NAME = 'baton_bench_kpi';
const DIST = path.join(ROOT, 'dist');

const log = (m) => console.log(m);
const fmt = (n) => n.toLocaleString('en');

for (const f of ['libs/persistence/src/migrate.js', 'libs/persistence/src/seed.js', 'apps/api/src/main.js', 'apps/api/src/auth/issue-token.js']) {
  if (!existsSync(path.join(DIST, f))) {
    console.error(`dist/${f} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
}

const benchUrl = (() => {
  const u = new URL(DATABASE_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();
const env = { NODE_ENV: 'development', LOG_LEVEL: 'warn', DATABASE_URL: benchUrl };

// ------------------------------------------------------------------ database and data
async function prepareDatabase() {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  let reason = flag('reload') ? '--reload' : null;
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rowCount > 0;
    if (!exists) reason ??= `${DB_NAME} does not exist`;
    if (exists && !reason) {
      const c = new pg.Client({ connectionString: benchUrl });
      await c.connect();
      try {
        const info = await loadInfo(c);
        if (!info) reason = 'no complete load recorded';
        else if (info.leads !== LEADS) reason = `it holds ${fmt(info.leads)} leads, ${fmt(LEADS)} asked`;
      } finally {
        await c.end();
      }
    }
    if (reason) {
      log(`(re)creating ${DB_NAME}: ${reason}`);
      await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${DB_NAME}`);
    }
  } finally {
    await admin.end();
  }

  let t0 = performance.now();
  await run(process.execPath, [path.join(DIST, 'libs/persistence/src/migrate.js')], { env, cwd: ROOT });
  await run(process.execPath, [path.join(DIST, 'libs/persistence/src/seed.js')], { env, cwd: ROOT });
  log(`migrations + demo seed: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const client = new pg.Client({ connectionString: benchUrl });
  await client.connect();
  try {
    if (reason) {
      t0 = performance.now();
      const connect = async () => {
        const c = new pg.Client({ connectionString: benchUrl });
        await c.connect();
        return c;
      };
      const { counts, seconds, asOf } = await loadKpiDataset(client, { leads: LEADS, log, connect });
      log(`\nloaded ${fmt(LEADS)} leads as of ${asOf.toISOString()} in ${seconds.toFixed(1)} s (set-based SQL, then keys, indexes, foreign keys, VACUUM ANALYZE)`);
      printCounts(counts);
      return asOf;
    }
    const info = await loadInfo(client);
    log(`reusing ${DB_NAME}: ${fmt(info.leads)} leads as of ${new Date(info.as_of).toISOString()} (loaded in ${Number(info.seconds).toFixed(1)} s; --reload to regenerate)`);
    printCounts(info.counts);
    return new Date(info.as_of);
  } finally {
    await client.end();
  }
}

function printCounts(counts) {
  log('rows per table:');
  const order = (t) => (LOADED_TABLES.includes(t) ? LOADED_TABLES.indexOf(t) : LOADED_TABLES.length);
  for (const [t, n] of Object.entries(counts).sort(([a], [b]) => order(a) - order(b))) log(`  ${t.padEnd(18)} ${fmt(Number(n)).padStart(12)}`);
  log(`  ${'total'.padEnd(18)} ${fmt(Object.values(counts).reduce((s, n) => s + Number(n), 0)).padStart(12)}`);
}

// ------------------------------------------------------------------ timing
const SCORECARD = 'query($p: PeriodInput!) { scorecard(period: $p) { period { start end timeZone } rows { kpi value target status } } }';

/** Today in `timeZone` and the 89 days before it, as local dates. */
function last90Days(timeZone) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number);
  const from = new Date(Date.UTC(y, m - 1, d - 89)).toISOString().slice(0, 10);
  return { from, to: today };
}

function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1]);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

function explainErrors(r) {
  const lines = (r.errors ?? []).map((e) => `  - ${e.message}${e.extensions?.code ? ` [${e.extensions.code}]` : ''}${e.path ? ` at ${e.path.join('.')}` : ''}`);
  return lines.join('\n');
}

async function timeScorecard(asOf) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-scorecard-'));
  let temporal;
  let api;
  let ok = false;
  const stop = async () => {
    await api?.stop();
    await temporal?.stop();
  };
  const onSignal = async () => {
    await stop();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const cliPath = await ensureTemporalCli({ log });
    temporal = await startTemporalDevServer({ cliPath, dbFile: path.join(dir, 'temporal.db'), port: await freePort() });
    const apiPort = await freePort();
    const apiEnv = { ...env, TEMPORAL_ADDRESS: temporal.address, PORT: String(apiPort) };
    api = startProcess({ name: 'api', command: process.execPath, args: [path.join(DIST, 'apps/api/src/main.js')], env: apiEnv, cwd: ROOT, logFile: path.join(dir, 'api.log'), echo: false });
    await api.waitFor((s) => s.includes('api listening'), 90_000, 'listening');
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const revops = await token({ env: apiEnv }, 'revops@demo.baton.dev');

    const db = new pg.Client({ connectionString: benchUrl });
    await db.connect();
    const timeZone = (await db.query('SELECT reporting_time_zone AS tz FROM organisation_settings WHERE id = 1')).rows[0]?.tz ?? 'UTC';
    await db.end();
    const p = last90Days(timeZone);
    const ageDays = (Date.now() - asOf.getTime()) / 86_400_000;
    log(`\nscorecard over ${p.from} .. ${p.to} (${timeZone}), data as of ${asOf.toISOString()}${ageDays > 2 ? ` — ${ageDays.toFixed(0)} days ago: the window now reaches past the newest data, consider --reload` : ''}`);

    const call = async () => {
      const t0 = performance.now();
      const r = await graphql(apiUrl, revops, SCORECARD, { p });
      const ms = performance.now() - t0;
      if (r.errors?.length || !r.data?.scorecard) {
        const err = new Error(`the scorecard query failed:\n${explainErrors(r) || JSON.stringify(r).slice(0, 2000)}`);
        err.graphql = true;
        throw err;
      }
      return { ms, data: r.data.scorecard };
    };

    const first = await call();
    const sc = first.data;
    log(`  period ${sc.period.start} .. ${sc.period.end} ${sc.period.timeZone}, ${sc.rows.length} KPI rows (first call ${first.ms.toFixed(0)} ms):`);
    for (const row of sc.rows) log(`    ${String(row.kpi).padEnd(32)} ${String(row.value ?? '-').padStart(22)}  target ${String(row.target ?? '-').padStart(8)}  ${row.status}`);

    for (let i = 0; i < WARMUP; i++) await call();
    const rssBefore = rssOf(api.pid);
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push((await call()).ms);
    const rssAfter = rssOf(api.pid);
    times.sort((a, b) => a - b);
    const mean = times.reduce((s, t) => s + t, 0) / times.length;
    log(`\nscorecard latency, ${fmt(LEADS)} leads, PostgreSQL, ${RUNS} sequential requests after ${WARMUP} warm-up (target p95 < 300 ms):`);
    log(`  p50 ${pct(times, 0.5).toFixed(0)} ms  p95 ${pct(times, 0.95).toFixed(0)} ms  p99 ${pct(times, 0.99).toFixed(0)} ms  max ${times.at(-1).toFixed(0)} ms  (min ${times[0].toFixed(0)}, mean ${mean.toFixed(0)})`);
    if (rssAfter) log(`  API process RSS: ${rssBefore.rss.toFixed(0)} MB before the runs, ${rssAfter.rss.toFixed(0)} MB after, peak ${rssAfter.peak.toFixed(0)} MB`);
    ok = true;
  } catch (e) {
    if (e.graphql) console.error(`\n${e.message}`);
    else console.error(`\nbenchmark failed: ${e.stack ?? e}`);
    if (existsSync(path.join(dir, 'api.log'))) {
      const tail = readFileSync(path.join(dir, 'api.log'), 'utf8').trim().split('\n').slice(-15).join('\n');
      if (tail) console.error(`\napi log (${path.join(dir, 'api.log')}, last lines):\n${tail}`);
    }
  } finally {
    await stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (ok) await rm(dir, { recursive: true, force: true });
  }
  return ok;
}

const asOf = await prepareDatabase();
if (flag('load-only')) process.exit(0);
process.exit((await timeScorecard(asOf)) ? 0 : 1);
