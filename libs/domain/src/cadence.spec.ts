import { BusinessCalendar } from './business-hours';
import { cadenceProgress, cadenceWindows, canDisqualify, fillCadence, isSameTouch, LoggedTouch, planCadence, stepForTouch, stepSlot, stepStatus } from './cadence';
import { DEFAULT_STAGE_DEFINITION_V1 } from './stage-definition';

const definition = DEFAULT_STAGE_DEFINITION_V1;
const nineToFive = [{ start: '09:00', end: '17:00' }];
const berlin: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  weekly: { 1: nineToFive, 2: nineToFive, 3: nineToFive, 4: nineToFive, 5: nineToFive },
  holidays: ['2026-03-16'],
};
const DAY = 86_400_000;
const TZ = berlin.timeZone;
const FIRST = new Date('2026-03-13T10:00:00Z');
const touchesAt = (...offsetsMs: number[]): LoggedTouch[] =>
  offsetsMs.map((ms, i) => ({ occurredAt: new Date(FIRST.getTime() + ms).toISOString(), channel: i % 2 ? 'EMAIL' : 'CALL' }));

describe('planCadence', () => {
  it('places plan day N on the N-th business day, due at its close (weekend, holiday and DST skipped)', () => {
    const plan = planCadence(definition.cadence, berlin, new Date('2026-03-13T16:30:00+01:00'));
    expect(plan.map((p) => [p.step, p.day, p.channel, p.dueAt.toISOString()])).toEqual([
      [1, 1, 'CALL', '2026-03-13T16:00:00.000Z'],
      [2, 1, 'EMAIL', '2026-03-13T16:00:00.000Z'],
      [3, 2, 'LINKEDIN', '2026-03-17T16:00:00.000Z'],
      [4, 4, 'CALL', '2026-03-19T16:00:00.000Z'],
      [5, 6, 'EMAIL', '2026-03-23T16:00:00.000Z'],
      [6, 8, 'CALL', '2026-03-25T16:00:00.000Z'],
      [7, 11, 'LINKEDIN', '2026-03-30T15:00:00.000Z'],
      [8, 14, 'EMAIL', '2026-04-02T15:00:00.000Z'],
    ]);
  });

  it('started after the close, day 1 is the next business day', () => {
    const plan = planCadence(definition.cadence, berlin, new Date('2026-03-13T17:30:00+01:00'));
    expect(plan[0].dueAt.toISOString()).toBe('2026-03-17T16:00:00.000Z');
    expect(plan[2].dueAt.toISOString()).toBe('2026-03-18T16:00:00.000Z');
  });
});

describe('cadenceProgress', () => {
  const eight = touchesAt(0, 1000, DAY, 3 * DAY, 5 * DAY, 7 * DAY, 10 * DAY, 13 * DAY);

  it('8 touches are not enough before 14 x 24 h have passed since the first', () => {
    const before = cadenceProgress(definition.cadence, eight, new Date(FIRST.getTime() + 14 * DAY - 1), TZ);
    expect(before).toMatchObject({ touches: 8, complete: false, firstTouchAt: FIRST, completeAt: new Date(FIRST.getTime() + 14 * DAY) });
    expect(cadenceProgress(definition.cadence, eight, new Date(FIRST.getTime() + 14 * DAY), TZ).complete).toBe(true);
  });

  it('14 days are not enough with 7 touches', () => {
    const seven = cadenceProgress(definition.cadence, eight.slice(0, 7), new Date(FIRST.getTime() + 30 * DAY), TZ);
    expect(seven).toMatchObject({ touches: 7, complete: false });
    expect(seven.completeAt).toBeUndefined();
  });

  it('a late 8th touch completes the cadence when it is logged', () => {
    const late = touchesAt(0, DAY, 2 * DAY, 3 * DAY, 4 * DAY, 5 * DAY, 6 * DAY, 20 * DAY);
    expect(cadenceProgress(definition.cadence, late, new Date(FIRST.getTime() + 21 * DAY), TZ).completeAt).toEqual(new Date(FIRST.getTime() + 20 * DAY));
  });

  it('touches after now are not counted; none at all is not complete', () => {
    expect(cadenceProgress(definition.cadence, eight, new Date(FIRST.getTime() + 2 * DAY), TZ).touches).toBe(3);
    expect(cadenceProgress(definition.cadence, [], FIRST, TZ)).toMatchObject({ touches: 0, dates: 0, complete: false, missing: { touches: 8, dates: 5 } });
  });
});

