// A large, realistic KPI dataset generated inside PostgreSQL with set-based SQL
// (INSERT ... SELECT over generate_series): leads spread over the two years before `now`,
// their MQL cycles (handoff, routing, accept/reject, touches, cadence, SLA clocks and
// breaches, SQL/opportunity, disqualification, recycling and a second cycle), engagement
// events and monthly revenue targets. Randomness is deterministic: every draw is a hash of
// a row number and a salt (`bench.rnd`), so the same `leads` and `now` give the same data.
//
// Each lead's whole future is planned first (staging tables in schema `bench`), then every
// table keeps what happened at or before `now`: a decision planned after `now` is pending,
// a clock due after `now` is PENDING, an opportunity closing later is OPEN. That keeps the
// tables mutually consistent (a MET clock has a touch logged before its due instant, a
// breach exists for every BREACHED clock, a lead's stage is its last transition, ...).
//
// Expects a freshly migrated database with the demo organisation seeded (reps, routing
// rules); the loaded tables are truncated first.
// Secondary indexes, unique/primary keys and foreign keys of the loaded tables are dropped
// for the load and recreated afterwards from their own definitions, which validates every
// row against them (a violation fails the load).
//
//   import { loadKpiDataset } from './lib/kpi-dataset.mjs';
//   const { counts, seconds } = await loadKpiDataset(client, { leads: 1_000_000 });

export const LOADED_TABLES = [
  'lead',
  'engagement_event',
  'stage_transition',
  'handoff',
  'routing_decision',
  'sla_clock',
  'sla_breach',
  'touch',
  'cadence_step',
  'opportunity',
  'revenue_target',
];

const SOURCES = [['WEBSITE', 26], ['PAID_SEARCH', 16], ['ORGANIC_SEARCH', 14], ['WEBINAR', 10], ['EVENT', 8], ['REFERRAL', 7], ['PAID_SOCIAL', 7], ['EMAIL', 5], ['PARTNER', 4], ['CONTENT_SYNDICATION', 3]];
const CAMPAIGNS = ['q1-demo', 'q2-demo', 'q3-demo', 'q4-demo', 'alignment-101', 'pricing-retarget', 'webinar-series', 'partner-summit', 'brand-awareness', 'competitor-compare', 'nurture-drip', 'product-launch', 'year-end-promo', 'abm-enterprise'];
const INDUSTRIES = [['SaaS', 30], ['FinTech', 18], ['Healthcare', 14], ['Retail', 12], ['Manufacturing', 12], ['Education', 7], ['Logistics', 7]];
const COUNTRIES = [['US', 30], ['DE', 18], ['GB', 12], ['FR', 8], ['NL', 6], ['CA', 7], ['ES', 4], ['SE', 4], ['JP', 4], ['BR', 4], ['AU', 3]];
const TITLES = [['VP Sales', 10], ['Head of Marketing', 10], ['Director of Operations', 10], ['CTO', 6], ['CEO', 5], ['Sales Manager', 12], ['Marketing Manager', 12], ['Analyst', 15], ['Engineer', 12], ['Owner', 8]];
const BUYING_ROLES = [['ECONOMIC_BUYER', 10], ['DECISION_MAKER', 15], ['CHAMPION', 15], ['INFLUENCER', 20], ['USER', 15], [null, 25]];
const FIRST_NAMES = ['Ada', 'Ben', 'Chloe', 'Dan', 'Eva', 'Finn', 'Gina', 'Hugo', 'Ines', 'Jon', 'Kim', 'Leo', 'Mia', 'Nils', 'Olga', 'Paul'];
const LAST_NAMES = ['Schmidt', 'Miller', 'Garcia', 'Rossi', 'Dubois', 'Jansen', 'Smith', 'Novak', 'Silva', 'Kowalski', 'Berg', 'Tanaka'];
const EVENT_TYPES = [['EMAIL_OPEN', 24], ['SITE_VISIT', 16], ['BLOG_CLICK', 14], ['PRICING_PAGE_VIEW', 10], ['WEBINAR_ATTENDED', 8], ['CASE_STUDY_VIEW', 8], ['PRODUCT_VIDEO_VIEW', 8], ['FORM_SUBMIT', 7], ['COMPARISON_GUIDE_DOWNLOAD', 5]];
const CHANNELS = [['email', 30], ['paid_search', 15], ['organic', 15], ['social', 12], ['direct', 10], ['webinar', 8], ['events', 5], ['referral', 5]];
const CONTENT = ['State of Alignment 2026', 'Pricing explained', 'Baton vs. spreadsheets', 'How Acme halved speed to lead', 'Product tour'];
const MISSING_SETS = [['{industry}', 30], ['{companySize}', 25], ['{country}', 15], ['{industry,companySize}', 15], ['{contentConsumed}', 15]];
const REJECT_CODES = [['NOT_ICP', 28], ['NO_ACTIVE_PRIORITY', 25], ['BAD_TIMING', 17], ['WRONG_CONTACT', 14], ['DUPLICATE_ACCOUNT', 10], ['ALREADY_IN_SEQUENCE', 6]];
const DISQ_REASONS = [['UNRESPONSIVE', 70], ['NO_BUDGET', 9], ['BAD_TIMING', 7], ['WRONG_CONTACT', 5], ['NOT_ICP', 4], ['LOST_TO_COMPETITOR', 3], ['OPTED_OUT', 2]];
const TOUCH_OUTCOMES = [['ATTEMPTED', 30], ['NO_ANSWER', 25], ['VOICEMAIL', 15], ['CONNECTED', 12], ['REPLIED', 10], ['MEETING_BOOKED', 8]];
// The cadence of stage definition v1: (day, channel) per step.
const CADENCE_DAYS = [1, 1, 2, 4, 6, 8, 11, 14];
const CADENCE_CHANNELS = ['CALL', 'EMAIL', 'LINKEDIN', 'CALL', 'EMAIL', 'CALL', 'LINKEDIN', 'EMAIL'];
const NURTURE = ['UNRESPONSIVE', 'NO_BUDGET', 'NO_ACTIVE_PRIORITY', 'BAD_TIMING', 'LOST_TO_COMPETITOR'];
const DATA_REPAIR = ['WRONG_CONTACT'];

