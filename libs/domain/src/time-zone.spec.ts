import { DomainRuleError } from './field-violation';
import {
  addLocalDays,
  isLocalDate,
  isValidTimeZone,
  localDateOf,
  localDaysBetween,
  offsetMinutesAt,
  parseInstant,
  instantInSaneRange,
  assertInstantInSaneRange,
  instantRangeViolation,
  SANE_INSTANT_MIN,
  MAX_FUTURE_SKEW_MS,
  weekdayOf,
  zonedParts,
  zonedTimeToInstant,
} from './time-zone';

describe('time-zone', () => {
  it('reads wall-clock parts and local dates in the given zone, not the host zone', () => {
    const at = new Date('2026-03-13T23:30:00Z');
    expect(localDateOf(at, 'Europe/Berlin')).toBe('2026-03-14');
    expect(localDateOf(at, 'America/New_York')).toBe('2026-03-13');
    expect(zonedParts(at, 'Europe/Berlin')).toEqual({ year: 2026, month: 3, day: 14, hour: 0, minute: 30, second: 0 });
  });

  it('knows the offsets on both sides of the Berlin and New York DST changes', () => {
    expect(offsetMinutesAt(new Date('2026-03-29T00:59:00Z'), 'Europe/Berlin')).toBe(60);
    expect(offsetMinutesAt(new Date('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(120);
    expect(offsetMinutesAt(new Date('2026-03-08T06:59:00Z'), 'America/New_York')).toBe(-300);
    expect(offsetMinutesAt(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toBe(-240);
  });

  it('turns a local wall time into an instant, across DST', () => {
    expect(zonedTimeToInstant('2026-03-27', 9 * 60, 'Europe/Berlin').toISOString()).toBe('2026-03-27T08:00:00.000Z');
    expect(zonedTimeToInstant('2026-03-30', 9 * 60, 'Europe/Berlin').toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(zonedTimeToInstant('2026-03-09', 9 * 60, 'America/New_York').toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('moves a time skipped by spring-forward forward by the gap (02:30 -> 03:30 CEST)', () => {
    expect(zonedTimeToInstant('2026-03-29', 150, 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('takes the earlier instant for a time repeated by fall-back (02:30 CEST, not CET)', () => {
    expect(zonedTimeToInstant('2026-10-25', 150, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedTimeToInstant('2026-11-01', 90, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('does calendar arithmetic on local dates (month ends, leap years, weekdays)', () => {
    expect(addLocalDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addLocalDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addLocalDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(weekdayOf('2026-03-13')).toBe(5);
    expect(weekdayOf('2026-03-15')).toBe(0);
    expect(localDaysBetween('2026-03-13', '2026-03-17')).toBe(4);
    expect(isLocalDate('2026-02-30')).toBe(false);
    expect(isLocalDate('2026-3-1')).toBe(false);
    expect(isLocalDate('2028-02-29')).toBe(true);
  });

  it('recognises IANA zones and rejects unknown ones with a typed error', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(() => localDateOf(new Date('2026-01-01T00:00:00Z'), 'Mars/Olympus_Mons')).toThrow(DomainRuleError);
  });

  it('parses ISO instants with an offset and names the field of a bad one', () => {
    expect(parseInstant('2026-03-13T16:30:00+01:00', 'x').toISOString()).toBe('2026-03-13T15:30:00.000Z');
    expect(parseInstant('2026-03-13T15:30Z', 'x').toISOString()).toBe('2026-03-13T15:30:00.000Z');
    for (const bad of ['2026-03-13T16:30:00', '13/03/2026', '2026-03-13', '2026-02-30T10:00:00Z']) {
      try {
        parseInstant(bad, 'events[2].occurredAt');
        throw new Error(`accepted ${bad}`);
      } catch (e) {
        expect(e).toBeInstanceOf(DomainRuleError);
        expect((e as DomainRuleError).violations[0]).toMatchObject({ field: 'events[2].occurredAt', rule: 'ISO_INSTANT' });
      }
    }
  });

  it('parses every year 0000-9999 as written (Date.UTC reads 0-99 as 1900-1999)', () => {
    for (const [text, iso] of [
      ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
      ['0000-02-29T12:00:00Z', '0000-02-29T12:00:00.000Z'],
      ['0004-02-29T00:00:00Z', '0004-02-29T00:00:00.000Z'],
      ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
      ['0099-12-31T23:59:59Z', '0099-12-31T23:59:59.000Z'],
      ['0100-01-01T00:00:00+01:00', '0099-12-31T23:00:00.000Z'],
      ['0999-06-01T00:00:00-02:00', '0999-06-01T02:00:00.000Z'],
      ['1969-12-31T23:59:59Z', '1969-12-31T23:59:59.000Z'],
      ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
    ] as const) {
      expect(parseInstant(text, 'x').toISOString()).toBe(iso);
      expect(parseInstant(text, 'x').getUTCFullYear()).toBe(Number(iso.slice(0, 4)));
    }
    // Leap rules hold for early years too: 100 and 1900 are not leap years, 0 and 400 are.
    for (const bad of ['0100-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '0050-02-29T00:00:00Z', '0010-13-01T00:00:00Z']) expect(() => parseInstant(bad, 'x')).toThrow(DomainRuleError);
    expect(isLocalDate('0400-02-29')).toBe(true);
    expect(isLocalDate('0050-01-01')).toBe(true);
    expect(isLocalDate('0099-02-29')).toBe(false);
  });

  it('accepts instants from the epoch up to the tolerated skew ahead of now, and names the field otherwise', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    expect(SANE_INSTANT_MIN.toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(MAX_FUTURE_SKEW_MS).toBe(5 * 60_000);
    expect(instantInSaneRange(new Date('1970-01-01T00:00:00Z'), now)).toBe(true);
    expect(instantInSaneRange(new Date('2026-11-23T10:05:00Z'), now)).toBe(true);
    expect(instantInSaneRange(new Date('2020-06-01T00:00:00Z'), now)).toBe(true);
    expect(instantInSaneRange(new Date('1969-12-31T23:59:59.999Z'), now)).toBe(false);
    expect(instantInSaneRange(parseInstant('0050-01-01T00:00:00Z', 'x'), now)).toBe(false);
    expect(instantInSaneRange(new Date('2026-11-23T10:05:00.001Z'), now)).toBe(false);
    expect(instantInSaneRange(new Date(NaN), now)).toBe(false);
    expect(instantRangeViolation(new Date('1969-12-31T00:00:00Z'), now, 'occurredAt')).toMatchObject({ field: 'occurredAt', rule: 'NOT_BEFORE_1970' });
    expect(instantRangeViolation(new Date('2026-11-23T11:00:00Z'), now, 'occurredAt')).toMatchObject({ field: 'occurredAt', rule: 'NOT_IN_FUTURE' });
    try {
      assertInstantInSaneRange(parseInstant('0050-01-01T00:00:00Z', 'x'), now, 'occurredAt');
      throw new Error('accepted year 50');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainRuleError);
      expect((e as DomainRuleError).violations).toEqual([expect.objectContaining({ field: 'occurredAt', rule: 'NOT_BEFORE_1970' })]);
    }
  });
});
