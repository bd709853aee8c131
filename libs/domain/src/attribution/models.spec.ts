import { DomainRuleError } from '../field-violation';
import {
  aggregateByCampaign,
  aggregateByChannel,
  attribute,
  AttributionModel,
  canChangeModel,
  isAttributionModelLocked,
  splitCents,
  Touchpoint,
} from './models';

const d = (s: string) => new Date(s);
const CREATED = d('2026-03-29T00:00:00Z');
const tp = (id: string, at: string, channel: string, campaign?: string, isMqlTouch?: boolean): Touchpoint => ({
  id,
  at: d(at),
  channel,
  ...(campaign ? { campaign } : {}),
  ...(isMqlTouch ? { isMqlTouch } : {}),
});
// Five touches a week apart up to the opportunity's creation (t5 AT the creation counts),
// given out of order; t6 comes after the opportunity and never counts.
const journey = [
  tp('t3', '2026-03-15T00:00:00Z', 'webinar', 'C', true),
  tp('t1', '2026-03-01T00:00:00Z', 'ads', 'A'),
  tp('t6', '2026-03-30T00:00:00Z', 'ads', 'A'),
  tp('t5', '2026-03-29T00:00:00Z', 'ads', 'A'),
  tp('t2', '2026-03-08T00:00:00Z', 'email', 'B'),
  tp('t4', '2026-03-22T00:00:00Z', 'email'),
];
const cents = (model: AttributionModel, touches: Touchpoint[], amount: number) =>
  Object.fromEntries(attribute(model, touches, CREATED, amount).map((c) => [c.touchpointId, c.amountCents]));
const shares = (model: AttributionModel, touches: Touchpoint[]) => attribute(model, touches, CREATED, 1).map((c) => [c.touchpointId, c.share]);
const expectShares = (actual: Array<[string, number] | unknown[]>, expected: Array<[string, number]>) => {
  expect(actual.map((a) => a[0])).toEqual(expected.map((e) => e[0]));
  actual.forEach((a, i) => expect(a[1] as number).toBeCloseTo(expected[i][1], 12));
};
const sumCents = (model: AttributionModel, touches: Touchpoint[], amount: number) => attribute(model, touches, CREATED, amount).reduce((s, c) => s + c.amountCents, 0);

describe('attribute over the five-touch journey (MQL touch t3 in the middle), 1000.00', () => {
  it('FIRST_TOUCH and LAST_TOUCH give everything to t1 / t5 (t5 is at the creation instant; t6 is after)', () => {
    expect(attribute('FIRST_TOUCH', journey, CREATED, 1000)).toEqual([
      { touchpointId: 't1', at: d('2026-03-01T00:00:00Z'), channel: 'ads', campaign: 'A', share: 1, amountCents: 100_000, amount: 1000 },
    ]);
    expect(cents('LAST_TOUCH', journey, 1000)).toEqual({ t5: 100_000 });
  });

  it('LINEAR: 20 % each', () => {
    expect(cents('LINEAR', journey, 1000)).toEqual({ t1: 20_000, t2: 20_000, t3: 20_000, t4: 20_000, t5: 20_000 });
  });

  it('U_SHAPED: 40 t1, 40 t3, 20 / 3 for t2, t4, t5; the 2 leftover cents go to the earliest largest remainders', () => {
    expectShares(shares('U_SHAPED', journey), [['t1', 0.4], ['t2', 0.2 / 3], ['t3', 0.4], ['t4', 0.2 / 3], ['t5', 0.2 / 3]]);
    expect(cents('U_SHAPED', journey, 1000)).toEqual({ t1: 40_000, t2: 6_667, t3: 40_000, t4: 6_667, t5: 6_666 });
  });

  it('W_SHAPED: 30 t1, 30 t3, 30 t5, 5 each for t2 and t4', () => {
    expect(cents('W_SHAPED', journey, 1000)).toEqual({ t1: 30_000, t2: 5_000, t3: 30_000, t4: 5_000, t5: 30_000 });
  });

  it('TIME_DECAY: ages 28, 21, 14, 7, 0 days -> weights 1/16 .. 1 -> 1/31, 2/31, 4/31, 8/31, 16/31', () => {
    expectShares(shares('TIME_DECAY', journey), [['t1', 1 / 31], ['t2', 2 / 31], ['t3', 4 / 31], ['t4', 8 / 31], ['t5', 16 / 31]]);
    // exact cents 3225.81, 6451.61, 12903.23, 25806.45, 51612.90: 3 cents left -> t5 (.90), t1 (.81), t2 (.61)
    expect(cents('TIME_DECAY', journey, 1000)).toEqual({ t1: 3_226, t2: 6_452, t3: 12_903, t4: 25_806, t5: 51_613 });
  });

  it('every model sums exactly to the amount in cents', () => {
    for (const model of ['FIRST_TOUCH', 'LAST_TOUCH', 'LINEAR', 'U_SHAPED', 'W_SHAPED', 'TIME_DECAY'] as const) {
      for (const amount of [1000, 999.99, 0.01, 123_456.78, 0]) expect(sumCents(model, journey, amount)).toBe(Math.round(amount * 100));
    }
  });
});

