/**
 * The sprint's outcome review (M7, domain brief §7): every KPI against its baseline, the
 * target KPI's change against the sprint target, and the Revenue Growth Blueprint (every
 * leak found becomes a corrective action with an owner, an SLA, a due date and a priority,
 * ordered by expected impact). Pure and deterministic.
 */
import { DomainRuleError, FieldViolation, violation } from '../field-violation';
import { KPI_CATALOG, KPI_KEYS, KpiKey } from '../kpi/catalog';
import { Leak, LeakOwnerRole, LeakPriority } from '../kpi/leaks';
import { addLocalDays, isLocalDate, LocalDate } from '../time-zone';
import { SprintPeople } from './plan';

/** A KPI total (the `NONE` breakdown row of a KpiMeasure is one). */
export interface KpiMeasureLike {
  kpi: KpiKey;
  value: number | null;
}

export interface SprintOutcomeInput {
  /** The baseline snapshot's totals (M1). */
  baseline: readonly KpiMeasureLike[];
  /** The outcome snapshot's totals (M7). */
  current: readonly KpiMeasureLike[];
  /** The sprint target, e.g. PIPELINE_VELOCITY +15 (percent). */
  target: { kpi: KpiKey; changePct: number };
}

export interface KpiOutcome {
  kpi: KpiKey;
  baseline: number | null;
  current: number | null;
  /** current - baseline; null when either is null. */
  change: number | null;
  /** (current - baseline) / |baseline| x 100; null when baseline is null or 0, or current is null. */
  changePct: number | null;
  /** Moved in the catalog's betterWhen direction (strictly); null when either value is null. */
  improved: boolean | null;
}

export interface SprintOutcome {
  /** Every KPI present in the baseline or the current totals, in KPI_KEYS order. */
  kpis: KpiOutcome[];
  targetKpi: KpiKey;
  /** The target, in percent. */
  targetChangePct: number;
  /**
   * The target KPI's change in percent, signed so that positive = better: changePct for a
   * higher-is-better KPI, -changePct for a lower-is-better one (SALES_CYCLE, SPEED_TO_LEAD...).
   * Null when the change is unknown.
   */
  achievedChangePct: number | null;
  /** achievedChangePct >= targetChangePct (to 1e-9); null when achievedChangePct is null. */
  targetMet: boolean | null;
}

const HIGHER_IS_BETTER = (kpi: KpiKey): boolean => {
  const d = KPI_CATALOG[kpi].betterWhen;
  return d === 'ABOVE' || d === 'AT_LEAST';
};

// 0.2 -> 0.23 is 15.000000000000014 %, 0.2 -> 0.22999... could be 14.999999999999998 %.
const EPSILON = 1e-9;

function validateMeasures(list: readonly KpiMeasureLike[] | undefined, field: string, out: FieldViolation[]): void {
  if (!Array.isArray(list)) {
    out.push(violation(field, 'ARRAY', `${field} must be a list of KPI totals`));
    return;
  }
  const seen = new Set<string>();
  list.forEach((m, i) => {
    const f = `${field}[${i}]`;
    if (!(KPI_KEYS as readonly string[]).includes(m?.kpi)) out.push(violation(`${f}.kpi`, 'KNOWN_KPI', `'${String(m?.kpi)}' is not a KPI`));
    else if (seen.has(m.kpi)) out.push(violation(`${f}.kpi`, 'UNIQUE_KPI', `${m.kpi} appears more than once in ${field}`));
    else seen.add(m.kpi);
    if (!(m?.value === null || (typeof m?.value === 'number' && Number.isFinite(m.value)))) {
      out.push(violation(`${f}.value`, 'FINITE_NUMBER', `value must be a finite number or null, got ${String(m?.value)}`));
    }
  });
}

/**
 * KPIs at the outcome review against the baseline, and whether the sprint target was met.
 * Throws INVALID_OUTCOME_INPUT naming the field for an unknown or repeated KPI, a non-finite
 * value, an unknown target KPI or a non-finite target.
 */