describe('canDisqualify', () => {
  const incomplete = { touches: 5, dates: 2, firstTouchAt: FIRST, complete: false, missing: { touches: 3, dates: 3, timeUntil: new Date(FIRST.getTime() + 14 * DAY) } };
  const complete = { touches: 8, dates: 6, firstTouchAt: FIRST, completeAt: new Date(FIRST.getTime() + 14 * DAY), complete: true, missing: { touches: 0, dates: 0 } };

  it('refuses UNRESPONSIVE before the cadence is complete, with a typed violation', () => {
    expect(canDisqualify('UNRESPONSIVE', definition, incomplete)).toEqual({
      allowed: false,
      violation: expect.objectContaining({ field: 'reason', rule: 'CADENCE_INCOMPLETE', touches: 5, minTouches: 8, dates: 2, minDates: 5 }),
    });
    const check = canDisqualify('UNRESPONSIVE', definition, incomplete);
    expect(!check.allowed && check.violation.message).toBe(
      'UNRESPONSIVE needs 8 touches on 5 dates over 14 days first: 5 logged on 2 dates; missing 3 more touches, touches on 3 more dates, 14 x 24 h since the first touch (at 2026-03-27T10:00:00.000Z)',
    );
  });

  it('allows UNRESPONSIVE after it, and reasons without the cadence rule at any time', () => {
    expect(canDisqualify('UNRESPONSIVE', definition, complete)).toEqual({ allowed: true });
    expect(canDisqualify('NO_BUDGET', definition, incomplete)).toEqual({ allowed: true });
  });

  it('refuses a reason the definition does not have', () => {
    const narrow = { ...definition, disqualificationReasons: definition.disqualificationReasons.filter((r) => r.code !== 'NO_BUDGET') };
    expect(canDisqualify('NO_BUDGET', narrow, complete)).toMatchObject({ allowed: false, violation: { rule: 'UNKNOWN_REASON' } });
  });
});

