import { DomainRuleError, FieldViolation } from './field-violation';
import {
  addLocalDays,
  isLocalDate,
  isValidTimeZone,
  LocalDate,
  localDateOf,
  weekdayOf,
  Weekday,
  zonedTimeToInstant,
} from './time-zone';

/** 'HH:mm' local times; `end <= start` means the window runs overnight into the next day. */
export interface TimeWindow {
  start: string;
  end: string;
}

export interface BusinessCalendar {
  /** IANA zone, e.g. 'Europe/Berlin'. */
  timeZone: string;
  /** Windows per weekday (0 = Sunday .. 6 = Saturday); a missing day is closed. */
  weekly: Partial<Record<Weekday, readonly TimeWindow[]>>;
  /** Local dates; a holiday closes the windows that START on that date. */
  holidays: readonly LocalDate[];
}

/** One concrete opening: `date` is the local date it starts on (its business day). */
export interface BusinessWindow {
  date: LocalDate;
  start: Date;
  end: Date;
}

/** How far searches look for an opening before declaring the calendar has none. */
export const MAX_SCAN_DAYS = 400;

export const WEEKDAYS: readonly Weekday[] = [0, 1, 2, 3, 4, 5, 6];

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minuteOfDay(value: string): number | undefined {
  const m = typeof value === 'string' ? HH_MM.exec(value) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

interface CompiledCalendar {
  timeZone: string;
  weekly: { start: number; end: number }[][];
  holidays: Set<string>;
}

function compile(cal: BusinessCalendar): CompiledCalendar {
  const violations = validateCalendar(cal).filter((v) => v.rule !== 'NO_OVERLAP');
  if (violations.length > 0) {
    const code = violations.some((v) => v.rule === 'HAS_OPENING') ? 'NO_BUSINESS_HOURS' : 'INVALID_CALENDAR';
    throw new DomainRuleError(code, `invalid business calendar: ${violations.map((v) => v.message).join('; ')}`, violations);
  }
  const weekly = WEEKDAYS.map((d) =>
    (cal.weekly[d] ?? [])
      .map((w) => ({ start: minuteOfDay(w.start)!, end: minuteOfDay(w.end)! }))
      .sort((a, b) => a.start - b.start),
  );
  return { timeZone: cal.timeZone, weekly, holidays: new Set(cal.holidays) };
}

function windowsOfDate(c: CompiledCalendar, date: LocalDate): BusinessWindow[] {
  if (c.holidays.has(date)) return [];
  const next = addLocalDays(date, 1);
  const out: BusinessWindow[] = [];
  for (const w of c.weekly[weekdayOf(date)]) {
    const start = zonedTimeToInstant(date, w.start, c.timeZone);
    const end = zonedTimeToInstant(w.end > w.start ? date : next, w.end, c.timeZone);
    // A window swallowed by a spring-forward gap has no length; drop it.
    if (end > start) out.push({ date, start, end });
  }
  return out;
}

/** The concrete windows that start on `date` (empty on closed days and holidays). */
export function windowsOn(cal: BusinessCalendar, date: LocalDate): BusinessWindow[] {
  return windowsOfDate(compile(cal), date);
}

/** Windows whose end is after `at`, in order; throws when none appears for MAX_SCAN_DAYS days. */
function* windowsAfter(c: CompiledCalendar, at: Date): Generator<BusinessWindow> {
  // Start a day early: yesterday's overnight window may still be open.
  let date = addLocalDays(localDateOf(at, c.timeZone), -1);
  let emptyDays = 0;
  for (;;) {
    const windows = windowsOfDate(c, date);
    if (windows.length === 0) {
      emptyDays += 1;
      if (emptyDays > MAX_SCAN_DAYS) {
        throw new DomainRuleError(
          'NO_BUSINESS_HOURS',
          `business calendar (${c.timeZone}) has no opening within ${MAX_SCAN_DAYS} days after ${at.toISOString()}`,
          [{ field: 'weekly', rule: 'HAS_OPENING', message: `no business hours within ${MAX_SCAN_DAYS} days` }],
        );
      }
    } else {
      emptyDays = 0;
    }
    for (const w of windows) if (w.end > at) yield w;
    date = addLocalDays(date, 1);
  }
}

/** The window open at `at`, or else the next one to open. */
export function currentOrNextWindow(cal: BusinessCalendar, at: Date): BusinessWindow {
  return windowsAfter(compile(cal), at).next().value as BusinessWindow;
}

/** Open means start <= at < end: at the closing minute the rep is already off. */
export function isOpen(cal: BusinessCalendar, at: Date): boolean {
  const c = compile(cal);
  const date = localDateOf(at, c.timeZone);
  return [addLocalDays(date, -1), date].some((d) =>
    windowsOfDate(c, d).some((w) => w.start <= at && at < w.end),
  );
}

/** `at` itself when open, else the start of the next window. */
export function nextOpening(cal: BusinessCalendar, at: Date): Date {
  const w = currentOrNextWindow(cal, at);
  return w.start <= at ? at : w.start;
}

/**
 * `from` plus `minutes` of business time. Outside hours the clock starts at the next opening;
 * a due time that lands exactly on a close stays at the close (it does not jump to the next day).
 */
export function addBusinessMinutes(cal: BusinessCalendar, from: Date, minutes: number): Date {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new DomainRuleError('INVALID_DURATION', 'minutes must be a finite number >= 0', [
      { field: 'minutes', rule: 'NON_NEGATIVE', message: `minutes must be >= 0, got ${minutes}` },
    ]);
  }
  let remaining = minutes * 60_000;
  let cursor = from.getTime();
  for (const w of windowsAfter(compile(cal), from)) {
    const start = Math.max(w.start.getTime(), cursor);
    const end = w.end.getTime();
    if (end <= start) continue; // overlapping windows: never count the same minute twice
    if (remaining <= end - start) return new Date(start + remaining);
    remaining -= end - start;
    cursor = end;
  }
  /* istanbul ignore next -- windowsAfter either yields forever or throws */
  throw new Error('unreachable');
}

