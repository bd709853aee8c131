/**
 * Rules for the targets the scorecard reads (docs/kpis.md, "Targets and the scorecard"):
 * `setKpiTarget(kpi, target, direction, amberBand)` and `setRevenueTarget(month, amount)`
 * validate here, and the period's revenue goal is the monthly targets prorated by day.
 */
import { DomainRuleError, FieldViolation, violation } from '../field-violation';
import { MONTH_MAX, MONTH_MIN, moneyViolation, NUMBER_MAX_MAGNITUDE } from '../input-rules';
import { addLocalDays, isLocalDate, LocalDate, localDaysBetween } from '../time-zone';
import { KPI_CATALOG, KPI_KEYS, KpiKey, KpiUnit } from './catalog';
import { DEFAULT_AMBER_BAND, DEFAULT_KPI_TARGETS, DEFAULT_TARGET_KPIS, DefaultTargetKpi, TARGET_DIRECTIONS, TargetDirection } from './targets';

/** What `setKpiTarget` receives (untrusted: strings, not yet the enums). */
export interface KpiTargetInput {
  kpi: string;
  target: number;
  direction?: string | null;
  amberBand?: number | null;
}

/** A KPI's target as the scorecard applies it. */
export interface KpiTargetSetting {
  target: number;
  direction: TargetDirection;
  /** Amber = missed by at most this fraction of the target (see `ragStatus`). */
  amberBand: number;
}

