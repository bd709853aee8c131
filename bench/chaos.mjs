// Chaos benchmark: N leads in flight through routing and cadence on a supervised embedded
// stack while the worker, the API and the Temporal dev server are SIGKILLed at random
// (seeded) moments. Drivers behave like real clients: every call is retried with the same
// idempotency key / touchId / requestId until it gets a definite answer. When everything
// has settled, the database and the workflows are checked for lost and duplicated effects.
// Prints one figure per column; it does not pass or fail.
//   npm run build && node bench/chaos.mjs [--leads 500] [--seed 1] [--duration-limit 1800]
//     [--concurrency 20] [--drivers 40] [--kill-every 5-15] [--min-uptime 60] [--call-limit 300] [--verbose]
// One fault at a time: a kill happens only while all three children are up, and a child is
// killed again only once it has been back for --min-uptime seconds (60 s is also when the
// supervisor's backoff starts over, so every restart waits the initial 1 s).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { userToken } from '../scripts/lib/demo-leads.mjs';
import { startStack } from '../scripts/lib/stack.mjs';
import { mulberry32 } from './lib/stats.mjs';

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const LEADS = Number(arg('leads', 500));
const SEED = Number(arg('seed', 1));
const DURATION_LIMIT_S = Number(arg('duration-limit', 1800)); // global deadline for the drive phase
const IN_FLIGHT = Number(arg('concurrency', 20)); // HTTP requests in flight, at most
const DRIVERS = Number(arg('drivers', 40)); // leads being driven at once
const [KILL_MIN_S, KILL_MAX_S] = String(arg('kill-every', '5-15')).split('-').map(Number);
const VERBOSE = argv.includes('--verbose');
const KEEP = argv.includes('--keep');
const SETTLE_LIMIT_MS = 240_000;
const CALL_LIMIT_MS = Number(arg('call-limit', 300)) * 1000; // retries of one call stop after this (then: "gave up")
const MIN_UPTIME_MS = Number(arg('min-uptime', 60)) * 1000; // a child is killed again only after this long up

// ---------------------------------------------------------------- seeded randomness
const rnd = mulberry32(SEED);
const chaosRnd = mulberry32(SEED * 7919 + 17);
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const log = (m) => process.stderr.write(`[chaos ${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s] ${m}\n`);
const T0 = Date.now();

// ---------------------------------------------------------------- counters
const stats = { events: 0, eventsAccepted: 0, commands: 0, commandsOk: 0, commandsRefused: 0, polls: 0, retries: 0, retryReasons: {}, gaveUp: 0, delivery: {} };
const noteRetry = (why) => {
  stats.retries++;
  stats.retryReasons[why] = (stats.retryReasons[why] ?? 0) + 1;
};

// ---------------------------------------------------------------- the stack
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'baton-chaos-'));
const supervisorLines = [];
const stack = await startStack({
  dataDir,
  supervise: true,
  echo: false,
  env: { LOG_LEVEL: 'warn' },
  log: (m) => {
    supervisorLines.push({ at: Date.now(), m });
    if (VERBOSE || /exited|is back|failed to start/.test(m)) log(`stack: ${m}`);
  },
});
const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
const sql = async (q, params = []) => (await db.query(q, params)).rows;
const deadline = T0 + DURATION_LIMIT_S * 1000;

const tokenCache = new Map();
async function tokenForUser(where, value) {
  const k = `${where}:${value}`;
  if (!tokenCache.has(k)) {
    const [u] = await sql(`SELECT id, role FROM app_user WHERE ${where} = $1 AND active`, [value]);
    if (!u) throw new Error(`no active user ${k}`);
    tokenCache.set(k, userToken(stack, u));
  }
  return tokenCache.get(k);
}
const integration = await tokenForUser('email', 'webforms@demo.baton.dev');
const reader = await tokenForUser('email', 'manager@demo.baton.dev');

