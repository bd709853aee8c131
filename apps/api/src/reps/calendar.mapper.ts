import type { FieldViolation } from '../../../../libs/contracts/src';
import { BusinessCalendar, validateCalendar, WEEKDAYS, Weekday } from '../../../../libs/domain/src';
import { badInput } from '../common/errors';
import { CalendarInput, CalendarType } from './dto/calendar.input';

const MAX_WINDOWS_PER_DAY = 12;
const MAX_HOLIDAYS = 1000;

/**
 * The GraphQL calendar (a list of weekdays) as the domain's BusinessCalendar (keyed by
 * weekday), validated by the domain's own `validateCalendar`. Violations are reported with
 * the input's paths, e.g. `calendar.weekly[1].windows[0].start`; nothing is returned on error.
 */
export function calendarFromInput(input: CalendarInput, prefix = 'calendar'): BusinessCalendar {
  const violations: FieldViolation[] = [];
  const weekly: Record<string, { start: string; end: string }[]> = {};
  const indexOfDay = new Map<string, number>();
  input.weekly.forEach((day, i) => {
    const key = String(day.weekday);
    if (indexOfDay.has(key)) {
      violations.push({ field: `${prefix}.weekly[${i}].weekday`, rule: 'UNIQUE', message: `weekday ${key} is listed twice (also at weekly[${indexOfDay.get(key)}])` });
      return;
    }
    if (day.windows.length > MAX_WINDOWS_PER_DAY) {
      violations.push({ field: `${prefix}.weekly[${i}].windows`, rule: 'MAX_ITEMS', message: `at most ${MAX_WINDOWS_PER_DAY} windows per day` });
    }
    indexOfDay.set(key, i);
    weekly[key] = day.windows.map((w) => ({ start: w.start, end: w.end }));
  });
  const holidays = input.holidays ?? [];
  if (holidays.length > MAX_HOLIDAYS) violations.push({ field: `${prefix}.holidays`, rule: 'MAX_ITEMS', message: `at most ${MAX_HOLIDAYS} holidays` });
  const calendar = { timeZone: input.timeZone, weekly, holidays: [...holidays] } as BusinessCalendar;

  const path = (field: string): string => {
    let m = /^weekly\.(-?\d+)\[(\d+)\](.*)$/.exec(field);
    if (m) return `${prefix}.weekly[${indexOfDay.get(m[1])}].windows[${m[2]}]${m[3]}`;
    m = /^weekly\.(-?\d+)$/.exec(field);
    if (m) return `${prefix}.weekly[${indexOfDay.get(m[1])}].weekday`;
    return `${prefix}.${field}`;
  };
  for (const v of validateCalendar(calendar)) {
    violations.push({ field: path(v.field), rule: v.rule, message: v.message.replace(/weekly\.-?\d+\[\d+\]/g, (ref) => path(ref)) });
  }
  if (violations.length > 0) throw badInput(violations);
  return calendar;
}

/** A stored calendar (BusinessCalendar JSON) for GraphQL; null when the user has none. */
export function toCalendarType(raw: unknown): CalendarType | null {
  if (!raw || typeof raw !== 'object') return null;
  const cal = raw as Partial<BusinessCalendar>;
  const weekly = WEEKDAYS.map((d: Weekday) => ({ weekday: d, windows: [...((cal.weekly ?? {})[d] ?? [])].map((w) => ({ start: w.start, end: w.end })) })).filter((d) => d.windows.length > 0);
  return { timeZone: String(cal.timeZone ?? ''), weekly, holidays: [...(cal.holidays ?? [])] };
}
