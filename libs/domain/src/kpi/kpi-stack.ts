/**
 * The KPI stack (brief §5: "The KPI stack reads top down: revenue goal -> pipeline
 * requirement -> funnel conversion -> execution metrics"; docs/kpis.md `kpiStack(period)`).
 *
 * Each funnel level is derived from the level above it with the period's ACTUAL rates, so
 * the stack answers "what volume does the goal need at the way we convert today":
 *
 *   REVENUE_GOAL          required = revenueGoal
 *   PIPELINE_REQUIREMENT  required = revenueGoal x coverageTarget          actual = open pipeline
 *   OPPORTUNITIES_NEEDED  required = ceil(pipeline requirement / meanWonDealSize)
 *                                                                          actual = opportunities created
 *   SQLS_NEEDED           required = ceil(opportunities needed / sqlToOpportunity)
 *                         where sqlToOpportunity = leadToOpportunity / mqlToSql
 *                         (opps/MQLs ÷ SQLs/MQLs of the same cohort = opps per SQL)
 *                                                                          actual = SQLs
 *   MQLS_NEEDED           required = ceil(SQLs needed / mqlToSql)          actual = MQLs
 *   EXECUTION             the execution metrics (speed to lead, acceptance, follow-up and
 *                         SLA compliance, ...) against their own targets
 *
 * Counts (opportunities, SQLs, MQLs) are whole: a fractional need is rounded UP, and each
 * level is derived from the ROUNDED level above it. A level whose input is missing (goal
 * null, a rate or the deal size null or 0) has `required = null`, and so does every level
 * below it.
 *
 * gap = required - actual: positive = still missing, 0 or negative = covered (null without
 * a requirement or an actual).
 *
 * Status of a funnel level (actual vs required; higher is better):
 *   GREEN when actual >= required; AMBER when actual >= 90 % of required (missed by at most
 *   10 %, the edge included); RED beyond; NONE when required (or actual) is null.
 *   = `ragStatus(actual, required, 'AT_LEAST', 0.1)`.
 */
import { DomainRuleError, FieldViolation, violation } from '../field-violation';
import { KPI_CATALOG, KPI_KEYS, KpiKey, KpiUnit } from './catalog';
import { DEFAULT_AMBER_BAND, ragStatus, RagStatus, TARGET_DIRECTIONS, TargetDirection } from './targets';

/** Coverage target (open pipeline / revenue goal) when the organisation set none: the brief's >= 3x. */
export const DEFAULT_COVERAGE_TARGET = 3;
/** Funnel levels are amber when the actual is within this fraction of what is required. */
export const KPI_STACK_AMBER_BAND = 0.1;

export const KPI_STACK_LEVELS = ['REVENUE_GOAL', 'PIPELINE_REQUIREMENT', 'OPPORTUNITIES_NEEDED', 'SQLS_NEEDED', 'MQLS_NEEDED', 'EXECUTION'] as const;
export type KpiStackLevelKind = (typeof KPI_STACK_LEVELS)[number];
export type KpiStackFunnelLevelKind = Exclude<KpiStackLevelKind, 'EXECUTION'>;

/** An execution metric as the scorecard holds it: its value and its target. */
export interface KpiStackExecutionInput {
  kpi: KpiKey;
  value: number | null;
  target: number | null;
  /** Default: the catalog's `betterWhen`. */
  direction?: TargetDirection | null;
  /** Default: DEFAULT_AMBER_BAND. */
  amberBand?: number | null;
}

export interface KpiStackInput {
  /** The period's revenue goal (prorated monthly targets); null without targets. */
  revenueGoal: number | null;
  /** Open pipeline / goal to aim for. Default DEFAULT_COVERAGE_TARGET (3). */
  coverageTarget?: number | null;
  /** The period's win rate (won / (won + lost)); gives `impliedCoverage`. */
  winRate: number | null;
  /** Mean amount of the opportunities won in the period. */
  meanWonDealSize: number | null;
  /** Cohort rates of the period (fractions). */
  leadToOpportunity: number | null;
  mqlToSql: number | null;
  actual: { openPipeline: number; opportunitiesCreated: number; sqls: number; mqls: number };
  execution: readonly KpiStackExecutionInput[];
}

