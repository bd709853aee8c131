// Benchmark: what hostile GraphQL documents cost the API. For each shape it sends the document
// --repeat times and prints the worst wall time of an answer, the API process's CPU per request
// (from /proc, when the API runs on this machine) and how the API answered (refused by which
// rule, or answered), plus the worst /health latency while the shape was being sent.
// Shapes: nested fragments (n = 20, 30, 60: each level spreads the one below twice), 400
// aliased scorecards as a rep, wide (1 kB of one field repeated), deep nesting (past the depth
// limit), 1 kB documents of random shape (fragments, aliases, nesting, arguments).
// Target: every 1 kB document refused or answered within 50 ms of API CPU. It prints figures;
// it does not pass or fail.
//   npm run build && node bench/graphql-cost.mjs [--repeat 20] [--random 50] [--seed 1] [--json]
//     [--api-url http://127.0.0.1:3000 --rep-token "$(npm run -s token -- SALES_REP)" [--api-pid <pid>]]
// Without --api-url it starts its own stack (embedded database, dev server) and stops it.
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { token } from '../scripts/lib/demo-leads.mjs';
import { startStack } from '../scripts/lib/stack.mjs';
import { mulberry32 } from './lib/stats.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const REPEAT = Number(opt('repeat', 20));
const RANDOM_DOCS = Number(opt('random', 50));
const SEED = Number(opt('seed', 1));
const JSON_OUT = argv.includes('--json');

/** CPU time (ms) the process `pid` has used so far; null when it cannot be read. */
function cpuMs(pid) {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // USER_HZ = 100
  } catch {
    return null;
  }
}

const CARD = 'scorecard(period:{from:"2026-01-01",to:"2026-01-31"}){overall}';

function fragmentBomb(n) {
  let doc = `query{...F${n}} fragment F0 on Query{__typename}`;
  for (let i = 1; i <= n; i++) doc += ` fragment F${i} on Query{...F${i - 1} ...F${i - 1}}`;
  return doc;
}

/** Up to `bytes` of `piece` repeated inside `open` … `close`. */
const fill = (open, piece, close, bytes = 1024) => open + piece.repeat(Math.floor((bytes - open.length - close.length) / piece.length)) + close;

/** A random document of about 1 kB: fragments spreading each other, aliases, nesting, arguments. */
function randomDoc(rand) {
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const leaf = () => pick(['id', 'stage', 'email', 'ownerId', '__typename', 'createdAt']);
  const sel = (depth) => {
    const parts = [];
    const width = 1 + Math.floor(rand() * 6);
    for (let i = 0; i < width; i++) {
      const alias = rand() < 0.4 ? `a${Math.floor(rand() * 1000)}:` : '';
      if (depth > 0 && rand() < 0.5) parts.push(`${alias}${pick(['leads(page:{first:100})', 'myQueue', 'teams', 'reps'])}{${rand() < 0.5 ? 'nodes{' + sel(depth - 1) + '}' : sel(depth - 1)}}`);
      else parts.push(alias + leaf());
    }
    return parts.join(' ');
  };
  const frags = 2 + Math.floor(rand() * 10);
  let doc = `query{...R${frags - 1} ${sel(3)}}`;
  for (let i = 0; i < frags; i++) doc += ` fragment R${i} on Query{${i ? `...R${i - 1} ...R${Math.floor(rand() * i)} ` : ''}${CARD.slice(0, rand() < 0.2 ? CARD.length : 0)}__typename}`;
  while (doc.length < 1024) doc += ` fragment P${doc.length} on Query{${sel(2)}}`;
  return doc.slice(0, 1024).replace(/fragment P\d+[^]*$/, '');
}

async function post(apiUrl, query, tok) {
  const t0 = performance.now();
  const res = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}) }, body: JSON.stringify({ query }) });
  const body = await res.json().catch(() => null);
  const ms = performance.now() - t0;
  const err = body?.errors?.[0];
  const outcome = !body ? `http ${res.status}` : !err ? 'answered' : err.extensions?.violations ? `refused: ${err.extensions.violations.map((v) => v.rule).join(', ')}` : `refused: ${err.extensions?.code} (${String(err.message).slice(0, 50)})`;
  return { ms, outcome };
}

