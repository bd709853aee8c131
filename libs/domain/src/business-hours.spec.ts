import {
  addBusinessDays,
  addBusinessMinutes,
  BusinessCalendar,
  businessDayOnOrAfter,
  businessMinutesBetween,
  currentOrNextWindow,
  endOfBusinessDay,
  isBusinessDay,
  isOpen,
  nextOpening,
  startOfBusinessDay,
  validateCalendar,
  windowsOn,
} from './business-hours';
import { DomainRuleError } from './field-violation';

const nineToFive = [{ start: '09:00', end: '17:00' }];
const weekdays = (windows: { start: string; end: string }[]) => ({ 1: windows, 2: windows, 3: windows, 4: windows, 5: windows });

/** A Berlin rep, Mon-Fri 09:00-17:00, with Monday 2026-03-16 off. */
const berlin: BusinessCalendar = { timeZone: 'Europe/Berlin', weekly: weekdays(nineToFive), holidays: ['2026-03-16'] };
const newYork: BusinessCalendar = { timeZone: 'America/New_York', weekly: weekdays(nineToFive), holidays: [] };
/** Night shift: windows start Mon-Fri 22:00 and close 06:00 the next morning. */
const nights: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  weekly: weekdays([{ start: '22:00', end: '06:00' }]),
  holidays: ['2026-03-17'],
};
const everyNight: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  weekly: { 0: [{ start: '22:00', end: '06:00' }], 6: [{ start: '22:00', end: '06:00' }] },
  holidays: [],
};

const iso = (d: Date) => d.toISOString();
const at = (s: string) => new Date(s);

describe('business-hours: the must-have case', () => {
  it('routed Friday 16:30 Berlin, Monday a holiday: 120 business minutes end Tuesday 10:30 Berlin', () => {
    const due = addBusinessMinutes(berlin, at('2026-03-13T16:30:00+01:00'), 120);
    expect(iso(due)).toBe(iso(at('2026-03-17T10:30:00+01:00')));
    expect(businessMinutesBetween(berlin, at('2026-03-13T16:30:00+01:00'), due)).toBe(120);
  });
});

describe('isOpen / nextOpening at exact boundaries', () => {
  it('09:00 is open, 17:00 is closed, one millisecond before each is the opposite', () => {
    expect(isOpen(berlin, at('2026-03-12T09:00:00+01:00'))).toBe(true);
    expect(isOpen(berlin, at('2026-03-12T08:59:59.999+01:00'))).toBe(false);
    expect(isOpen(berlin, at('2026-03-12T16:59:59.999+01:00'))).toBe(true);
    expect(isOpen(berlin, at('2026-03-12T17:00:00+01:00'))).toBe(false);
  });

  it('is closed on weekends and holidays', () => {
    expect(isOpen(berlin, at('2026-03-14T11:00:00+01:00'))).toBe(false);
    expect(isOpen(berlin, at('2026-03-16T11:00:00+01:00'))).toBe(false);
    expect(isOpen(berlin, at('2026-03-17T11:00:00+01:00'))).toBe(true);
  });

  it('nextOpening is the instant itself when open and the next start when closed', () => {
    const open = at('2026-03-12T10:15:00+01:00');
    expect(nextOpening(berlin, open)).toEqual(open);
    expect(iso(nextOpening(berlin, at('2026-03-13T17:00:00+01:00')))).toBe(iso(at('2026-03-17T09:00:00+01:00')));
    expect(iso(nextOpening(berlin, at('2026-03-12T07:00:00+01:00')))).toBe(iso(at('2026-03-12T09:00:00+01:00')));
  });
});