/** Business minutes (fractional) elapsed between two instants; negative when `to` < `from`. */
export function businessMinutesBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  if (to < from) return -businessMinutesBetween(cal, to, from);
  const c = compile(cal);
  const last = localDateOf(to, c.timeZone);
  let total = 0;
  let cursor = from.getTime();
  for (let date = addLocalDays(localDateOf(from, c.timeZone), -1); date <= last; date = addLocalDays(date, 1)) {
    for (const w of windowsOfDate(c, date)) {
      const start = Math.max(w.start.getTime(), cursor);
      const end = Math.min(w.end.getTime(), to.getTime());
      if (end > start) {
        total += end - start;
        cursor = end;
      }
    }
  }
  return total / 60_000;
}

export function isBusinessDay(cal: BusinessCalendar, date: LocalDate): boolean {
  return windowsOn(cal, date).length > 0;
}

/** Opening of the first window that starts on `date`; undefined when the date is closed. */
export function startOfBusinessDay(cal: BusinessCalendar, date: LocalDate): Date | undefined {
  return windowsOn(cal, date)[0]?.start;
}

/** Close of the last window that starts on `date` (an overnight window closes the next morning). */
export function endOfBusinessDate(cal: BusinessCalendar, date: LocalDate): Date | undefined {
  const windows = windowsOn(cal, date);
  return windows.length === 0 ? undefined : new Date(Math.max(...windows.map((w) => w.end.getTime())));
}

/**
 * Close of the business day that is open at `at`, or of the next one to open.
 * With split shifts (09-12, 13-17) that is the last close of the day (17:00), not the lunch break.
 */
export function endOfBusinessDay(cal: BusinessCalendar, at: Date): Date {
  return endOfBusinessDate(cal, currentOrNextWindow(cal, at).date)!;
}

/** The business day (local date) open at `at`, or the next one to open. */
export function businessDayOf(cal: BusinessCalendar, at: Date): LocalDate {
  return currentOrNextWindow(cal, at).date;
}

export function businessDayOnOrAfter(cal: BusinessCalendar, date: LocalDate): LocalDate {
  const c = compile(cal);
  for (let i = 0, d = date; i <= MAX_SCAN_DAYS; i += 1, d = addLocalDays(d, 1)) {
    if (windowsOfDate(c, d).length > 0) return d;
  }
  throw new DomainRuleError('NO_BUSINESS_HOURS', `no business day within ${MAX_SCAN_DAYS} days after ${date}`, [
    { field: 'weekly', rule: 'HAS_OPENING', message: `no business hours within ${MAX_SCAN_DAYS} days` },
  ]);
}