/** Sends `doc` REPEAT times (one at a time) while /health is asked every 5 ms; the worst of each. */
async function measure(apiUrl, apiPid, name, doc, tok) {
  let healthWorst = 0;
  let sending = true;
  const health = (async () => {
    while (sending) {
      const t0 = performance.now();
      await fetch(`${apiUrl}/health`).then((r) => r.arrayBuffer()).catch(() => {});
      healthWorst = Math.max(healthWorst, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const cpu0 = cpuMs(apiPid);
  let worst = 0;
  const outcomes = new Set();
  for (let i = 0; i < REPEAT; i++) {
    const r = await post(apiUrl, doc, tok);
    worst = Math.max(worst, r.ms);
    outcomes.add(r.outcome);
  }
  const cpu1 = cpuMs(apiPid);
  sending = false;
  await health;
  return { shape: name, bytes: doc.length, worstMs: round(worst), apiCpuMsPerRequest: cpu0 === null || cpu1 === null ? null : round((cpu1 - cpu0) / REPEAT), healthWorstMs: round(healthWorst), outcome: [...outcomes].join(' | ') };
}

const round = (x) => Math.round(x * 10) / 10;

async function run(apiUrl, apiPid, repToken) {
  const rows = [];
  for (const n of [20, 30, 60]) rows.push(await measure(apiUrl, apiPid, `nested fragments n=${n} (anonymous)`, fragmentBomb(n)));
  rows.push(await measure(apiUrl, apiPid, '400 aliased scorecards (SALES_REP)', `{${Array.from({ length: 400 }, (_, i) => `s${i}:${CARD}`).join(' ')}}`, repToken));
  rows.push(await measure(apiUrl, apiPid, '1 scorecard (SALES_REP)', `{${CARD}}`, repToken));
  rows.push(await measure(apiUrl, apiPid, 'wide: 1 kB of one field repeated', fill('{myQueue{', 'id ', '}}'), repToken));
  rows.push(await measure(apiUrl, apiPid, 'wide: 1 kB of aliases', `{${Array.from({ length: 70 }, (_, i) => `a${i}:__typename`).join(' ')}}`, repToken));
  rows.push(await measure(apiUrl, apiPid, 'deep nesting: 1 kB, 160 levels', `{${'reps{'.repeat(80)}${'leads{'.repeat(80)}id${'}'.repeat(161)}`, repToken));
  const rand = mulberry32(SEED);
  let worstRandom = null;
  for (let i = 0; i < RANDOM_DOCS; i++) {
    const r = await measure(apiUrl, apiPid, `random 1 kB #${i}`, randomDoc(rand), repToken);
    if (!worstRandom || (r.apiCpuMsPerRequest ?? r.worstMs) > (worstRandom.apiCpuMsPerRequest ?? worstRandom.worstMs)) worstRandom = r;
  }
  if (worstRandom) rows.push({ ...worstRandom, shape: `random 1 kB, worst of ${RANDOM_DOCS}: ${worstRandom.shape}` });
  return rows;
}

function print(rows) {
  if (JSON_OUT) return console.log(JSON.stringify(rows, null, 2));
  console.log(`GraphQL cost: worst of ${REPEAT} requests per shape (API CPU per request when the API pid is known)\n`);
  console.log('| shape | bytes | worst answer ms | API CPU ms / request | worst /health ms meanwhile | outcome |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.shape} | ${r.bytes} | ${r.worstMs} | ${r.apiCpuMsPerRequest ?? 'n/a'} | ${r.healthWorstMs} | ${r.outcome} |`);
}

const apiUrlArg = opt('api-url', null);
if (apiUrlArg) {
  const repToken = opt('rep-token', null);
  if (!repToken) throw new Error('--api-url needs --rep-token (npm run -s token -- SALES_REP)');
  print(await run(apiUrlArg.replace(/\/$/, ''), opt('api-pid', null), repToken));
} else {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-cost-'));
  const stack = await startStack({ dataDir, echo: false, env: { LOG_LEVEL: 'warn' }, log: () => {} });
  try {
    const rep = await token(stack, 'rep.berlin@demo.baton.dev');
    print(await run(stack.apiUrl, stack.api?.pid, rep));
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