const isKpiKey = (value: unknown): value is KpiKey => typeof value === 'string' && (KPI_KEYS as readonly string[]).includes(value);
const isDirection = (value: unknown): value is TargetDirection => typeof value === 'string' && (TARGET_DIRECTIONS as readonly string[]).includes(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The range a target of each unit must fall in: ratios are fractions, everything else is positive. */
function targetRangeViolation(unit: KpiUnit, target: number): FieldViolation | null {
  if (unit === 'RATIO') {
    return target >= 0 && target <= 1 ? null : violation('target', 'RANGE', `target ${target} is a ratio and must be a fraction in [0, 1] (0.9 = 90 %)`);
  }
  const what = { BUSINESS_MINUTES: 'business minutes', DAYS: 'days', MULTIPLE: 'a multiple', CURRENCY_PER_DAY: 'an amount per day' }[unit];
  return target > 0 && target <= NUMBER_MAX_MAGNITUDE ? null : violation('target', 'RANGE', `target ${target} is ${what} and must be > 0 and at most ${NUMBER_MAX_MAGNITUDE}`);
}

/**
 * Everything wrong with a KPI target (empty when it can be stored):
 * - `kpi` is one of KPI_KEYS (`KNOWN_KPI`);
 * - `target` is a finite number (`FINITE_NUMBER`) in the KPI unit's range (`RANGE`):
 *   RATIO in [0, 1]; BUSINESS_MINUTES, DAYS, MULTIPLE, CURRENCY_PER_DAY > 0 and at most
 *   NUMBER_MAX_MAGNITUDE;
 * - `direction`, when given, is one of TARGET_DIRECTIONS (`TARGET_DIRECTION`); when absent the
 *   catalog's `betterWhen` applies (see `resolveKpiTarget`);
 * - `amberBand`, when given, is a fraction of the target in [0, 1] (`RANGE`); default
 *   DEFAULT_AMBER_BAND.
 */
export function validateKpiTarget(input: KpiTargetInput): FieldViolation[] {
  const out: FieldViolation[] = [];
  const { kpi, target, direction, amberBand } = input ?? ({} as KpiTargetInput);
  const known = isKpiKey(kpi);
  if (!known) out.push(violation('kpi', 'KNOWN_KPI', `'${String(kpi)}' is not a KPI; expected one of ${KPI_KEYS.join(', ')}`));
  if (!isFiniteNumber(target)) {
    out.push(violation('target', 'FINITE_NUMBER', `target must be a finite number, got ${String(target)}`));
  } else if (known) {
    const range = targetRangeViolation(KPI_CATALOG[kpi].unit, target);
    if (range) out.push(range);
  }
  if (direction !== undefined && direction !== null && !isDirection(direction)) {
    out.push(violation('direction', 'TARGET_DIRECTION', `'${String(direction)}' is not one of ${TARGET_DIRECTIONS.join(', ')}`));
  }
  if (amberBand !== undefined && amberBand !== null && !(isFiniteNumber(amberBand) && amberBand >= 0 && amberBand <= 1)) {
    out.push(violation('amberBand', 'RANGE', `amberBand ${String(amberBand)} must be a fraction of the target in [0, 1] (0.1 = 10 %)`));
  }
  return out;
}

/**
 * The target as stored: validated (throws `INVALID_TARGET` with the violations of
 * `validateKpiTarget`), direction defaulting to the catalog's `betterWhen` and amber band to
 * DEFAULT_AMBER_BAND.
 */
export function resolveKpiTarget(input: KpiTargetInput): { kpi: KpiKey } & KpiTargetSetting {
  const violations = validateKpiTarget(input);
  if (violations.length > 0) throw new DomainRuleError('INVALID_TARGET', 'the KPI target is invalid', violations);
  const kpi = input.kpi as KpiKey;
  return {
    kpi,
    target: input.target,
    direction: (input.direction as TargetDirection | null | undefined) ?? KPI_CATALOG[kpi].betterWhen,
    amberBand: input.amberBand ?? DEFAULT_AMBER_BAND,
  };
}

/**
 * The targets an organisation starts with: the brief's defaults (speed to lead hot < 120
 * business minutes, acceptance > 90 %, MQL->SQL > 25 %, lead->opportunity > 20 %, coverage
 * >= 3x) with the default amber band; null for every other KPI (no target until one is set).
 * A fresh object on every call.
 */
export function defaultKpiTargets(): Record<KpiKey, KpiTargetSetting | null> {
  const out = Object.fromEntries(KPI_KEYS.map((k) => [k, null])) as Record<KpiKey, KpiTargetSetting | null>;
  for (const kpi of DEFAULT_TARGET_KPIS as readonly DefaultTargetKpi[]) {
    const t = DEFAULT_KPI_TARGETS[kpi];
    out[kpi] = { target: t.target, direction: t.direction, amberBand: DEFAULT_AMBER_BAND };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Revenue targets

/** A month's revenue goal: `month` is `YYYY-MM`, `amount` in the organisation's currency. */
export interface MonthlyRevenueTarget {
  month: string;
  amount: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH.test(value);
}

/**
 * Everything wrong with a monthly revenue target: `month` YYYY-MM from MONTH_MIN to MONTH_MAX
 * (`MONTH`), `amount` money from MONEY_MIN to MONEY_MAX (`RANGE`).
 */
export function validateRevenueTarget(input: { month: string; amount: number }, field = ''): FieldViolation[] {
  const out: FieldViolation[] = [];
  const { month, amount } = input ?? ({} as MonthlyRevenueTarget);
  if (!isMonth(month) || month < MONTH_MIN || month > MONTH_MAX) out.push(violation(`${field}month`, 'MONTH', `'${String(month)}' is not a month as YYYY-MM (01 to 12) from ${MONTH_MIN} to ${MONTH_MAX}`));
  const money = isFiniteNumber(amount) ? moneyViolation(`${field}amount`, amount) : violation(`${field}amount`, 'RANGE', `amount ${String(amount)} must be a finite number`);
  if (money) out.push(money);
  return out;
}

/** Days in a month (1-12), leap years included. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * The revenue goal of a period from the monthly targets, each prorated by the share of its
 * days the period covers:
 *
 *   goal = sum over the months M the period touches of amount(M) x coveredDays(M) / daysIn(M)
 *
 * `fromLocalDate` .. `toLocalDate` are local dates, BOTH included (the reporting period's
 * local days; time zones do not matter here). E.g. 2025-01-15 .. 2025-03-10 covers 17/31 of
 * January, 28/28 of February and 10/31 of March. Null when any month the period touches has
 * no target (a partial goal would overstate coverage). Throws `INVALID_PERIOD` for a
 * malformed or reversed period and `INVALID_TARGET` for a bad or repeated monthly entry.
 */
export function proratedRevenueTarget(period: { fromLocalDate: LocalDate; toLocalDate: LocalDate }, monthly: readonly MonthlyRevenueTarget[]): number | null {
  const { fromLocalDate: from, toLocalDate: to } = period ?? ({} as { fromLocalDate: LocalDate; toLocalDate: LocalDate });
  const periodViolations: FieldViolation[] = [];
  if (!isLocalDate(from)) periodViolations.push(violation('period.from', 'LOCAL_DATE', `'${String(from)}' is not a valid YYYY-MM-DD date`));
  if (!isLocalDate(to)) periodViolations.push(violation('period.to', 'LOCAL_DATE', `'${String(to)}' is not a valid YYYY-MM-DD date`));
  if (periodViolations.length === 0 && to < from) {
    periodViolations.push(violation('period.to', 'NOT_BEFORE_FROM', `the period ends on ${to}, before it starts on ${from}`));
  }
  if (periodViolations.length > 0) throw new DomainRuleError('INVALID_PERIOD', 'the reporting period is invalid', periodViolations);

  const amounts = new Map<string, number>();
  const targetViolations: FieldViolation[] = [];
  (monthly ?? []).forEach((m, i) => {
    const v = validateRevenueTarget(m, `monthly[${i}].`);
    if (v.length > 0) targetViolations.push(...v);
    else if (amounts.has(m.month)) targetViolations.push(violation(`monthly[${i}].month`, 'UNIQUE_MONTH', `month ${m.month} has more than one revenue target`));
    else amounts.set(m.month, m.amount);
  });
  if (targetViolations.length > 0) throw new DomainRuleError('INVALID_TARGET', 'the revenue targets are invalid', targetViolations);

  let total = 0;
  let [year, month] = from.split('-').map(Number);
  const lastMonth = to.slice(0, 7);
  for (;;) {
    const key = `${year}-${pad2(month)}`;
    const amount = amounts.get(key);
    if (amount === undefined) return null;
    const days = daysInMonth(year, month);
    const monthStart = `${key}-01`;
    const monthEnd = `${key}-${pad2(days)}`;
    const first = from > monthStart ? from : monthStart;
    const last = to < monthEnd ? to : monthEnd;
    const covered = localDaysBetween(first, addLocalDays(last, 1));
    // Multiply before dividing: 31000 x 17 / 31 is exactly 17000.
    total += (amount * covered) / days;
    if (key === lastMonth) return total;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}
