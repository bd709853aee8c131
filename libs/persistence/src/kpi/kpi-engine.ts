import { DomainRuleError, violation } from '../../../domain/src/field-violation';
import { KPI_CATALOG, KPI_KEYS, KpiBreakdown, KpiKey, KpiMeasure, MAX_PERIOD_DAYS } from '../../../domain/src/kpi/catalog';
import { defaultKpiTargets, KpiTargetSetting, proratedRevenueTarget } from '../../../domain/src/kpi/target-rules';
import { RagStatus, ragStatus } from '../../../domain/src/kpi/targets';
import { reportingPeriod, validatePeriod } from '../../../domain/src/kpi/period';
import { SizeBand, StageDefinitionContent } from '../../../domain/src/stage-definition';
import { findLeaks, Leak, STAGE_STALL_ALLOWANCE_HOURS, STALL_STAGES } from '../../../domain/src/kpi/leaks';
import { localDateOf } from '../../../domain/src/time-zone';
import { computeKpis, KpiWindow, SqlRunner } from './kpi-queries';
import { funnel, openLeadsOlderThan } from './kpi-reports';

/**
 * What every KPI read shares, for the API and the worker's snapshots alike: the organisation's
 * reporting time zone, the period in it, the targets, and the scorecard.
 */

export interface KpiTargetOfRecord extends KpiTargetSetting {
  /** DEFAULT (the brief's) or who set it. */
  setBy: string;
}

export interface KpiContext {
  timeZone: string;
  currency: string;
  sizeBands: readonly SizeBand[];
  targets: Record<KpiKey, KpiTargetOfRecord | null>;
}

export interface ResolvedPeriod extends KpiWindow {
  from: string;
  to: string;
  timeZone: string;
}

export async function loadKpiContext(db: SqlRunner): Promise<KpiContext> {
  const [[settings], [definition], targetRows] = await Promise.all([
    db.query(`SELECT reporting_time_zone, currency FROM organisation_settings WHERE id = 1`),
    db.query(`SELECT content FROM stage_definition WHERE status = 'ACTIVE'`),
    db.query(`SELECT kpi, target, direction, amber_band, updated_by FROM kpi_target`),
  ]);
  const targets = {} as Record<KpiKey, KpiTargetOfRecord | null>;
  const defaults = defaultKpiTargets();
  for (const k of KPI_KEYS) {
    const d = defaults[k];
    targets[k] = d ? { target: d.target, direction: d.direction, amberBand: d.amberBand, setBy: 'DEFAULT' } : null;
  }
  for (const r of targetRows) {
    if ((KPI_KEYS as readonly string[]).includes(r.kpi)) {
      targets[r.kpi as KpiKey] = { target: Number(r.target), direction: r.direction, amberBand: Number(r.amber_band), setBy: r.updated_by };
    }
  }
  return {
    timeZone: settings?.reporting_time_zone ?? 'UTC',
    currency: settings?.currency ?? 'EUR',
    sizeBands: (definition?.content as StageDefinitionContent | undefined)?.icp?.sizeBands ?? [],
    targets,
  };
}

/**
 * The period `from`..`to` (local dates, both included) in the organisation's time zone, with
 * its as-of (default now): libs/domain reportingPeriod and validatePeriod, with the fields
 * named as the API takes them (`period.from`, `period.to`, `period`, `asOf`).
 */
export function resolvePeriod(input: { from: string; to: string }, timeZone: string, asOf: Date = new Date(), maxDays = MAX_PERIOD_DAYS): ResolvedPeriod {
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) {
    throw new DomainRuleError('INVALID_PERIOD', 'asOf must be a valid instant', [violation('asOf', 'INSTANT', 'asOf must be a valid instant')]);
  }
  let bounds;
  try {
    bounds = reportingPeriod(input?.from, input?.to, timeZone);
  } catch (e) {
    if (!(e instanceof DomainRuleError)) throw e;
    throw new DomainRuleError(e.code, e.message, e.violations.map((v) => (v.field === 'from' || v.field === 'to' ? { ...v, field: `period.${v.field}` } : v)));
  }
  const tooLong = validatePeriod(bounds, maxDays, 'period');
  if (tooLong.length > 0) throw new DomainRuleError('INVALID_PERIOD', 'the reporting period is invalid', tooLong);
  return { from: input.from, to: input.to, timeZone, start: bounds.start, end: bounds.end, asOf };
}