export function sprintOutcome(input: SprintOutcomeInput): SprintOutcome {
  const violations: FieldViolation[] = [];
  validateMeasures(input?.baseline, 'baseline', violations);
  validateMeasures(input?.current, 'current', violations);
  if (!(KPI_KEYS as readonly string[]).includes(input?.target?.kpi)) violations.push(violation('target.kpi', 'KNOWN_KPI', `'${String(input?.target?.kpi)}' is not a KPI`));
  if (typeof input?.target?.changePct !== 'number' || !Number.isFinite(input.target.changePct)) {
    violations.push(violation('target.changePct', 'FINITE_NUMBER', `changePct must be a finite number, got ${String(input?.target?.changePct)}`));
  }
  if (violations.length > 0) throw new DomainRuleError('INVALID_OUTCOME_INPUT', 'the sprint outcome input is invalid', violations);

  const base = new Map(input.baseline.map((m) => [m.kpi, m.value]));
  const curr = new Map(input.current.map((m) => [m.kpi, m.value]));
  const kpis = KPI_KEYS.filter((k) => base.has(k) || curr.has(k)).map((kpi) => kpiOutcome(kpi, base.get(kpi) ?? null, curr.get(kpi) ?? null));

  const { kpi: targetKpi, changePct: targetChangePct } = input.target;
  const row = kpis.find((k) => k.kpi === targetKpi);
  const pct = row?.changePct ?? null;
  const achievedChangePct = pct === null ? null : HIGHER_IS_BETTER(targetKpi) ? pct : pct === 0 ? 0 : -pct;
  return {
    kpis,
    targetKpi,
    targetChangePct,
    achievedChangePct,
    targetMet: achievedChangePct === null ? null : achievedChangePct >= targetChangePct - EPSILON,
  };
}

function kpiOutcome(kpi: KpiKey, baseline: number | null, current: number | null): KpiOutcome {
  if (baseline === null || current === null) return { kpi, baseline, current, change: null, changePct: null, improved: null };
  const change = current - baseline;
  return {
    kpi,
    baseline,
    current,
    change,
    // change x 100 first: 15 x 100 / 100 is exactly 15, (15 / 100) x 100 is not.
    changePct: baseline === 0 ? null : (change * 100) / Math.abs(baseline),
    improved: HIGHER_IS_BETTER(kpi) ? current > baseline : current < baseline,
  };
}

// ---------------------------------------------------------------------------------------
// Revenue Growth Blueprint
// ---------------------------------------------------------------------------------------

/** Who owns a leak's action among the sprint's named people. */
export const LEAK_OWNER_PERSON: Readonly<Record<LeakOwnerRole, keyof SprintPeople>> = Object.freeze({
  MARKETING: 'marketingLeaderId',
  SALES_MANAGER: 'salesLeaderId',
  REVOPS: 'revopsOwnerId',
  EXECUTIVE: 'sponsorId',
});

export interface BlueprintAction {
  leakId: string;
  title: string;
  ownerRole: LeakOwnerRole;
  ownerId: string;
  slaDays: number;
  dueDate: LocalDate;
  priority: LeakPriority;
  expectedImpact: number;
  /** 1..n in the leaks' order (findLeaks already orders them by expected impact). */
  rank: number;
}

export interface BlueprintInput {
  people: SprintPeople;
  /** The local date the blueprint is made on (the M7 outcome review); due = startDate + slaDays. */
  startDate: LocalDate;
}

/**
 * The Revenue Growth Blueprint: one action per leak, in the leaks' order. The leak's own
 * dueLocalDate is ignored; the due date counts from `startDate`. Throws INVALID_BLUEPRINT_INPUT
 * for an invalid startDate or a leak with an unknown owner role.
 */
export function blueprintActions(leaks: readonly Leak[], input: BlueprintInput): BlueprintAction[] {
  const violations: FieldViolation[] = [];
  if (!isLocalDate(input?.startDate)) violations.push(violation('startDate', 'LOCAL_DATE', `'${String(input?.startDate)}' is not a valid YYYY-MM-DD date`));
  leaks.forEach((l, i) => {
    if (!Object.prototype.hasOwnProperty.call(LEAK_OWNER_PERSON, l?.ownerRole)) {
      violations.push(violation(`leaks[${i}].ownerRole`, 'LEAK_OWNER_ROLE', `'${String(l?.ownerRole)}' is not one of ${Object.keys(LEAK_OWNER_PERSON).join(', ')}`));
    }
    if (!Number.isInteger(l?.slaDays) || l.slaDays < 0) violations.push(violation(`leaks[${i}].slaDays`, 'COUNT', `slaDays must be a whole number >= 0, got ${String(l?.slaDays)}`));
  });
  if (violations.length > 0) throw new DomainRuleError('INVALID_BLUEPRINT_INPUT', 'the blueprint input is invalid', violations);

  return leaks.map((l, i) => ({
    leakId: l.id,
    title: l.suggestedAction,
    ownerRole: l.ownerRole,
    ownerId: input.people[LEAK_OWNER_PERSON[l.ownerRole]],
    slaDays: l.slaDays,
    dueDate: addLocalDays(input.startDate, l.slaDays),
    priority: l.priority,
    expectedImpact: l.expectedImpact,
    rank: i + 1,
  }));
}
