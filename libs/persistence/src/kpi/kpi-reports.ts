import { ATTRIBUTION_MODELS, AttributionModel } from '../../../domain/src/attribution/models';
import { AGE_BUCKETS, AgeBucket } from '../../../domain/src/kpi/formulas';
import { OPEN_LEAD_STAGES } from '../../../domain/src/stage-definition';
import { KpiWindow, SqlRunner } from './kpi-queries';

/**
 * The KPI reports besides the per-KPI measures (docs/kpis.md "Other reports"): funnel, lead
 * aging, rejection mix and attribution, aggregated inside the database. Parameters follow
 * kpi-queries: $1 start, $2 end (exclusive), $3 as-of.
 */

/** The funnel's stages in order; a move to a later one is "going on". */
export const FUNNEL_STAGES = ['ENGAGED', 'MQL', 'SAL', 'SQL', 'OPPORTUNITY', 'CLOSED_WON'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

const rankExpr = (col: string) => `CASE ${col} ${FUNNEL_STAGES.map((s, i) => `WHEN '${s}' THEN ${i + 1}`).join(' ')} ELSE 0 END`;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export interface FunnelRow {
  stage: FunnelStage;
  /** Leads that entered the stage in the period. */
  entered: number;
  /** Of those, how many moved on to a later funnel stage by as-of. */
  wentOn: number;
  /** wentOn / entered; null when nobody entered. */
  conversion: number | null;
  /** Of those that left the stage (any way) by as-of: hours from entry to the next stage change. */
  left: number;
  medianHoursInStage: number | null;
  meanHoursInStage: number | null;
}

export async function funnel(db: SqlRunner, w: KpiWindow): Promise<FunnelRow[]> {
  // The next stage change after an entry; changes at the same instant count only when they go forward
  // (the workflow records ENGAGED and MQL at one instant).
  const rows = await db.query(
    `SELECT e.to_stage AS stage, count(*) AS entered,
        count(*) FILTER (WHERE ${rankExpr('nx.to_stage')} > ${rankExpr('e.to_stage')}) AS went_on,
        count(nx.occurred_at) AS left_count,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM nx.occurred_at - e.occurred_at)::float8 / 3600) AS median_hours,
        avg(EXTRACT(EPOCH FROM nx.occurred_at - e.occurred_at)::float8 / 3600) AS mean_hours
     FROM stage_transition e
     LEFT JOIN LATERAL (
       SELECT n.to_stage, n.occurred_at FROM stage_transition n
       WHERE n.lead_id = e.lead_id AND n.to_stage <> e.to_stage AND n.occurred_at <= $3
         AND (n.occurred_at > e.occurred_at OR (n.occurred_at = e.occurred_at AND ${rankExpr('n.to_stage')} > ${rankExpr('e.to_stage')}))
       ORDER BY n.occurred_at, ${rankExpr('n.to_stage')} DESC LIMIT 1
     ) nx ON true
     WHERE e.to_stage IN (${FUNNEL_STAGES.map((s) => `'${s}'`).join(',')}) AND e.from_stage IS DISTINCT FROM e.to_stage
       AND e.occurred_at >= $1 AND e.occurred_at < $2 AND e.occurred_at <= $3
     GROUP BY e.to_stage`,
    [w.start, w.end, w.asOf],
  );
  const byStage = new Map(rows.map((r) => [r.stage as string, r]));
  return FUNNEL_STAGES.map((stage) => {
    const r = byStage.get(stage);
    const entered = Number(r?.entered ?? 0);
    const wentOn = Number(r?.went_on ?? 0);
    return {
      stage,
      entered,
      wentOn,
      // The last stage has no next one to convert to.
      conversion: entered > 0 && stage !== FUNNEL_STAGES[FUNNEL_STAGES.length - 1] ? wentOn / entered : null,
      left: Number(r?.left_count ?? 0),
      medianHoursInStage: num(r?.median_hours),
      meanHoursInStage: num(r?.mean_hours),
    };
  });
}

/**
 * Each lead's stage at as-of ($1) and when it entered it: its last transition up to then
 * gives the stage; the last real stage change into it (not a reassignment) the entry.
 */
const CURRENT_STAGE_ENTRY = `
  SELECT cur.lead_id, cur.to_stage AS stage,
    (SELECT max(s.occurred_at) FROM stage_transition s
     WHERE s.lead_id = cur.lead_id AND s.to_stage = cur.to_stage AND s.from_stage IS DISTINCT FROM s.to_stage AND s.occurred_at <= $1) AS entered_at
  FROM (SELECT DISTINCT ON (t.lead_id) t.lead_id, t.to_stage FROM stage_transition t WHERE t.occurred_at <= $1 ORDER BY t.lead_id, t.occurred_at DESC, ${rankExpr('t.to_stage')} DESC) cur`;

export interface LeadAgingRow {
  stage: string;
  bucket: AgeBucket;
  count: number;
}

export interface LeadAgingReport {
  asOf: Date;
  total: number;
  rows: LeadAgingRow[];
  /** Open leads per stage with the oldest age in days. */
  stages: { stage: string; count: number; oldestDays: number | null; medianDays: number | null }[];
}

/** Open leads at as-of (their last stage change up to then is an open stage) by stage and days in it. */
export async function leadAging(db: SqlRunner, asOf: Date): Promise<LeadAgingReport> {
  const open = OPEN_LEAD_STAGES.map((s) => `'${s}'`).join(',');
  const base = `
    SELECT e.stage, EXTRACT(EPOCH FROM $1::timestamptz - e.entered_at)::float8 / 86400 AS age_days FROM (${CURRENT_STAGE_ENTRY}) e
    WHERE e.stage IN (${open})`;
  const buckets = `CASE WHEN age_days < 8 THEN '0-7' WHEN age_days < 15 THEN '8-14' WHEN age_days < 31 THEN '15-30' WHEN age_days < 61 THEN '31-60' WHEN age_days < 91 THEN '61-90' ELSE '90+' END`;
  const rows = await db.query(
    `WITH a AS (${base}) SELECT stage, ${buckets} AS bucket, count(*) AS n FROM a GROUP BY 1, 2`,
    [asOf],
  );
  const stages = await db.query(
    `WITH a AS (${base}) SELECT stage, count(*) AS n, max(age_days) AS oldest, percentile_cont(0.5) WITHIN GROUP (ORDER BY age_days) AS median FROM a GROUP BY 1`,
    [asOf],
  );
  const out: LeadAgingRow[] = [];
  for (const stage of OPEN_LEAD_STAGES) {
    for (const bucket of AGE_BUCKETS) {
      const r = rows.find((x) => x.stage === stage && x.bucket === bucket);
      out.push({ stage, bucket, count: Number(r?.n ?? 0) });
    }
  }
  return {
    asOf,
    total: out.reduce((s, r) => s + r.count, 0),
    rows: out,
    stages: OPEN_LEAD_STAGES.map((stage) => {
      const r = stages.find((x) => x.stage === stage);
      return { stage, count: Number(r?.n ?? 0), oldestDays: num(r?.oldest), medianDays: num(r?.median) };
    }),
  };
}

export interface OutcomeMixRow {
  kind: 'REJECTION' | 'DISQUALIFICATION';
  code: string;
  count: number;
  /** The same count over the period of equal length just before. */
  previousCount: number;
}

/** Rejections per code and disqualifications per reason in the period and the one before it. */
export async function rejectionMix(db: SqlRunner, w: KpiWindow): Promise<OutcomeMixRow[]> {
  const previousStart = new Date(w.start.getTime() - (w.end.getTime() - w.start.getTime()));
  const rows = await db.query(
    `SELECT CASE WHEN to_stage = 'REJECTED' THEN 'REJECTION' ELSE 'DISQUALIFICATION' END AS kind,
        COALESCE(details->>'code', details->>'reason', 'UNKNOWN') AS code,
        count(*) FILTER (WHERE occurred_at >= $1) AS n,
        count(*) FILTER (WHERE occurred_at < $1) AS prev
     FROM stage_transition
     WHERE to_stage IN ('REJECTED','DISQUALIFIED') AND occurred_at >= $4 AND occurred_at < $2 AND occurred_at <= $3
     GROUP BY 1, 2 ORDER BY 1 DESC, 3 DESC, 2`,
    [w.start, w.end, w.asOf, previousStart],
  );
  return rows.map((r) => ({ kind: r.kind, code: r.code, count: Number(r.n), previousCount: Number(r.prev) }));
}

export type AttributionMeasure = 'PIPELINE' | 'REVENUE';

export interface AttributionRow {
  model: AttributionModel;
  /** PIPELINE: opportunities created in the period; REVENUE: opportunities won in the period. */
  measure: AttributionMeasure;
  channel: string;
  campaign: string | null;
  /** Credit in the organisation's currency (exact cents: each opportunity's credits sum to its amount). */
  amount: number;
  /** Sum of shares: opportunities credited, fractionally. */
  share: number;
}

/** Shape weights (domain attribution/models.ts): first, MQL touch, last, rest. */
const U = { first: 0.4, mql: 0.4, last: 0, rest: 0.2 };
const W = { first: 0.3, mql: 0.3, last: 0.3, rest: 0.1 };

function shapedWeight(s: typeof U, withLast: boolean): string {
  const positioned = withLast
    ? `(t.pos = 1 OR t.pos = t.mql_pos OR t.pos = t.n)`
    : `(t.pos = 1 OR t.pos = t.mql_pos)`;
  const positionedCount = withLast
    ? `(SELECT count(DISTINCT p) FROM unnest(ARRAY[1, t.mql_pos, t.n]) p WHERE p IS NOT NULL)`
    : `(SELECT count(DISTINCT p) FROM unnest(ARRAY[1, t.mql_pos]) p WHERE p IS NOT NULL)`;
  return `(CASE WHEN t.pos = 1 THEN ${s.first} ELSE 0 END
          + CASE WHEN t.pos = t.mql_pos THEN ${s.mql} ELSE 0 END
          ${withLast ? `+ CASE WHEN t.pos = t.n THEN ${s.last} ELSE 0 END` : ''}
          + CASE WHEN ${positioned} THEN 0 ELSE ${s.rest}::float8 / NULLIF(t.n - ${positionedCount}, 0) END)`;
}

/**
 * Pipeline and revenue by channel and campaign under every model, side by side. Touchpoints
 * are the lead's engagement events up to the opportunity's creation, ordered by (time, id);
 * the MQL touch is the last one at or before the cycle's MQL. Cents are split per
 * opportunity by largest remainder, exactly like libs/domain `attribute`.
 */
export async function attribution(db: SqlRunner, w: KpiWindow): Promise<AttributionRow[]> {
  const models = ATTRIBUTION_MODELS.map((m) => `'${m}'`).join(',');
  const rows = await db.query(
    `WITH opp AS (
       SELECT o.id, o.lead_id, o.created_at, round(o.amount * 100)::bigint AS cents, 'PIPELINE' AS measure
       FROM opportunity o WHERE o.created_at >= $1 AND o.created_at < $2 AND o.created_at <= $3
       UNION ALL
       SELECT o.id, o.lead_id, o.created_at, round(o.amount * 100)::bigint, 'REVENUE'
       FROM opportunity o WHERE o.status = 'WON' AND o.closed_at >= $1 AND o.closed_at < $2 AND o.closed_at <= $3
     ),
     tp AS (
       SELECT opp.id AS opp_id, opp.measure, opp.cents, e.occurred_at, COALESCE(e.channel, 'unknown') AS channel, e.campaign,
         row_number() OVER (PARTITION BY opp.id, opp.measure ORDER BY e.occurred_at, e.id) AS pos,
         count(*) OVER (PARTITION BY opp.id, opp.measure) AS n,
         EXTRACT(EPOCH FROM opp.created_at - e.occurred_at)::float8 / 86400 AS age_days,
         (e.occurred_at <= mq.mql_at) AS before_mql
       FROM opp
       JOIN engagement_event e ON e.lead_id = opp.lead_id AND e.occurred_at <= opp.created_at
       LEFT JOIN LATERAL (SELECT max(m.occurred_at) AS mql_at FROM stage_transition m WHERE m.lead_id = opp.lead_id AND m.to_stage = 'MQL' AND m.occurred_at <= opp.created_at) mq ON true
     ),
     t AS (
       SELECT tp.*, max(CASE WHEN tp.before_mql THEN tp.pos END) OVER (PARTITION BY tp.opp_id, tp.measure) AS mql_pos,
         min(tp.age_days) OVER (PARTITION BY tp.opp_id, tp.measure) AS youngest
       FROM tp
     ),
     weighted AS (
       SELECT t.*, m.model,
         CASE m.model
           WHEN 'FIRST_TOUCH' THEN CASE WHEN t.pos = 1 THEN 1 ELSE 0 END
           WHEN 'LAST_TOUCH' THEN CASE WHEN t.pos = t.n THEN 1 ELSE 0 END
           WHEN 'LINEAR' THEN 1
           WHEN 'U_SHAPED' THEN CASE WHEN t.n = 2 THEN 0.5 ELSE ${shapedWeight(U, false)} END
           WHEN 'W_SHAPED' THEN ${shapedWeight(W, true)}
           WHEN 'TIME_DECAY' THEN power(2::float8, -(t.age_days - t.youngest) / 7)
         END::float8 AS weight
       FROM t CROSS JOIN unnest(ARRAY[${models}]) AS m(model)
     ),
     shared AS (
       SELECT weighted.*, weight / sum(weight) OVER (PARTITION BY opp_id, measure, model) AS share FROM weighted
     ),
     floored AS (
       -- As libs/domain splitCents: floors allow 1e-6 of float noise, fractions compare at that precision.
       SELECT shared.*, floor(share * cents + 1e-6)::bigint AS base_cents,
         GREATEST(0, round((((share * cents) - floor(share * cents + 1e-6)) / 1e-6)::numeric) * 1e-6) AS frac
       FROM shared
     ),
     split AS (
       SELECT floored.*,
         cents - sum(base_cents) OVER (PARTITION BY opp_id, measure, model) AS left_over,
         row_number() OVER (PARTITION BY opp_id, measure, model ORDER BY frac DESC, pos) AS frac_rank
       FROM floored
     )
     SELECT model, measure, channel, campaign,
       sum(base_cents + CASE WHEN frac_rank <= left_over THEN 1 ELSE 0 END) AS cents,
       sum(share) AS share
     FROM split WHERE share > 0
     GROUP BY model, measure, channel, campaign
     ORDER BY model, measure, cents DESC, channel, campaign`,
    [w.start, w.end, w.asOf],
  );
  return rows.map((r) => ({
    model: r.model,
    measure: r.measure,
    channel: r.channel,
    campaign: r.campaign ?? null,
    amount: Number(r.cents) / 100,
    share: Number(r.share),
  }));
}

/**
 * Per open stage: the leads in it at as-of, and how many have been in it longer than the
 * stage's allowance (days). The leak report's stall signal.
 */
export async function openLeadsOlderThan(db: SqlRunner, asOf: Date, allowanceDays: Readonly<Record<string, number>>): Promise<Record<string, { open: number; aged: number }>> {
  const stages = Object.keys(allowanceDays);
  const rows = await db.query(
    `WITH entered AS (${CURRENT_STAGE_ENTRY})
     SELECT e.stage, count(*) AS open,
       count(*) FILTER (WHERE $1::timestamptz - e.entered_at > make_interval(days => (($3::jsonb)->>e.stage)::int)) AS aged
     FROM entered e WHERE e.stage = ANY($2::text[]) GROUP BY e.stage`,
    [asOf, stages, JSON.stringify(allowanceDays)],
  );
  const out: Record<string, { open: number; aged: number }> = {};
  for (const s of stages) {
    const r = rows.find((x) => x.stage === s);
    out[s] = { open: Number(r?.open ?? 0), aged: Number(r?.aged ?? 0) };
  }
  return out;
}
