/**
 * Reference implementations of the shared KPIs (brief, section 5, "Precise definitions").
 * The SQL versions are tested against these, so the inputs are flat arrays of plain records,
 * one record type per source table, and each rule below is written out once.
 *
 * Common rules:
 * - `period` is half-open [start, end) (see period.ts); "in the period" = start <= t < end.
 * - `asOf` is the instant the report is computed for. Anything dated after it has not
 *   happened yet: a touch, a decision, a stage reached, a met clock after `asOf` is ignored.
 * - Ratios are `null` when their denominator is 0, never 0 and never NaN.
 * - Bad input (an invalid Date, a negative amount, a touch before its routing) throws
 *   `DomainRuleError` naming the field, e.g. `leads[3].firstTouchAt`.
 */
import { BusinessCalendar, businessMinutesBetween } from '../business-hours';
import { DomainRuleError } from '../field-violation';
import { classifyClock, SLA_KINDS, SlaKind } from '../sla';
import { DISQUALIFICATION_REASONS, DisqualificationReason, REJECTION_CODES, RejectionCode } from '../stage-definition';
import { finiteNumber, instantMs, optionalInstantMs } from './checks';
import { Period, periodBounds } from './period';
import { mean, median, percentileCont } from './stats';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/** A share: numerator / denominator, null when the denominator is 0. */
export interface Ratio {
  value: number | null;
  numerator: number;
  denominator: number;
}

export function ratio(numerator: number, denominator: number): Ratio {
  return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator };
}

/** median / p90 / mean of one measure (null when there is nothing to measure). */
export interface Distribution {
  median: number | null;
  p90: number | null;
  mean: number | null;
}

function distribution(values: readonly number[]): Distribution {
  return { median: median(values), p90: percentileCont(values, 0.9), mean: mean(values) };
}

const NO_KEY = '(none)';

/**
 * Runs a KPI per group ("by rep", "by source", "by segment"): `keyOf` picks the group, a
 * missing key groups under '(none)'. Keys come back sorted, so the result is deterministic.
 */