describe('shaped models when positions coincide', () => {
  const four = (mqlAt?: number) =>
    ['2026-03-01', '2026-03-08', '2026-03-15', '2026-03-22'].map((day, i) => tp(`p${i + 1}`, `${day}T00:00:00Z`, i % 2 ? 'email' : 'ads', undefined, i === mqlAt));

  it('MQL touch = first touch: U 80 / 6.67 x 3; W first+MQL 60, last 30, 5 + 5', () => {
    expectShares(shares('U_SHAPED', four(0)), [['p1', 0.8], ['p2', 0.2 / 3], ['p3', 0.2 / 3], ['p4', 0.2 / 3]]);
    expect(cents('U_SHAPED', four(0), 1000)).toEqual({ p1: 80_000, p2: 6_667, p3: 6_667, p4: 6_666 });
    expectShares(shares('W_SHAPED', four(0)), [['p1', 0.6], ['p2', 0.05], ['p3', 0.05], ['p4', 0.3]]);
  });

  it('MQL touch = last touch: U 40 / 10 / 10 / 40; W 30 / 5 / 5 / 60', () => {
    expectShares(shares('U_SHAPED', four(3)), [['p1', 0.4], ['p2', 0.1], ['p3', 0.1], ['p4', 0.4]]);
    expectShares(shares('W_SHAPED', four(3)), [['p1', 0.3], ['p2', 0.05], ['p3', 0.05], ['p4', 0.6]]);
  });

  it('no MQL touch flagged: its share is dropped, the rest renormalised (U 2/3 + 1/9 x 3; W 3/7, 1/14, 1/14, 3/7)', () => {
    expectShares(shares('U_SHAPED', four()), [['p1', 2 / 3], ['p2', 1 / 9], ['p3', 1 / 9], ['p4', 1 / 9]]);
    expect(cents('U_SHAPED', four(), 900)).toEqual({ p1: 60_000, p2: 10_000, p3: 10_000, p4: 10_000 });
    expectShares(shares('W_SHAPED', four()), [['p1', 3 / 7], ['p2', 1 / 14], ['p3', 1 / 14], ['p4', 3 / 7]]);
    expect(cents('W_SHAPED', four(), 700)).toEqual({ p1: 30_000, p2: 5_000, p3: 5_000, p4: 30_000 });
  });

  it('three touches, no MQL flagged, W: the middle one is the only "rest" (3/7, 1/7, 3/7)', () => {
    expectShares(shares('W_SHAPED', four().slice(0, 3)), [['p1', 3 / 7], ['p2', 1 / 7], ['p3', 3 / 7]]);
  });

  it('one touch takes 100 % in both; two touches are 50/50 in U whatever is flagged, 1/3 - 2/3 in W with the MQL touch last', () => {
    for (const model of ['U_SHAPED', 'W_SHAPED'] as const) {
      expect(cents(model, four(0).slice(0, 1), 10)).toEqual({ p1: 1_000 });
      expect(cents(model, four().slice(0, 1), 10)).toEqual({ p1: 1_000 });
    }
    expect(cents('U_SHAPED', four(1).slice(0, 2), 100)).toEqual({ p1: 5_000, p2: 5_000 });
    expect(cents('U_SHAPED', four(0).slice(0, 2), 100)).toEqual({ p1: 5_000, p2: 5_000 });
    expect(cents('U_SHAPED', four().slice(0, 2), 100)).toEqual({ p1: 5_000, p2: 5_000 });
    // W: p1 30, p2 30 (MQL) + 30 (last), rest dropped -> 1/3, 2/3; 3333.33 / 6666.67 cents -> 3333 / 6667
    expect(cents('W_SHAPED', four(1).slice(0, 2), 100)).toEqual({ p1: 3_333, p2: 6_667 });
  });

  it('with several flagged touches the latest one is the MQL touch', () => {
    const twice = four(0).map((t, i) => (i === 2 ? { ...t, isMqlTouch: true } : t));
    expectShares(shares('U_SHAPED', twice), [['p1', 0.4], ['p2', 0.1], ['p3', 0.4], ['p4', 0.1]]);
  });
});

