import { DomainRuleError, FieldViolation, violation } from '../field-violation';
import { localDateRangeViolation } from '../input-rules';
import { addLocalDays, isLocalDate, isValidTimeZone, LocalDate, zonedTimeToInstant } from '../time-zone';
import { instantMs } from './checks';

const MS_PER_DAY = 86_400_000;
/**
 * A period of N local days is N x 24 h give or take a DST change (at most one hour in any
 * IANA zone today), so the length check allows that much on top of `maxDays` x 24 h.
 */
const DST_ALLOWANCE_MS = 3_600_000;

/** A reporting period: half-open [start, end). An event belongs to it when start <= instant < end. */
export interface Period {
  start: Date;
  end: Date;
}

/**
 * The period covering the local dates `fromLocalDate` .. `toLocalDate`, both INCLUDED, in the
 * organisation's reporting time zone: start = local midnight opening `fromLocalDate`,
 * end = local midnight opening the day after `toLocalDate`. A midnight skipped by a DST gap
 * becomes the first instant of that day (e.g. 01:00 in America/Santiago on 2026-09-06).
 */
export function reportingPeriod(fromLocalDate: LocalDate, toLocalDate: LocalDate, timeZone: string): Period {
  const violations: FieldViolation[] = [];
  if (!isLocalDate(fromLocalDate)) violations.push(violation('from', 'LOCAL_DATE', `'${String(fromLocalDate)}' is not a valid YYYY-MM-DD date`));
  if (!isLocalDate(toLocalDate)) violations.push(violation('to', 'LOCAL_DATE', `'${String(toLocalDate)}' is not a valid YYYY-MM-DD date`));
  for (const [field, date] of [['from', fromLocalDate], ['to', toLocalDate]] as const) {
    const outOfRange = isLocalDate(date) ? localDateRangeViolation(field, date) : null;
    if (outOfRange) violations.push(outOfRange);
  }
  if (!isValidTimeZone(timeZone)) violations.push(violation('timeZone', 'IANA_TIME_ZONE', `unknown IANA time zone '${String(timeZone)}'`));
  if (violations.length === 0 && toLocalDate < fromLocalDate) {
    violations.push(violation('to', 'NOT_BEFORE_FROM', `the period ends on ${toLocalDate}, before it starts on ${fromLocalDate}`));
  }
  if (violations.length > 0) throw new DomainRuleError('INVALID_PERIOD', 'the reporting period is invalid', violations);
  return {
    start: zonedTimeToInstant(fromLocalDate, 0, timeZone),
    end: zonedTimeToInstant(addLocalDays(toLocalDate, 1), 0, timeZone),
  };
}

/** start <= instant < end. */
export function inPeriod(instant: Date, period: Period): boolean {
  const t = instant.getTime();
  return t >= period.start.getTime() && t < period.end.getTime();
}

/**
 * Violations of a period: invalid instants, an end that is not after the start (an empty
 * period measures nothing), a length above `maxDays` days (+1 h of DST allowance).
 */
export function validatePeriod(period: Period, maxDays: number, field = 'period'): FieldViolation[] {
  const out: FieldViolation[] = [];
  const valid = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());
  if (!valid(period?.start)) out.push(violation(`${field}.start`, 'INSTANT', `${field}.start must be a valid instant`));
  if (!valid(period?.end)) out.push(violation(`${field}.end`, 'INSTANT', `${field}.end must be a valid instant`));
  if (out.length > 0) return out;
  const length = period.end.getTime() - period.start.getTime();
  if (length <= 0) {
    out.push(violation(`${field}.end`, 'END_AFTER_START', `${field}.end (${period.end.toISOString()}) must be after ${field}.start (${period.start.toISOString()})`));
  } else if (length > maxDays * MS_PER_DAY + DST_ALLOWANCE_MS) {
    out.push(violation(field, 'MAX_DAYS', `${field} lasts ${(length / MS_PER_DAY).toFixed(2)} days; at most ${maxDays} are allowed`));
  }
  return out;
}

/** Throws `INVALID_PERIOD` unless the period is a valid non-empty [start, end). Returns the bounds in ms. */
export function periodBounds(period: Period, field = 'period'): { start: number; end: number } {
  const violations = validatePeriod(period, Infinity, field);
  if (violations.length > 0) throw new DomainRuleError('INVALID_PERIOD', 'the reporting period is invalid', violations);
  return { start: instantMs(period.start, `${field}.start`), end: instantMs(period.end, `${field}.end`) };
}
