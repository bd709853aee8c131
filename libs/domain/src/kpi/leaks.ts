/**
 * The leak report (docs/kpis.md `leakReport(period)`) and the order of the Revenue Growth
 * Blueprint (brief §7: "every leak found (a KPI below target, a stage where leads stall)
 * becomes a corrective action with an owner, an SLA, a due date and a priority, ordered by
 * expected impact").
 *
 * A leak is either
 * - KPI_BELOW_TARGET: a scorecard KPI whose status is AMBER or RED (the scorecard's own
 *   status is trusted: it applied the organisation's amber band), or
 * - STAGE_STALL: a funnel stage whose median time in stage exceeds its allowance, or that has
 *   open leads older than the allowance (STAGE_STALL_ALLOWANCE_HOURS).
 *
 * Expected impact (a heuristic, documented so two readers get the same order):
 *
 *   expectedImpact = min(gapRatio, 1) x affectedVolume x valuePerUnit, rounded to 0.01
 *
 * - gapRatio: how far from target, relative to it (see `kpiGapRatio`, `stallGapRatio`);
 *   capped at 1 so a lower-is-better KPI at 5x its target cannot dwarf everything else.
 * - valuePerUnit: meanWonDealSize x winRate (the expected revenue of one more deal) when
 *   both are known and > 0, else 1. It is the same for every leak of a report, so on its own
 *   it does not change the order: it puts the estimate in currency.
 * - affectedVolume: how many leads / records / deals the leak touches (`affectedVolume`):
 *   - a KPI whose `denominator` counts records (routings, MQL cycles, handoffs, closed
 *     opportunities, cadence steps, SLA clocks, recycles): that count;
 *   - PIPELINE_COVERAGE, whose denominator is the revenue target R (an amount):
 *     R / valuePerUnit, so that its impact is gapRatio x R, the share of the revenue target
 *     the missing pipeline puts at risk;
 *   - MARKETING_INFLUENCED_PIPELINE, whose denominator is the pipeline amount P created:
 *     P / meanWonDealSize, the number of deals that amount is worth;
 *   - 1 when the denominator is absent or 0 (e.g. PIPELINE_VELOCITY), or when an amount
 *     cannot be turned into deals because the deal size or win rate is unknown;
 *   - a stall: the stage's open leads (1 when none).
 *
 * Order: expectedImpact descending, then RED before AMBER, then id ascending.
 *
 * Priority: P1 = RED with an impact at or above the median impact of the report's leaks;
 * P2 = any other RED, or AMBER at or above the median; P3 = AMBER below the median.
 * SLA to fix: RED 7 days, AMBER 14 days (due = asOfLocalDate + slaDays when given).
 */
import { DomainRuleError, FieldViolation, violation } from '../field-violation';
import { addLocalDays, isLocalDate, LocalDate } from '../time-zone';
import { KPI_KEYS, KpiKey } from './catalog';
import { RAG_STATUSES, RagStatus, TARGET_DIRECTIONS, TargetDirection } from './targets';
import { median } from './stats';

export const LEAK_KINDS = ['KPI_BELOW_TARGET', 'STAGE_STALL'] as const;
export type LeakKind = (typeof LEAK_KINDS)[number];

export const LEAK_OWNER_ROLES = ['REVOPS', 'MARKETING', 'SALES_MANAGER', 'EXECUTIVE'] as const;
export type LeakOwnerRole = (typeof LEAK_OWNER_ROLES)[number];

export const LEAK_PRIORITIES = ['P1', 'P2', 'P3'] as const;
export type LeakPriority = (typeof LEAK_PRIORITIES)[number];

export type LeakSeverity = 'RED' | 'AMBER';

/** The open funnel stages whose time in stage is watched. */
export const STALL_STAGES = ['MQL', 'SAL', 'SQL', 'OPPORTUNITY'] as const;
export type StallStage = (typeof STALL_STAGES)[number];

const HOURS_PER_DAY = 24;

/**
 * How long a lead may sit in a stage before the stage counts as stalling, in days:
 * MQL 1 day (the accept SLA), SAL 14 days (the cadence window), SQL 30 days, OPPORTUNITY 90 days.
 * `agedOpenCount` counts the open leads in the stage for longer than this.
 */
export const STALL_ALLOWANCE_DAYS: Readonly<Record<StallStage, number>> = Object.freeze({ MQL: 1, SAL: 14, SQL: 30, OPPORTUNITY: 90 });

