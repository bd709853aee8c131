import { DEAL_SIZE_BANDS, KPI_CATALOG, KpiBreakdown, KpiKey, KpiMeasure } from '../../../domain/src/kpi/catalog';
import { SizeBand } from '../../../domain/src/stage-definition';

/**
 * Every KPI of docs/kpis.md as SQL over the recorded events and the KPI facts derived from
 * them (kpi_lead_cycle, kpi_routing, kpi_cadence_step, kpi_opportunity: see the shared-KPIs
 * migration), aggregated inside the database: one row per group comes back, never the event
 * rows. Parameters are always $1 = period start, $2 = period end (exclusive), $3 = as-of;
 * events after as-of are unseen.
 */

/** The part of a TypeORM DataSource / EntityManager / pg client the queries need. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<any[]>;
}

export interface KpiWindow {
  start: Date;
  end: Date;
  asOf: Date;
}

export interface KpiQueryOptions {
  /** The active stage definition's ICP size bands (the SEGMENT breakdown). */
  sizeBands: readonly SizeBand[];
  /** The revenue target of the period (PIPELINE_COVERAGE); null = none set. May be a pending query: it is only needed to finish the measures. */
  revenueTarget: number | null | PromiseLike<number | null>;
}

/** Where each breakdown's group key comes from; `needsLead`/`needsRep` say which joins it costs. */
interface GroupSource {
  expr: string;
  label?: string;
  needsLead?: boolean;
  needsRep?: boolean;
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

function segmentExpr(bands: readonly SizeBand[]): string {
  const cases = bands
    .filter((b) => Number.isInteger(b.min) && (b.max === undefined || Number.isInteger(b.max)))
    .map((b) => `WHEN l.company_size >= ${b.min}${b.max === undefined ? '' : ` AND l.company_size <= ${b.max}`} THEN ${literal(b.id)}`);
  return cases.length ? `CASE ${cases.join(' ')} ELSE 'unknown' END` : `'unknown'`;
}

const DEAL_SIZE_EXPR = `CASE ${DEAL_SIZE_BANDS.map((b) => (Number.isFinite(b.max) ? `WHEN b.amount < ${b.max} THEN ${literal(b.id)}` : `ELSE ${literal(b.id)}`)).join(' ')} END`;

function groupSource(breakdown: KpiBreakdown, opts: KpiQueryOptions): GroupSource {
  switch (breakdown) {
    case 'NONE':
      return { expr: 'NULL::text' };
    case 'REP':
      return { expr: `COALESCE(b.rep_id::text, 'unassigned')`, label: `COALESCE(max(u.name), 'unassigned')`, needsRep: true };
    case 'TEAM':
      return { expr: `COALESCE(tm.name, 'unassigned')`, label: `COALESCE(max(tm.name), 'unassigned')`, needsRep: true };
    case 'SOURCE':
      return { expr: 'l.source', needsLead: true };
    case 'SEGMENT':
      return { expr: segmentExpr(opts.sizeBands), needsLead: true };
    case 'CAMPAIGN':
      return { expr: `COALESCE(NULLIF(l.utm->>'campaign', ''), 'none')`, needsLead: true };
    case 'DEAL_SIZE':
      return { expr: DEAL_SIZE_EXPR };
    case 'SLA_KIND':
      return { expr: 'b.kind' };
  }
}

/** The aggregate columns a KPI reads from its base rows (b.*), by KpiMeasure field. */
interface Aggregates {
  value?: string;
  numerator?: string;
  denominator?: string;
  pending?: string;
  median?: string;
  p90?: string;
  mean?: string;
  wallClockMedian?: string;
  wallClockP90?: string;
  wallClockMean?: string;
  /** Extra named aggregates a KPI combines in TypeScript (velocity, coverage). */
  extra?: Record<string, string>;
}

const MEASURE_FIELDS = ['value', 'numerator', 'denominator', 'pending', 'median', 'p90', 'mean', 'wallClockMedian', 'wallClockP90', 'wallClockMean'] as const;

interface KpiSql {
  /** Rows with at least lead_id and rep_id; the KPI's own columns besides. */
  base: string;
  aggregates: Aggregates;
  /**
   * For a KPI whose rows are only some of its base's (a base shared with a KPI over more rows,
   * the KPI's aggregates filtered to its own): the boolean column of the base that picks them.
   * With a breakdown, only the groups that hold one of the KPI's rows are reported, as if the
   * base had been filtered.
   */
  rowsWhere?: string;
  /** Turns the extra aggregates of a group into the measure's value (velocity, coverage). */
  finish?: (row: Record<string, number | null>, opts: ResolvedOptions) => Partial<KpiMeasure>;
}

const ratioOf = (num: string, den: string) => `(${num})::float8 / NULLIF(${den}, 0)`;

const IN_PERIOD = (col: string) => `${col} >= $1 AND ${col} < $2 AND ${col} <= $3`;

// kpi_routing: each routing to a rep in the period with its first touch by that rep (counted
// once logged by as-of). Speed to lead and its hot-lead variant share this one scan. OFFSET 0
// keeps it a subquery of its own, so the wall-clock minutes (numeric arithmetic) are computed
// once per row; inlined, every aggregate that reads them (percentile, mean, twice over for the
// hot variant) would compute them again.
const COUNTED = `r.first_touch_logged_at <= $3`;
const ROUTINGS = `
  SELECT r.lead_id, r.rep_id, r.hot, (${COUNTED}) AS touched,
         CASE WHEN ${COUNTED} THEN (EXTRACT(EPOCH FROM r.first_touch_at - r.decided_at) / 60)::float8 END AS wall,
         CASE WHEN ${COUNTED} THEN r.business_minutes END AS biz
  FROM kpi_routing r
  WHERE ${IN_PERIOD('r.decided_at')}
  OFFSET 0`;

function speedToLead(hotOnly: boolean): KpiSql {
  // The aggregate over the KPI's rows: all routings, or the hot ones only.
  const rows = (cond?: string) => {
    const all = [hotOnly ? 'b.hot' : '', cond ?? ''].filter(Boolean);
    return all.length ? ` FILTER (WHERE ${all.join(' AND ')})` : '';
  };
  // One sort per column: both percentiles from one ordered-set aggregate.
  const pct = (col: string, i: 1 | 2) => `(percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY ${col})${rows()})[${i}]`;
  return {
    base: ROUTINGS,
    rowsWhere: hotOnly ? 'b.hot' : undefined,
    aggregates: {
      value: pct('b.biz', 1),
      denominator: `count(*)${rows('b.touched')}`,
      pending: `count(*)${rows('b.touched IS NOT TRUE')}`,
      median: pct('b.biz', 1),
      p90: pct('b.biz', 2),
      mean: `avg(b.biz)${rows()}`,
      wallClockMedian: pct('b.wall', 1),
      wallClockP90: pct('b.wall', 2),
      wallClockMean: `avg(b.wall)${rows()}`,
    },
  };
}

const ACCEPTANCE: KpiSql = {
  // kpi_lead_cycle: MQL cycles whose first routing is in the period, and the first SAL / REJECTED after it.
  base: `
    SELECT c.lead_id, COALESCE(d.rep_id, c.last_rep_id, c.first_rep_id) AS rep_id, d.decision
    FROM kpi_lead_cycle c
    CROSS JOIN LATERAL (SELECT CASE WHEN c.decision_at <= $3 THEN c.decision END AS decision, CASE WHEN c.decision_at <= $3 THEN c.decision_rep_id END AS rep_id) d
    WHERE ${IN_PERIOD('c.first_routed_at')}`,
  aggregates: {
    value: ratioOf(`count(*) FILTER (WHERE b.decision = 'SAL')`, `count(b.decision)`),
    numerator: `count(*) FILTER (WHERE b.decision = 'SAL')`,
    denominator: 'count(b.decision)',
    pending: 'count(*) FILTER (WHERE b.decision IS NULL)',
  },
};

/** The MQL cohort of the period (kpi_lead_cycle) with what each cycle reached by as-of. */
const MQL_COHORT = `
  SELECT c.lead_id, c.first_rep_id AS rep_id, (c.opportunity_at <= $3) AS reached_opp, (c.sql_at <= $3) AS reached_sql
  FROM kpi_lead_cycle c WHERE ${IN_PERIOD('c.mql_at')}`;

function cohortRate(stage: 'SQL' | 'OPPORTUNITY'): KpiSql {
  // Reaching an opportunity implies SQL (an opportunity is only created from an SQL).
  const hit = stage === 'SQL' ? '(b.reached_sql OR b.reached_opp)' : 'b.reached_opp';
  return {
    base: MQL_COHORT,
    aggregates: { value: ratioOf(`count(*) FILTER (WHERE ${hit})`, 'count(*)'), numerator: `count(*) FILTER (WHERE ${hit})`, denominator: 'count(*)' },
  };
}

const DATA_COMPLETENESS: KpiSql = {
  base: `
    SELECT DISTINCT ON (h.lead_id) h.lead_id, NULL::uuid AS rep_id, cardinality(h.missing_fields) = 0 AS complete
    FROM handoff h WHERE h.outcome IN ('MQL','INCOMPLETE') AND ${IN_PERIOD('h.evaluated_at')}
    ORDER BY h.lead_id, h.evaluated_at`,
  aggregates: { value: ratioOf('count(*) FILTER (WHERE b.complete)', 'count(*)'), numerator: 'count(*) FILTER (WHERE b.complete)', denominator: 'count(*)' },
};

/**
 * Opportunities that matter to the period: open at some moment of it, or closed or created
 * in it. "Closed" means closed by as-of; later closes are still open at as-of. "Not closed
 * before the period" is written as one range over COALESCE(closed_at, 'infinity'), which
 * opportunity_period_idx answers from the index alone; OFFSET 0 computes the cycle days
 * (numeric arithmetic) once per row, not once per aggregate reading them.
 */
const OPPORTUNITIES_BASE = `
  SELECT o.lead_id, o.owner_id AS rep_id, o.amount::float8 AS amount,
    (o.closed_at IS NOT NULL AND o.closed_at <= $3 AND o.closed_at >= $1 AND o.closed_at < $2) AS closed_in_period,
    (o.status = 'WON') AS won,
    (EXTRACT(EPOCH FROM o.closed_at - o.created_at) / 86400)::float8 AS cycle_days,
    (o.closed_at IS NULL OR o.closed_at > $3 OR o.closed_at >= LEAST($2, $3)) AS open_at_end,
    ${IN_PERIOD('o.created_at')} AS created_in_period
  FROM opportunity o
  WHERE o.created_at < LEAST($2::timestamptz, $3::timestamptz) AND COALESCE(o.closed_at, 'infinity'::timestamptz) >= $1
  OFFSET 0`;

const CLOSED_WON = `b.closed_in_period AND b.won`;
const CLOSED_LOST = `b.closed_in_period AND NOT b.won`;

// Win rate and sales cycle read the opportunities closed in the period: their aggregates filter
// them from the shared base, and a breakdown shows no group without one.
const WIN_RATE: KpiSql = {
  base: OPPORTUNITIES_BASE,
  rowsWhere: 'b.closed_in_period',
  aggregates: {
    value: ratioOf(`count(*) FILTER (WHERE ${CLOSED_WON})`, `count(*) FILTER (WHERE b.closed_in_period)`),
    numerator: `count(*) FILTER (WHERE ${CLOSED_WON})`,
    denominator: `count(*) FILTER (WHERE b.closed_in_period)`,
  },
};

const SALES_CYCLE: KpiSql = {
  base: OPPORTUNITIES_BASE,
  rowsWhere: 'b.closed_in_period',
  aggregates: {
    value: `percentile_cont(0.5) WITHIN GROUP (ORDER BY b.cycle_days) FILTER (WHERE b.closed_in_period)`,
    denominator: `count(*) FILTER (WHERE b.closed_in_period)`,
    median: `percentile_cont(0.5) WITHIN GROUP (ORDER BY b.cycle_days) FILTER (WHERE b.closed_in_period)`,
    p90: `percentile_cont(0.9) WITHIN GROUP (ORDER BY b.cycle_days) FILTER (WHERE b.closed_in_period)`,
    mean: `avg(b.cycle_days) FILTER (WHERE b.closed_in_period)`,
  },
};

const PIPELINE_VELOCITY: KpiSql = {
  base: OPPORTUNITIES_BASE,
  aggregates: {
    extra: {
      n: 'count(*)',
      d: `avg(b.amount) FILTER (WHERE ${CLOSED_WON})`,
      won: `count(*) FILTER (WHERE ${CLOSED_WON})`,
      lost: `count(*) FILTER (WHERE ${CLOSED_LOST})`,
      l: `avg(b.cycle_days) FILTER (WHERE b.closed_in_period)`,
    },
  },
  // N x D x W / L; undefined (null) when W, D or L is.
  finish: ({ n, d, won, lost, l }) => {
    const w = won !== null && lost !== null && won + lost > 0 ? won / (won + lost) : null;
    const value = n !== null && d !== null && w !== null && l !== null && l > 0 ? (n * d * w) / l : null;
    return { value, numerator: n, mean: d };
  },
};

const PIPELINE_COVERAGE: KpiSql = {
  base: OPPORTUNITIES_BASE,
  aggregates: { extra: { open: `COALESCE(sum(b.amount) FILTER (WHERE b.open_at_end), 0)` } },
  finish: ({ open }, opts) => ({
    value: opts.revenueTarget && open !== null ? open / opts.revenueTarget : null,
    numerator: open,
    denominator: opts.revenueTarget,
  }),
};

const MARKETING_INFLUENCED: KpiSql = {
  // kpi_opportunity: opportunities created in the period, influenced = a marketing touchpoint before creation.
  base: `
    SELECT o.lead_id, o.owner_id AS rep_id, o.amount, o.influenced
    FROM kpi_opportunity o WHERE ${IN_PERIOD('o.created_at')}`,
  aggregates: {
    value: ratioOf('COALESCE(sum(b.amount) FILTER (WHERE b.influenced), 0)', 'sum(b.amount)'),
    numerator: 'COALESCE(sum(b.amount) FILTER (WHERE b.influenced), 0)',
    denominator: 'COALESCE(sum(b.amount), 0)',
  },
};

const FOLLOW_UP_LEADS: KpiSql = {
  // kpi_lead_cycle: disqualifications for a reason that requires the cadence, and whether it was complete then.
  base: `
    SELECT c.lead_id, c.disqualify_rep_id AS rep_id, c.cadence_complete AS compliant
    FROM kpi_lead_cycle c WHERE c.cadence_required AND ${IN_PERIOD('c.disqualified_at')}`,
  aggregates: { value: ratioOf('count(*) FILTER (WHERE b.compliant)', 'count(*)'), numerator: 'count(*) FILTER (WHERE b.compliant)', denominator: 'count(*)' },
};

/** The touch-logging grace (the TOUCH_LOGGING SLA). */
const STEP_GRACE = `interval '24 hours'`;

// A step is ON_TIME when done (by as-of) within its window, LATE when done after it or, not
// done, once its window has closed, else PENDING. As flags (done is null when not done) rather
// than a state string: each row's state is tested by three aggregates.
const STEP_ON_TIME = 'b.done AND b.in_window';
const STEP_DECIDED = 'b.done OR b.window_closed';
const STEP_PENDING = 'b.done IS NOT TRUE AND NOT b.window_closed';

const FOLLOW_UP_STEPS: KpiSql = {
  // kpi_cadence_step: steps due in the period, except those the lead left the cadence before (by as-of).
  base: `
    SELECT s.lead_id, s.rep_id,
      (s.done_at <= $3) AS done,
      (s.done_at <= s.due_at + ${STEP_GRACE}) AS in_window,
      ($3 > s.due_at + ${STEP_GRACE}) AS window_closed
    FROM kpi_cadence_step s
    WHERE s.due_at >= $1 AND s.due_at < $2
      AND (s.done_at IS NOT NULL AND s.done_at <= $3 OR s.left_cadence_at IS NULL OR s.left_cadence_at > s.due_at OR s.left_cadence_at > $3)`,
  aggregates: {
    value: ratioOf(`count(*) FILTER (WHERE ${STEP_ON_TIME})`, `count(*) FILTER (WHERE ${STEP_DECIDED})`),
    numerator: `count(*) FILTER (WHERE ${STEP_ON_TIME})`,
    denominator: `count(*) FILTER (WHERE ${STEP_DECIDED})`,
    pending: `count(*) FILTER (WHERE ${STEP_PENDING})`,
  },
};

// A clock (by as-of) is BREACHED once breached, whatever came after: breaches are permanent,
// a breached clock stays breached even if later met or cancelled. Otherwise MET when met,
// not counted when cancelled, else PENDING. As flags (null when the instant is missing), as
// for cadence steps.
const SLA_MET = 'b.met AND b.breached IS NOT TRUE';
const SLA_DECIDED = 'b.breached OR b.met';
const SLA_PENDING = 'b.breached IS NOT TRUE AND b.met IS NOT TRUE AND b.cancelled IS NOT TRUE';

const SLA_COMPLIANCE: KpiSql = {
  base: `
    SELECT c.lead_id, c.owner_id AS rep_id, c.kind,
      (c.breached_at <= $3) AS breached,
      (c.status = 'MET' AND c.met_at <= $3) AS met,
      (c.status = 'CANCELLED') AS cancelled
    FROM sla_clock c WHERE c.due_at >= $1 AND c.due_at < $2 AND c.started_at <= $3`,
  aggregates: {
    value: ratioOf(`count(*) FILTER (WHERE ${SLA_MET})`, `count(*) FILTER (WHERE ${SLA_DECIDED})`),
    numerator: `count(*) FILTER (WHERE ${SLA_MET})`,
    denominator: `count(*) FILTER (WHERE ${SLA_DECIDED})`,
    pending: `count(*) FILTER (WHERE ${SLA_PENDING})`,
  },
};

const REENGAGEMENT: KpiSql = {
  // kpi_lead_cycle: a cycle recycled in the period is re-engaged when the lead's next MQL (its cycle end) came by as-of.
  base: `
    SELECT c.lead_id, NULL::uuid AS rep_id, (c.cycle_end <= $3) AS back
    FROM kpi_lead_cycle c WHERE ${IN_PERIOD('c.recycled_at')}`,
  aggregates: { value: ratioOf('count(*) FILTER (WHERE b.back)', 'count(*)'), numerator: 'count(*) FILTER (WHERE b.back)', denominator: 'count(*)' },
};

function kpiSql(kpi: KpiKey): KpiSql {
  switch (kpi) {
    case 'SPEED_TO_LEAD': return speedToLead(false);
    case 'SPEED_TO_LEAD_HOT': return speedToLead(true);
    case 'ACCEPTANCE_RATE': return ACCEPTANCE;
    case 'MQL_TO_SQL': return cohortRate('SQL');
    case 'LEAD_TO_OPPORTUNITY': return cohortRate('OPPORTUNITY');
    case 'DATA_COMPLETENESS': return DATA_COMPLETENESS;
    case 'WIN_RATE': return WIN_RATE;
    case 'SALES_CYCLE': return SALES_CYCLE;
    case 'PIPELINE_VELOCITY': return PIPELINE_VELOCITY;
    case 'PIPELINE_COVERAGE': return PIPELINE_COVERAGE;
    case 'FOLLOW_UP_COMPLIANCE_LEADS': return FOLLOW_UP_LEADS;
    case 'FOLLOW_UP_COMPLIANCE_STEPS': return FOLLOW_UP_STEPS;
    case 'SLA_COMPLIANCE': return SLA_COMPLIANCE;
    case 'REENGAGEMENT_RATE': return REENGAGEMENT;
    case 'MARKETING_INFLUENCED_PIPELINE': return MARKETING_INFLUENCED;
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * KPIs for the window, each as one total row (breakdown NONE) or one row per group. KPIs
 * that read the same base rows (e.g. MQL -> SQL and lead -> opportunity) share one query, and
 * the queries run side by side on the pool. The breakdown must be one every KPI supports
 * (KPI_CATALOG); the caller validates that.
 */
export async function computeKpis(db: SqlRunner, kpis: readonly KpiKey[], breakdown: KpiBreakdown, window: KpiWindow, opts: KpiQueryOptions): Promise<KpiMeasure[]> {
  const byBase = new Map<string, KpiKey[]>();
  for (const kpi of kpis) byBase.set(kpiSql(kpi).base, [...(byBase.get(kpiSql(kpi).base) ?? []), kpi]);
  const [finishers, revenueTarget] = await Promise.all([
    Promise.all([...byBase.entries()].map(([base, group]) => computeShared(db, base, group, breakdown, window, opts))),
    opts.revenueTarget,
  ]);
  const measures = finishers.flatMap((finish) => finish({ ...opts, revenueTarget }));
  return kpis.flatMap((k) => measures.filter((m) => m.kpi === k));
}

/** One KPI for the window (see computeKpis). */
export function computeKpi(db: SqlRunner, kpi: KpiKey, breakdown: KpiBreakdown, window: KpiWindow, opts: KpiQueryOptions): Promise<KpiMeasure[]> {
  return computeKpis(db, [kpi], breakdown, window, opts);
}

type ResolvedOptions = KpiQueryOptions & { revenueTarget: number | null };

/** Runs the shared query; what it returns turns its rows into measures once the options are resolved. */
async function computeShared(db: SqlRunner, base: string, kpis: KpiKey[], breakdown: KpiBreakdown, window: KpiWindow, opts: KpiQueryOptions): Promise<(resolved: ResolvedOptions) => KpiMeasure[]> {
  const group = groupSource(breakdown, opts);
  const cols: string[] = [`${group.expr} AS grp`, `${group.label ?? 'NULL::text'} AS grp_label`];
  kpis.forEach((kpi, i) => {
    const spec = kpiSql(kpi);
    for (const f of MEASURE_FIELDS) if (spec.aggregates[f]) cols.push(`${spec.aggregates[f]} AS "k${i}_${f}"`);
    for (const [k, e] of Object.entries(spec.aggregates.extra ?? {})) cols.push(`${e} AS "k${i}_x_${k}"`);
    if (spec.rowsWhere && breakdown !== 'NONE') cols.push(`bool_or(${spec.rowsWhere}) AS "k${i}_rows"`);
  });
  const joins = [
    group.needsLead ? 'JOIN lead l ON l.id = b.lead_id' : '',
    group.needsRep ? 'LEFT JOIN app_user u ON u.id = b.rep_id LEFT JOIN team tm ON tm.id = u.team_id' : '',
  ].join(' ');
  // The total is an ungrouped aggregate, so it has its one row even over no events.
  const grouping = breakdown === 'NONE' ? '' : 'GROUP BY 1 ORDER BY 1';
  const rows = await db.query(`WITH base AS (${base}) SELECT ${cols.join(', ')} FROM base b ${joins} ${grouping}`, [window.start, window.end, window.asOf]);
  return (resolved) => kpis.flatMap((kpi, i) => {
    const spec = kpiSql(kpi);
    const unit = KPI_CATALOG[kpi].unit;
    const own = spec.rowsWhere && breakdown !== 'NONE' ? rows.filter((r) => r[`k${i}_rows`] === true) : rows;
    return own.map((r) => {
      const m: KpiMeasure = {
        kpi, breakdown, unit,
        group: breakdown === 'NONE' ? null : (r.grp as string),
        groupLabel: breakdown === 'NONE' ? null : ((r.grp_label ?? r.grp) as string),
        value: null, numerator: null, denominator: null, pending: null, median: null, p90: null, mean: null,
        wallClockMedian: null, wallClockP90: null, wallClockMean: null,
      };
      for (const f of MEASURE_FIELDS) if (spec.aggregates[f]) m[f] = num(r[`k${i}_${f}`]);
      if (spec.finish) {
        const extra: Record<string, number | null> = {};
        for (const k of Object.keys(spec.aggregates.extra ?? {})) extra[k] = num(r[`k${i}_x_${k}`]);
        Object.assign(m, spec.finish(extra, resolved));
      }
      return m;
    });
  });
}