// ---------------------------------------------------------------- bounded in-flight HTTP
let inFlight = 0;
const waiting = [];
async function slot(fn) {
  if (inFlight >= IN_FLIGHT) await new Promise((res) => waiting.push(res));
  inFlight++;
  try {
    return await fn();
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}

const RETRYABLE_CODES = new Set(['UNAVAILABLE', 'INTERNAL_SERVER_ERROR']);
/**
 * One logical call, retried with the same variables (same key/touchId/requestId) until a
 * definite answer: `{ ok: true, data, ambiguous }` or `{ ok: false, code, message, ambiguous }`.
 * `ambiguous` says an earlier attempt may have reached the server without an answer.
 */
async function call(what, query, variables, token, { maxMs = CALL_LIMIT_MS } = {}) {
  const giveUpAt = Math.min(deadline, Date.now() + maxMs);
  let ambiguous = false;
  let delay = 200;
  for (let attempt = 1; ; attempt++) {
    let why;
    try {
      const res = await slot(() =>
        fetch(`${stack.apiUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(30_000),
        }),
      );
      if (res.status >= 500) {
        why = `http ${res.status}`;
        ambiguous = true;
        await res.text().catch(() => {});
      } else {
        const body = await res.json();
        const err = body.errors?.[0];
        if (!err && body.data) return { ok: true, data: body.data, ambiguous, attempts: attempt };
        const code = err?.extensions?.code ?? `HTTP_${res.status}`;
        if (RETRYABLE_CODES.has(code)) {
          why = code;
          ambiguous = true;
        } else {
          return { ok: false, code, message: err?.message, ambiguous, attempts: attempt };
        }
      }
    } catch (e) {
      why = e.name === 'TimeoutError' ? 'timeout' : e.cause?.code ?? e.name;
      ambiguous = true; // the request may have been processed
    }
    if (Date.now() > giveUpAt) {
      stats.gaveUp++;
      if (VERBOSE) log(`gave up on ${what} after ${attempt} attempts (${why})`);
      return { ok: false, code: 'GAVE_UP', message: why, ambiguous: true, gaveUp: true, attempts: attempt };
    }
    noteRetry(why);
    await sleep(delay * (0.5 + rnd()));
    delay = Math.min(delay * 2, 4_000);
  }
}

// ---------------------------------------------------------------- per-lead driver
const RECORD = 'mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { eventId leadId recorded leadCreated delivery } }';
const LEAD = 'query($id: ID!) { lead(id: $id) { stage ownerId } }';
const ACCEPT = 'mutation($i: LeadIdInput!) { acceptLead(input: $i) { stage ownerId cycle } }';
const TOUCH = 'mutation($i: LogTouchInput!) { logTouch(input: $i) { stage } }';
const QUALIFY = 'mutation($i: QualifyLeadInput!) { qualifyLead(input: $i) { stage opportunityId } }';
const DISQUALIFY = 'mutation($i: DisqualifyLeadInput!) { disqualifyLead(input: $i) { stage } }';
const CLOSE = 'mutation($i: CloseOpportunityInput!) { closeOpportunity(input: $i) { stage } }';
const PERSON = { company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' };
const NON_QUALIFYING = ['EMAIL_OPEN', 'SITE_VISIT', 'BLOG_CLICK'];
const RUN = `${SEED}-${Date.now().toString(36)}`;

/** What each lead's driver saw: the basis of the checks. */
const leads = [];
const acceptedEvents = []; // { key, leadId, qualifying }
const commandLog = []; // { leadId, kind, ok, code, ambiguous, expect: to_stage }

async function driveLead(n) {
  const plan = { n, email: `chaos.${RUN}.${n}@fitting.example`, outcome: null, leadId: null, ownerId: null, stageSeen: null, problems: [] };
  leads.push(plan);
  const r = rnd();
  plan.outcome = r < 0.2 ? 'WON' : r < 0.4 ? 'LOST' : r < 0.7 ? 'DISQUALIFY' : 'CADENCE';
  const qualifying = rnd() < 0.5 ? 'DEMO_REQUEST' : 'COMPARISON_GUIDE_DOWNLOAD';
  const before = rnd() < 0.5 ? 1 : 0;
  const after = 1 + Math.floor(rnd() * 2);
  const touches = 2 + Math.floor(rnd() * 2);
  const events = [];
  for (let i = 0; i < before; i++) events.push({ type: pick(rnd, NON_QUALIFYING), qualifying: false });
  events.push({ type: qualifying, qualifying: true });
  for (let i = 0; i < after; i++) events.push({ type: pick(rnd, NON_QUALIFYING), qualifying: false });

  // Events, in order (a real form/integration sends one after the other).
  for (const [i, ev] of events.entries()) {
    const key = `chaos-${RUN}-${n}-e${i}`;
    const input = { email: plan.email, type: ev.type, occurredAt: new Date().toISOString(), idempotencyKey: key, person: PERSON, ...(ev.type === 'COMPARISON_GUIDE_DOWNLOAD' ? { contentTitle: 'Baton vs Spreadsheets' } : {}) };
    stats.events++;
    const res = await call(`event ${key}`, RECORD, { i: input }, integration);
    if (!res.ok) {
      plan.problems.push(`event ${key}: ${res.code} ${res.message}`);
      if (ev.qualifying) return plan;
      continue;
    }
    stats.eventsAccepted++;
    const p = res.data.recordEngagement;
    stats.delivery[p.delivery] = (stats.delivery[p.delivery] ?? 0) + 1;
    plan.leadId = p.leadId;
    acceptedEvents.push({ key, leadId: p.leadId, qualifying: ev.qualifying, delivery: p.delivery });
  }
  if (!plan.leadId) return plan;

  // Wait for the owner (MQL and routed).
  const until = Math.min(deadline, Date.now() + 300_000);
  let delay = 250;
  for (;;) {
    stats.polls++;
    const q = await call(`poll ${plan.leadId}`, LEAD, { id: plan.leadId }, reader);
    if (q.ok && q.data.lead?.ownerId && q.data.lead.stage === 'MQL') {
      plan.ownerId = q.data.lead.ownerId;
      break;
    }
    if (q.ok && q.data.lead && !['FIRST_TOUCH', 'ENGAGED', 'MQL', 'INCOMPLETE'].includes(q.data.lead.stage)) {
      plan.problems.push(`unexpected stage ${q.data.lead.stage} while waiting for the owner`);
      return plan;
    }
    if (Date.now() > until) {
      plan.problems.push(`no owner in time (last: ${JSON.stringify(q.data?.lead ?? q.code)})`);
      return plan;
    }
    await sleep(delay);
    delay = Math.min(delay * 1.5, 2_000);
  }
  const owner = await tokenForUser('id', plan.ownerId);
  const command = async (kind, query, input, expect) => {
    stats.commands++;
    const res = await call(`${kind} ${plan.leadId}`, query, { i: { leadId: plan.leadId, ...input } }, owner);
    commandLog.push({ leadId: plan.leadId, kind, touchId: input.touchId, ok: res.ok, code: res.code, message: res.message, ambiguous: res.ambiguous, expect, attempts: res.attempts });
    if (res.ok) stats.commandsOk++;
    else {
      stats.commandsRefused++;
      plan.problems.push(`${kind}: ${res.code} ${res.message}${res.ambiguous ? ' (after an ambiguous attempt)' : ''}`);
    }
    return res;
  };

  if (!(await command('acceptLead', ACCEPT, { requestId: `acc-${RUN}-${n}` }, 'SAL')).ok) return plan;
  const channels = ['CALL', 'EMAIL', 'LINKEDIN'];
  for (let t = 0; t < touches; t++) {
    await command('logTouch', TOUCH, { touchId: `t-${RUN}-${n}-${t}`, channel: channels[t % 3], outcome: t === 0 ? 'NO_ANSWER' : 'VOICEMAIL', occurredAt: new Date().toISOString() }, null);
  }
  if (plan.outcome === 'WON' || plan.outcome === 'LOST') {
    const q = await command('qualifyLead', QUALIFY, { requestId: `qual-${RUN}-${n}`, bant: { budget: true, authority: true, need: true, timeline: false }, amount: 12000 + n, expectedCloseAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }, 'SQL');
    if (q.ok) await command('closeOpportunity', CLOSE, { requestId: `close-${RUN}-${n}`, won: plan.outcome === 'WON', reason: plan.outcome === 'WON' ? 'Best fit' : 'Went with a competitor' }, plan.outcome === 'WON' ? 'CLOSED_WON' : 'CLOSED_LOST');
  } else if (plan.outcome === 'DISQUALIFY') {
    await command('disqualifyLead', DISQUALIFY, { requestId: `dq-${RUN}-${n}`, reason: 'NO_BUDGET', note: 'No budget this year' }, 'DISQUALIFIED');
  }
  return plan;
}

// ---------------------------------------------------------------- chaos loop
const CHILDREN = ['worker', 'api', 'temporal'];
const kills = { worker: 0, api: 0, temporal: 0 };
const killLog = [];
let chaosOn = true;
async function statusPid(name) {
  try {
    const s = JSON.parse(await readFile(path.join(dataDir, 'supervisor.json'), 'utf8'));
    return s.children[name]?.state === 'up' ? s.children[name].pid : null;
  } catch {
    return null;
  }
}
async function chaos() {
  const lastKilledPid = {};
  const upSince = Object.fromEntries(CHILDREN.map((c) => [c, 0]));
  const lastPid = Object.fromEntries(CHILDREN.map((c) => [c, stack[c]?.pid]));
  const watch = setInterval(() => {
    for (const c of CHILDREN) {
      const pid = stack[c]?.state === 'up' ? stack[c].pid : null;
      if (pid !== lastPid[c]) upSince[c] = Date.now();
      lastPid[c] = pid;
    }
  }, 200);
  while (chaosOn) {
    await sleep((KILL_MIN_S + chaosRnd() * (KILL_MAX_S - KILL_MIN_S)) * 1000);
    if (!chaosOn) break;
    // One fault at a time: only while every child is up (and not the incarnation killed last).
    if (!CHILDREN.every((c) => stack[c]?.state === 'up' && stack[c].pid && stack[c].pid !== lastKilledPid[c])) continue;
    const candidates = CHILDREN.filter((c) => Date.now() - upSince[c] >= MIN_UPTIME_MS);
    if (!candidates.length) continue;
    // The child killed least so far, ties broken at random.
    const min = Math.min(...candidates.map((c) => kills[c]));
    const name = pick(chaosRnd, candidates.filter((c) => kills[c] === min));
    const pid = stack[name].pid ?? (await statusPid(name));
    if (!pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
      kills[name]++;
      lastKilledPid[name] = pid;
      killLog.push({ at: Date.now() - T0, name, pid });
      log(`SIGKILL ${name} (pid ${pid}), kill #${kills[name]}`);
    } catch (e) {
      log(`kill ${name} failed: ${e.message}`);
    }
  }
  clearInterval(watch);
}

// ---------------------------------------------------------------- drive
log(`stack up (api ${stack.apiUrl}, temporal ${stack.temporalAddress}); ${LEADS} leads, seed ${SEED}, ${IN_FLIGHT} requests in flight at most`);
const chaosDone = chaos();
let next = 0;
let finished = 0;
const progress = setInterval(() => log(`progress: ${finished}/${LEADS} leads driven, ${stats.events} events, ${stats.commands} commands, ${stats.retries} retries, kills ${JSON.stringify(kills)}`), 15_000);
await Promise.all(
  Array.from({ length: Math.min(DRIVERS, LEADS) }, async () => {
    while (next < LEADS && Date.now() < deadline) {
      const n = next++;
      await driveLead(n).catch((e) => log(`driver ${n} crashed: ${e.stack}`));
      finished++;
    }
  }),
);
const driveMs = Date.now() - T0;
chaosOn = false;
await chaosDone;
clearInterval(progress);
log(`drive phase done in ${(driveMs / 1000).toFixed(1)} s; chaos stopped; settling`);

// ---------------------------------------------------------------- settle
const ids = [...new Set(leads.map((l) => l.leadId).filter(Boolean))];
const settleStart = Date.now();
let stableSince = null;
let lastFingerprint = '';
let pendingOutbox = -1;
while (Date.now() - settleStart < SETTLE_LIMIT_MS) {
  const allUp = CHILDREN.every((c) => stack[c]?.state === 'up');
  [{ n: pendingOutbox }] = await sql(`SELECT count(*)::int AS n FROM ingest_outbox WHERE status = 'PENDING'`);
  const [f] = await sql(
    `SELECT md5(string_agg(id::text || stage || coalesce(owner_id::text, '') || updated_at::text, ',' ORDER BY id)) AS l,
            (SELECT count(*) FROM stage_transition WHERE lead_id = ANY($1::uuid[])) AS t,
            (SELECT count(*) FROM touch WHERE lead_id = ANY($1::uuid[])) AS o
       FROM lead WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const fp = JSON.stringify(f);
  if (allUp && pendingOutbox === 0 && fp === lastFingerprint) {
    stableSince ??= Date.now();
    if (Date.now() - stableSince >= 10_000) break;
  } else stableSince = null;
  lastFingerprint = fp;
  await sleep(1_000);
}
const settleMs = Date.now() - settleStart;
log(`settled in ${(settleMs / 1000).toFixed(1)} s (pending outbox ${pendingOutbox})`);

// ---------------------------------------------------------------- checks
const SINGLE = ['MQL', 'SAL', 'SQL', 'OPPORTUNITY', 'CLOSED_WON', 'CLOSED_LOST', 'DISQUALIFIED', 'REJECTED', 'RECYCLED'];
const keys = acceptedEvents.map((e) => e.key);
const storedKeys = new Set((await sql('SELECT idempotency_key FROM engagement_event WHERE idempotency_key = ANY($1)', [keys])).map((r) => r.idempotency_key));
const lostAccepted = acceptedEvents.filter((e) => !storedKeys.has(e.key));
const mqlLeads = new Set((await sql(`SELECT DISTINCT lead_id FROM stage_transition WHERE to_stage = 'MQL' AND lead_id = ANY($1::uuid[])`, [ids])).map((r) => r.lead_id));
const neverMql = [...new Set(acceptedEvents.filter((e) => e.qualifying && !mqlLeads.has(e.leadId)).map((e) => e.leadId))];

const dupEvents = await sql(`SELECT idempotency_key, count(*)::int AS n FROM engagement_event WHERE lead_id = ANY($1::uuid[]) GROUP BY 1 HAVING count(*) > 1`, [ids]);
const dupTransitions = await sql(
  `SELECT lead_id, substring(step_key from '/c([0-9]+)/') AS cycle, from_stage, to_stage, count(*)::int AS n
     FROM stage_transition WHERE lead_id = ANY($1::uuid[]) AND from_stage IS DISTINCT FROM to_stage AND to_stage = ANY($2)
    GROUP BY 1, 2, 3, 4 HAVING count(*) > 1`,
  [ids, SINGLE],
);
// A transition whose caller was told, definitely, that its command was refused (and never succeeded).
const transitions = await sql(`SELECT lead_id, from_stage, to_stage, step_key, occurred_at, actor_id, reason FROM stage_transition WHERE lead_id = ANY($1::uuid[]) ORDER BY occurred_at, step_key`, [ids]);
const byLead = new Map();
for (const t of transitions) (byLead.get(t.lead_id) ?? byLead.set(t.lead_id, []).get(t.lead_id)).push(t);
const refusedButHappened = [];
for (const c of commandLog) {
  if (c.ok || !c.expect) continue;
  const succeeded = commandLog.some((o) => o.leadId === c.leadId && o.kind === c.kind && o.ok);
  if (!succeeded && (byLead.get(c.leadId) ?? []).some((t) => t.to_stage === c.expect && t.from_stage !== t.to_stage)) refusedButHappened.push(c);
}
// Commands the caller was told took effect whose effect is missing (transition or touch row).
const touchKeys = new Set((await sql('SELECT step_key FROM touch WHERE lead_id = ANY($1::uuid[])', [ids])).map((r) => r.step_key.split('/touch-')[1]));
const okButMissing = commandLog.filter((c) => c.ok && (c.expect ? !(byLead.get(c.leadId) ?? []).some((t) => t.to_stage === c.expect && t.from_stage !== t.to_stage) : c.touchId && !touchKeys.has(c.touchId)));
const dupTouches = await sql(
  `SELECT lead_id, substring(step_key from '/touch-(.*)$') AS touch_id, count(*)::int AS n FROM touch WHERE lead_id = ANY($1::uuid[]) GROUP BY 1, 2 HAVING count(*) > 1`,
  [ids],
);
const touchOk = commandLog.filter((c) => c.kind === 'logTouch' && c.ok).length;
const [{ n: touchRows }] = await sql('SELECT count(*)::int AS n FROM touch WHERE lead_id = ANY($1::uuid[])', [ids]);
const dupBreachesByClock = await sql('SELECT clock_id, count(*)::int AS n FROM sla_breach WHERE lead_id = ANY($1::uuid[]) GROUP BY 1 HAVING count(*) > 1', [ids]);
const dupBreachesBySpec = await sql('SELECT lead_id, kind, owner_id, due_at, count(*)::int AS n FROM sla_breach WHERE lead_id = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4 HAVING count(*) > 1', [ids]);
const [{ n: breaches }] = await sql('SELECT count(*)::int AS n FROM sla_breach WHERE lead_id = ANY($1::uuid[])', [ids]);
const dupNotifKeys = await sql('SELECT dedupe_key, count(*)::int AS n FROM notification WHERE lead_id = ANY($1::uuid[]) GROUP BY 1 HAVING count(*) > 1', [ids]);
const dupAssigned = await sql(
  `SELECT lead_id, recipient_id, substring(dedupe_key from '/c([0-9]+)/') AS cycle, count(*)::int AS n
     FROM notification WHERE lead_id = ANY($1::uuid[]) AND kind = 'LEAD_ASSIGNED' GROUP BY 1, 2, 3 HAVING count(*) > 1`,
  [ids],
);

// Database stage vs the workflow's own state.
const dbStage = new Map((await sql('SELECT id, stage FROM lead WHERE id = ANY($1::uuid[])', [ids])).map((r) => [r.id, r.stage]));
const connection = await Connection.connect({ address: stack.temporalAddress });
const client = new Client({ connection });
const mismatches = [];
const queryFailures = [];
let idx = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (idx < ids.length) {
      const id = ids[idx++];
      let wfStage;
      for (let attempt = 1; attempt <= 5 && wfStage === undefined; attempt++) {
        try {
          const h = client.workflow.getHandle(`lead:${id}`);
          const d = await h.describe();
          if (d.status.name === 'RUNNING') wfStage = (await h.query('leadState')).stage;
          else wfStage = (byLead.get(id) ?? []).at(-1)?.to_stage ?? `(${d.status.name}, no transition)`;
        } catch (e) {
          if (attempt === 5) queryFailures.push({ id, error: e.message });
          else await sleep(1_000);
        }
      }
      if (wfStage !== undefined && wfStage !== dbStage.get(id)) mismatches.push({ id, db: dbStage.get(id), workflow: wfStage });
    }
  }),
);
await connection.close();

// Leads whose final stage is behind a command they were told had taken effect. A lead recycled
// after it has started a new cycle in nurture, where any later engagement moves it on.
const recycledSince = (id) => (byLead.get(id) ?? []).some((t) => t.to_stage === 'RECYCLED');
const ALLOWED_AFTER = { acceptLead: ['SAL', 'SQL', 'OPPORTUNITY', 'CLOSED_WON', 'CLOSED_LOST', 'DISQUALIFIED', 'RECYCLED', 'REJECTED'], qualifyLead: ['SQL', 'OPPORTUNITY', 'CLOSED_WON', 'CLOSED_LOST'], closeOpportunity: ['CLOSED_WON', 'CLOSED_LOST'], disqualifyLead: ['DISQUALIFIED', 'RECYCLED'] };
const behind = [...new Set(commandLog.filter((c) => c.ok && ALLOWED_AFTER[c.kind] && !ALLOWED_AFTER[c.kind].includes(dbStage.get(c.leadId)) && !recycledSince(c.leadId)).map((c) => `${c.leadId} ${c.kind}→${dbStage.get(c.leadId)}`))];
// Outcome tally.
const stages = {};
for (const s of dbStage.values()) stages[s] = (stages[s] ?? 0) + 1;
const restarts = Object.fromEntries(CHILDREN.map((c) => [c, stack[c]?.restarts ?? 0]));
const backLines = supervisorLines.filter((l) => /is back/.test(l.m)).length;
const problems = leads.flatMap((l) => l.problems.map((p) => `${l.leadId ?? l.email}: ${p}`));

const rows = [
  ['lost events (accepted, not stored)', lostAccepted.length, lostAccepted.slice(0, 3).map((e) => e.key)],
  ['lost events (qualifying, lead never MQL)', neverMql.length, neverMql.slice(0, 3)],
  ['duplicated events (same key stored twice)', dupEvents.length, dupEvents.slice(0, 3).map((r) => r.idempotency_key)],
  ['duplicated transitions (same from→to twice per cycle)', dupTransitions.length, dupTransitions.slice(0, 3).map((r) => `${r.lead_id} c${r.cycle} ${r.from_stage}→${r.to_stage} ×${r.n}`)],
  ['transitions the caller was told were refused', refusedButHappened.length, refusedButHappened.slice(0, 3).map((c) => `${c.leadId} ${c.kind} ${c.code}`)],
  ['lost commands (answered ok, transition/touch missing)', okButMissing.length, okButMissing.slice(0, 3).map((c) => `${c.leadId} ${c.kind}`)],
  ['duplicated touches (same touch key twice)', dupTouches.length, dupTouches.slice(0, 3).map((r) => `${r.lead_id} ${r.touch_id}`)],
  ['duplicated SLA breaches (per clock / per lead+kind+owner+due)', dupBreachesByClock.length + dupBreachesBySpec.length, dupBreachesBySpec.slice(0, 3).map((r) => r.lead_id)],
  ['duplicated notifications (same dedupe key)', dupNotifKeys.length, dupNotifKeys.slice(0, 3).map((r) => r.dedupe_key)],
  ['duplicated LEAD_ASSIGNED (per lead, owner, cycle)', dupAssigned.length, dupAssigned.slice(0, 3).map((r) => `${r.lead_id} c${r.cycle} ×${r.n}`)],
  ['leads whose final stage is behind an acknowledged command', behind.length, behind.slice(0, 3)],
  ['leads whose DB stage ≠ workflow stage', mismatches.length, mismatches.slice(0, 5).map((m) => `${m.id} db=${m.db} wf=${m.workflow}`)],
];
const line = (label, value, extra = '') => console.log(`  ${label.padEnd(62)} ${String(value).padStart(8)}  ${extra}`);
console.log(`\nchaos benchmark: ${LEADS} leads, seed ${SEED}, embedded supervised stack, ${IN_FLIGHT} requests in flight at most`);
console.log('  column'.padEnd(64) + '   value');
for (const [label, value, sample] of rows) line(label, value, sample.length ? `e.g. ${sample.join(', ')}` : '');
console.log('  -- chaos');
line('kills worker / api / temporal', `${kills.worker}/${kills.api}/${kills.temporal}`);
line('restarts seen (supervisor) worker / api / temporal', `${restarts.worker}/${restarts.api}/${restarts.temporal}`, `(${backLines} "is back" lines)`);
line('events sent / accepted', `${stats.events}/${stats.eventsAccepted}`, JSON.stringify(stats.delivery));
line('commands sent / ok / definite refusals', `${stats.commands}/${stats.commandsOk}/${stats.commandsRefused}`);
line('touches ok / touch rows', `${touchOk}/${touchRows}`);
line('SLA breaches recorded', breaches);
line('lead polls', stats.polls);
line('retries (same key)', stats.retries, JSON.stringify(stats.retryReasons));
line('calls given up (bounded retries / deadline)', stats.gaveUp);
line('leads driven / with a problem', `${leads.length}/${leads.filter((l) => l.problems.length).length}`);
line('workflow queries failed', queryFailures.length, queryFailures.slice(0, 2).map((f) => `${f.id}: ${f.error}`).join('; '));
line('final stages', '', JSON.stringify(stages));
line('wall time: drive / settle / total (s)', `${(driveMs / 1000).toFixed(0)}/${(settleMs / 1000).toFixed(0)}/${((Date.now() - T0) / 1000).toFixed(0)}`);
if (problems.length) {
  console.log(`  -- driver problems (${problems.length}, first 15)`);
  for (const p of problems.slice(0, 15)) console.log(`    ${p}`);
}

await db.end();
await stack.stop();
if (KEEP) log(`data kept in ${dataDir}`);
else await rm(dataDir, { recursive: true, force: true });
process.exit(0);