const lit = (v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
const list = (xs) => xs.map(lit).join(', ');
const arr = (xs, type = 'text') => `(ARRAY[${list(xs)}]::${type}[])`;

/** A weighted choice as SQL: CASE WHEN r < c1 THEN v1 ... ELSE vn END, r uniform in [0, 1). */
function pick(r, choices, type = 'text') {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  const whens = choices.slice(0, -1).map(([v, w]) => {
    acc += w / total;
    return `WHEN ${r} < ${acc.toFixed(6)} THEN ${lit(v)}`;
  });
  return `(CASE ${whens.join(' ')} ELSE ${lit(choices.at(-1)[0])} END)::${type}`;
}
/** Uniform choice from a list. */
const oneOf = (r, xs, type = 'text') => `${arr(xs, type)}[1 + floor(${r} * ${xs.length})::int]`;

/** The handoff trigger (stage definition v1) an event type fires. */
const TRIGGER_ID = (type) => `(CASE ${type} WHEN 'PRICING_PAGE_VIEW' THEN 'PRICING_PAGE_REPEAT' WHEN 'COMPARISON_GUIDE_DOWNLOAD' THEN 'COMPARISON_GUIDE' WHEN 'CASE_STUDY_VIEW' THEN 'MID_FUNNEL_WITH_FIT' ELSE ${type} END)`;
/** Draw number `salt` for row key `k` (a bigint expression): uniform in [0, 1). */
const R = (k, salt) => `bench.rnd(${k}, ${salt})`;

const HELPERS = `
CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE FUNCTION bench.rnd(n bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (hashint8extended(n, salt) & 9007199254740991)::float8 / 9007199254740992.0 $$;
-- Mon-Fri 09:00-17:00 (the demo reps' calendar), on local timestamps.
CREATE OR REPLACE FUNCTION bench.nopen(l timestamp) RETURNS timestamp LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN extract(isodow FROM l) <= 5 AND l::time < time '09:00' THEN l::date + time '09:00'
    WHEN extract(isodow FROM l) <= 5 AND l::time < time '17:00' THEN l
    ELSE (l::date + CASE extract(isodow FROM l)::int WHEN 5 THEN 3 WHEN 6 THEN 2 ELSE 1 END) + time '09:00'
  END $$;
-- t + m business minutes in time zone tz, m <= one business day (480).
CREATE OR REPLACE FUNCTION bench.addbiz_tz(t timestamptz, tz text, m int) RETURNS timestamptz LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE s timestamp := bench.nopen(t AT TIME ZONE tz); eod timestamp := s::date + time '17:00'; d interval := make_interval(mins => m);
BEGIN
  IF s + d <= eod THEN RETURN (s + d) AT TIME ZONE tz; END IF;
  RETURN (bench.nopen((s::date + 1)::timestamp) + (d - (eod - s))) AT TIME ZONE tz;
END $$;
-- Close of the business day open at t (or of the next one to open).
CREATE OR REPLACE FUNCTION bench.eob_tz(t timestamptz, tz text) RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT (bench.nopen(t AT TIME ZONE tz)::date + time '17:00') AT TIME ZONE tz $$;
-- Due instant of a cadence step of business day 'day' (1 = the business day of t): its close.
CREATE OR REPLACE FUNCTION bench.cadence_due(t timestamptz, tz text, day int) RETURNS timestamptz LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE d0 date := bench.nopen(t AT TIME ZONE tz)::date;
BEGIN
  RETURN ((d0 + (day - 1) + 2 * ((extract(isodow FROM d0)::int - 1 + (day - 1)) / 5)) + time '17:00') AT TIME ZONE tz;
END $$;
CREATE TABLE IF NOT EXISTS bench.load_info (
  id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  leads int NOT NULL,
  as_of timestamptz NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  seconds numeric NOT NULL,
  counts jsonb NOT NULL
);`;

/**
 * @param {import('pg').Client} client  connected to a migrated, seeded Baton database
 * @param {{ leads?: number, now?: Date, log?: (m: string) => void, connect?: () => Promise<import('pg').Client> }} [o]
 *   `connect`: opens a second connection to the same database, used to load tables and build
 *   indexes two at a time (the loader closes it); without it everything runs on `client`.
 * @returns {Promise<{ counts: Record<string, number>, seconds: number, steps: {step: string, ms: number}[], asOf: Date }>}
 */
export async function loadKpiDataset(client, { leads = 1_000_000, now = new Date(), log = () => {}, connect } = {}) {
  const N = Math.floor(leads);
  if (!(N >= 1)) throw new Error(`leads must be >= 1, got ${leads}`);
  const asOf = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const NOW = `'${asOf.toISOString()}'::timestamptz`;
  const started = performance.now();
  const steps = [];
  const report = (name, ms, rows) => {
    steps.push({ step: name, ms });
    log(`  ${name.padEnd(44)} ${(ms / 1000).toFixed(1).padStart(6)} s${typeof rows === 'number' ? `  ${rows.toLocaleString('en')} rows` : ''}`);
  };
  const step = async (name, sql, c = client) => {
    const t0 = performance.now();
    const r = await c.query(sql);
    report(name, performance.now() - t0, r.rowCount ?? undefined);
    return r;
  };

  // ---------------------------------------------------------------- the seeded organisation
  const users = (await client.query(`SELECT id, email, role, calendar->>'timeZone' AS tz, manager_id FROM app_user WHERE role IN ('SALES_REP','SALES_MANAGER') AND active ORDER BY role DESC, email`)).rows;
  const reps = users.filter((u) => u.role === 'SALES_REP' && u.tz);
  const manager = users.find((u) => u.role === 'SALES_MANAGER' && u.tz);
  if (reps.length < 2 || !manager) throw new Error('the demo organisation is not seeded (need >= 2 SALES_REP and a SALES_MANAGER with calendars): run the seed first');
  const team = [...reps, manager]; // rep index 1..reps.length, manager last (the fallback rule's owner)
  const rules = (await client.query(`SELECT r.id, r.name, r.kind, p.rep_ids FROM routing_rule r LEFT JOIN routing_pool p ON p.id = r.pool_id WHERE r.active ORDER BY r.position`)).rows;
  const ruleOf = (u) => rules.find((r) => r.rep_ids?.includes(u.id)) ?? rules.find((r) => r.kind === 'FALLBACK') ?? { id: 'fallback', name: 'Fallback', kind: 'FALLBACK' };
  const M = team.length;
  const REP_ID = (i) => `${arr(team.map((u) => u.id), 'uuid')}[${i}]`;
  const REP_TZ = (i) => `${arr(team.map((u) => u.tz))}[${i}]`;
  const REP_ROLE = (i) => `${arr(team.map((u) => u.role))}[${i}]`;
  const RULE_ID = (i) => `${arr(team.map((u) => String(ruleOf(u).id)))}[${i}]`;
  const RULE_KIND = (i) => `${arr(team.map((u) => ruleOf(u).kind))}[${i}]`;
  const RULE_NAME = (i) => `${arr(team.map((u) => ruleOf(u).name))}[${i}]`;
  // Reps share the load; the manager (fallback) gets a few.
  const repShares = [...reps.map((_, i) => [i + 1, 97 / reps.length]), [M, 3]];

  log(`generating ${N.toLocaleString('en')} leads as of ${asOf.toISOString()} (reps: ${reps.map((r) => r.email).join(', ')}; manager ${manager.email})`);
  // Big sorts and hashes in memory; no JIT (it spends seconds compiling these long expressions).
  const SESSION = `SET work_mem = '256MB'; SET maintenance_work_mem = '768MB'; SET synchronous_commit = off; SET jit = off; SET session_replication_role = replica`;
  await client.query(SESSION);
  await client.query(HELPERS);
  await client.query('DELETE FROM bench.load_info'); // a load that fails leaves no marker
  await client.query('DROP TABLE IF EXISTS bench.l, bench.c, bench.t');

  // ---------------------------------------------------------------- staging: leads
  // inc_kind: 1 = an INCOMPLETE handoff before its MQL (data repaired), 2 = stuck INCOMPLETE.
  await step('stage leads (bench.l)', `
    CREATE UNLOGGED TABLE bench.l AS
    WITH b AS (
      SELECT n, ${NOW} - ${R('n', 1)} * interval '730 days' AS created_at,
             ${R('n', 2)} < 0.37 AS wants_mql, ${R('n', 3)} AS r_delay, ${R('n', 4)} AS r_events, ${R('n', 5)} AS r_inc
      FROM generate_series(1, ${N}) AS g(n)
    ), b2 AS (
      SELECT *, CASE WHEN wants_mql AND created_at + interval '10 minutes' + r_delay * r_delay * interval '45 days' <= ${NOW}
                     THEN created_at + interval '10 minutes' + r_delay * r_delay * interval '45 days' END AS mql1_at
      FROM b
    ), b3 AS (
      SELECT *, CASE WHEN mql1_at IS NOT NULL THEN 3 + floor(r_events * 4)::int ELSE floor(r_events * 5.4)::int END AS n_events FROM b2
    ), b4 AS (
      SELECT *, CASE WHEN mql1_at IS NOT NULL AND r_inc < 0.12 THEN 1 WHEN mql1_at IS NULL AND n_events > 0 AND r_inc < 0.08 THEN 2 ELSE 0 END AS inc_kind FROM b3
    )
    SELECT n, md5('lead:' || n)::uuid AS id, created_at, mql1_at, n_events, inc_kind,
      CASE inc_kind WHEN 1 THEN created_at + (mql1_at - created_at) * 0.5 WHEN 2 THEN least(created_at + interval '65 seconds', ${NOW}) END AS inc_at,
      CASE WHEN inc_kind > 0 THEN ${pick(R('n', 6), MISSING_SETS, 'text[]')} ELSE '{}'::text[] END AS missing,
      ${pick(R('n', 7), SOURCES)} AS source,
      CASE WHEN ${R('n', 8)} < 0.85 THEN ${oneOf(R('n', 9), CAMPAIGNS)} END AS campaign,
      ${pick(R('n', 10), INDUSTRIES)} AS industry,
      greatest(1, round(exp(${R('n', 11)} * ln(20000))))::int AS company_size,
      ${pick(R('n', 12), COUNTRIES)} AS country,
      ${pick(R('n', 13), TITLES)} AS title,
      ${pick(R('n', 14), BUYING_ROLES)} AS buying_role,
      round((40 + ${R('n', 15)} * 44)::numeric, 2) AS pre_score
    FROM b4`);

  // ---------------------------------------------------------------- staging: MQL cycles
  await client.query(`
    CREATE UNLOGGED TABLE bench.c (
      n int NOT NULL, cyc int NOT NULL, k bigint NOT NULL, lead_id uuid NOT NULL, key text NOT NULL, superseded boolean NOT NULL DEFAULT false,
      engaged_at timestamptz, mql_from text NOT NULL, mql_at timestamptz NOT NULL, hot boolean, demo boolean, trig text, score numeric(8,2),
      rep1 int, r1_at timestamptz, acc_due1 timestamptz, ft_due1 timestamptz, reassigned boolean, rep2 int, r2_at timestamptz, acc_due2 timestamptz,
      rep int, routed_at timestamptz, ft_kind text, ft_due timestamptz, decision text, decided_at timestamptz, reject_code text,
      ft_at timestamptz, ft_logged timestamptz, has_ft boolean, p_done float8,
      outcome text, sql_at timestamptz, amount numeric(14,2), opp_out text, closed_at timestamptz, expected_close_at timestamptz,
      disq_reason text, disq_at timestamptz, exit_reason text, exit_at timestamptz, recycle_action text, recycled_at timestamptz, reengage_at timestamptz
    )`);
  const logDelay = (ra, rb) => `(CASE WHEN ${ra} < 0.85 THEN interval '10 seconds' + ${rb} * interval '10 minutes' WHEN ${ra} < 0.96 THEN interval '1 hour' + ${rb} * interval '19 hours' ELSE interval '24 hours' + ${rb} * interval '36 hours' END)`;
  const nextRep = (i) => `(CASE WHEN ${i} >= ${M - 1} THEN 1 ELSE ${i} + 1 END)`; // another rep, never the manager
  // One cycle per row of `seed` (n, cyc, lead_id, engaged_at, mql_from, mql_at); its whole future planned.
  const cycles = (seed) => `
    INSERT INTO bench.c (n, cyc, k, lead_id, key, superseded, engaged_at, mql_from, mql_at, hot, demo, trig, score,
      rep1, r1_at, acc_due1, ft_due1, reassigned, rep2, r2_at, acc_due2, rep, routed_at, ft_kind, ft_due, decision, decided_at, reject_code,
      ft_at, ft_logged, has_ft, p_done, outcome, sql_at, amount, opp_out, closed_at, expected_close_at,
      disq_reason, disq_at, exit_reason, exit_at, recycle_action, recycled_at, reengage_at)
    WITH s AS MATERIALIZED (
      SELECT s.*, s.n::bigint * 4 + s.cyc AS k FROM (${seed}) s
    ), a AS MATERIALIZED (
      SELECT s.*, ${R('k', 101)} < 0.2 AS hot, ${R('k', 101)} < 0.2 AND ${R('k', 102)} < 0.3 AS demo,
        ${pick(R('k', 103), repShares, 'int')} AS rep1, s.mql_at + interval '2 seconds' AS r1_at,
        CASE WHEN ${R('k', 104)} < 0.88 THEN 'SAL' ELSE 'REJECTED' END AS decision
      FROM s
    ), b AS MATERIALIZED (
      -- reps decide in business hours: 5..305 business minutes, past the 240 of the accept SLA for ~1 in 9
      SELECT a.*, bench.addbiz_tz(r1_at, ${REP_TZ('rep1')}, 240) AS acc_due1,
        bench.addbiz_tz(r1_at, ${REP_TZ('rep1')}, (5 + 300 * power(${R('k', 105)}, 2))::int) AS dec1_at
      FROM a
    ), c AS MATERIALIZED (
      SELECT b.*, dec1_at > acc_due1 AS reassigned,
        CASE WHEN dec1_at > acc_due1 THEN ${nextRep('rep1')} END AS rep2,
        CASE WHEN dec1_at > acc_due1 THEN acc_due1 END AS r2_at,
        CASE WHEN dec1_at > acc_due1 THEN bench.addbiz_tz(acc_due1, ${REP_TZ(nextRep('rep1'))}, 240) END AS acc_due2,
        CASE WHEN demo THEN 'FIRST_TOUCH_DEMO' WHEN hot THEN 'FIRST_TOUCH_HOT' ELSE 'FIRST_TOUCH_STANDARD' END AS ft_kind
      FROM b
    ), d AS MATERIALIZED (
      SELECT c.*, coalesce(rep2, rep1) AS rep, coalesce(r2_at, r1_at) AS routed_at,
        CASE WHEN reassigned THEN bench.addbiz_tz(r2_at, ${REP_TZ('rep2')}, (10 + 220 * ${R('k', 106)})::int) ELSE dec1_at END AS decided_at
      FROM c
    ), e AS MATERIALIZED (
      SELECT d.*,
        CASE ft_kind WHEN 'FIRST_TOUCH_DEMO' THEN bench.addbiz_tz(routed_at, ${REP_TZ('rep')}, 15)
                     WHEN 'FIRST_TOUCH_HOT' THEN bench.addbiz_tz(routed_at, ${REP_TZ('rep')}, 120)
                     ELSE bench.eob_tz(routed_at, ${REP_TZ('rep')}) END AS ft_due,
        CASE WHEN reassigned THEN CASE ft_kind WHEN 'FIRST_TOUCH_DEMO' THEN bench.addbiz_tz(r1_at, ${REP_TZ('rep1')}, 15)
                     WHEN 'FIRST_TOUCH_HOT' THEN bench.addbiz_tz(r1_at, ${REP_TZ('rep1')}, 120)
                     ELSE bench.eob_tz(r1_at, ${REP_TZ('rep1')}) END END AS ft_due1,
        -- first touch, in business minutes after the routing (+ a few days for some standard leads)
        bench.addbiz_tz(routed_at, ${REP_TZ('rep')}, (CASE WHEN demo THEN 1 + 16 * power(${R('k', 107)}, 2) WHEN hot THEN 2 + 240 * power(${R('k', 107)}, 2)
                                                        ELSE 10 + 470 * power(${R('k', 107)}, 2) END)::int)
          + CASE WHEN NOT hot AND ${R('k', 122)} < 0.12 THEN floor(1 + 4 * ${R('k', 123)}) * interval '1 day' ELSE interval '0' END AS ft_at,
        CASE WHEN decision = 'SAL' THEN ${pick(R('k', 108), [['SQL', 42], ['DQ', 46], ['OPEN', 12]])} END AS outcome,
        CASE WHEN decision = 'REJECTED' THEN ${pick(R('k', 109), REJECT_CODES)} END AS reject_code,
        ${pick(R('k', 110), DISQ_REASONS)} AS dq_pick,
        CASE WHEN demo THEN 'DEMO_REQUEST' WHEN hot THEN 'CONTACT_SALES' ELSE ${pick(R('k', 111), [['PRICING_PAGE_VIEW', 40], ['COMPARISON_GUIDE_DOWNLOAD', 35], ['CASE_STUDY_VIEW', 25]])} END AS trig
      FROM d
    ), f AS MATERIALIZED (
      SELECT e.*, ft_at + ${logDelay(R('k', 112), R('k', 113))} AS ft_logged,
        CASE WHEN outcome = 'SQL' THEN decided_at + interval '3 days' + ${R('k', 114)} * interval '35 days' END AS sql_at,
        CASE WHEN outcome = 'DQ' THEN dq_pick END AS disq_reason,
        CASE WHEN outcome = 'DQ' THEN decided_at + CASE WHEN dq_pick = 'UNRESPONSIVE' THEN interval '17 days' + ${R('k', 115)} * interval '6 days'
                                                        ELSE interval '1 day' + ${R('k', 115)} * interval '12 days' END END AS disq_at,
        ${pick(R('k', 116), [['WON', 38], ['LOST', 47], ['NEVER', 15]])} AS opp_pick
      FROM e
    ), g AS MATERIALIZED (
      SELECT f.*,
        CASE decision WHEN 'REJECTED' THEN reject_code ELSE disq_reason END AS exit_reason,
        CASE WHEN decision = 'REJECTED' THEN decided_at WHEN outcome = 'SQL' THEN sql_at WHEN outcome = 'DQ' THEN disq_at END AS exit_at,
        CASE WHEN outcome = 'SQL' AND opp_pick <> 'NEVER' THEN opp_pick END AS opp_out
      FROM f
    ), h AS MATERIALIZED (
      SELECT g.*,
        CASE WHEN exit_reason IN (${list(NURTURE)}) THEN 'NURTURE' WHEN exit_reason IN (${list(DATA_REPAIR)}) THEN 'DATA_REPAIR'
             WHEN exit_reason IS NOT NULL AND outcome IS DISTINCT FROM 'SQL' THEN 'CLOSE' END AS recycle_action,
        CASE WHEN decision = 'REJECTED' THEN ft_logged < decided_at ELSE ft_logged < coalesce(exit_at, 'infinity') END AS has_ft
      FROM g
    )
    SELECT n, cyc, k, lead_id, 'lead:' || lead_id || '/c' || cyc, false, engaged_at, mql_from, mql_at, hot, demo, trig,
      round((CASE WHEN hot THEN 86 + ${R('k', 117)} * 70 ELSE 50 + ${R('k', 117)} * 34 END)::numeric, 2),
      rep1, r1_at, acc_due1, ft_due1, reassigned, rep2, r2_at, acc_due2, rep, routed_at, ft_kind, ft_due, decision, decided_at, reject_code,
      ft_at, ft_logged, has_ft, CASE WHEN disq_reason = 'UNRESPONSIVE' THEN 0.97 ELSE 0.85 END,
      outcome, sql_at,
      CASE WHEN outcome = 'SQL' THEN round(exp(ln(3000) + ${R('k', 118)} * ln(100))::numeric, -2) END,
      opp_out,
      CASE WHEN opp_out IS NOT NULL THEN sql_at + interval '7 days' + ${R('k', 119)} * interval '160 days' END,
      CASE WHEN outcome = 'SQL' THEN sql_at + interval '30 days' + ${R('k', 120)} * interval '90 days' END,
      disq_reason, disq_at, exit_reason, exit_at, recycle_action,
      CASE WHEN recycle_action IN ('NURTURE', 'DATA_REPAIR') THEN exit_at + interval '200 milliseconds' END,
      CASE recycle_action WHEN 'NURTURE' THEN exit_at + CASE WHEN exit_reason = 'BAD_TIMING' THEN interval '60 days' + ${R('k', 121)} * interval '120 days' ELSE interval '90 days' END
                          WHEN 'DATA_REPAIR' THEN exit_at + interval '200 milliseconds' END
    FROM h`;

  await step('stage MQL cycles, first (bench.c)', cycles(`
    SELECT n, 1 AS cyc, id AS lead_id, NULL::timestamptz AS engaged_at, CASE WHEN inc_kind = 1 THEN 'INCOMPLETE' ELSE 'ENGAGED' END AS mql_from, mql1_at AS mql_at
    FROM bench.l WHERE mql1_at IS NOT NULL`));
  // A recycled lead re-engages: after its nurture period (or data repair) some qualify again.
  await step('stage MQL cycles, second (bench.c)', cycles(`
    SELECT n, 2 AS cyc, lead_id, greatest(recycled_at + interval '1 minute', mql2 - interval '1 hour' - ${R('k', 502)} * interval '5 days') AS engaged_at, 'ENGAGED' AS mql_from, mql2 AS mql_at
    FROM (SELECT c.*, CASE recycle_action WHEN 'NURTURE' THEN reengage_at + ${R('k', 501)} * interval '60 days'
                                          ELSE recycled_at + interval '2 days' + ${R('k', 501)} * interval '30 days' END AS mql2
          FROM bench.c c WHERE cyc = 1 AND recycled_at <= ${NOW} AND ${R('k', 500)} < 0.45) x
    WHERE mql2 <= ${NOW}`));
  await client.query(`UPDATE bench.c c SET superseded = true FROM bench.c c2 WHERE c2.n = c.n AND c2.cyc = 2 AND c.cyc = 1`);

  // ---------------------------------------------------------------- staging: touches and cadence steps
  // Slot 0: a touch logged before the accept/reject decision (no cadence step); slots 1-8:
  // the cadence steps of an accepted cycle, each done by a touch (on time, late, or never).
  await step('stage touches and cadence steps (bench.t)', `
    CREATE UNLOGGED TABLE bench.t AS
    WITH s AS MATERIALIZED (
      SELECT c.k, c.lead_id, c.key, c.cyc, c.rep, c.decided_at, c.decision, c.exit_at, c.ft_at, c.ft_logged, c.has_ft, c.p_done, g.slot,
        CASE WHEN g.slot > 0 THEN bench.cadence_due(c.decided_at, ${REP_TZ('c.rep')}, ${arr(CADENCE_DAYS, 'int')}[g.slot]) END AS due_at,
        g.slot = 1 AND c.has_ft AND c.ft_logged >= c.decided_at AS is_first
      FROM bench.c c CROSS JOIN generate_series(0, 8) AS g(slot)
      WHERE (g.slot = 0 AND c.has_ft AND c.ft_logged < c.decided_at) OR (g.slot > 0 AND c.decision = 'SAL')
    ), o AS MATERIALIZED (
      SELECT s.*,
        CASE WHEN slot = 0 OR is_first THEN ft_at
             WHEN has_ft AND ${R('k * 16 + slot', 201)} < p_done THEN greatest(ft_at + slot * interval '7 minutes', decided_at + slot * interval '3 minutes',
               CASE WHEN ${R('k * 16 + slot', 202)} < 0.12 THEN due_at + interval '24 hours' + ${R('k * 16 + slot', 203)} * interval '48 hours'
                    ELSE due_at - ${R('k * 16 + slot', 203)} * interval '8 hours' END) END AS occurred_at
      FROM s
    ), lg AS MATERIALIZED (
      SELECT o.*, CASE WHEN slot = 0 OR is_first THEN ft_logged ELSE occurred_at + ${logDelay(R('k * 16 + slot', 204), R('k * 16 + slot', 205))} END AS logged_at FROM o
    )
    SELECT k, lead_id, key, cyc, rep, slot, due_at, occurred_at, logged_at,
      occurred_at IS NOT NULL AND logged_at <= ${NOW} AND logged_at < coalesce(exit_at, 'infinity') AS has_touch,
      decision = 'SAL' AND decided_at <= ${NOW} AS cadence_visible,
      CASE WHEN slot = 0 THEN 'CALL' ELSE ${arr(CADENCE_CHANNELS)}[slot] END AS channel,
      ${pick(R('k * 16 + slot', 206), TOUCH_OUTCOMES)} AS outcome,
      md5('touch:' || k || ':' || slot)::uuid AS touch_id
    FROM lg`);
  await client.query('ANALYZE bench.l; ANALYZE bench.c; ANALYZE bench.t');

  // ---------------------------------------------------------------- the real tables
  const deferred = await dropConstraintsAndIndexes(client, LOADED_TABLES);
  log(`  dropped ${deferred.count} indexes/constraints of the loaded tables for the load`);
  await client.query(`TRUNCATE ${LOADED_TABLES.join(', ')}`);

  const ins = {};
  const eventType = (r) => pick(r, EVENT_TYPES);
  ins.engagement_event = `
    INSERT INTO engagement_event (id, idempotency_key, lead_id, type, occurred_at, received_at, channel, campaign, utm, url, content_title, via)
    SELECT md5('event:' || x.n || ':' || x.e)::uuid, 'bench:' || x.n || ':' || x.e, x.lead_id, x.type, x.at, x.at + interval '2 seconds', x.channel, x.campaign,
      jsonb_strip_nulls(jsonb_build_object('source', x.channel, 'campaign', x.campaign)),
      CASE WHEN x.type IN ('CASE_STUDY_VIEW','PRODUCT_VIDEO_VIEW','COMPARISON_GUIDE_DOWNLOAD','PRICING_PAGE_VIEW') THEN 'https://baton.example/' || lower(replace(x.type, '_', '-')) END,
      CASE WHEN x.type IN ('CASE_STUDY_VIEW','PRODUCT_VIDEO_VIEW','COMPARISON_GUIDE_DOWNLOAD','WEBINAR_ATTENDED') THEN ${oneOf('x.r', CONTENT)} END,
      x.via
    FROM (
      -- the lead's own activity (the first one created it); for an MQL lead, before its MQL
      SELECT l.n, g.e::text AS e, l.id AS lead_id, ${eventType(R('l.n::bigint * 16 + g.e', 301))} AS type,
        CASE WHEN g.e = 1 THEN l.created_at + interval '5 seconds'
             WHEN l.mql1_at IS NOT NULL THEN l.created_at + (l.mql1_at - l.created_at) * ((g.e - 1 + 0.8 * ${R('l.n::bigint * 16 + g.e', 302)} - 0.4) / (l.n_events - 1))
             ELSE least(l.created_at + interval '5 seconds' + ${R('l.n::bigint * 16 + g.e', 302)} * least(interval '120 days', ${NOW} - l.created_at), ${NOW}) END AS at,
        ${pick(R('l.n::bigint * 16 + g.e', 303), CHANNELS)} AS channel,
        CASE WHEN g.e = 1 THEN l.campaign WHEN ${R('l.n::bigint * 16 + g.e', 304)} < 0.55 THEN ${oneOf(R('l.n::bigint * 16 + g.e', 305), CAMPAIGNS)} END AS campaign,
        CASE WHEN g.e % 3 = 0 THEN 'GRAPHQL' ELSE 'WEBHOOK' END AS via, ${R('l.n::bigint * 16 + g.e', 306)} AS r
      FROM bench.l l CROSS JOIN LATERAL generate_series(1, l.n_events - CASE WHEN l.mql1_at IS NOT NULL THEN 1 ELSE 0 END) AS g(e)
      UNION ALL
      -- the event that fired the handoff trigger of each MQL cycle
      SELECT c.n, 'c' || c.cyc || 't', c.lead_id, c.trig, c.mql_at - interval '30 seconds',
        ${pick(R('c.k', 303), CHANNELS)}, CASE WHEN ${R('c.k', 304)} < 0.7 THEN ${oneOf(R('c.k', 305), CAMPAIGNS)} END, 'WEBHOOK', ${R('c.k', 306)}
      FROM bench.c c
      UNION ALL
      -- a recycled lead coming back (second cycle)
      SELECT c.n, 'c' || c.cyc || 'e', c.lead_id, ${pick(R('c.k', 310), [['SITE_VISIT', 50], ['EMAIL_OPEN', 30], ['WEBINAR_ATTENDED', 20]])}, c.engaged_at,
        'email', CASE WHEN ${R('c.k', 311)} < 0.8 THEN 'nurture-drip' END, 'WEBHOOK', ${R('c.k', 312)}
      FROM bench.c c WHERE c.cyc = 2
    ) x`;

  const SYS = `'system', 'SYSTEM'`;
  ins.stage_transition = `
    INSERT INTO stage_transition (step_key, lead_id, from_stage, to_stage, occurred_at, actor_id, actor_role, reason, definition_version, details)
    SELECT 'lead:' || l.id || '/first-touch', l.id, NULL::text, 'FIRST_TOUCH', l.created_at, ${SYS}, 'Lead captured', NULL::int, NULL::jsonb FROM bench.l l
    UNION ALL
    SELECT 'lead:' || l.id || '/c1/t1-ENGAGED', l.id, 'FIRST_TOUCH', 'ENGAGED', l.created_at + interval '5 seconds', ${SYS},
      'Engaged: ' || ${eventType(R('l.n::bigint * 16 + 1', 301))}, NULL::int, NULL::jsonb
    FROM bench.l l WHERE l.n_events > 0
    UNION ALL
    SELECT 'lead:' || l.id || '/c1/t2-INCOMPLETE', l.id, 'ENGAGED', 'INCOMPLETE', l.inc_at, ${SYS},
      'Meets the handoff triggers but lacks: ' || array_to_string(l.missing, ', '), 1, jsonb_build_object('missingFields', to_jsonb(l.missing))
    FROM bench.l l WHERE l.inc_kind > 0
    UNION ALL
    SELECT c.key || '/t' || v.seq || '-' || v.to_stage, c.lead_id, v.from_stage, v.to_stage, v.at, v.actor_id, v.actor_role, v.reason, 1, v.details
    FROM bench.c c CROSS JOIN LATERAL (VALUES
      (1, 'RECYCLED', 'ENGAGED', CASE WHEN c.cyc = 2 THEN c.engaged_at END, ${SYS}, 'Engaged: re-engaged after recycling', NULL::jsonb),
      (3, c.mql_from, 'MQL', c.mql_at, ${SYS}, CASE c.trig WHEN 'DEMO_REQUEST' THEN 'demo requested' WHEN 'CONTACT_SALES' THEN 'asked to talk to sales'
        WHEN 'PRICING_PAGE_VIEW' THEN 'pricing page viewed 3 times within 7 days' WHEN 'COMPARISON_GUIDE_DOWNLOAD' THEN 'competitor comparison guide downloaded'
        ELSE 'mid-funnel content consumed by an ICP fit' END,
        jsonb_build_object('triggers', jsonb_build_array(${TRIGGER_ID('c.trig')}), 'score', c.score)),
      (4, 'MQL', 'MQL', CASE WHEN c.reassigned THEN c.r2_at END, ${SYS}, 'Reassigned after a missed accept SLA',
        jsonb_build_object('fromOwnerId', ${REP_ID('c.rep1')}, 'toOwnerId', ${REP_ID('c.rep2')})),
      (5, 'MQL', c.decision, c.decided_at, ${REP_ID('c.rep')}::text, ${REP_ROLE('c.rep')},
        CASE WHEN c.decision = 'SAL' THEN 'Accepted by sales' ELSE 'Rejected: ' || c.reject_code END,
        CASE WHEN c.decision = 'REJECTED' THEN jsonb_build_object('code', c.reject_code, 'note', CASE WHEN c.reject_code IN ('NOT_ICP','WRONG_CONTACT') THEN 'checked with the account team' END,
          'survivorLeadId', CASE WHEN c.reject_code = 'DUPLICATE_ACCOUNT' THEN md5('lead:' || (c.n % ${N} + 1))::uuid END) END),
      (6, 'SAL', 'SQL', c.sql_at, ${REP_ID('c.rep')}::text, ${REP_ROLE('c.rep')}, 'Qualified (BANT)',
        jsonb_build_object('bant', jsonb_build_object('budget', true, 'authority', true, 'need', true, 'timeline', ${R('c.k', 130)} < 0.6))),
      (7, 'SQL', 'OPPORTUNITY', c.sql_at + interval '50 milliseconds', ${REP_ID('c.rep')}::text, ${REP_ROLE('c.rep')}, 'Opportunity created: ' || c.amount,
        jsonb_build_object('opportunityId', md5('opp:' || c.k)::uuid, 'amount', c.amount, 'expectedCloseAt', c.expected_close_at)),
      (8, 'OPPORTUNITY', 'CLOSED_' || c.opp_out, c.closed_at, ${REP_ID('c.rep')}::text, ${REP_ROLE('c.rep')},
        'Opportunity ' || lower(c.opp_out) || ': ' || CASE c.opp_out WHEN 'WON' THEN 'signed' ELSE 'lost to competitor' END,
        jsonb_build_object('reason', CASE c.opp_out WHEN 'WON' THEN 'signed' ELSE 'lost to competitor' END)),
      (9, 'SAL', 'DISQUALIFIED', c.disq_at, ${REP_ID('c.rep')}::text, ${REP_ROLE('c.rep')}, 'Disqualified: ' || c.disq_reason,
        jsonb_build_object('reason', c.disq_reason, 'note', CASE WHEN c.disq_reason IN ('WRONG_CONTACT','NOT_ICP','LOST_TO_COMPETITOR') THEN 'confirmed on a call' END)),
      (10, CASE WHEN c.decision = 'REJECTED' THEN 'REJECTED' ELSE 'DISQUALIFIED' END, 'RECYCLED', c.recycled_at, ${REP_ID('c.rep')}::text, ${REP_ROLE('c.rep')},
        CASE WHEN c.recycle_action = 'NURTURE' THEN 'Back to marketing nurture until ' || to_char(c.reengage_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ELSE 'Back to marketing for data repair' END,
        jsonb_build_object('reason', c.exit_reason, 'action', c.recycle_action, 'reengageAt', c.reengage_at))
    ) AS v(seq, from_stage, to_stage, at, actor_id, actor_role, reason, details)
    WHERE v.at IS NOT NULL AND v.at <= ${NOW} AND (v.seq <> 8 OR c.opp_out IS NOT NULL)`;

  ins.handoff = `
    INSERT INTO handoff (step_key, lead_id, outcome, evaluated_at, definition_version, hot, demo_request, intent_score, score_breakdown, triggers, missing_fields, brief)
    SELECT 'lead:' || l.id || '/c1/handoff1-INCOMPLETE', l.id, 'INCOMPLETE', l.inc_at, 1, false, false, l.pre_score,
      jsonb_build_object('PRICING_PAGE_VIEW', 15, 'CASE_STUDY_VIEW', 10, 'EMAIL_OPEN', 3), jsonb_build_array(jsonb_build_object('triggerId', 'MID_FUNNEL_WITH_FIT')), l.missing, NULL
    FROM bench.l l WHERE l.inc_kind > 0
    UNION ALL
    SELECT c.key || '/handoff2-MQL', c.lead_id, 'MQL', c.mql_at, 1, c.hot, c.demo, c.score,
      jsonb_build_object(c.trig, 30, 'PRICING_PAGE_VIEW', 15, 'EMAIL_OPEN', 3),
      jsonb_build_array(jsonb_build_object('triggerId', ${TRIGGER_ID('c.trig')}, 'eventType', c.trig)),
      '{}'::text[],
      jsonb_build_object('source', l.source, 'intentScore', c.score, 'title', l.title, 'buyingRole', l.buying_role,
        'company', jsonb_build_object('industry', l.industry, 'size', l.company_size, 'country', l.country),
        'recommendedNextAction', CASE WHEN c.demo THEN 'Call within 15 minutes and book the demo' WHEN c.hot THEN 'Call today' ELSE 'Start the cadence' END)
    FROM bench.c c JOIN bench.l l ON l.n = c.n`;

  ins.routing_decision = `
    INSERT INTO routing_decision (id, step_key, lead_id, rule_id, rep_id, queue, trace, decided_at)
    SELECT md5('route:' || c.k || ':' || v.seq)::uuid, c.key || '/route' || v.seq, c.lead_id, ${RULE_ID('v.rep')}, ${REP_ID('v.rep')}, NULL,
      jsonb_build_array(jsonb_build_object('ruleId', ${RULE_ID('v.rep')}, 'kind', ${RULE_KIND('v.rep')}, 'matched', true,
        'reason', ${RULE_NAME('v.rep')} || CASE WHEN v.seq = 2 THEN ' (excluding the previous owner)' ELSE '' END, 'skipped', '[]'::jsonb)),
      v.at
    FROM bench.c c CROSS JOIN LATERAL (VALUES (1, c.rep1, c.r1_at), (2, c.rep2, c.r2_at)) AS v(seq, rep, at)
    WHERE v.at IS NOT NULL AND v.at <= ${NOW}`;

  ins.touch = `
    INSERT INTO touch (id, step_key, lead_id, rep_id, channel, outcome, occurred_at, logged_at, cadence_step, note)
    SELECT t.touch_id, t.key || '/touch-' || t.touch_id, t.lead_id, ${REP_ID('t.rep')}, t.channel, t.outcome, t.occurred_at, t.logged_at, nullif(t.slot, 0), NULL
    FROM bench.t t WHERE t.has_touch`;

  ins.cadence_step = `
    INSERT INTO cadence_step (lead_id, cycle, step, day, channel, due_at, done_at, touch_id)
    SELECT t.lead_id, t.cyc, t.slot, ${arr(CADENCE_DAYS, 'int')}[t.slot], t.channel, t.due_at,
      CASE WHEN t.has_touch THEN t.logged_at END, CASE WHEN t.has_touch THEN t.touch_id END
    FROM bench.t t WHERE t.slot > 0 AND t.cadence_visible`;

  // A clock is MET when settled by its due instant, BREACHED at the due instant otherwise
  // (unless cancelled first: reassignment, rejection, qualification, disqualification).
  const status = (due, met, cancel) => `CASE
      WHEN ${met} IS NOT NULL AND ${met} <= ${due} AND ${met} <= ${NOW} AND (${cancel} IS NULL OR ${met} <= ${cancel}) THEN 'MET'
      WHEN ${due} <= ${NOW} AND (${cancel} IS NULL OR ${cancel} > ${due}) THEN 'BREACHED'
      WHEN ${cancel} IS NOT NULL AND ${cancel} <= ${NOW} THEN 'CANCELLED'
      ELSE 'PENDING' END`;
  ins.sla_clock = `
    INSERT INTO sla_clock (id, step_key, lead_id, kind, owner_id, started_at, due_at, status, met_at, breached_at)
    SELECT x.id, x.step_key, x.lead_id, x.kind, x.owner_id, x.started_at, x.due_at, x.status,
      CASE WHEN x.status = 'MET' THEN x.met END, CASE WHEN x.status = 'BREACHED' THEN x.breached END
    FROM (
      SELECT md5('clock:' || c.k || ':' || v.seq)::uuid AS id, c.key || '/clock' || v.seq || '-' || v.kind AS step_key, c.lead_id, v.kind,
        ${REP_ID('v.rep')} AS owner_id, v.started AS started_at, v.due AS due_at, ${status('v.due', 'v.met', 'v.cancel')} AS status, v.met, v.due AS breached
      FROM bench.c c CROSS JOIN LATERAL (VALUES
        (1, 'ACCEPT', c.rep1, c.r1_at, c.acc_due1, CASE WHEN NOT c.reassigned THEN c.decided_at END, NULL::timestamptz),
        (2, c.ft_kind, c.rep1, c.r1_at, coalesce(c.ft_due1, c.ft_due), CASE WHEN NOT c.reassigned AND c.has_ft THEN c.ft_logged END, coalesce(c.r2_at, c.exit_at)),
        (3, 'ACCEPT', c.rep2, c.r2_at, c.acc_due2, c.decided_at, NULL::timestamptz),
        (4, c.ft_kind, c.rep2, c.r2_at, c.ft_due, CASE WHEN c.has_ft THEN c.ft_logged END, c.exit_at)
      ) AS v(seq, kind, rep, started, due, met, cancel)
      WHERE v.started IS NOT NULL AND v.started <= ${NOW}
      UNION ALL
      -- the outcome of a touch must be logged within 24 h of the touch
      SELECT md5('clock:t:' || t.k || ':' || t.slot)::uuid, t.key || '/clock-t' || t.slot || '-TOUCH_LOGGING', t.lead_id, 'TOUCH_LOGGING', ${REP_ID('t.rep')},
        t.occurred_at, t.occurred_at + interval '24 hours', CASE WHEN t.logged_at <= t.occurred_at + interval '24 hours' THEN 'MET' ELSE 'BREACHED' END, t.logged_at, t.logged_at
      FROM bench.t t WHERE t.has_touch
    ) x`;

  // Every breached clock has its permanent breach record (insert-only: the trigger forbids updates).
  ins.sla_breach = `
    INSERT INTO sla_breach (clock_id, lead_id, owner_id, manager_id, kind, due_at, breached_at)
    SELECT k.id, k.lead_id, k.owner_id, m.manager_id, k.kind, k.due_at, k.breached_at
    FROM sla_clock k LEFT JOIN (SELECT unnest(${arr(team.map((u) => u.id), 'uuid')}) AS id, unnest(${arr(team.map((u) => u.manager_id ?? manager.id), 'uuid')}) AS manager_id) m ON m.id = k.owner_id
    WHERE k.status = 'BREACHED'`;

  ins.opportunity = `
    INSERT INTO opportunity (id, step_key, lead_id, account_id, owner_id, amount, expected_close_at, created_at, status, closed_at, close_reason, bant)
    SELECT md5('opp:' || c.k)::uuid, c.key || '/opportunity', c.lead_id, NULL, ${REP_ID('c.rep')}, c.amount, c.expected_close_at, c.sql_at,
      CASE WHEN c.closed_at <= ${NOW} THEN c.opp_out ELSE 'OPEN' END,
      CASE WHEN c.closed_at <= ${NOW} THEN c.closed_at END,
      CASE WHEN c.closed_at <= ${NOW} THEN CASE c.opp_out WHEN 'WON' THEN 'signed' ELSE 'lost to competitor' END END,
      jsonb_build_object('budget', true, 'authority', true, 'need', true, 'timeline', ${R('c.k', 130)} < 0.6)
    FROM bench.c c WHERE c.outcome = 'SQL' AND c.sql_at <= ${NOW}`;

  // The lead read model, last: its stage is its last transition at or before now.
  ins.lead = `
    INSERT INTO lead (id, email, first_name, last_name, company, title, industry, company_size, country, buying_role, source, utm, account_id, stage, owner_id,
      first_touch_at, recycle_count, survivor_lead_id, workflow_id, created_at, updated_at, hot, intent_score, definition_version, mql_at, routed_at,
      accepted_at, reengage_at, sla_breached, next_due_at)
    SELECT l.id, 'lead' || l.n || '@co' || (l.n % 250000) || '.bench.example',
      ${oneOf(R('l.n', 40), FIRST_NAMES)}, ${oneOf(R('l.n', 41), LAST_NAMES)}, 'Company ' || (l.n % 250000), l.title,
      CASE WHEN 'industry' = ANY (l.missing) AND l.inc_kind = 2 THEN NULL ELSE l.industry END,
      CASE WHEN 'companySize' = ANY (l.missing) AND l.inc_kind = 2 THEN NULL ELSE l.company_size END,
      CASE WHEN 'country' = ANY (l.missing) AND l.inc_kind = 2 THEN NULL ELSE l.country END,
      l.buying_role, l.source,
      jsonb_strip_nulls(jsonb_build_object('source', lower(l.source), 'medium', CASE WHEN l.source LIKE 'PAID%' THEN 'cpc' ELSE 'organic' END, 'campaign', l.campaign)),
      NULL, s.stage,
      CASE WHEN s.stage IN ('FIRST_TOUCH','ENGAGED','INCOMPLETE','RECYCLED') THEN NULL WHEN c.reassigned AND c.r2_at <= ${NOW} THEN ${REP_ID('c.rep2')} ELSE ${REP_ID('c.rep1')} END,
      l.created_at,
      (CASE WHEN c.cyc = 2 THEN 1 ELSE 0 END) + (CASE WHEN c.recycled_at <= ${NOW} THEN 1 ELSE 0 END),
      CASE WHEN c.reject_code = 'DUPLICATE_ACCOUNT' AND c.decided_at <= ${NOW} THEN md5('lead:' || (l.n % ${N} + 1))::uuid END,
      'lead:' || l.id, l.created_at, s.at,
      coalesce(c.hot, false), coalesce(c.score, CASE WHEN l.inc_kind > 0 THEN l.pre_score ELSE 0 END),
      CASE WHEN c.n IS NOT NULL OR l.inc_kind > 0 THEN 1 END,
      c.mql_at,
      CASE WHEN c.reassigned AND c.r2_at <= ${NOW} THEN c.r2_at ELSE c.r1_at END,
      CASE WHEN c.decision = 'SAL' AND c.decided_at <= ${NOW} THEN c.decided_at END,
      CASE WHEN c.recycled_at <= ${NOW} THEN c.reengage_at END,
      l.id IN (SELECT lead_id FROM sla_breach),
      CASE s.stage WHEN 'MQL' THEN CASE WHEN c.reassigned AND c.r2_at <= ${NOW} THEN c.acc_due2 ELSE c.acc_due1 END
                   WHEN 'SAL' THEN greatest(c.decided_at + interval '14 days', ${NOW}) END
    FROM bench.l l
    LEFT JOIN bench.c c ON c.n = l.n AND NOT c.superseded
    CROSS JOIN LATERAL (SELECT * FROM (VALUES
      (1, c.recycled_at, 'RECYCLED'),
      (2, c.closed_at, 'CLOSED_' || c.opp_out),
      (3, c.disq_at, 'DISQUALIFIED'),
      (4, c.sql_at + interval '50 milliseconds', 'OPPORTUNITY'),
      (5, c.sql_at, 'SQL'),
      (6, c.decided_at, c.decision),
      (7, CASE WHEN c.reassigned THEN c.r2_at END, 'MQL'),
      (8, c.mql_at, 'MQL'),
      (9, l.inc_at, 'INCOMPLETE'),
      (10, CASE WHEN l.n_events > 0 THEN l.created_at + interval '5 seconds' END, 'ENGAGED'),
      (11, l.created_at, 'FIRST_TOUCH')
    ) AS v(prio, at, stage) WHERE v.at IS NOT NULL AND v.at <= ${NOW} ORDER BY prio LIMIT 1) s`;

  // Monthly revenue goals for the two years loaded and the next quarter, around the won revenue.
  ins.revenue_target = `
    INSERT INTO revenue_target (month, amount, updated_by, updated_at)
    SELECT to_char(m, 'YYYY-MM'), greatest(1000, round((w.avg_month * (0.95 + 0.3 * ${R("extract(epoch FROM m)::bigint", 600)}))::numeric, -3)), 'bench', ${NOW}
    FROM generate_series(date_trunc('month', ${NOW} AT TIME ZONE 'UTC') - interval '24 months', date_trunc('month', ${NOW} AT TIME ZONE 'UTC') + interval '3 months', interval '1 month') AS m
    CROSS JOIN (SELECT coalesce(sum(amount), 0) / 24 AS avg_month FROM opportunity WHERE status = 'WON') w`;

  // Two lanes of inserts, on two connections when possible; within a lane, dependency order
  // (a breach needs its clock, the lead read model its breaches, revenue targets the won deals).
  const lanes = [
    ['stage_transition', 'handoff', 'touch', 'routing_decision', 'opportunity', 'revenue_target'],
    ['sla_clock', 'sla_breach', 'lead', 'engagement_event', 'cadence_step'],
  ];
  const second = connect ? await connect() : null;
  try {
    if (second) await second.query(SESSION);
    const conns = [client, second ?? client];
    const t0 = performance.now();
    await Promise.all(lanes.map(async (lane, i) => {
      for (const table of lane) await step(table, ins[table], conns[i]);
    }));
    report(`all tables loaded${second ? ' (2 connections)' : ''}`, performance.now() - t0);
    await restoreConstraintsAndIndexes(conns, deferred, report);
  } finally {
    await second?.end();
  }
  await client.query('DROP TABLE bench.l, bench.c, bench.t');
  // The KPI fact triggers were off for the bulk load (session_replication_role = replica):
  // derive the facts once, set-based, exactly as the triggers would have.
  await client.query('SET session_replication_role = DEFAULT');
  await step('KPI facts (kpi_refresh_leads)', 'SELECT kpi_refresh_leads(NULL)');
  await step('VACUUM ANALYZE', `VACUUM (ANALYZE) ${LOADED_TABLES.join(', ')}`);

  const counts = {};
  for (const t of LOADED_TABLES) counts[t] = Number((await client.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
  const seconds = (performance.now() - started) / 1000;
  await client.query(`INSERT INTO bench.load_info (id, leads, as_of, seconds, counts) VALUES (1, $1, $2, $3, $4)
    ON CONFLICT (id) DO UPDATE SET leads = EXCLUDED.leads, as_of = EXCLUDED.as_of, loaded_at = now(), seconds = EXCLUDED.seconds, counts = EXCLUDED.counts`, [N, asOf, seconds, counts]);
  return { counts, seconds, steps, asOf };
}

/** The load marker, or null when no complete load is recorded. */
export async function loadInfo(client) {
  const exists = (await client.query(`SELECT to_regclass('bench.load_info') IS NOT NULL AS ok`)).rows[0].ok;
  if (!exists) return null;
  return (await client.query('SELECT leads, as_of, loaded_at, seconds, counts FROM bench.load_info WHERE id = 1')).rows[0] ?? null;
}

/**
 * Drop the foreign keys touching `tables` (either side), their primary/unique constraints
 * and their other indexes; return the statements that recreate them, in a safe order.
 */
async function dropConstraintsAndIndexes(client, tables) {
  const rels = `ARRAY[${tables.map((t) => `'public.${t}'::regclass`).join(', ')}]`;
  const fks = (await client.query(`
    SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) AS drop,
           format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS add, conname AS name
    FROM pg_constraint WHERE contype = 'f' AND (conrelid = ANY (${rels}) OR confrelid = ANY (${rels})) ORDER BY conrelid::regclass::text, conname`)).rows;
  const keys = (await client.query(`
    SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) AS drop,
           format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS add, conname AS name, conrelid::regclass::text AS tbl
    FROM pg_constraint WHERE contype IN ('p', 'u') AND conrelid = ANY (${rels}) ORDER BY contype, conrelid::regclass::text, conname`)).rows;
  const indexes = (await client.query(`
    SELECT format('DROP INDEX %s', i.indexrelid::regclass) AS drop, pg_get_indexdef(i.indexrelid) AS add, i.indexrelid::regclass::text AS name, i.indrelid::regclass::text AS tbl
    FROM pg_index i WHERE i.indrelid = ANY (${rels})
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
    ORDER BY 3`)).rows;
  await client.query('BEGIN');
  try {
    for (const x of [...fks, ...keys, ...indexes]) await client.query(x.drop);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
  return { keys, indexes, fks, count: fks.length + keys.length + indexes.length };
}

/**
 * Rebuild keys and indexes table by table, the biggest tables first, spread over the
 * connections; then the foreign keys (one at a time: each validates every row).
 */
async function restoreConstraintsAndIndexes(conns, { keys, indexes, fks }, report) {
  const exec = async (c, x) => {
    try {
      await c.query(x.add);
    } catch (e) {
      throw new Error(`recreating ${x.name} failed (${e.message}): the generated data breaks it\n  ${x.add}`);
    }
  };
  let t0 = performance.now();
  const tables = [...new Set([...keys, ...indexes].map((x) => x.tbl))];
  const sizes = new Map((await conns[0].query(`SELECT c.oid::regclass::text AS tbl, pg_relation_size(c.oid) AS size FROM pg_class c WHERE c.oid::regclass::text = ANY ($1)`, [tables])).rows.map((r) => [r.tbl, Number(r.size)]));
  const lanes = conns.map(() => ({ size: 0, tables: [] }));
  for (const t of tables.sort((a, b) => (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0))) {
    const lane = lanes.reduce((min, l) => (l.size < min.size ? l : min));
    lane.size += sizes.get(t) ?? 0;
    lane.tables.push(t);
  }
  await Promise.all(lanes.map(async (lane, i) => {
    for (const t of lane.tables) for (const x of [...keys, ...indexes].filter((y) => y.tbl === t)) await exec(conns[i], x);
  }));
  report(`restore ${keys.length} primary/unique keys, ${indexes.length} indexes`, performance.now() - t0);
  t0 = performance.now();
  for (const x of fks) await exec(conns[0], x);
  report(`restore ${fks.length} foreign keys (validated)`, performance.now() - t0);
}