/** STALL_ALLOWANCE_DAYS in hours (what `medianHoursInStage` is compared with). */
export const STAGE_STALL_ALLOWANCE_HOURS: Readonly<Record<StallStage, number>> = Object.freeze({
  MQL: STALL_ALLOWANCE_DAYS.MQL * HOURS_PER_DAY,
  SAL: STALL_ALLOWANCE_DAYS.SAL * HOURS_PER_DAY,
  SQL: STALL_ALLOWANCE_DAYS.SQL * HOURS_PER_DAY,
  OPPORTUNITY: STALL_ALLOWANCE_DAYS.OPPORTUNITY * HOURS_PER_DAY,
});

/** A stall is RED when the median exceeds this multiple of the allowance... */
export const STALL_RED_MEDIAN_MULTIPLE = 2;
/** ...or when more than this share of the stage's open leads is aged past the allowance. */
export const STALL_RED_AGED_SHARE = 0.25;

/** Days to fix a leak, by severity. */
export const LEAK_SLA_DAYS: Readonly<Record<LeakSeverity, number>> = Object.freeze({ RED: 7, AMBER: 14 });

/** One scorecard row (the total, not a breakdown). */
export interface LeakScorecardEntry {
  kpi: KpiKey;
  value: number | null;
  target: number | null;
  direction: TargetDirection;
  status: RagStatus;
  /**
   * The KpiMeasure's denominator: a count of records for most KPIs, an amount for
   * PIPELINE_COVERAGE (the revenue target) and MARKETING_INFLUENCED_PIPELINE (the pipeline);
   * see the file header. Null/absent = a volume of 1.
   */
  denominator?: number | null;
}

/** Time in stage of one funnel stage (from `funnel` and `leadAging`). */
export interface StageStallInput {
  stage: StallStage;
  /** Median hours in the stage of the leads that left it; null when none did. */
  medianHoursInStage: number | null;
  /** Leads open in the stage at as-of. */
  openCount: number;
  /** Of those, the ones in the stage for longer than its allowance. */
  agedOpenCount: number;
}

export interface LeakInput {
  scorecard: readonly LeakScorecardEntry[];
  stalls: readonly StageStallInput[];
  revenueContext: { meanWonDealSize: number | null; winRate: number | null };
  /** The local date the report is taken on; gives each leak its due date. */
  asOfLocalDate?: LocalDate | null;
}

export interface Leak {
  /** Stable: `KPI:<kpi>` or `STALL:<stage>`. */
  id: string;
  kind: LeakKind;
  kpi?: KpiKey;
  stage?: StallStage;
  severity: LeakSeverity;
  /** KPI: its value. Stall: the median hours in stage (null when no lead left it). */
  value: number | null;
  /** KPI: its target. Stall: the allowance in hours. */
  target: number;
  /** Relative shortfall (KPI) or overrun (stall); >= 0, not capped. */
  gapRatio: number;
  /** The volume the impact is scaled by, in leads / records / deals (see the file header). */
  affectedVolume: number;
  suggestedAction: string;
  ownerRole: LeakOwnerRole;
  slaDays: number;
  /** asOfLocalDate + slaDays; null without an as-of date. */
  dueLocalDate: LocalDate | null;
  expectedImpact: number;
  priority: LeakPriority;
}