export interface KpiStackFunnelLevel {
  level: KpiStackFunnelLevelKind;
  required: number | null;
  actual: number | null;
  /** required - actual (positive = shortfall). */
  gap: number | null;
  status: RagStatus;
  /** The rate (or multiplier, or deal size) this level was derived with; null for the goal. */
  basis: number | null;
  /** How `required` is computed, for the reader. */
  formula: string;
}

export interface KpiStackExecutionLevel {
  level: 'EXECUTION';
  kpi: KpiKey;
  unit: KpiUnit;
  value: number | null;
  target: number | null;
  direction: TargetDirection;
  amberBand: number;
  status: RagStatus;
}

export type KpiStackLevel = KpiStackFunnelLevel | KpiStackExecutionLevel;

export interface KpiStack {
  /** Top down: the five funnel levels, then one EXECUTION entry per execution metric (input order). */
  levels: KpiStackLevel[];
  coverageTarget: number;
  /** leadToOpportunity / mqlToSql: opportunities per SQL; null when either is null or mqlToSql is 0. */
  sqlToOpportunity: number | null;
  /**
   * 1 / winRate: the coverage the period's win rate needs to reach the goal (a coverage
   * target below it will not close enough); null when the win rate is null or 0.
   */
  impliedCoverage: number | null;
}

