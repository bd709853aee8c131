import { FieldViolation, violation } from './field-violation';
import { SANE_INSTANT_MIN } from './time-zone';

/**
 * The rules every value given to Baton obeys, whatever field it fills (docs/input.md). Each
 * field may be stricter (its own length, range or format); none is looser. They hold before
 * anything is stored, so the database never sees text, numbers or instants it cannot keep.
 */

/** Longest text of any field (free-text notes and comments); shorter fields say their own limit. */
export const TEXT_MAX_LENGTH = 10_000;
/** Largest magnitude of any number: money columns are numeric(14,2), below 10^12. */
export const NUMBER_MAX_MAGNITUDE = 1e12;
/** Smallest non-zero magnitude: below it a value rounds to 0 in every column it could fill. */
export const NUMBER_MIN_MAGNITUDE = 1e-6;
/** Instants lie in [1970-01-01, 2100-01-01) UTC. */
export const INSTANT_MIN = SANE_INSTANT_MIN;
export const INSTANT_MAX = new Date('2100-01-01T00:00:00Z');
/** Local dates (periods, start dates, due dates) and months lie in 2000-01-01 .. 2100-12-31. */
export const LOCAL_DATE_MIN = '2000-01-01';
export const LOCAL_DATE_MAX = '2100-12-31';
export const MONTH_MIN = '2000-01';
export const MONTH_MAX = '2100-12';
/** Money amounts: a cent up to the largest numeric(14,2). */
export const MONEY_MIN = 0.01;
export const MONEY_MAX = 999_999_999_999.99;
/** Structured values (JSON): nesting depth and values counted per argument. */
export const MAX_DEPTH = 32;
export const MAX_VALUES = 20_000;

/** C0 control characters other than tab, newline and carriage return. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
/** Half of a UTF-16 surrogate pair without its other half: not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textViolation(field: string, value: string): FieldViolation | null {
  if (value.includes('\u0000')) return violation(field, 'TEXT', 'must not contain NUL characters');
  if (CONTROL.test(value)) return violation(field, 'TEXT', 'must not contain control characters (other than tab, newline, carriage return)');
  if (LONE_SURROGATE.test(value)) return violation(field, 'TEXT', 'must be valid Unicode (no lone surrogates)');
  if (value.length > TEXT_MAX_LENGTH) return violation(field, 'MAX_LENGTH', `must be at most ${TEXT_MAX_LENGTH} characters`);
  return null;
}

export function numberViolation(field: string, value: number): FieldViolation | null {
  if (!Number.isFinite(value)) return violation(field, 'FINITE', 'must be a finite number');
  const size = Math.abs(value);
  if (size > NUMBER_MAX_MAGNITUDE || (size !== 0 && size < NUMBER_MIN_MAGNITUDE)) {
    return violation(field, 'NUMBER_RANGE', `must be 0 or between ${NUMBER_MIN_MAGNITUDE} and ${NUMBER_MAX_MAGNITUDE} in magnitude`);
  }
  return null;
}

export function instantViolation(field: string, at: Date): FieldViolation | null {
  const ms = at.getTime();
  if (Number.isNaN(ms)) return violation(field, 'ISO_INSTANT', 'must be an ISO-8601 instant such as 2026-11-23T10:00:00Z');
  if (ms < INSTANT_MIN.getTime() || ms >= INSTANT_MAX.getTime()) return violation(field, 'INSTANT_RANGE', `must lie from ${INSTANT_MIN.toISOString()} to before ${INSTANT_MAX.toISOString()}`);
  return null;
}

/** A local date (YYYY-MM-DD, already valid) outside LOCAL_DATE_MIN .. LOCAL_DATE_MAX. */
export function localDateRangeViolation(field: string, date: string): FieldViolation | null {
  return date < LOCAL_DATE_MIN || date > LOCAL_DATE_MAX ? violation(field, 'DATE_RANGE', `must lie from ${LOCAL_DATE_MIN} to ${LOCAL_DATE_MAX}`) : null;
}

export function moneyViolation(field: string, amount: number): FieldViolation | null {
  const ok = Number.isFinite(amount) && amount >= MONEY_MIN && amount <= MONEY_MAX;
  return ok ? null : violation(field, 'RANGE', `${field} ${String(amount)} must be from ${MONEY_MIN} to ${MONEY_MAX}`);
}

const pathOf = (at: string, key: string | number) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key);

/**
 * Everything in `value` (an argument, an input object, a JSON value) that breaks the rules
 * above, each naming its path below `at`; at most one violation per value, and the walk
 * stops at the first structural one (too deep, too many values).
 */
export function inputViolations(value: unknown, at = ''): FieldViolation[] {
  const out: FieldViolation[] = [];
  let values = 0;
  let stopped = false;
  const walk = (v: unknown, path: string, depth: number): void => {
    if (stopped) return;
    if (++values > MAX_VALUES || depth > MAX_DEPTH) {
      stopped = true;
      out.push(values > MAX_VALUES ? violation(at || 'input', 'MAX_VALUES', `must hold at most ${MAX_VALUES} values`) : violation(path, 'MAX_DEPTH', `must nest at most ${MAX_DEPTH} levels`));
      return;
    }
    const own = typeof v === 'string' ? textViolation(path, v) : typeof v === 'number' ? numberViolation(path, v) : v instanceof Date ? instantViolation(path, v) : null;
    if (own) out.push(own);
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, pathOf(path, i), depth + 1));
    else if (v && typeof v === 'object' && !(v instanceof Date)) {
      for (const [k, item] of Object.entries(v)) {
        const badKey = textViolation(pathOf(path, k), k);
        if (badKey) out.push(badKey);
        else walk(item, pathOf(path, k), depth + 1);
      }
    }
  };
  walk(value, at, 0);
  return out;
}