/** The corrective action and the role that owns it, per KPI. */
export const KPI_LEAK_ACTIONS: Readonly<Record<KpiKey, { ownerRole: LeakOwnerRole; suggestedAction: string }>> = Object.freeze({
  SPEED_TO_LEAD: {
    ownerRole: 'SALES_MANAGER',
    suggestedAction: 'Check routing rules and rep capacity so new leads reach an available rep, and turn on first-touch alerts so every routed lead is touched within the target',
  },
  SPEED_TO_LEAD_HOT: {
    ownerRole: 'SALES_MANAGER',
    suggestedAction: 'Route hot leads only to reps on shift with capacity, alert the rep and the manager the moment a hot lead is routed, and escalate any hot lead untouched after the target',
  },
  ACCEPTANCE_RATE: {
    ownerRole: 'MARKETING',
    suggestedAction: 'Review the top rejection codes with marketing and tighten the MQL criteria in the next stage definition version',
  },
  MQL_TO_SQL: {
    ownerRole: 'MARKETING',
    suggestedAction: 'Compare converted and unconverted MQLs by source and segment, shift spend and nurture toward the ones that reach SQL, and raise the ICP fit threshold for the rest',
  },
  LEAD_TO_OPPORTUNITY: {
    ownerRole: 'SALES_MANAGER',
    suggestedAction: 'Review the qualified leads that did not become opportunities with their reps, coach discovery, and make sure qualified deals are opened as opportunities in the system',
  },
  DATA_COMPLETENESS: {
    ownerRole: 'MARKETING',
    suggestedAction: 'Make the most often missing required fields mandatory on capture forms and enrichment, and fix the integrations that send incomplete leads',
  },
  WIN_RATE: {
    ownerRole: 'SALES_MANAGER',
    suggestedAction: "Run win/loss reviews on the period's lost opportunities and send the loss reasons and objections back to marketing as data",
  },
  SALES_CYCLE: {
    ownerRole: 'EXECUTIVE',
    suggestedAction: 'Find where opportunities wait longest between creation and close and remove the approvals and handoffs that cause the delay',
  },
  PIPELINE_VELOCITY: {
    ownerRole: 'EXECUTIVE',
    suggestedAction: 'Pick the weakest velocity lever (open opportunities, deal size, win rate or cycle length) and set a sprint target and owner for it',
  },
  PIPELINE_COVERAGE: {
    ownerRole: 'EXECUTIVE',
    suggestedAction: 'Agree with sales and marketing leadership how the missing pipeline to the revenue target is generated this period (campaigns, outbound, partner deals) and review it weekly',
  },
  FOLLOW_UP_COMPLIANCE_LEADS: {
    ownerRole: 'SALES_MANAGER',
    suggestedAction: 'Coach reps on the cadence: no lead is disqualified as unresponsive before its required touches over the full window, reviewed in the weekly pipeline meeting',
  },
  FOLLOW_UP_COMPLIANCE_STEPS: {
    ownerRole: 'SALES_MANAGER',
    suggestedAction: 'Coach reps on the cadence: work the daily due-step queue, log every touch the same day, and review the reps with the most late steps weekly',
  },
  SLA_COMPLIANCE: {
    ownerRole: 'SALES_MANAGER',
    suggestedAction: 'Review the breached SLA clocks by kind and rep, rebalance workload or routing for the reps who breach most, and act on escalations the same day',
  },
  REENGAGEMENT_RATE: {
    ownerRole: 'MARKETING',
    suggestedAction: 'Rework the nurture program for recycled leads by recycle reason and check that re-engage dates are set and followed up',
  },
  MARKETING_INFLUENCED_PIPELINE: {
    ownerRole: 'MARKETING',
    suggestedAction: 'Check that engagement tracking reaches the CRM for every lead, and point campaigns at the accounts sales is already working',
  },
});

/** The corrective action and the role that owns it, per stalling stage. */
export const STALL_LEAK_ACTIONS: Readonly<Record<StallStage, { ownerRole: LeakOwnerRole; suggestedAction: string }>> = Object.freeze({
  MQL: {
    ownerRole: 'REVOPS',
    suggestedAction: 'Fix routing: check the rules, rep capacity and queue alerts so every MQL is accepted or rejected within the 1-day accept SLA, and reassign the MQLs waiting now',
  },
  SAL: {
    ownerRole: 'SALES_MANAGER',
    suggestedAction: 'Coach the cadence so accepted leads are worked within the 14-day window, and have reps qualify or disqualify every aged SAL in this week\'s pipeline review',
  },
  SQL: {
    ownerRole: 'SALES_MANAGER',
    suggestedAction: 'Review every SQL older than 30 days with its rep: open the opportunity or disqualify it with a reason',
  },
  OPPORTUNITY: {
    ownerRole: 'SALES_MANAGER',
    suggestedAction: 'Run a deal review of opportunities open longer than 90 days: agree next steps and close dates, or close them as lost',
  },
});

const HIGHER_IS_BETTER: Readonly<Record<TargetDirection, boolean>> = { ABOVE: true, AT_LEAST: true, BELOW: false, AT_MOST: false };

/**
 * Relative shortfall of a KPI: (target - value) / |target| when higher is better,
 * (value - target) / |target| when lower is better; never below 0 (an AMBER at exactly the
 * target of a strict direction has a gap of 0). A target of 0 missed gives 1.
 */
export function kpiGapRatio(value: number, target: number, direction: TargetDirection): number {
  const shortfall = HIGHER_IS_BETTER[direction] ? target - value : value - target;
  if (shortfall <= 0) return 0;
  return target === 0 ? 1 : shortfall / Math.abs(target);
}

/**
 * Overrun of a stage: the larger of the median's relative excess over the allowance
 * ((median - allowance) / allowance, 0 when within it or unknown) and the share of the open
 * leads aged past the allowance.
 */
export function stallGapRatio(stall: StageStallInput): number {
  const allowance = STAGE_STALL_ALLOWANCE_HOURS[stall.stage];
  const medianExcess = stall.medianHoursInStage === null ? 0 : Math.max(0, (stall.medianHoursInStage - allowance) / allowance);
  return Math.max(medianExcess, agedShare(stall));
}