// 2 / (0.03 / 0.33) is 22.000000000000004 in floating point: it must need 22 SQLs, not 23.
const EPSILON = 1e-9;
function ceilCount(x: number): number {
  return Math.ceil(x - EPSILON * Math.max(1, Math.abs(x)));
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function check(out: FieldViolation[], value: unknown, field: string, opts: { nullable: boolean; min: number; max?: number; minExclusive?: boolean }): void {
  if (value === null || value === undefined) {
    if (!opts.nullable) out.push(violation(field, 'FINITE_NUMBER', `${field} is required`));
    return;
  }
  const low = opts.minExclusive ? `> ${opts.min}` : `>= ${opts.min}`;
  const range = opts.max === undefined ? low : `in [${opts.min}, ${opts.max}]`;
  const ok = isFiniteNumber(value) && (opts.minExclusive ? value > opts.min : value >= opts.min) && (opts.max === undefined || value <= opts.max);
  if (!ok) out.push(violation(field, 'RANGE', `${field} must be a finite number ${range}, got ${String(value)}`));
}

function validate(input: KpiStackInput): FieldViolation[] {
  const out: FieldViolation[] = [];
  check(out, input.revenueGoal, 'revenueGoal', { nullable: true, min: 0 });
  check(out, input.coverageTarget, 'coverageTarget', { nullable: true, min: 0, minExclusive: true });
  check(out, input.winRate, 'winRate', { nullable: true, min: 0, max: 1 });
  check(out, input.meanWonDealSize, 'meanWonDealSize', { nullable: true, min: 0 });
  check(out, input.leadToOpportunity, 'leadToOpportunity', { nullable: true, min: 0, max: 1 });
  check(out, input.mqlToSql, 'mqlToSql', { nullable: true, min: 0, max: 1 });
  for (const k of ['openPipeline', 'opportunitiesCreated', 'sqls', 'mqls'] as const) check(out, input.actual?.[k], `actual.${k}`, { nullable: false, min: 0 });
  (input.execution ?? []).forEach((e, i) => {
    if (!(KPI_KEYS as readonly string[]).includes(e?.kpi)) out.push(violation(`execution[${i}].kpi`, 'KNOWN_KPI', `'${String(e?.kpi)}' is not a KPI`));
    if (e?.value !== null && e?.value !== undefined && !isFiniteNumber(e.value)) out.push(violation(`execution[${i}].value`, 'FINITE_NUMBER', `value must be a finite number or null, got ${String(e.value)}`));
    if (e?.target !== null && e?.target !== undefined && !isFiniteNumber(e.target)) out.push(violation(`execution[${i}].target`, 'FINITE_NUMBER', `target must be a finite number or null, got ${String(e.target)}`));
    if (e?.direction !== null && e?.direction !== undefined && !TARGET_DIRECTIONS.includes(e.direction)) {
      out.push(violation(`execution[${i}].direction`, 'TARGET_DIRECTION', `'${String(e.direction)}' is not one of ${TARGET_DIRECTIONS.join(', ')}`));
    }
    check(out, e?.amberBand, `execution[${i}].amberBand`, { nullable: true, min: 0, max: 1 });
  });
  return out;
}

function funnelLevel(level: KpiStackFunnelLevelKind, required: number | null, actual: number | null, basis: number | null, formula: string): KpiStackFunnelLevel {
  const gap = required === null || actual === null ? null : required - actual;
  const status = required === null ? 'NONE' : ragStatus(actual, required, 'AT_LEAST', KPI_STACK_AMBER_BAND);
  return { level, required, actual, gap, status, basis, formula };
}

/** A positive rate / size, or null (null and 0 cannot divide). */
const positive = (v: number | null | undefined): number | null => (isFiniteNumber(v) && v > 0 ? v : null);

/**
 * The KPI stack for one period (formulas in the file header). Throws `INVALID_KPI_INPUT`
 * naming the field for a negative count, a rate outside [0, 1], a coverage target <= 0, an
 * unknown KPI or direction.
 */
export function kpiStack(input: KpiStackInput): KpiStack {
  const violations = validate(input);
  if (violations.length > 0) throw new DomainRuleError('INVALID_KPI_INPUT', 'the KPI stack input is invalid', violations);

  const coverageTarget = input.coverageTarget ?? DEFAULT_COVERAGE_TARGET;
  const goal = input.revenueGoal ?? null;
  const dealSize = positive(input.meanWonDealSize);
  const mqlToSql = positive(input.mqlToSql);
  const leadToOpp = positive(input.leadToOpportunity);
  // Both cohort rates share the MQL denominator: (opps / MQLs) / (SQLs / MQLs) = opps / SQLs.
  const sqlToOpportunity = leadToOpp !== null && mqlToSql !== null ? leadToOpp / mqlToSql : null;
  const winRate = positive(input.winRate);

  // Pipeline requirement = goal x coverage target (currency, not rounded).
  const pipelineRequired = goal === null ? null : goal * coverageTarget;
  // Opportunities needed = requirement / mean won deal size, rounded up.
  const oppsRequired = pipelineRequired === null || dealSize === null ? null : ceilCount(pipelineRequired / dealSize);
  // SQLs needed = opportunities needed / SQL->opportunity rate, rounded up.
  const sqlsRequired = oppsRequired === null || sqlToOpportunity === null ? null : ceilCount(oppsRequired / sqlToOpportunity);
  // MQLs needed = SQLs needed / MQL->SQL rate, rounded up.
  const mqlsRequired = sqlsRequired === null || mqlToSql === null ? null : ceilCount(sqlsRequired / mqlToSql);

  const { actual } = input;
  const levels: KpiStackLevel[] = [
    { level: 'REVENUE_GOAL', required: goal, actual: null, gap: null, status: 'NONE', basis: null, formula: 'revenue goal of the period (monthly targets prorated by day)' },
    funnelLevel('PIPELINE_REQUIREMENT', pipelineRequired, actual.openPipeline, coverageTarget, 'revenue goal x coverage target'),
    funnelLevel('OPPORTUNITIES_NEEDED', oppsRequired, actual.opportunitiesCreated, dealSize, 'ceil(pipeline requirement / mean won deal size)'),
    funnelLevel('SQLS_NEEDED', sqlsRequired, actual.sqls, sqlToOpportunity, 'ceil(opportunities needed / (lead->opportunity / MQL->SQL))'),
    funnelLevel('MQLS_NEEDED', mqlsRequired, actual.mqls, mqlToSql, 'ceil(SQLs needed / MQL->SQL)'),
  ];

  for (const e of input.execution ?? []) {
    const spec = KPI_CATALOG[e.kpi];
    const direction = e.direction ?? spec.betterWhen;
    const amberBand = e.amberBand ?? DEFAULT_AMBER_BAND;
    const value = e.value ?? null;
    const target = e.target ?? null;
    levels.push({ level: 'EXECUTION', kpi: e.kpi, unit: spec.unit, value, target, direction, amberBand, status: ragStatus(value, target, direction, amberBand) });
  }

  return { levels, coverageTarget, sqlToOpportunity, impliedCoverage: winRate === null ? null : 1 / winRate };
}