describe('addBusinessMinutes', () => {
  it('a 15-minute demo clock started at 16:50 falls due at 09:05 the next day', () => {
    expect(iso(addBusinessMinutes(berlin, at('2026-03-12T16:50:00+01:00'), 15))).toBe(iso(at('2026-03-13T09:05:00+01:00')));
  });

  it('outside hours the clock starts at the next opening', () => {
    expect(iso(addBusinessMinutes(berlin, at('2026-03-14T03:00:00+01:00'), 15))).toBe(iso(at('2026-03-17T09:15:00+01:00')));
    expect(iso(addBusinessMinutes(berlin, at('2026-03-12T17:00:00+01:00'), 0))).toBe(iso(at('2026-03-13T09:00:00+01:00')));
  });

  it('a clock that ends exactly at the close is due at the close, not the next morning', () => {
    expect(iso(addBusinessMinutes(berlin, at('2026-03-13T16:30:00+01:00'), 30))).toBe(iso(at('2026-03-13T17:00:00+01:00')));
  });

  it('spans several days (240 minutes from Thursday 15:00 = Friday 11:00)', () => {
    expect(iso(addBusinessMinutes(berlin, at('2026-03-12T15:00:00+01:00'), 240))).toBe(iso(at('2026-03-13T11:00:00+01:00')));
  });

  it('crosses the Berlin spring-forward weekend in real business minutes', () => {
    // Friday 16:00 CET + 60 min Friday, then Monday 09:00 CEST + 60 min.
    expect(iso(addBusinessMinutes(berlin, at('2026-03-27T16:00:00+01:00'), 120))).toBe('2026-03-30T08:00:00.000Z');
  });

  it('crosses the Berlin fall-back weekend', () => {
    expect(iso(addBusinessMinutes(berlin, at('2026-10-23T16:00:00+02:00'), 120))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('crosses the New York spring-forward weekend', () => {
    expect(iso(addBusinessMinutes(newYork, at('2026-03-06T16:00:00-05:00'), 120))).toBe('2026-03-09T14:00:00.000Z');
  });

  it('rejects negative or non-finite minutes with a typed error', () => {
    expect(() => addBusinessMinutes(berlin, at('2026-03-12T10:00:00+01:00'), -1)).toThrow(DomainRuleError);
    expect(() => addBusinessMinutes(berlin, at('2026-03-12T10:00:00+01:00'), NaN)).toThrow(DomainRuleError);
  });
});

describe('overnight windows (22:00-06:00)', () => {
  it('a window that starts Monday night is open Tuesday 03:00 and closed Tuesday 06:00', () => {
    expect(isOpen(nights, at('2026-03-10T03:00:00+01:00'))).toBe(true);
    expect(isOpen(nights, at('2026-03-10T06:00:00+01:00'))).toBe(false);
    expect(isOpen(nights, at('2026-03-09T22:00:00+01:00'))).toBe(true);
    expect(isOpen(nights, at('2026-03-09T21:59:00+01:00'))).toBe(false);
  });

  it("Friday night's window runs into Saturday; Sunday has none, so Monday 03:00 is closed", () => {
    expect(isOpen(nights, at('2026-03-14T03:00:00+01:00'))).toBe(true);
    expect(isOpen(nights, at('2026-03-14T23:00:00+01:00'))).toBe(false);
    expect(isOpen(nights, at('2026-03-16T03:00:00+01:00'))).toBe(false);
  });

  it('a holiday closes the window starting that evening, not the one ending that morning', () => {
    expect(isOpen(nights, at('2026-03-17T03:00:00+01:00'))).toBe(true);
    expect(isOpen(nights, at('2026-03-17T23:00:00+01:00'))).toBe(false);
  });

  it('adds minutes across the morning close into the next night', () => {
    expect(iso(addBusinessMinutes(nights, at('2026-03-13T05:30:00+01:00'), 60))).toBe(iso(at('2026-03-13T22:30:00+01:00')));
  });

  it('the end of the business day is the next morning close', () => {
    expect(iso(endOfBusinessDay(nights, at('2026-03-10T03:00:00+01:00')))).toBe(iso(at('2026-03-10T06:00:00+01:00')));
    expect(currentOrNextWindow(nights, at('2026-03-10T03:00:00+01:00')).date).toBe('2026-03-09');
  });

  it('a night shift over spring-forward lasts 7 real hours, over fall-back 9', () => {
    expect(businessMinutesBetween(everyNight, at('2026-03-28T22:00:00+01:00'), at('2026-03-29T06:00:00+02:00'))).toBe(420);
    expect(businessMinutesBetween(everyNight, at('2026-10-24T22:00:00+02:00'), at('2026-10-25T06:00:00+01:00'))).toBe(540);
    expect(iso(addBusinessMinutes(everyNight, at('2026-03-28T22:00:00+01:00'), 420))).toBe(iso(at('2026-03-29T06:00:00+02:00')));
  });
});

describe('businessMinutesBetween', () => {
  it('counts only minutes inside windows, fractional when needed, negative when reversed', () => {
    expect(businessMinutesBetween(berlin, at('2026-03-12T08:00:00+01:00'), at('2026-03-12T18:00:00+01:00'))).toBe(480);
    expect(businessMinutesBetween(berlin, at('2026-03-12T09:00:00+01:00'), at('2026-03-12T09:00:30+01:00'))).toBe(0.5);
    expect(businessMinutesBetween(berlin, at('2026-03-12T10:00:00+01:00'), at('2026-03-12T09:00:00+01:00'))).toBe(-60);
    expect(businessMinutesBetween(berlin, at('2026-03-14T10:00:00+01:00'), at('2026-03-16T16:00:00+01:00'))).toBe(0);
  });

  it('is the inverse of addBusinessMinutes across a DST weekend', () => {
    const from = at('2026-03-27T10:00:00+01:00');
    expect(businessMinutesBetween(berlin, from, addBusinessMinutes(berlin, from, 900))).toBe(900);
  });
});

describe('business days', () => {
  it('start and end of a business day; a holiday has neither', () => {
    expect(iso(startOfBusinessDay(berlin, '2026-03-17')!)).toBe(iso(at('2026-03-17T09:00:00+01:00')));
    expect(startOfBusinessDay(berlin, '2026-03-16')).toBeUndefined();
    expect(isBusinessDay(berlin, '2026-03-14')).toBe(false);
    expect(isBusinessDay(berlin, '2026-03-13')).toBe(true);
  });

  it('endOfBusinessDay: the close of the day open now, or of the next business day', () => {
    expect(iso(endOfBusinessDay(berlin, at('2026-03-13T16:30:00+01:00')))).toBe(iso(at('2026-03-13T17:00:00+01:00')));
    expect(iso(endOfBusinessDay(berlin, at('2026-03-13T17:00:00+01:00')))).toBe(iso(at('2026-03-17T17:00:00+01:00')));
  });

  it('with split shifts the business day ends at the last close, not at lunch', () => {
    const split: BusinessCalendar = { timeZone: 'Europe/Berlin', weekly: weekdays([{ start: '13:00', end: '17:00' }, { start: '09:00', end: '12:00' }]), holidays: [] };
    expect(iso(endOfBusinessDay(split, at('2026-03-12T10:00:00+01:00')))).toBe(iso(at('2026-03-12T17:00:00+01:00')));
    expect(isOpen(split, at('2026-03-12T12:30:00+01:00'))).toBe(false);
    expect(iso(addBusinessMinutes(split, at('2026-03-12T11:30:00+01:00'), 60))).toBe(iso(at('2026-03-12T13:30:00+01:00')));
    expect(windowsOn(split, '2026-03-12').map((w) => iso(w.start))).toEqual([iso(at('2026-03-12T09:00:00+01:00')), iso(at('2026-03-12T13:00:00+01:00'))]);
  });

  it('adds business days over weekends and holidays', () => {
    expect(addBusinessDays(berlin, '2026-03-13', 1)).toBe('2026-03-17');
    expect(addBusinessDays(berlin, '2026-03-13', 0)).toBe('2026-03-13');
    expect(addBusinessDays(berlin, '2026-03-14', 1)).toBe('2026-03-17');
    expect(addBusinessDays(berlin, '2026-03-12', 5)).toBe('2026-03-20');
    expect(businessDayOnOrAfter(berlin, '2026-03-14')).toBe('2026-03-17');
    expect(() => addBusinessDays(berlin, '2026-03-13', -1)).toThrow(DomainRuleError);
  });
});

describe('calendars without hours fail fast', () => {
  it('a calendar with no hours at all throws NO_BUSINESS_HOURS instead of looping', () => {
    const empty: BusinessCalendar = { timeZone: 'Europe/Berlin', weekly: {}, holidays: [] };
    expect(validateCalendar(empty)).toEqual([expect.objectContaining({ field: 'weekly', rule: 'HAS_OPENING' })]);
    expect(() => addBusinessMinutes(empty, at('2026-03-12T10:00:00+01:00'), 15)).toThrow(
      expect.objectContaining({ code: 'NO_BUSINESS_HOURS' }),
    );
    expect(() => nextOpening(empty, at('2026-03-12T10:00:00+01:00'))).toThrow(DomainRuleError);
  });

  it('a calendar whose every opening is a holiday for more than 400 days throws NO_BUSINESS_HOURS', () => {
    const mondays = Array.from({ length: 70 }, (_, i) => new Date(Date.UTC(2026, 2, 16 + 7 * i)).toISOString().slice(0, 10));
    const closed: BusinessCalendar = { timeZone: 'Europe/Berlin', weekly: { 1: nineToFive }, holidays: mondays };
    expect(validateCalendar(closed)).toEqual([]);
    expect(() => addBusinessMinutes(closed, at('2026-03-14T10:00:00+01:00'), 15)).toThrow(
      expect.objectContaining({ code: 'NO_BUSINESS_HOURS' }),
    );
    expect(() => businessDayOnOrAfter(closed, '2026-03-14')).toThrow(expect.objectContaining({ code: 'NO_BUSINESS_HOURS' }));
  });
});

describe('validateCalendar', () => {
  it('accepts a sound calendar', () => {
    expect(validateCalendar(berlin)).toEqual([]);
    expect(validateCalendar(nights)).toEqual([]);
    expect(validateCalendar(everyNight)).toEqual([]);
  });

  it('names every broken rule with its field', () => {
    const bad = {
      timeZone: 'Europe/Berlín',
      weekly: { 1: [{ start: '9:00', end: '17:00' }, { start: '10:00', end: '24:00' }], 7: nineToFive },
      holidays: ['2026-02-30'],
    } as unknown as BusinessCalendar;
    const rules = validateCalendar(bad).map((v) => `${v.field}:${v.rule}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        'timeZone:IANA_TIME_ZONE',
        'weekly.1[0].start:HH_MM',
        'weekly.1[1].end:HH_MM',
        'weekly.7:WEEKDAY',
        'holidays[0]:LOCAL_DATE',
      ]),
    );
  });

  it('flags overlapping windows, including an overnight window running into the next day', () => {
    const overlapping: BusinessCalendar = {
      timeZone: 'Europe/Berlin',
      weekly: { 1: [{ start: '22:00', end: '06:00' }], 2: [{ start: '05:00', end: '09:00' }], 6: [{ start: '22:00', end: '02:00' }], 0: [{ start: '01:00', end: '03:00' }] },
      holidays: [],
    };
    expect(validateCalendar(overlapping).map((v) => `${v.field}:${v.rule}`).sort()).toEqual(['weekly.0[0]:NO_OVERLAP', 'weekly.2[0]:NO_OVERLAP']);
  });

  it('functions refuse an invalid calendar with a typed error naming the field', () => {
    const bad: BusinessCalendar = { timeZone: 'Nowhere/Special', weekly: { 1: nineToFive }, holidays: [] };
    expect(() => isOpen(bad, at('2026-03-12T10:00:00Z'))).toThrow(expect.objectContaining({ code: 'INVALID_CALENDAR' }));
  });
});