describe('attribute edge cases', () => {
  it('orders equal instants by id, so the first touch is deterministic', () => {
    const same = [tp('b', '2026-03-01T00:00:00Z', 'email'), tp('a', '2026-03-01T00:00:00Z', 'ads')];
    expect(attribute('FIRST_TOUCH', same, CREATED, 1)[0].touchpointId).toBe('a');
  });

  it('no touchpoint before the opportunity: no credit', () => {
    expect(attribute('LINEAR', [tp('late', '2026-04-01T00:00:00Z', 'ads')], CREATED, 500)).toEqual([]);
  });

  it('refuses a negative amount, an unknown model, an invalid instant', () => {
    expect(() => attribute('LINEAR', journey, CREATED, -1)).toThrow(DomainRuleError);
    expect(() => attribute('RANDOM' as AttributionModel, journey, CREATED, 1)).toThrow(/RANDOM/);
    expect(() => attribute('LINEAR', [{ id: 'x', at: new Date('x'), channel: 'ads' }], CREATED, 1)).toThrow(/touchpoints\[0\]\.at/);
  });
});

describe('splitCents (largest remainder)', () => {
  it('floors every part and hands the leftover cents to the largest remainders, ties to the earlier part', () => {
    expect(splitCents(10, [1 / 3, 1 / 3, 1 / 3])).toEqual([4, 3, 3]);
    expect(splitCents(100, [0.125, 0.375, 0.5])).toEqual([13, 37, 50]); // 12.5 / 37.5: tie -> the first
    expect(splitCents(1, [0.2, 0.2, 0.6])).toEqual([0, 0, 1]);
    expect(splitCents(500, [])).toEqual([]);
  });
});

describe('aggregateByChannel / aggregateByCampaign', () => {
  const credits = [...attribute('LINEAR', journey, CREATED, 1000), ...attribute('FIRST_TOUCH', [tp('x', '2026-03-02T00:00:00Z', 'email', 'B')], CREATED, 50)];

  it('sums cents per channel, biggest first', () => {
    const byChannel = aggregateByChannel(credits);
    expect(byChannel.map((c) => [c.channel, c.amountCents, c.amount, c.credits])).toEqual([
      ['email', 45_000, 450, 3],
      ['ads', 40_000, 400, 2],
      ['webinar', 20_000, 200, 1],
    ]);
    expect(byChannel[0].share).toBeCloseTo(1.4, 12); // 0.2 + 0.2 + 1 opportunity credited
  });

  it('sums per campaign, touchpoints without a campaign under null, last on equal amounts', () => {
    expect(aggregateByCampaign(credits).map((c) => [c.campaign, c.amountCents])).toEqual([
      ['A', 40_000],
      ['B', 25_000],
      ['C', 20_000],
      [null, 20_000],
    ]);
  });
});

describe('canChangeModel (the model of a period is locked before it starts)', () => {
  const start = d('2026-04-01T04:00:00Z');

  it('allows a change before the start unless locked explicitly', () => {
    expect(canChangeModel(start, d('2026-04-01T03:59:59Z'), false)).toEqual({ allowed: true });
    const locked = canChangeModel(start, d('2026-03-15T00:00:00Z'), true);
    expect(locked.allowed === false && locked.violation.rule).toBe('MODEL_LOCKED');
  });

  it('refuses from the start instant on, locked or not', () => {
    for (const now of ['2026-04-01T04:00:00Z', '2026-05-01T00:00:00Z']) {
      const check = canChangeModel(start, d(now), false);
      expect(check.allowed === false && `${check.violation.field}:${check.violation.rule}`).toBe('model:PERIOD_STARTED');
    }
    expect(isAttributionModelLocked(start, d('2026-04-01T04:00:00Z'), false)).toBe(true);
    expect(isAttributionModelLocked(start, d('2026-03-01T00:00:00Z'), false)).toBe(false);
  });
});
