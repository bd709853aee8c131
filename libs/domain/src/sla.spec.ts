import { BusinessCalendar } from './business-hours';
import { classifyClock, firstTouchSlaKind, slaDueAt, touchLoggingClock } from './sla';
import { DEFAULT_STAGE_DEFINITION_V1 } from './stage-definition';

const terms = DEFAULT_STAGE_DEFINITION_V1.sla;
const nineToFive = [{ start: '09:00', end: '17:00' }];
const berlin: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  weekly: { 1: nineToFive, 2: nineToFive, 3: nineToFive, 4: nineToFive, 5: nineToFive },
  holidays: ['2026-03-16'],
};
const at = (s: string) => new Date(s);
const due = (kind: Parameters<typeof slaDueAt>[0], startedAt: string) => slaDueAt(kind, terms, berlin, at(startedAt)).toISOString();

describe('firstTouchSlaKind', () => {
  it('demo beats hot beats standard', () => {
    expect(firstTouchSlaKind({ demoRequest: true, hot: true })).toBe('FIRST_TOUCH_DEMO');
    expect(firstTouchSlaKind({ demoRequest: false, hot: true })).toBe('FIRST_TOUCH_HOT');
    expect(firstTouchSlaKind({ demoRequest: false, hot: false })).toBe('FIRST_TOUCH_STANDARD');
  });
});

describe('slaDueAt in the rep calendar', () => {
  it('hot first touch: routed Friday 16:30, Monday holiday -> Tuesday 10:30 Berlin', () => {
    expect(due('FIRST_TOUCH_HOT', '2026-03-13T16:30:00+01:00')).toBe(at('2026-03-17T10:30:00+01:00').toISOString());
  });

  it('accept within 4 business hours: Friday 16:30 -> Tuesday 12:30', () => {
    expect(due('ACCEPT', '2026-03-13T16:30:00+01:00')).toBe(at('2026-03-17T12:30:00+01:00').toISOString());
  });

  it('demo request: 15 minutes, starting at the next opening outside hours', () => {
    expect(due('FIRST_TOUCH_DEMO', '2026-03-12T10:00:00+01:00')).toBe(at('2026-03-12T10:15:00+01:00').toISOString());
    expect(due('FIRST_TOUCH_DEMO', '2026-03-12T16:50:00+01:00')).toBe(at('2026-03-13T09:05:00+01:00').toISOString());
    expect(due('FIRST_TOUCH_DEMO', '2026-03-14T20:00:00+01:00')).toBe(at('2026-03-17T09:15:00+01:00').toISOString());
  });

  it('standard: the close of the same business day, or of the next one when routed after hours', () => {
    expect(due('FIRST_TOUCH_STANDARD', '2026-03-12T09:00:00+01:00')).toBe(at('2026-03-12T17:00:00+01:00').toISOString());
    expect(due('FIRST_TOUCH_STANDARD', '2026-03-13T17:00:00+01:00')).toBe(at('2026-03-17T17:00:00+01:00').toISOString());
    expect(due('FIRST_TOUCH_STANDARD', '2026-03-12T06:00:00+01:00')).toBe(at('2026-03-12T17:00:00+01:00').toISOString());
  });

  it('touch logging: 24 real hours, ignoring business hours and DST', () => {
    expect(due('TOUCH_LOGGING', '2026-03-14T12:00:00+01:00')).toBe('2026-03-15T11:00:00.000Z');
    // Across spring-forward the local clock reads 13:00 the next day: still 24 elapsed hours.
    expect(due('TOUCH_LOGGING', '2026-03-28T12:00:00+01:00')).toBe(at('2026-03-29T13:00:00+02:00').toISOString());
  });
});

describe('classifyClock', () => {
  const dueAt = at('2026-03-17T10:30:00+01:00');
  it('met at the due instant is MET, one millisecond later BREACHED', () => {
    expect(classifyClock(dueAt, dueAt, at('2026-03-20T00:00:00Z'))).toBe('MET');
    expect(classifyClock(dueAt, new Date(dueAt.getTime() + 1), at('2026-03-20T00:00:00Z'))).toBe('BREACHED');
  });
  it('unmet is PENDING up to and at the due instant, BREACHED after it', () => {
    expect(classifyClock(dueAt, undefined, dueAt)).toBe('PENDING');
    expect(classifyClock(dueAt, undefined, new Date(dueAt.getTime() + 1))).toBe('BREACHED');
  });
});

describe('touchLoggingClock', () => {
  it('a touch logged within the logging window (24 h, wall-clock) meets its clock, at the due instant too; logged later breaches it', () => {
    const terms = DEFAULT_STAGE_DEFINITION_V1.sla;
    const touched = new Date('2025-02-07T15:00:00Z');
    expect(touchLoggingClock(touched, new Date('2025-02-08T15:00:00Z'), terms)).toEqual({ dueAt: new Date('2025-02-08T15:00:00Z'), status: 'MET' });
    // The KPI fixture's L08 step 3: logged 29 h after the touch.
    expect(touchLoggingClock(touched, new Date('2025-02-08T20:00:00Z'), terms)).toEqual({ dueAt: new Date('2025-02-08T15:00:00Z'), status: 'BREACHED' });
    expect(touchLoggingClock(touched, touched, terms).dueAt).toEqual(slaDueAt('TOUCH_LOGGING', terms, { timeZone: 'UTC', weekly: {}, holidays: [] } as BusinessCalendar, touched));
  });
});
