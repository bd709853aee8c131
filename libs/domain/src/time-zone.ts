import { DomainRuleError, FieldViolation } from './field-violation';

/** A calendar date in some local time zone, 'YYYY-MM-DD'. */
export type LocalDate = string;

/** 0 = Sunday .. 6 = Saturday, as Date#getUTCDay. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const MS_PER_DAY = 86_400_000;
// Formatters are costly to build; the cache is deterministic, so it is safe in workflows too.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new DomainRuleError('INVALID_TIME_ZONE', `unknown IANA time zone '${timeZone}'`, [
        { field: 'timeZone', rule: 'IANA_TIME_ZONE', message: `unknown IANA time zone '${timeZone}'` },
      ]);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of `at` in `timeZone`. */
export function zonedParts(at: Date, timeZone: string): ZonedParts {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** UTC offset of `timeZone` at epoch `ms`, in milliseconds (east positive). */
function offsetMs(timeZone: string, ms: number): number {
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  const p = zonedParts(new Date(whole), timeZone);
  return utcMs(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

export function offsetMinutesAt(at: Date, timeZone: string): number {
  return offsetMs(timeZone, at.getTime()) / 60_000;
}

export function localDateOf(at: Date, timeZone: string): LocalDate {
  const p = zonedParts(at, timeZone);
  return formatLocalDate(p.year, p.month, p.day);
}

function formatLocalDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Date.UTC for every year: Date.UTC (like new Date(y, …)) reads years 0–99 as 1900–1999,
 * setUTCFullYear does not.
 */
function utcMs(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string') return false;
  const m = LOCAL_DATE.exec(value);
  if (!m) return false;
  const d = new Date(utcMs(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() + 1 === Number(m[2]) && d.getUTCDate() === Number(m[3]);
}

/** Midnight UTC of the local date: a neutral day number for calendar arithmetic. */
function dayEpoch(date: LocalDate): number {
  if (!isLocalDate(date)) {
    throw new DomainRuleError('INVALID_LOCAL_DATE', `'${date}' is not a valid YYYY-MM-DD date`, [
      { field: 'date', rule: 'LOCAL_DATE', message: `'${date}' is not a valid YYYY-MM-DD date` },
    ]);
  }
  const [y, m, d] = date.split('-').map(Number);
  return utcMs(y, m - 1, d);
}

export function addLocalDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(dayEpoch(date) + days * MS_PER_DAY);
  return formatLocalDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function weekdayOf(date: LocalDate): Weekday {
  return new Date(dayEpoch(date)).getUTCDay() as Weekday;
}

/** Whole days from `a` to `b` (b - a). */
export function localDaysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((dayEpoch(b) - dayEpoch(a)) / MS_PER_DAY);
}

/**
 * The instant at which the wall clock in `timeZone` reads `localDate` + `minuteOfDay`.
 * Like Temporal's 'compatible' disambiguation: a time skipped by a spring-forward gap moves
 * forward by the gap; a time repeated by a fall-back takes the earlier instant.
 */
export function zonedTimeToInstant(localDate: LocalDate, minuteOfDay: number, timeZone: string): Date {
  const wall = dayEpoch(localDate) + minuteOfDay * 60_000;
  const before = offsetMs(timeZone, wall - MS_PER_DAY);
  const after = offsetMs(timeZone, wall + MS_PER_DAY);
  const matches = [...new Set([before, after])]
    .map((off) => wall - off)
    .filter((t) => t + offsetMs(timeZone, t) === wall);
  if (matches.length > 0) return new Date(Math.min(...matches));
  return new Date(wall - before);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO-8601 instant with an explicit offset; anything else is a typed error naming `field`. */
export function parseInstant(value: string, field: string): Date {
  const ms = typeof value === 'string' && ISO_INSTANT.test(value) && isLocalDate(value.slice(0, 10)) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new DomainRuleError('INVALID_INSTANT', `${field} must be an ISO-8601 instant with an offset`, [
      { field, rule: 'ISO_INSTANT', message: `'${String(value)}' is not an ISO-8601 instant with an offset (e.g. 2026-03-13T15:30:00Z)` },
    ]);
  }
  return new Date(ms);
}

/** The earliest instant Baton accepts from outside: the Unix epoch. Anything earlier is a sender's bug. */
export const SANE_INSTANT_MIN = new Date('1970-01-01T00:00:00Z');
/** How far ahead of the receiving clock an instant may lie (sender clock skew). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** Why `at` is outside the sane range relative to `now` (null when it is inside). */
export function instantRangeViolation(at: Date, now: Date, field: string): FieldViolation | null {
  const ms = at.getTime();
  if (Number.isNaN(ms)) return { field, rule: 'ISO_INSTANT', message: 'is not a valid instant' };
  if (ms < SANE_INSTANT_MIN.getTime()) return { field, rule: 'NOT_BEFORE_1970', message: `must not be before ${SANE_INSTANT_MIN.toISOString()}` };
  if (ms > now.getTime() + MAX_FUTURE_SKEW_MS) return { field, rule: 'NOT_IN_FUTURE', message: `must not be more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes in the future` };
  return null;
}

/** True when `at` lies in [SANE_INSTANT_MIN, now + MAX_FUTURE_SKEW_MS]. */
export function instantInSaneRange(at: Date, now: Date): boolean {
  return instantRangeViolation(at, now, 'at') === null;
}

/** Throws a typed error naming `field` when `at` is outside the sane range. */
export function assertInstantInSaneRange(at: Date, now: Date, field: string): Date {
  const v = instantRangeViolation(at, now, field);
  if (v) throw new DomainRuleError('INSTANT_OUT_OF_RANGE', `${field} ${v.message}`, [v]);
  return at;
}