export function kpiBy<R, T>(records: readonly R[], keyOf: (record: R) => string | undefined | null, compute: (group: R[]) => T): Record<string, T> {
  const groups = new Map<string, R[]>();
  for (const r of records) {
    const key = keyOf(r) ?? NO_KEY;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const out: Record<string, T> = {};
  for (const key of [...groups.keys()].sort()) out[key] = compute(groups.get(key)!);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Speed to lead

/** One routing of a lead to an owner (a re-routing is another record). */
export interface RoutedLeadRecord {
  leadId: string;
  routedAt: Date;
  /** The owner of record from `routedAt`; their calendar measures business minutes. */
  ownerId: string;
  source?: string;
  hot?: boolean;
  /** The first touch logged by that owner after this routing; absent = untouched. */
  firstTouchAt?: Date;
}

export interface SpeedToLeadResult {
  /** The headline: median business minutes (the target is < 120 for hot leads). */
  value: number | null;
  /** Leads routed in the period with a first touch by `asOf`. */
  touched: number;
  /** Leads routed in the period still untouched at `asOf` (reported, not measured). */
  untouched: number;
  wallClockMinutes: Distribution;
  /** Business minutes in the owner's calendar (`businessMinutesBetween`). */
  businessMinutes: Distribution;
}

/**
 * Leads routed in the period: routed -> first logged touch by the owner, in wall-clock minutes
 * and in business minutes of the owner's calendar (`calendars[ownerId]`). Filter by `hot`,
 * rep or source before calling (or use `kpiBy`).
 */
export function speedToLead(
  leads: readonly RoutedLeadRecord[],
  calendars: Readonly<Record<string, BusinessCalendar>>,
  period: Period,
  asOf: Date,
): SpeedToLeadResult {
  const { start, end } = periodBounds(period);
  const asOfMs = instantMs(asOf, 'asOf');
  const wall: number[] = [];
  const business: number[] = [];
  let untouched = 0;
  leads.forEach((lead, i) => {
    const routed = instantMs(lead.routedAt, `leads[${i}].routedAt`);
    if (routed < start || routed >= end || routed > asOfMs) return;
    const touched = optionalInstantMs(lead.firstTouchAt, `leads[${i}].firstTouchAt`);
    if (touched === undefined || touched > asOfMs) {
      untouched++;
      return;
    }
    if (touched < routed) {
      throw new DomainRuleError('INVALID_KPI_INPUT', `leads[${i}].firstTouchAt is before its routing`, [
        { field: `leads[${i}].firstTouchAt`, rule: 'NOT_BEFORE_ROUTED_AT', message: 'the first touch by the owner cannot precede the routing' },
      ]);
    }
    const calendar = calendars[lead.ownerId];
    if (!calendar) {
      throw new DomainRuleError('INVALID_KPI_INPUT', `no business calendar for owner '${lead.ownerId}'`, [
        { field: `leads[${i}].ownerId`, rule: 'CALENDAR_KNOWN', message: `no business calendar for owner '${lead.ownerId}'` },
      ]);
    }
    wall.push((touched - routed) / MS_PER_MINUTE);
    business.push(businessMinutesBetween(calendar, new Date(routed), new Date(touched)));
  });
  const businessMinutes = distribution(business);
  return { value: businessMinutes.median, touched: wall.length, untouched, wallClockMinutes: distribution(wall), businessMinutes };
}

// ---------------------------------------------------------------------------------------------
// Acceptance rate

/** One routing and sales' decision on it. */
export interface RoutingDecisionRecord {
  leadId: string;
  routedAt: Date;
  ownerId?: string;
  decision?: { outcome: 'ACCEPTED' | 'REJECTED'; at: Date };
}

export interface AcceptanceResult extends Ratio {
  accepted: number;
  rejected: number;
  /** Routed in the period, no decision by `asOf`: reported apart, in neither count. */
  pending: number;
}

/** Leads routed in the period with a decision by `asOf`: accepted / (accepted + rejected). */
export function acceptanceRate(routings: readonly RoutingDecisionRecord[], period: Period, asOf: Date): AcceptanceResult {
  const { start, end } = periodBounds(period);
  const asOfMs = instantMs(asOf, 'asOf');
  let accepted = 0;
  let rejected = 0;
  let pending = 0;
  routings.forEach((r, i) => {
    const routed = instantMs(r.routedAt, `routings[${i}].routedAt`);
    if (routed < start || routed >= end || routed > asOfMs) return;
    const decided = r.decision ? instantMs(r.decision.at, `routings[${i}].decision.at`) : undefined;
    if (!r.decision || decided === undefined || decided > asOfMs) pending++;
    else if (r.decision.outcome === 'ACCEPTED') accepted++;
    else rejected++;
  });
  return { ...ratio(accepted, accepted + rejected), accepted, rejected, pending };
}

// ---------------------------------------------------------------------------------------------
// Cohort rates: MQL -> SQL, lead -> opportunity, data completeness

/** One MQL of a lead (a lead that became MQL again after a recycle has two records). */
export interface MqlRecord {
  leadId: string;
  at: Date;
  /** Every required field of the stage definition was present at the handoff. */
  requiredFieldsComplete: boolean;
}

export type CohortStage = 'SQL' | 'OPPORTUNITY';
const STAGE_RANK: Record<CohortStage, number> = { SQL: 1, OPPORTUNITY: 2 };

/** A lead reaching SQL or OPPORTUNITY. */
export interface StageReachedRecord {
  leadId: string;
  stage: CohortStage;
  at: Date;
}

export interface CohortResult extends Ratio {
  /** MQLs in the cohort (= denominator). */
  cohort: number;
}

/**
 * Of the MQLs whose instant is in the period (and not after `asOf`), those that reached
 * `stage` by `asOf`. Each MQL counts once; the stage reached belongs to the MQL when it is at
 * or after that MQL and before the lead's next MQL. Reaching OPPORTUNITY also counts as
 * reaching SQL (an opportunity is only created from an SQL). Identical MQL records (same lead,
 * same instant) count once.
 */
export function cohortConversion(
  mqls: readonly MqlRecord[],
  reached: readonly StageReachedRecord[],
  stage: CohortStage,
  period: Period,
  asOf: Date,
): CohortResult {
  const { start, end } = periodBounds(period);
  const asOfMs = instantMs(asOf, 'asOf');
  const mqlTimes = mqlTimesByLead(mqls);
  const reachedTimes = new Map<string, number[]>();
  reached.forEach((r, i) => {
    const at = instantMs(r.at, `reached[${i}].at`);
    if (STAGE_RANK[r.stage] === undefined) {
      throw new DomainRuleError('INVALID_KPI_INPUT', `reached[${i}].stage must be SQL or OPPORTUNITY`, [
        { field: `reached[${i}].stage`, rule: 'COHORT_STAGE', message: `'${String(r.stage)}' is not SQL or OPPORTUNITY` },
      ]);
    }
    if (STAGE_RANK[r.stage] < STAGE_RANK[stage] || at > asOfMs) return;
    const list = reachedTimes.get(r.leadId) ?? [];
    list.push(at);
    reachedTimes.set(r.leadId, list);
  });
  let cohort = 0;
  let converted = 0;
  for (const [leadId, times] of mqlTimes) {
    times.forEach((mqlAt, k) => {
      if (mqlAt < start || mqlAt >= end || mqlAt > asOfMs) return;
      cohort++;
      const nextMql = k + 1 < times.length ? times[k + 1] : Infinity;
      if ((reachedTimes.get(leadId) ?? []).some((t) => t >= mqlAt && t < nextMql)) converted++;
    });
  }
  return { ...ratio(converted, cohort), cohort };
}

function mqlTimesByLead(mqls: readonly MqlRecord[]): Map<string, number[]> {
  const byLead = new Map<string, number[]>();
  mqls.forEach((m, i) => {
    const at = instantMs(m.at, `mqls[${i}].at`);
    const list = byLead.get(m.leadId) ?? [];
    if (!list.includes(at)) list.push(at);
    byLead.set(m.leadId, list);
  });
  for (const list of byLead.values()) list.sort((a, b) => a - b);
  return byLead;
}

/** MQL -> SQL conversion of the period's MQL cohort (target > 25%). */
export function mqlToSqlConversion(mqls: readonly MqlRecord[], reached: readonly StageReachedRecord[], period: Period, asOf: Date): CohortResult {
  return cohortConversion(mqls, reached, 'SQL', period, asOf);
}

/** Lead -> opportunity rate of the period's MQL cohort (target > 20%). */
export function leadToOpportunityRate(mqls: readonly MqlRecord[], reached: readonly StageReachedRecord[], period: Period, asOf: Date): CohortResult {
  return cohortConversion(mqls, reached, 'OPPORTUNITY', period, asOf);
}

/**
 * Of the records in the period (not after `asOf`), the share with every required field at
 * handoff. The KPI (docs/kpis.md) passes one record per lead: its first handoff in the period
 * that met the triggers (outcome MQL or INCOMPLETE); live MQLs are always complete.
 */
export function dataCompleteness(mqls: readonly MqlRecord[], period: Period, asOf: Date): CohortResult {
  const { start, end } = periodBounds(period);
  const asOfMs = instantMs(asOf, 'asOf');
  const seen = new Set<string>();
  let cohort = 0;
  let complete = 0;
  mqls.forEach((m, i) => {
    const at = instantMs(m.at, `mqls[${i}].at`);
    const key = `${m.leadId}@${at}`;
    if (at < start || at >= end || at > asOfMs || seen.has(key)) return;
    seen.add(key);
    cohort++;
    if (m.requiredFieldsComplete === true) complete++;
  });
  return { ...ratio(complete, cohort), cohort };
}

// ---------------------------------------------------------------------------------------------
// Opportunities: win rate, sales cycle, pipeline velocity, pipeline coverage

/** An opportunity; `closedAt` and `outcome` are both present (closed) or both absent (open). */
export interface OpportunityRecord {
  id: string;
  createdAt: Date;
  /** Deal size in the organisation's currency, >= 0. */
  amount: number;
  closedAt?: Date;
  outcome?: 'WON' | 'LOST';
  source?: string;
  segment?: string;
}

interface Opp {
  created: number;
  closed?: number;
  won: boolean;
  amount: number;
}

function opportunities(opps: readonly OpportunityRecord[]): Opp[] {
  return opps.map((o, i) => {
    const created = instantMs(o.createdAt, `opportunities[${i}].createdAt`);
    const closed = optionalInstantMs(o.closedAt, `opportunities[${i}].closedAt`);
    const amount = finiteNumber(o.amount, `opportunities[${i}].amount`, 0);
    const field = `opportunities[${i}]`;
    if ((closed === undefined) !== (o.outcome === undefined) || (o.outcome !== undefined && o.outcome !== 'WON' && o.outcome !== 'LOST')) {
      throw new DomainRuleError('INVALID_KPI_INPUT', `${field}: closedAt and outcome (WON | LOST) go together`, [
        { field: `${field}.outcome`, rule: 'CLOSED_WITH_OUTCOME', message: 'a closed opportunity has closedAt and an outcome WON or LOST; an open one has neither' },
      ]);
    }
    if (closed !== undefined && closed < created) {
      throw new DomainRuleError('INVALID_KPI_INPUT', `${field}.closedAt is before its creation`, [
        { field: `${field}.closedAt`, rule: 'NOT_BEFORE_CREATED_AT', message: 'an opportunity cannot close before it is created' },
      ]);
    }
    return { created, closed, won: o.outcome === 'WON', amount };
  });
}

function closedIn(opps: Opp[], start: number, end: number): Opp[] {
  return opps.filter((o) => o.closed !== undefined && o.closed >= start && o.closed < end);
}

export interface WinRateResult extends Ratio {
  won: number;
  lost: number;
}

/** Opportunities closed in the period: won / (won + lost). */
export function winRate(opps: readonly OpportunityRecord[], period: Period): WinRateResult {
  const { start, end } = periodBounds(period);
  const closed = closedIn(opportunities(opps), start, end);
  const won = closed.filter((o) => o.won).length;
  return { ...ratio(won, closed.length), won, lost: closed.length - won };
}

export interface SalesCycleResult {
  /** The headline: median days. */
  value: number | null;
  medianDays: number | null;
  meanDays: number | null;
  /** Opportunities closed in the period (won or lost). */
  count: number;
}

/** Opportunities closed (won or lost) in the period: closed - created in days with fractions. */
export function salesCycle(opps: readonly OpportunityRecord[], period: Period): SalesCycleResult {
  const { start, end } = periodBounds(period);
  const days = closedIn(opportunities(opps), start, end).map((o) => (o.closed! - o.created) / MS_PER_DAY);
  const medianDays = median(days);
  return { value: medianDays, medianDays, meanDays: mean(days), count: days.length };
}

export interface PipelineVelocityResult {
  /** N x D x W / L, in currency per day; null when W or L is undefined (or L is 0). */
  value: number | null;
  /** Opportunities open at any moment of the period. */
  n: number;
  /** Mean amount of the opportunities won in the period (null when none was won). */
  d: number | null;
  /** Win rate of the period. */
  w: number | null;
  /** Mean sales cycle (days) of the opportunities closed in the period. */
  l: number | null;
}

/**
 * N x D x W / L. N counts opportunities whose open interval [createdAt, closedAt) meets the
 * period (created before its end, not closed by its start). Null, not 0, when W or L is
 * undefined (nothing closed) or L is 0. With W = 0 (all lost) the velocity is 0, D unused.
 */
export function pipelineVelocity(opps: readonly OpportunityRecord[], period: Period): PipelineVelocityResult {
  const { start, end } = periodBounds(period);
  const all = opportunities(opps);
  const n = all.filter((o) => o.created < end && (o.closed === undefined || o.closed > start)).length;
  const closed = closedIn(all, start, end);
  const wonAmounts = closed.filter((o) => o.won).map((o) => o.amount);
  const d = mean(wonAmounts);
  const w = closed.length === 0 ? null : wonAmounts.length / closed.length;
  const l = mean(closed.map((o) => (o.closed! - o.created) / MS_PER_DAY));
  let value: number | null = null;
  if (w !== null && l !== null && l > 0) value = w === 0 ? 0 : (n * d! * w) / l;
  return { value, n, d, w, l };
}

export interface PipelineCoverageResult extends Ratio {
  /** Sum of amounts open at the period's end (= numerator). */
  openPipeline: number;
  openCount: number;
}

/**
 * Open pipeline at the period's end / the revenue target of the period (target >= 3).
 * Open at the end = created before `end` and not closed before `end`. Null for a 0 target.
 */
export function pipelineCoverage(opps: readonly OpportunityRecord[], period: Period, revenueTarget: number): PipelineCoverageResult {
  const { end } = periodBounds(period);
  const target = finiteNumber(revenueTarget, 'revenueTarget', 0);
  const open = opportunities(opps).filter((o) => o.created < end && (o.closed === undefined || o.closed >= end));
  const openPipeline = open.reduce((sum, o) => sum + o.amount, 0);
  return { ...ratio(openPipeline, target), openPipeline, openCount: open.length };
}

// ---------------------------------------------------------------------------------------------
// Follow-up compliance

/** A disqualification with the instants of the touches logged on the lead. */
export interface DisqualificationRecord {
  leadId: string;
  at: Date;
  reason: DisqualificationReason;
  touchesAt: readonly Date[];
}

export interface FollowUpCadenceRule {
  minTouches: number;
  windowDays: number;
}

export interface LeadComplianceResult extends Ratio {
  /** Cadence-bound disqualifications in the period (= denominator). */
  disqualified: number;
  /** Those whose cadence was complete at the disqualification (= numerator). */
  compliant: number;
}

/**
 * Lead level: of the leads disqualified in the period for a cadence-bound reason (default
 * UNRESPONSIVE), the share whose cadence was complete at that instant: at least `minTouches`
 * touches strictly before it, and at least `windowDays` x 24 h from the first of those to it.
 */
export function followUpComplianceLeads(
  disqualifications: readonly DisqualificationRecord[],
  period: Period,
  rule: FollowUpCadenceRule,
  cadenceReasons: readonly DisqualificationReason[] = ['UNRESPONSIVE'],
): LeadComplianceResult {
  const { start, end } = periodBounds(period);
  const windowMs = finiteNumber(rule.windowDays, 'rule.windowDays', 0) * MS_PER_DAY;
  const minTouches = finiteNumber(rule.minTouches, 'rule.minTouches', 0);
  let disqualified = 0;
  let compliant = 0;
  disqualifications.forEach((dq, i) => {
    const at = instantMs(dq.at, `disqualifications[${i}].at`);
    if (at < start || at >= end || !cadenceReasons.includes(dq.reason)) return;
    disqualified++;
    const before = dq.touchesAt.map((t, k) => instantMs(t, `disqualifications[${i}].touchesAt[${k}]`)).filter((t) => t < at);
    if (before.length === 0 || before.length < minTouches) return;
    if (at - Math.min(...before) >= windowMs) compliant++;
  });
  return { ...ratio(compliant, disqualified), disqualified, compliant };
}

/** One planned cadence step of a lead and when its touch was logged. */
export interface CadenceStepRecord {
  leadId: string;
  step: number;
  dueAt: Date;
  loggedAt?: Date;
}

export interface StepComplianceResult extends Ratio {
  onTime: number;
  late: number;
  /** Due in the period, not logged yet, grace not over at `asOf`: in neither count. */
  pending: number;
}

/**
 * Step level: of the steps due in the period, the share logged by due + grace (default 24 h,
 * the TOUCH_LOGGING SLA); the deadline itself is still on time. A step whose deadline is
 * still ahead at `asOf` and is not logged is pending. Steps cancelled because the lead left
 * the cadence (reply, opt-out, bounce) are not steps due: leave them out.
 */
export function followUpComplianceSteps(steps: readonly CadenceStepRecord[], period: Period, asOf: Date, graceMinutes = 24 * 60): StepComplianceResult {
  const { start, end } = periodBounds(period);
  const asOfMs = instantMs(asOf, 'asOf');
  const graceMs = finiteNumber(graceMinutes, 'graceMinutes', 0) * MS_PER_MINUTE;
  const counts = { MET: 0, BREACHED: 0, PENDING: 0 };
  steps.forEach((s, i) => {
    const due = instantMs(s.dueAt, `steps[${i}].dueAt`);
    if (due < start || due >= end) return;
    const logged = optionalInstantMs(s.loggedAt, `steps[${i}].loggedAt`);
    const known = logged !== undefined && logged <= asOfMs ? new Date(logged) : undefined;
    counts[classifyClock(new Date(due + graceMs), known, new Date(asOfMs))]++;
  });
  return { ...ratio(counts.MET, counts.MET + counts.BREACHED), onTime: counts.MET, late: counts.BREACHED, pending: counts.PENDING };
}

// ---------------------------------------------------------------------------------------------
// SLA compliance

/** One SLA clock. A clock met after its due instant is a breach (breaches are never erased). */
export interface SlaClockRecord {
  kind: SlaKind;
  leadId: string;
  repId?: string;
  dueAt: Date;
  metAt?: Date;
}

export interface SlaCounts extends Ratio {
  met: number;
  breached: number;
  /** Due in the period, unmet, not yet past due at `asOf`. */
  pending: number;
}

export interface SlaComplianceResult extends SlaCounts {
  /** Every SLA kind, with zeros (and value null) for kinds without clocks. */
  byKind: Record<SlaKind, SlaCounts>;
}

/**
 * Of the clocks due in the period, met / (met + breached), overall and per kind, judged at
 * `asOf` with `classifyClock` (met at the due instant = MET). Per rep: `kpiBy(clocks, c => c.repId, ...)`.
 */
export function slaCompliance(clocks: readonly SlaClockRecord[], period: Period, asOf: Date): SlaComplianceResult {
  const { start, end } = periodBounds(period);
  const asOfMs = instantMs(asOf, 'asOf');
  const tally = () => ({ MET: 0, BREACHED: 0, PENDING: 0 });
  const total = tally();
  const perKind = new Map<SlaKind, ReturnType<typeof tally>>(SLA_KINDS.map((k) => [k, tally()]));
  clocks.forEach((c, i) => {
    const due = instantMs(c.dueAt, `clocks[${i}].dueAt`);
    if (due < start || due >= end) return;
    const kind = perKind.get(c.kind);
    if (!kind) {
      throw new DomainRuleError('INVALID_KPI_INPUT', `clocks[${i}].kind is not an SLA kind`, [
        { field: `clocks[${i}].kind`, rule: 'SLA_KIND', message: `'${String(c.kind)}' is not one of ${SLA_KINDS.join(', ')}` },
      ]);
    }
    const met = optionalInstantMs(c.metAt, `clocks[${i}].metAt`);
    const state = classifyClock(new Date(due), met !== undefined && met <= asOfMs ? new Date(met) : undefined, new Date(asOfMs));
    total[state]++;
    kind[state]++;
  });
  const counts = (t: ReturnType<typeof tally>): SlaCounts => ({ ...ratio(t.MET, t.MET + t.BREACHED), met: t.MET, breached: t.BREACHED, pending: t.PENDING });
  const byKind = {} as Record<SlaKind, SlaCounts>;
  for (const [k, t] of perKind) byKind[k] = counts(t);
  return { ...counts(total), byKind };
}

// ---------------------------------------------------------------------------------------------
// Re-engagement rate

/** A lead sent back to marketing nurture. */
export interface RecycleRecord {
  leadId: string;
  at: Date;
}

/** Of the leads recycled in the period, the share with an MQL strictly after the recycle, by `asOf`. */
export function reengagementRate(recycles: readonly RecycleRecord[], mqls: readonly MqlRecord[], period: Period, asOf: Date): Ratio {
  const { start, end } = periodBounds(period);
  const asOfMs = instantMs(asOf, 'asOf');
  const mqlTimes = mqlTimesByLead(mqls);
  let recycled = 0;
  let back = 0;
  recycles.forEach((r, i) => {
    const at = instantMs(r.at, `recycles[${i}].at`);
    if (at < start || at >= end || at > asOfMs) return;
    recycled++;
    if ((mqlTimes.get(r.leadId) ?? []).some((t) => t > at && t <= asOfMs)) back++;
  });
  return ratio(back, recycled);
}

// ---------------------------------------------------------------------------------------------
// Lead aging / time in stage

export const AGE_BUCKETS = ['0-7', '8-14', '15-30', '31-60', '61-90', '90+'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

/** The bucket of an age in days: whole days completed (7.9 days is '0-7', 8.0 is '8-14'; 90.x is '61-90'). */
export function ageBucket(ageDays: number): AgeBucket {
  const days = Math.floor(finiteNumber(ageDays, 'ageDays', 0));
  if (days <= 7) return '0-7';
  if (days <= 14) return '8-14';
  if (days <= 30) return '15-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  return '90+';
}

/** An open lead at `asOf` and the instant it entered its current stage. */
export interface OpenLeadRecord {
  leadId: string;
  stage: string;
  /** Entered the current stage (time in stage); pass the creation instant to age whole leads. */
  since: Date;
}

export interface LeadAgingResult {
  /** Open leads counted. */
  value: number;
  byBucket: Record<AgeBucket, number>;
  /** Stage -> bucket -> count, stages sorted, every bucket present. */
  byStage: Record<string, Record<AgeBucket, number>>;
}

const emptyBuckets = (): Record<AgeBucket, number> => Object.fromEntries(AGE_BUCKETS.map((b) => [b, 0])) as Record<AgeBucket, number>;

/** Open leads by age bucket and stage; age = (asOf - since) in days, bucketed by whole days. */
export function leadAging(leads: readonly OpenLeadRecord[], asOf: Date): LeadAgingResult {
  const asOfMs = instantMs(asOf, 'asOf');
  const byBucket = emptyBuckets();
  const stages = new Map<string, Record<AgeBucket, number>>();
  leads.forEach((l, i) => {
    const since = instantMs(l.since, `leads[${i}].since`);
    if (since > asOfMs) {
      throw new DomainRuleError('INVALID_KPI_INPUT', `leads[${i}].since is after asOf`, [
        { field: `leads[${i}].since`, rule: 'NOT_AFTER_AS_OF', message: 'an open lead cannot have entered its stage after the as-of instant' },
      ]);
    }
    const bucket = ageBucket((asOfMs - since) / MS_PER_DAY);
    byBucket[bucket]++;
    const perStage = stages.get(l.stage) ?? emptyBuckets();
    perStage[bucket]++;
    stages.set(l.stage, perStage);
  });
  const byStage: Record<string, Record<AgeBucket, number>> = {};
  for (const stage of [...stages.keys()].sort()) byStage[stage] = stages.get(stage)!;
  return { value: leads.length, byBucket, byStage };
}

// ---------------------------------------------------------------------------------------------
// Rejection & disqualification mix

/** A rejection (at acceptance) or a disqualification (after work) with its code. */
export type OutcomeCodeRecord =
  | { leadId: string; at: Date; kind: 'REJECTION'; code: RejectionCode }
  | { leadId: string; at: Date; kind: 'DISQUALIFICATION'; code: DisqualificationReason };

export interface CodeMix<C extends string> {
  total: number;
  /** Every code of the list, with 0 for codes not used. */
  byCode: Record<C, number>;
  /** Share of each code in `total` (null when total is 0). */
  shares: Record<C, number | null>;
}

export interface OutcomeMixResult {
  /** Rejections + disqualifications in the period. */
  value: number;
  rejections: CodeMix<RejectionCode>;
  disqualifications: CodeMix<DisqualificationReason>;
}

function codeMix<C extends string>(codes: readonly C[], used: readonly C[]): CodeMix<C> {
  const byCode = Object.fromEntries(codes.map((c) => [c, 0])) as Record<C, number>;
  for (const c of used) byCode[c]++;
  const shares = Object.fromEntries(codes.map((c) => [c, used.length === 0 ? null : byCode[c] / used.length])) as Record<C, number | null>;
  return { total: used.length, byCode, shares };
}

/** Counts per code of the rejections and disqualifications in the period (a trend = one call per period). */
export function outcomeMix(records: readonly OutcomeCodeRecord[], period: Period): OutcomeMixResult {
  const { start, end } = periodBounds(period);
  const rejections: RejectionCode[] = [];
  const disqualifications: DisqualificationReason[] = [];
  records.forEach((r, i) => {
    const at = instantMs(r.at, `records[${i}].at`);
    const known = r.kind === 'REJECTION' ? REJECTION_CODES.includes(r.code) : r.kind === 'DISQUALIFICATION' && DISQUALIFICATION_REASONS.includes(r.code);
    if (!known) {
      throw new DomainRuleError('INVALID_KPI_INPUT', `records[${i}].code is not a ${String(r.kind)} code`, [
        { field: `records[${i}].code`, rule: 'KNOWN_CODE', message: `'${String(r.code)}' is not a known code for kind '${String(r.kind)}'` },
      ]);
    }
    if (at < start || at >= end) return;
    if (r.kind === 'REJECTION') rejections.push(r.code);
    else disqualifications.push(r.code);
  });
  return {
    value: rejections.length + disqualifications.length,
    rejections: codeMix(REJECTION_CODES, rejections),
    disqualifications: codeMix(DISQUALIFICATION_REASONS, disqualifications),
  };
}
