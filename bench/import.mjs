// Benchmark: the historical importer (docs/import.md) on a generated 1,000,000-row lifecycle
// file (plus the people it needs), into a real PostgreSQL. Prints rows/s and peak RSS; it does
// not pass or fail.
//
//   npm run build && node bench/import.mjs [--database-url postgres://...] [--rows 1000000]
//        [--interleave] [--dry-run] [--cache-leads 20000]
//
// The database (default baton_bench_import on the local cluster) is created if missing and
// migrated; a team and ten reps with calendars are added once. Every run imports new people
// (a fresh e-mail prefix), ten lifecycle events each, in the importer's 1,000-row batches.
// By default each person's events are consecutive; --interleave deals them round-robin over
// 50,000 people at a time (each person's next event 50,000 rows later), more than the
// importer's lead cache holds: the worst case, every row's lead is loaded again.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ROOT } from '../scripts/lib/stack.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const DATABASE_URL = opt('database-url', 'postgres://postgres:postgres@127.0.0.1:5432/baton_bench_import');
const ROWS = Number(String(opt('rows', '1000000')).replace(/_/g, ''));
const EVENTS_PER_LEAD = 10;
const INTERLEAVE = argv.includes('--interleave');
const DRY_RUN = argv.includes('--dry-run');
const CACHE_LEADS = Number(opt('cache-leads', '20000'));
const require = createRequire(import.meta.url);
const { runMigrations } = require(path.join(ROOT, 'dist/libs/persistence/src/data-source.js'));
const { runImport } = require(path.join(ROOT, 'dist/libs/persistence/src/import/importer.js'));
const fmt = (n) => Math.round(n).toLocaleString('en');

// Database: create if missing, migrate, a team with ten reps.
const target = new URL(DATABASE_URL);
const dbName = target.pathname.slice(1);
const admin = new URL(DATABASE_URL);
admin.pathname = '/postgres';
const a = new pg.Client({ connectionString: admin.toString() });
await a.connect();
if (!(await a.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount) await a.query(`CREATE DATABASE "${dbName}"`);
await a.end();
await runMigrations(DATABASE_URL);
const db = new pg.Client({ connectionString: DATABASE_URL });
await db.connect();
const hours = [{ start: '09:00', end: '17:00' }];
const calendar = JSON.stringify({ timeZone: 'Europe/Berlin', weekly: { 1: hours, 2: hours, 3: hours, 4: hours, 5: hours }, holidays: [] });
await db.query(`INSERT INTO team (name) VALUES ('Bench import') ON CONFLICT (name) DO NOTHING`);
const [{ id: teamId }] = (await db.query(`SELECT id FROM team WHERE name = 'Bench import'`)).rows;
for (let i = 0; i < 10; i++) {
  await db.query(`INSERT INTO app_user (email, name, role, team_id, calendar) VALUES ($1, $2, 'SALES_REP', $3, $4) ON CONFLICT (email) DO NOTHING`, [`rep${i}@bench-import.test`, `Bench rep ${i}`, teamId, calendar]);
}
await db.end();

// Files: people.csv (ROWS / 10 people) and lifecycle.csv (ten events per person).
const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-import-'));
const run = Date.now().toString(36);
const leads = Math.ceil(ROWS / EVENTS_PER_LEAD);
const write = async (file, header, lines) => {
  const out = createWriteStream(path.join(dir, file));
  out.write(header + '\n');
  let buf = '';
  for (const line of lines) {
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise((r) => out.on('finish', r));
};
const base = Date.parse('2024-01-01T08:00:00Z');
const at = (lead, minutes) => new Date(base + (lead % 500) * 86_400_000 + minutes * 60_000).toISOString();
const email = (i) => `b${run}-${i}@bench-import.test`;
const t0 = Date.now();
await write('people.csv', 'email,first_name,last_name,company,industry,company_size,country,source,created_at', (function* () {
  for (let i = 0; i < leads; i++) yield `${email(i)},Bench,${i},Company ${i % 997},SaaS,${50 + (i % 900)},DE,WEBSITE,${at(i, 0)}`;
})());
let written = 0;
await write('lifecycle.csv', 'email,occurred_at,event,owner_email,channel,outcome', (function* () {
  const eventsOf = (i) => {
    const rep = `rep${i % 10}@bench-import.test`;
    return [
      [60, 'MQL', '', '', ''], [61, 'ROUTED', rep, '', ''], [90, 'SALES_TOUCH', rep, 'CALL', 'NO_ANSWER'], [120, 'ACCEPTED', rep, '', ''],
      [1500, 'SALES_TOUCH', rep, 'EMAIL', 'ATTEMPTED'], [2940, 'SALES_TOUCH', rep, 'LINKEDIN', 'ATTEMPTED'], [5820, 'SALES_TOUCH', rep, 'CALL', 'VOICEMAIL'],
      [8700, 'SALES_TOUCH', rep, 'CALL', 'CONNECTED'], [8760, 'SQL', rep, '', ''], [10000, 'SALES_TOUCH', rep, 'EMAIL', 'REPLIED'],
    ];
  };
  const group = INTERLEAVE ? 50_000 : 1;
  for (let g = 0; g < leads && written < ROWS; g += group) {
    const end = Math.min(g + group, leads);
    for (let k = 0; k < EVENTS_PER_LEAD; k++) {
      for (let i = g; i < end; i++) {
        const [m, event, owner, channel, outcome] = eventsOf(i)[k];
        if (written++ >= ROWS) break;
        yield `${email(i)},${at(i, m)},${event},${owner},${channel},${outcome}`;
      }
    }
  }
})());
console.log(`generated ${fmt(leads)} people and ${fmt(Math.min(written, ROWS))} lifecycle rows in ${((Date.now() - t0) / 1000).toFixed(1)} s (${dir})`);

let last = 0;
let phase = null;
let phaseStart = 0;
const phases = [];
const started = Date.now();
const summary = await runImport({
  databaseUrl: DATABASE_URL,
  paths: [dir],
  startedBy: 'bench/import.mjs',
  dryRun: DRY_RUN,
  cacheLeads: CACHE_LEADS,
  onProgress: ({ file, rows, rowsPerSecond }) => {
    if (file !== phase) {
      if (phase) phases.push(`${phase} ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
      phase = file;
      phaseStart = Date.now();
    }
    if (Date.now() - last < 2000) return;
    last = Date.now();
    process.stderr.write(`\r${file}: ${fmt(rows)} rows, ${fmt(rowsPerSecond)} rows/s, rss ${fmt(process.memoryUsage().rss / 2 ** 20)} MiB   `);
  },
});
process.stderr.write('\n');
if (phase) phases.push(`${phase} ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
const secs = (Date.now() - started) / 1000;
for (const f of summary.files) console.log(`${f.file.padEnd(16)} read ${fmt(f.read)}  imported ${fmt(f.imported)}  present ${fmt(f.skipped)}  rejected ${fmt(f.rejected)}`);
const lifecycle = summary.files.find((f) => f.type === 'lifecycle');
console.log(`${DRY_RUN ? 'dry run' : 'import'}${INTERLEAVE ? ' (interleaved)' : ''}, cache ${fmt(CACHE_LEADS)} leads: ${fmt(summary.totals.read)} rows in ${secs.toFixed(1)} s = ${fmt(summary.totals.read / secs)} rows/s overall (lifecycle ${fmt(lifecycle.read)} rows)`);
console.log(`phases (from each one's first progress report): ${phases.join(', ')}`);
console.log(`peak RSS: ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`);
await rm(dir, { recursive: true, force: true });