describe('steps are done in their windows', () => {
  // Accepted Friday 16:30 CET; Monday 16 March is a holiday; DST starts Sunday 29 March.
  const acceptedAt = new Date('2026-03-13T15:30:00Z');
  const windows = cadenceWindows(definition.cadence, berlin, acceptedAt, definition.sla.touchLoggingMinutes);
  const at = (iso: string) => new Date(iso);
  /** Which steps (1-based) the touches fill, logged in the order given. */
  const filled = (touches: [string, string][]) => {
    const slots = windows.map((w) => ({ ...w, filled: false }));
    return touches.map(([channel, iso]) => {
      const k = stepForTouch(slots, { channel, at: at(iso) });
      if (k >= 0) slots[k].filled = true;
      return k + 1;
    });
  };

  it('opens at the start of its business day (day 1 at acceptance) and closes at its due instant plus the logging grace', () => {
    expect(windows.map((w) => [w.step, w.channel, w.opensAt.toISOString(), w.closesAt.toISOString()])).toEqual([
      [1, 'CALL', '2026-03-13T15:30:00.000Z', '2026-03-14T16:00:00.000Z'],
      [2, 'EMAIL', '2026-03-13T15:30:00.000Z', '2026-03-14T16:00:00.000Z'],
      [3, 'LINKEDIN', '2026-03-17T08:00:00.000Z', '2026-03-18T16:00:00.000Z'], // weekend and holiday skipped
      [4, 'CALL', '2026-03-19T08:00:00.000Z', '2026-03-20T16:00:00.000Z'],
      [5, 'EMAIL', '2026-03-23T08:00:00.000Z', '2026-03-24T16:00:00.000Z'],
      [6, 'CALL', '2026-03-25T08:00:00.000Z', '2026-03-26T16:00:00.000Z'],
      [7, 'LINKEDIN', '2026-03-30T07:00:00.000Z', '2026-03-31T15:00:00.000Z'], // 09:00 CEST
      [8, 'EMAIL', '2026-04-02T07:00:00.000Z', '2026-04-03T15:00:00.000Z'],
    ]);
  });

  it('an early touch fills its own day only: a second call on day 1 does not tick off day 4', () => {
    expect(filled([['CALL', '2026-03-13T15:40:00Z'], ['CALL', '2026-03-13T15:41:00Z']])).toEqual([1, 0]);
  });

  it('a late touch inside the grace fills the step; one after the grace fills none and the step is missed', () => {
    expect(filled([['LINKEDIN', '2026-03-18T15:59:00Z']])).toEqual([3]);
    expect(filled([['LINKEDIN', '2026-03-18T16:01:00Z']])).toEqual([0]);
    expect(stepStatus({ ...windows[2], filled: false }, at('2026-03-18T16:01:00Z'))).toBe('MISSED');
    expect(stepStatus({ ...windows[2], filled: false }, at('2026-03-18T15:59:00Z'))).toBe('OPEN');
    expect(stepStatus({ ...windows[2], filled: false }, at('2026-03-17T07:59:00Z'))).toBe('UPCOMING');
    expect(stepStatus({ ...windows[2], filled: true }, at('2026-03-30T00:00:00Z'))).toBe('FILLED');
  });

  it('a touch of another channel fills no step, even inside a window', () => {
    expect(filled([['EMAIL', '2026-03-19T10:00:00Z'], ['LINKEDIN', '2026-03-19T10:00:00Z']])).toEqual([0, 0]);
  });

  it('a touch on the weekend or the holiday between day 1 and day 2 fills nothing', () => {
    expect(filled([['LINKEDIN', '2026-03-15T10:00:00Z'], ['LINKEDIN', '2026-03-16T10:00:00Z'], ['CALL', '2026-03-16T10:00:00Z']])).toEqual([0, 0, 0]);
  });

  it('after the DST change the window opens at 09:00 local (07:00 UTC), not 08:00 UTC', () => {
    expect(filled([['LINKEDIN', '2026-03-30T06:59:00Z']])).toEqual([0]);
    expect(filled([['LINKEDIN', '2026-03-30T07:00:00Z']])).toEqual([7]);
  });

  it('9 touches in one sitting fill day 1 only and never complete the cadence', () => {
    const sitting = ['CALL', 'EMAIL', 'LINKEDIN', 'CALL', 'EMAIL', 'CALL', 'LINKEDIN', 'EMAIL', 'CALL'].map(
      (channel, i): [string, string] => [channel, new Date(Date.parse('2026-03-13T15:40:00Z') + i * 1000).toISOString()],
    );
    expect(filled(sitting)).toEqual([1, 2, 0, 0, 0, 0, 0, 0, 0]);
    const logged = sitting.map(([channel, occurredAt]) => ({ channel: channel as LoggedTouch['channel'], occurredAt }));
    const progress = cadenceProgress(definition.cadence, logged, at('2026-04-30T00:00:00Z'), TZ);
    expect(progress).toMatchObject({ touches: 9, dates: 1, complete: false, missing: { touches: 0, dates: 4 } });
    expect(progress.completeAt).toBeUndefined();
    const step = windows.map((w, k) => stepStatus({ ...w, filled: k < 2 }, at('2026-04-30T00:00:00Z')));
    expect(step).toEqual(['FILLED', 'FILLED', 'MISSED', 'MISSED', 'MISSED', 'MISSED', 'MISSED', 'MISSED']);
  });

  it('following the plan fills every step and completes the cadence on the plan\'s last day', () => {
    const plan: [string, string][] = [
      ['CALL', '2026-03-13T15:40:00Z'], ['EMAIL', '2026-03-13T15:45:00Z'], ['LINKEDIN', '2026-03-17T10:00:00Z'], ['CALL', '2026-03-19T10:00:00Z'],
      ['EMAIL', '2026-03-23T10:00:00Z'], ['CALL', '2026-03-25T10:00:00Z'], ['LINKEDIN', '2026-03-30T10:00:00Z'], ['EMAIL', '2026-04-02T10:00:00Z'],
    ];
    expect(filled(plan)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const logged = plan.map(([channel, occurredAt]) => ({ channel: channel as LoggedTouch['channel'], occurredAt }));
    expect(cadenceProgress(definition.cadence, logged, at('2026-04-02T09:59:59Z'), TZ)).toMatchObject({ touches: 7, complete: false, missing: { touches: 1, dates: 0 } });
    expect(cadenceProgress(definition.cadence, logged, at('2026-04-02T10:00:00Z'), TZ)).toMatchObject({ touches: 8, dates: 7, complete: true, completeAt: at('2026-04-02T10:00:00Z') });
  });

  it('a history fills in the order the touches happened, whatever order it lists them in', () => {
    const touches = [{ channel: 'CALL', at: at('2026-03-19T10:00:00Z') }, { channel: 'CALL', at: at('2026-03-13T15:40:00Z') }, { channel: 'CALL', at: at('2026-03-13T15:41:00Z') }];
    expect(fillCadence(windows, touches)).toEqual([1, -1, -1, 0, -1, -1, -1, -1]);
  });
});

describe('cadenceProgress counts local dates in the owner\'s time zone', () => {
  const touches = touchesAt(0, 0, 0, 0, 0, 0).map((t, i) => ({ ...t, occurredAt: new Date(Date.parse('2026-03-02T22:30:00Z') + i * DAY).toISOString() }));
  it('23:30 and 00:30 Berlin are two dates; the same instants in New York fall on one evening each', () => {
    const pair = [{ channel: 'CALL' as const, occurredAt: '2026-03-13T22:30:00Z' }, { channel: 'CALL' as const, occurredAt: '2026-03-13T23:30:00Z' }];
    expect(cadenceProgress(definition.cadence, pair, at('2026-03-14T00:00:00Z'), 'Europe/Berlin').dates).toBe(2);
    expect(cadenceProgress(definition.cadence, pair, at('2026-03-14T00:00:00Z'), 'America/New_York').dates).toBe(1);
    expect(cadenceProgress(definition.cadence, touches, at('2026-04-01T00:00:00Z'), TZ).dates).toBe(6);
  });
  function at(iso: string): Date {
    return new Date(iso);
  }
});

describe('isSameTouch: one touchId, one touch', () => {
  const logged = { channel: 'CALL', outcome: 'NO_ANSWER', occurredAt: '2026-11-23T10:00:00Z' };
  it('is the same touch when channel, outcome and instant agree (the instant in any notation)', () => {
    expect(isSameTouch(logged, { ...logged, occurredAt: new Date('2026-11-23T11:00:00+01:00') })).toBe(true);
  });
  it('is another touch when any of them differs', () => {
    expect(isSameTouch(logged, { ...logged, channel: 'EMAIL' })).toBe(false);
    expect(isSameTouch(logged, { ...logged, outcome: 'CONNECTED' })).toBe(false);
    expect(isSameTouch(logged, { ...logged, occurredAt: '2026-11-23T10:00:01Z' })).toBe(false);
  });
});

describe('stepSlot: a stored step as the filling rule sees it', () => {
  it('keeps a stored window', () => {
    const slot = stepSlot({ channel: 'CALL', dueAt: '2026-11-23T17:00:00Z', opensAt: '2026-11-23T08:00:00Z', closesAt: '2026-11-24T17:00:00Z', filled: false }, 1440);
    expect(slot).toEqual({ channel: 'CALL', opensAt: new Date('2026-11-23T08:00:00Z'), closesAt: new Date('2026-11-24T17:00:00Z'), filled: false });
  });
  it('opens a step planned before windows existed from the start, closing at due plus the grace', () => {
    const slot = stepSlot({ channel: 'EMAIL', dueAt: new Date('2026-11-23T17:00:00Z'), opensAt: null, closesAt: null, filled: true }, 60);
    expect(slot).toEqual({ channel: 'EMAIL', opensAt: new Date(0), closesAt: new Date('2026-11-23T18:00:00Z'), filled: true });
  });
});
