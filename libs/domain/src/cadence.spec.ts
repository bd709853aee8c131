import { BusinessCalendar } from './business-hours';
import { cadenceProgress, canDisqualify, LoggedTouch, planCadence } from './cadence';
import { DEFAULT_STAGE_DEFINITION_V1 } from './stage-definition';

const definition = DEFAULT_STAGE_DEFINITION_V1;
const nineToFive = [{ start: '09:00', end: '17:00' }];
const berlin: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  weekly: { 1: nineToFive, 2: nineToFive, 3: nineToFive, 4: nineToFive, 5: nineToFive },
  holidays: ['2026-03-16'],
};
const DAY = 86_400_000;
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
    const before = cadenceProgress(definition.cadence, eight, new Date(FIRST.getTime() + 14 * DAY - 1));
    expect(before).toMatchObject({ touches: 8, complete: false, firstTouchAt: FIRST, completeAt: new Date(FIRST.getTime() + 14 * DAY) });
    expect(cadenceProgress(definition.cadence, eight, new Date(FIRST.getTime() + 14 * DAY)).complete).toBe(true);
  });

  it('14 days are not enough with 7 touches', () => {
    const seven = cadenceProgress(definition.cadence, eight.slice(0, 7), new Date(FIRST.getTime() + 30 * DAY));
    expect(seven).toMatchObject({ touches: 7, complete: false });
    expect(seven.completeAt).toBeUndefined();
  });

  it('a late 8th touch completes the cadence when it is logged', () => {
    const late = touchesAt(0, DAY, 2 * DAY, 3 * DAY, 4 * DAY, 5 * DAY, 6 * DAY, 20 * DAY);
    expect(cadenceProgress(definition.cadence, late, new Date(FIRST.getTime() + 21 * DAY)).completeAt).toEqual(new Date(FIRST.getTime() + 20 * DAY));
  });

  it('touches after now are not counted; none at all is not complete', () => {
    expect(cadenceProgress(definition.cadence, eight, new Date(FIRST.getTime() + 2 * DAY)).touches).toBe(3);
    expect(cadenceProgress(definition.cadence, [], FIRST)).toEqual({ touches: 0, complete: false });
  });
});

describe('canDisqualify', () => {
  const incomplete = { touches: 5, firstTouchAt: FIRST, complete: false };
  const complete = { touches: 8, firstTouchAt: FIRST, completeAt: new Date(FIRST.getTime() + 14 * DAY), complete: true };

  it('refuses UNRESPONSIVE before the cadence is complete, with a typed violation', () => {
    expect(canDisqualify('UNRESPONSIVE', definition, incomplete)).toEqual({
      allowed: false,
      violation: expect.objectContaining({ field: 'reason', rule: 'CADENCE_INCOMPLETE', touches: 5, minTouches: 8 }),
    });
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
