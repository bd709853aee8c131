// `npm run import -- <dir|files...> [--dry-run] [--mapping preset|file.json]...`: historical
// import of an existing CRM's history (docs/import.md). Runs the compiled importer from dist/
// (run `npm run build` first) against DATABASE_URL, by default the embedded database that
// `npm start` serves. Exit code: 0 done (rejections are reported, not fatal), 1 failed, 2 usage.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/stack.mjs';

const USAGE = 'usage: npm run import -- <dir|files...> [--dry-run] [--mapping <preset|mapping.json>]... [--batch-size N] [--cache-leads N] [--started-by NAME] [--no-adopt]';
const argv = process.argv.slice(2);
const paths = [];
const mappings = [];
let dryRun = false;
let adoptLeads = true;
let batchSize = 1000;
let cacheLeads = 20_000;
let startedBy = `cli:${os.userInfo().username}`;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--dry-run') dryRun = true;
  else if (a === '--mapping') mappings.push(argv[++i]);
  else if (a === '--no-adopt') adoptLeads = false;
  else if (a === '--batch-size') batchSize = Number(argv[++i]);
  else if (a === '--cache-leads') cacheLeads = Number(argv[++i]);
  else if (a === '--started-by') startedBy = argv[++i];
  else if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else if (a.startsWith('--')) {
    console.error(`unknown option ${a}\n${USAGE}`);
    process.exit(2);
  } else paths.push(a);
}
if (!paths.length || mappings.some((m) => !m) || !Number.isInteger(batchSize) || batchSize < 1 || !Number.isInteger(cacheLeads) || cacheLeads < 1) {
  console.error(USAGE);
  process.exit(2);
}

const compiled = path.join(ROOT, 'dist/libs/persistence/src/import/importer.js');
if (!existsSync(compiled)) {
  console.error('dist/ is missing the importer: run `npm run build` first');
  process.exit(2);
}
const { runImport, ImportUsageError, FINISHING } = createRequire(import.meta.url)(compiled);
const databaseUrl = process.env.DATABASE_URL || `postgres://postgres:postgres@127.0.0.1:${process.env.BATON_DB_PORT || 55432}/postgres`;

const fmt = (n) => Math.round(n).toLocaleString('en');
let lastProgress = 0;
const progress = ({ file, rows, rowsPerSecond }) => {
  const now = Date.now();
  if (now - lastProgress < 250) return;
  lastProgress = now;
  const unit = file === FINISHING ? 'leads' : 'rows';
  process.stderr.write(`\r${file}: ${fmt(rows)} ${unit}, ${fmt(rowsPerSecond)} ${unit}/s   `);
};

// Open imported leads get their live workflows on TEMPORAL_ADDRESS (default: what `npm start` runs).
let temporal = null;
if (adoptLeads && !dryRun) {
  const require = createRequire(import.meta.url);
  const { Client, Connection } = require('@temporalio/client');
  const { startAdoptedLeads } = require(path.join(ROOT, 'dist/libs/runtime/src/adopt-leads.js'));
  const address = process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  try {
    const connection = await Connection.connect({ address, connectTimeout: 5000 });
    const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE || 'default' });
    temporal = { connection, adopt: (leads) => startAdoptedLeads(client, leads) };
  } catch (e) {
    console.error(`cannot reach Temporal at ${address} (${e.message}): start the platform, or pass --no-adopt to import history without adopting open leads`);
    process.exit(2);
  }
}

let summary;
try {
  summary = await runImport({ databaseUrl, paths: paths.map((p) => path.resolve(p)), dryRun, mappings, batchSize, cacheLeads, startedBy, keepRejections: 50, onProgress: progress, adopt: temporal?.adopt });
} catch (e) {
  process.stderr.write('\n');
  if (e instanceof ImportUsageError) {
    console.error(e.message);
    process.exit(2);
  }
  console.error(`import failed: ${e.message}${e.summary?.jobId ? ` (job ${e.summary.jobId}, status FAILED; re-run to resume: rows already written are skipped)` : ''}`);
  process.exit(1);
} finally {
  await temporal?.connection.close();
}
process.stderr.write('\r'.padEnd(80) + '\r');

const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
console.log(`${dryRun ? 'Dry run (nothing written)' : 'Import'} ${summary.jobId}: ${summary.status} in ${(summary.elapsedMs / 1000).toFixed(1)} s, ${fmt(summary.rowsPerSecond)} rows/s`);
console.log(`${pad('file', 28)}${num('read', 10)}${num(dryRun ? 'valid' : 'imported', 10)}${num('present', 10)}${num('rejected', 10)}`);
for (const f of summary.files) console.log(`${pad(f.file, 28)}${num(fmt(f.read), 10)}${num(fmt(f.imported), 10)}${num(fmt(f.skipped), 10)}${num(fmt(f.rejected), 10)}`);
const t = summary.totals;
console.log(`${pad('total', 28)}${num(fmt(t.read), 10)}${num(fmt(t.imported), 10)}${num(fmt(t.skipped), 10)}${num(fmt(t.rejected), 10)}`);
if (summary.adoption) {
  const a = summary.adoption;
  console.log(`\nOpen leads: ${a.started} adopted by a live workflow, ${a.alreadyRunning} already running, ${a.notAdopted} open but not adoptable as they are (queued, SQL without an opportunity, opted out; see docs/import.md)`);
}
if (summary.rejections.length) {
  console.log(`\nRejected rows${t.rejected > summary.rejections.length ? ` (first ${summary.rejections.length}; all in importJob(id: "${summary.jobId}") { rejections })` : ''}:`);
  for (const r of summary.rejections) console.log(`  ${r.file}:${r.row}  ${r.field}  ${r.rule}  ${r.message}`);
}