function agedShare(stall: StageStallInput): number {
  return stall.openCount > 0 ? stall.agedOpenCount / stall.openCount : 0;
}

/**
 * Whether a stage stalls and how badly: a stall when the median exceeds the allowance or any
 * open lead is aged past it; RED when the median exceeds 2x the allowance or more than 25 %
 * of the open leads are aged; null when the stage does not stall.
 */
export function stallSeverity(stall: StageStallInput): LeakSeverity | null {
  const allowance = STAGE_STALL_ALLOWANCE_HOURS[stall.stage];
  const m = stall.medianHoursInStage;
  if (!((m !== null && m > allowance) || stall.agedOpenCount > 0)) return null;
  return (m !== null && m > STALL_RED_MEDIAN_MULTIPLE * allowance) || agedShare(stall) > STALL_RED_AGED_SHARE ? 'RED' : 'AMBER';
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const nullableNumber = (v: unknown, min: number, max = Infinity) => v === null || v === undefined || (isFiniteNumber(v) && v >= min && v <= max);

function validate(input: LeakInput): FieldViolation[] {
  const out: FieldViolation[] = [];
  const seenKpis = new Set<string>();
  (input.scorecard ?? []).forEach((e, i) => {
    const f = `scorecard[${i}]`;
    if (!(KPI_KEYS as readonly string[]).includes(e?.kpi)) out.push(violation(`${f}.kpi`, 'KNOWN_KPI', `'${String(e?.kpi)}' is not a KPI`));
    else if (seenKpis.has(e.kpi)) out.push(violation(`${f}.kpi`, 'UNIQUE_KPI', `${e.kpi} appears more than once in the scorecard`));
    else seenKpis.add(e.kpi);
    if (!TARGET_DIRECTIONS.includes(e?.direction)) out.push(violation(`${f}.direction`, 'TARGET_DIRECTION', `'${String(e?.direction)}' is not one of ${TARGET_DIRECTIONS.join(', ')}`));
    if (!RAG_STATUSES.includes(e?.status)) out.push(violation(`${f}.status`, 'RAG_STATUS', `'${String(e?.status)}' is not one of ${RAG_STATUSES.join(', ')}`));
    if (!nullableNumber(e?.value, -Infinity)) out.push(violation(`${f}.value`, 'FINITE_NUMBER', `value must be a finite number or null, got ${String(e?.value)}`));
    if (!nullableNumber(e?.target, -Infinity)) out.push(violation(`${f}.target`, 'FINITE_NUMBER', `target must be a finite number or null, got ${String(e?.target)}`));
    if (!nullableNumber(e?.denominator, 0)) out.push(violation(`${f}.denominator`, 'RANGE', `denominator must be a finite number >= 0 or null, got ${String(e?.denominator)}`));
  });
  const seenStages = new Set<string>();
  (input.stalls ?? []).forEach((s, i) => {
    const f = `stalls[${i}]`;
    if (!(STALL_STAGES as readonly string[]).includes(s?.stage)) out.push(violation(`${f}.stage`, 'STALL_STAGE', `'${String(s?.stage)}' is not one of ${STALL_STAGES.join(', ')}`));
    else if (seenStages.has(s.stage)) out.push(violation(`${f}.stage`, 'UNIQUE_STAGE', `${s.stage} appears more than once`));
    else seenStages.add(s.stage);
    if (!nullableNumber(s?.medianHoursInStage, 0)) out.push(violation(`${f}.medianHoursInStage`, 'RANGE', `medianHoursInStage must be a number >= 0 or null, got ${String(s?.medianHoursInStage)}`));
    if (!isCount(s?.openCount)) out.push(violation(`${f}.openCount`, 'COUNT', `openCount must be a whole number >= 0, got ${String(s?.openCount)}`));
    if (!isCount(s?.agedOpenCount)) out.push(violation(`${f}.agedOpenCount`, 'COUNT', `agedOpenCount must be a whole number >= 0, got ${String(s?.agedOpenCount)}`));
    else if (isCount(s?.openCount) && s.agedOpenCount > s.openCount) {
      out.push(violation(`${f}.agedOpenCount`, 'NOT_ABOVE_OPEN', `agedOpenCount ${s.agedOpenCount} is more than openCount ${s.openCount}`));
    }
  });
  const ctx = input.revenueContext;
  if (!nullableNumber(ctx?.meanWonDealSize, 0)) out.push(violation('revenueContext.meanWonDealSize', 'RANGE', `meanWonDealSize must be a number >= 0 or null, got ${String(ctx?.meanWonDealSize)}`));
  if (!nullableNumber(ctx?.winRate, 0, 1)) out.push(violation('revenueContext.winRate', 'RANGE', `winRate must be a fraction in [0, 1] or null, got ${String(ctx?.winRate)}`));
  if (input.asOfLocalDate !== null && input.asOfLocalDate !== undefined && !isLocalDate(input.asOfLocalDate)) {
    out.push(violation('asOfLocalDate', 'LOCAL_DATE', `'${String(input.asOfLocalDate)}' is not a valid YYYY-MM-DD date`));
  }
  return out;
}

/** The affected volume of a KPI leak (rules in the file header). */
function kpiVolume(e: LeakScorecardEntry, meanWonDealSize: number | null, valuePerUnit: number | null): number {
  const d = isFiniteNumber(e.denominator) && e.denominator > 0 ? e.denominator : null;
  if (d === null) return 1;
  if (e.kpi === 'PIPELINE_COVERAGE') return valuePerUnit === null ? 1 : d / valuePerUnit;
  if (e.kpi === 'MARKETING_INFLUENCED_PIPELINE') return valuePerUnit === null || meanWonDealSize === null ? 1 : d / meanWonDealSize;
  return d;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const SEVERITY_RANK: Readonly<Record<LeakSeverity, number>> = { RED: 0, AMBER: 1 };

/**
 * Every leak of a period, ordered for the Revenue Growth Blueprint (rules in the file
 * header). Throws `INVALID_KPI_INPUT` naming the field for an unknown KPI, stage, direction
 * or status, a repeated KPI or stage, a negative or fractional count, aged > open.
 */
export function findLeaks(input: LeakInput): Leak[] {
  const violations = validate(input);
  if (violations.length > 0) throw new DomainRuleError('INVALID_KPI_INPUT', 'the leak report input is invalid', violations);

  const { meanWonDealSize, winRate } = input.revenueContext;
  const dealSize = isFiniteNumber(meanWonDealSize) && meanWonDealSize > 0 ? meanWonDealSize : null;
  // null = unknown (then 1 in the product).
  const knownValuePerUnit = dealSize !== null && isFiniteNumber(winRate) && winRate > 0 ? dealSize * winRate : null;
  const valuePerUnit = knownValuePerUnit ?? 1;
  const asOf = input.asOfLocalDate ?? null;
  type Draft = Omit<Leak, 'priority' | 'expectedImpact' | 'slaDays' | 'dueLocalDate'>;
  const drafts: Draft[] = [];

  for (const e of input.scorecard) {
    if (e.status !== 'RED' && e.status !== 'AMBER') continue;
    // AMBER/RED come from a value and a target; a row without them cannot be measured against either.
    if (e.value === null || e.value === undefined || e.target === null || e.target === undefined) continue;
    const volume = kpiVolume(e, dealSize, knownValuePerUnit);
    drafts.push({
      id: `KPI:${e.kpi}`,
      kind: 'KPI_BELOW_TARGET',
      kpi: e.kpi,
      severity: e.status,
      value: e.value,
      target: e.target,
      gapRatio: kpiGapRatio(e.value, e.target, e.direction),
      affectedVolume: volume,
      ...KPI_LEAK_ACTIONS[e.kpi],
    });
  }

  for (const s of input.stalls) {
    const severity = stallSeverity(s);
    if (severity === null) continue;
    drafts.push({
      id: `STALL:${s.stage}`,
      kind: 'STAGE_STALL',
      stage: s.stage,
      severity,
      value: s.medianHoursInStage,
      target: STAGE_STALL_ALLOWANCE_HOURS[s.stage],
      gapRatio: stallGapRatio(s),
      affectedVolume: s.openCount > 0 ? s.openCount : 1,
      ...STALL_LEAK_ACTIONS[s.stage],
    });
  }

  const scored = drafts.map((d) => {
    const slaDays = LEAK_SLA_DAYS[d.severity];
    return {
      ...d,
      slaDays,
      dueLocalDate: asOf === null ? null : addLocalDays(asOf, slaDays),
      expectedImpact: round2(Math.min(d.gapRatio, 1) * d.affectedVolume * valuePerUnit),
    };
  });
  const medianImpact = median(scored.map((l) => l.expectedImpact)) ?? 0;
  const leaks: Leak[] = scored.map((l) => {
    const high = l.expectedImpact >= medianImpact;
    const priority: LeakPriority = l.severity === 'RED' ? (high ? 'P1' : 'P2') : high ? 'P2' : 'P3';
    return { ...l, priority };
  });

  return leaks.sort(
    (a, b) => b.expectedImpact - a.expectedImpact || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