/** The `days`-th business day after `date` (Friday + 1 = Monday); `days` = 0 returns `date`. */
export function addBusinessDays(cal: BusinessCalendar, date: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days) || days < 0) {
    throw new DomainRuleError('INVALID_DURATION', 'days must be an integer >= 0', [
      { field: 'days', rule: 'NON_NEGATIVE_INTEGER', message: `days must be an integer >= 0, got ${days}` },
    ]);
  }
  let d = date;
  for (let i = 0; i < days; i += 1) d = businessDayOnOrAfter(cal, addLocalDays(d, 1));
  return d;
}

const MINUTES_PER_WEEK = 7 * 1440;

/** Every rule a calendar breaks; an empty list means every function above can use it. */
export function validateCalendar(cal: BusinessCalendar): FieldViolation[] {
  const out: FieldViolation[] = [];
  if (cal === null || typeof cal !== 'object') {
    return [{ field: 'calendar', rule: 'REQUIRED', message: 'a business calendar is required' }];
  }
  if (!isValidTimeZone(cal.timeZone)) {
    out.push({ field: 'timeZone', rule: 'IANA_TIME_ZONE', message: `unknown IANA time zone '${String(cal.timeZone)}'` });
  }
  const weekly = cal.weekly ?? {};
  if (typeof weekly !== 'object') {
    out.push({ field: 'weekly', rule: 'REQUIRED', message: 'weekly hours must be an object keyed by weekday 0-6' });
    return out;
  }
  const spans: { field: string; from: number; to: number }[] = [];
  let windowCount = 0;
  for (const key of Object.keys(weekly)) {
    const day = Number(key);
    if (!WEEKDAYS.includes(day as Weekday) || String(day) !== key) {
      out.push({ field: `weekly.${key}`, rule: 'WEEKDAY', message: `weekday must be 0 (Sunday) .. 6 (Saturday), got '${key}'` });
      continue;
    }
    const windows = (weekly as Record<string, readonly TimeWindow[]>)[key];
    if (!Array.isArray(windows)) {
      out.push({ field: `weekly.${key}`, rule: 'LIST', message: 'windows must be a list' });
      continue;
    }
    windows.forEach((w: TimeWindow, i: number) => {
      const field = `weekly.${key}[${i}]`;
      const start = minuteOfDay(w?.start);
      const end = minuteOfDay(w?.end);
      if (start === undefined) out.push({ field: `${field}.start`, rule: 'HH_MM', message: `'${String(w?.start)}' is not a time HH:mm (00:00-23:59)` });
      if (end === undefined) out.push({ field: `${field}.end`, rule: 'HH_MM', message: `'${String(w?.end)}' is not a time HH:mm (00:00-23:59)` });
      if (start === undefined || end === undefined) return;
      windowCount += 1;
      const from = day * 1440 + start;
      const length = end > start ? end - start : end - start + 1440;
      const to = from + length;
      // Sunday's overnight window wraps into Monday of the next week.
      if (to > MINUTES_PER_WEEK) {
        spans.push({ field, from, to: MINUTES_PER_WEEK }, { field, from: 0, to: to - MINUTES_PER_WEEK });
      } else {
        spans.push({ field, from, to });
      }
    });
  }
  if (windowCount === 0 && out.length === 0) {
    out.push({ field: 'weekly', rule: 'HAS_OPENING', message: 'the calendar has no business hours at all' });
  }
  spans.sort((a, b) => a.from - b.from);
  let reach = { field: '', to: -1 };
  for (const cur of spans) {
    if (cur.from < reach.to && cur.field !== reach.field) {
      out.push({ field: cur.field, rule: 'NO_OVERLAP', message: `window overlaps ${reach.field}` });
    }
    if (cur.to > reach.to) reach = { field: cur.field, to: cur.to };
  }
  if (!Array.isArray(cal.holidays)) {
    out.push({ field: 'holidays', rule: 'LIST', message: 'holidays must be a list of YYYY-MM-DD dates' });
  } else {
    cal.holidays.forEach((h, i) => {
      if (!isLocalDate(h)) out.push({ field: `holidays[${i}]`, rule: 'LOCAL_DATE', message: `'${String(h)}' is not a valid YYYY-MM-DD date` });
    });
  }
  return out;
}