/** The breakdowns a KPI supports (KPI_CATALOG); anything else names `breakdown`. */
export function assertBreakdown(kpi: KpiKey, breakdown: KpiBreakdown): void {
  if (!KPI_CATALOG[kpi].breakdowns.includes(breakdown)) {
    throw new DomainRuleError('INVALID_BREAKDOWN', `${kpi} cannot be broken down by ${breakdown}`, [
      violation('breakdown', 'SUPPORTED_BREAKDOWN', `${kpi} supports ${KPI_CATALOG[kpi].breakdowns.join(', ')}; not ${breakdown}`),
    ]);
  }
}

/** The period's revenue goal from the monthly targets (prorated by days); null when a month has none. */
export async function revenueTargetOf(db: SqlRunner, period: { from: string; to: string }): Promise<number | null> {
  const rows = await db.query(`SELECT month, amount FROM revenue_target WHERE month >= $1 AND month <= $2`, [period.from.slice(0, 7), period.to.slice(0, 7)]);
  return proratedRevenueTarget({ fromLocalDate: period.from, toLocalDate: period.to }, rows.map((r) => ({ month: r.month, amount: Number(r.amount) })));
}

/**
 * KPIs of the period. With a breakdown, only the KPIs that support it are computed (the rest
 * are left out); `kpis` narrows the set. Queries run side by side on the pool.
 */
export async function measureKpis(db: SqlRunner, ctx: KpiContext, period: ResolvedPeriod, breakdown: KpiBreakdown, kpis: readonly KpiKey[] = KPI_KEYS): Promise<KpiMeasure[]> {
  const wanted = kpis.filter((k) => KPI_CATALOG[k].breakdowns.includes(breakdown));
  // Read beside the KPI queries, not before them: only coverage's finish needs it.
  const revenueTarget = wanted.includes('PIPELINE_COVERAGE') ? revenueTargetOf(db, period) : null;
  return computeKpis(db, wanted, breakdown, period, { sizeBands: ctx.sizeBands, revenueTarget });
}

export interface ScorecardRow {
  kpi: KpiKey;
  label: string;
  measure: KpiMeasure;
  target: KpiTargetOfRecord | null;
  status: RagStatus;
}

export interface Scorecard {
  period: ResolvedPeriod;
  rows: ScorecardRow[];
  /** The worst status among the KPIs with a target (NONE when none has one). */
  overall: RagStatus;
}

const SEVERITY: Record<RagStatus, number> = { NONE: 0, GREEN: 1, AMBER: 2, RED: 3 };

export function worstStatus(statuses: readonly RagStatus[]): RagStatus {
  return statuses.reduce<RagStatus>((worst, s) => (SEVERITY[s] > SEVERITY[worst] ? s : worst), 'NONE');
}

/** Every KPI's total against its target: GREEN / AMBER / RED, NONE without a value or a target. */
export async function scorecard(db: SqlRunner, ctx: KpiContext, period: ResolvedPeriod): Promise<Scorecard> {
  const measures = await measureKpis(db, ctx, period, 'NONE');
  const rows = measures.map((m) => {
    const target = ctx.targets[m.kpi];
    return {
      kpi: m.kpi,
      label: KPI_CATALOG[m.kpi].label,
      measure: m,
      target,
      status: target ? ragStatus(m.value, target.target, target.direction, target.amberBand) : ('NONE' as RagStatus),
    };
  });
  return { period, rows, overall: worstStatus(rows.map((r) => r.status)) };
}

export const SNAPSHOT_TRIGGERS = ['DAILY', 'ON_DEMAND', 'SPRINT_BASELINE', 'SPRINT_OUTCOME', 'REVIEW'] as const;
export type SnapshotTrigger = (typeof SNAPSHOT_TRIGGERS)[number];

export interface KpiSnapshotRecord {
  id: string;
  trigger: SnapshotTrigger;
  from: string;
  to: string;
  timeZone: string;
  start: Date;
  end: Date;
  asOf: Date;
  takenBy: string;
  measures: KpiMeasure[];
  createdAt: Date;
}

/** Local dates come back as text: a `date` parsed into a JS Date would shift with the server's zone. */
const SNAPSHOT_COLUMNS = `*, period_from::text AS from_date, period_to::text AS to_date`;

function toSnapshot(r: Record<string, any>): KpiSnapshotRecord {
  return {
    id: r.id, trigger: r.trigger, from: r.from_date, to: r.to_date, timeZone: r.time_zone,
    start: new Date(r.period_start), end: new Date(r.period_end), asOf: new Date(r.as_of), takenBy: r.taken_by,
    measures: r.measures, createdAt: new Date(r.created_at),
  };
}

/**
 * Stores every KPI's total and per-rep measures of the period. `dedupeKey` makes a retried
 * or repeated snapshot (the daily schedule, an activity retry) return the first one.
 */
export async function takeKpiSnapshot(db: SqlRunner, input: { period: { from: string; to: string }; asOf?: Date; trigger: SnapshotTrigger; takenBy: string; dedupeKey: string }): Promise<KpiSnapshotRecord> {
  const [existing] = await db.query(`SELECT ${SNAPSHOT_COLUMNS} FROM kpi_snapshot WHERE dedupe_key = $1`, [input.dedupeKey]);
  if (existing) return toSnapshot(existing);
  const ctx = await loadKpiContext(db);
  const period = resolvePeriod(input.period, ctx.timeZone, input.asOf ?? new Date());
  const measures = [...(await measureKpis(db, ctx, period, 'NONE')), ...(await measureKpis(db, ctx, period, 'REP'))];
  await db.query(
    `INSERT INTO kpi_snapshot (dedupe_key, trigger, period_start, period_end, period_from, period_to, time_zone, as_of, taken_by, measures)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (dedupe_key) DO NOTHING`,
    [input.dedupeKey, input.trigger, period.start, period.end, period.from, period.to, period.timeZone, period.asOf, input.takenBy, JSON.stringify(measures)],
  );
  const [row] = await db.query(`SELECT ${SNAPSHOT_COLUMNS} FROM kpi_snapshot WHERE dedupe_key = $1`, [input.dedupeKey]);
  return toSnapshot(row);
}

export async function getKpiSnapshot(db: SqlRunner, id: string): Promise<KpiSnapshotRecord | null> {
  const [row] = await db.query(`SELECT ${SNAPSHOT_COLUMNS} FROM kpi_snapshot WHERE id = $1`, [id]);
  return row ? toSnapshot(row) : null;
}

export async function listKpiSnapshots(db: SqlRunner, filter: { trigger?: SnapshotTrigger; limit: number }): Promise<KpiSnapshotRecord[]> {
  const rows = await db.query(
    `SELECT ${SNAPSHOT_COLUMNS} FROM kpi_snapshot WHERE ($1::text IS NULL OR trigger = $1) ORDER BY as_of DESC, created_at DESC LIMIT $2`,
    [filter.trigger ?? null, filter.limit],
  );
  return rows.map(toSnapshot);
}

/**
 * The leak report: every KPI amber or red against its target and every open stage where leads
 * stall (median time in stage over its allowance, or open leads aged past it), each with its
 * corrective action, ordered by expected impact (libs/domain findLeaks).
 */
export async function leakReport(db: SqlRunner, ctx: KpiContext, period: ResolvedPeriod): Promise<Leak[]> {
  const allowanceDays = Object.fromEntries(STALL_STAGES.map((st) => [st, STAGE_STALL_ALLOWANCE_HOURS[st] / 24]));
  const [card, stages, aged] = await Promise.all([scorecard(db, ctx, period), funnel(db, period), openLeadsOlderThan(db, period.asOf, allowanceDays)]);
  const measureOf = (k: KpiKey) => card.rows.find((r) => r.kpi === k)?.measure;
  return findLeaks({
    scorecard: card.rows.map((r) => ({
      kpi: r.kpi,
      value: r.measure.value,
      target: r.target?.target ?? null,
      direction: r.target?.direction ?? KPI_CATALOG[r.kpi].betterWhen,
      status: r.status,
      // Velocity's volume is the opportunities it runs on (its numerator N).
      denominator: r.kpi === 'PIPELINE_VELOCITY' ? r.measure.numerator : r.measure.denominator,
    })),
    stalls: STALL_STAGES.map((stage) => ({
      stage,
      medianHoursInStage: stages.find((s) => s.stage === stage)?.medianHoursInStage ?? null,
      openCount: aged[stage]?.open ?? 0,
      agedOpenCount: aged[stage]?.aged ?? 0,
    })),
    revenueContext: { meanWonDealSize: measureOf('PIPELINE_VELOCITY')?.mean ?? null, winRate: measureOf('WIN_RATE')?.value ?? null },
    asOfLocalDate: localDateOf(period.asOf, ctx.timeZone),
  });
}
