import { BusinessCalendar } from '../business-hours';
import { DomainRuleError } from '../field-violation';
import {
  acceptanceRate,
  ageBucket,
  CadenceStepRecord,
  dataCompleteness,
  DisqualificationRecord,
  followUpComplianceLeads,
  followUpComplianceSteps,
  kpiBy,
  leadAging,
  leadToOpportunityRate,
  MqlRecord,
  mqlToSqlConversion,
  OpportunityRecord,
  outcomeMix,
  pipelineCoverage,
  pipelineVelocity,
  reengagementRate,
  RoutedLeadRecord,
  salesCycle,
  slaCompliance,
  SlaClockRecord,
  speedToLead,
  StageReachedRecord,
  winRate,
} from './formulas';
import { reportingPeriod } from './period';

const d = (s: string) => new Date(s);
const MARCH = reportingPeriod('2026-03-01', '2026-03-31', 'UTC'); // [03-01T00Z, 04-01T00Z)
const nineToFive = [{ start: '09:00', end: '17:00' }];
const weekdays = { 1: nineToFive, 2: nineToFive, 3: nineToFive, 4: nineToFive, 5: nineToFive };
const calendars: Record<string, BusinessCalendar> = {
  ana: { timeZone: 'America/New_York', weekly: weekdays, holidays: [] }, // EDT from 03-08: 09:00 = 13:00Z
  bo: { timeZone: 'Europe/London', weekly: weekdays, holidays: [] }, // GMT in March until the 29th
};
const violationOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainRuleError);
    const v = (e as DomainRuleError).violations[0];
    return `${v.field}:${v.rule}`;
  }
  throw new Error('expected a DomainRuleError');
};

describe('speedToLead', () => {
  const leads: RoutedLeadRecord[] = [
    // Tue 10:00 -> 10:30 EDT: 30 wall, 30 business
    { leadId: 'l1', ownerId: 'ana', routedAt: d('2026-03-10T14:00:00Z'), firstTouchAt: d('2026-03-10T14:30:00Z'), source: 'web' },
    // Tue 16:00 -> Wed 10:00 EDT: 1080 wall, 60 + 60 business
    { leadId: 'l2', ownerId: 'ana', routedAt: d('2026-03-10T20:00:00Z'), firstTouchAt: d('2026-03-11T14:00:00Z'), source: 'web' },
    // Fri 16:30 -> Mon 09:30 EDT: 65 h = 3900 wall, 30 + 30 business
    { leadId: 'l3', ownerId: 'ana', routedAt: d('2026-03-13T20:30:00Z'), firstTouchAt: d('2026-03-16T13:30:00Z'), source: 'event' },
    // Mon 08:00 London (before opening) -> 10:00: 120 wall, 60 business
    { leadId: 'l4', ownerId: 'bo', routedAt: d('2026-03-09T08:00:00Z'), firstTouchAt: d('2026-03-09T10:00:00Z'), source: 'web' },
    // untouched
    { leadId: 'l5', ownerId: 'ana', routedAt: d('2026-03-20T15:00:00Z') },
    // routed before the period
    { leadId: 'l6', ownerId: 'bo', routedAt: d('2026-02-27T10:00:00Z'), firstTouchAt: d('2026-02-27T10:05:00Z') },
    // touched after asOf: still untouched at asOf
    { leadId: 'l7', ownerId: 'ana', routedAt: d('2026-03-25T14:00:00Z'), firstTouchAt: d('2026-04-02T14:00:00Z') },
  ];
  const asOf = d('2026-04-01T12:00:00Z');

  it('measures routed -> first touch in wall-clock and business minutes, median / p90 / mean, untouched apart', () => {
    const r = speedToLead(leads, calendars, MARCH, asOf);
    expect(r.touched).toBe(4);
    expect(r.untouched).toBe(2);
    // wall [30, 120, 1080, 3900]: median (120 + 1080) / 2; p90 at 2.7 = 1080 + 0.7 x 2820; mean 5130 / 4
    expect(r.wallClockMinutes.median).toBe(600);
    expect(r.wallClockMinutes.p90).toBeCloseTo(3054, 9);
    expect(r.wallClockMinutes.mean).toBe(1282.5);
    // business [30, 60, 60, 120]: median 60; p90 = 60 + 0.7 x 60; mean 270 / 4
    expect(r.businessMinutes.median).toBe(60);
    expect(r.businessMinutes.p90).toBeCloseTo(102, 9);
    expect(r.businessMinutes.mean).toBe(67.5);
    expect(r.value).toBe(60);
  });

  it('groups by rep with kpiBy', () => {
    const byRep = kpiBy(leads, (l) => l.ownerId, (g) => speedToLead(g, calendars, MARCH, asOf));
    expect(Object.keys(byRep)).toEqual(['ana', 'bo']);
    expect([byRep.ana.touched, byRep.ana.untouched, byRep.ana.wallClockMinutes.median, byRep.ana.businessMinutes.median]).toEqual([3, 2, 1080, 60]);
    expect([byRep.bo.touched, byRep.bo.untouched, byRep.bo.wallClockMinutes.median, byRep.bo.businessMinutes.median]).toEqual([1, 0, 120, 60]);
    const bySource = kpiBy(leads, (l) => l.source, (g) => speedToLead(g, calendars, MARCH, asOf).touched);
    expect(bySource).toEqual({ '(none)': 0, event: 1, web: 3 });
  });

  it('is null with nothing touched, and refuses a touch before the routing or an owner without calendar', () => {
    const none = speedToLead([leads[4]], calendars, MARCH, asOf);
    expect([none.value, none.wallClockMinutes.p90, none.untouched]).toEqual([null, null, 1]);
    expect(violationOf(() => speedToLead([{ ...leads[0], firstTouchAt: d('2026-03-10T13:00:00Z') }], calendars, MARCH, asOf))).toBe('leads[0].firstTouchAt:NOT_BEFORE_ROUTED_AT');
    expect(violationOf(() => speedToLead([{ ...leads[0], ownerId: 'cy' }], calendars, MARCH, asOf))).toBe('leads[0].ownerId:CALENDAR_KNOWN');
  });
});

describe('acceptanceRate', () => {
  const asOf = d('2026-04-01T00:00:00Z');
  const routings = [
    { leadId: 'a', routedAt: d('2026-03-02T10:00:00Z'), decision: { outcome: 'ACCEPTED' as const, at: d('2026-03-02T11:00:00Z') } },
    { leadId: 'b', routedAt: d('2026-03-03T10:00:00Z'), decision: { outcome: 'ACCEPTED' as const, at: d('2026-03-03T11:00:00Z') } },
    { leadId: 'c', routedAt: d('2026-03-04T10:00:00Z'), decision: { outcome: 'REJECTED' as const, at: d('2026-03-04T11:00:00Z') } },
    { leadId: 'd', routedAt: d('2026-03-31T20:00:00Z'), decision: { outcome: 'REJECTED' as const, at: d('2026-04-02T09:00:00Z') } },
    { leadId: 'e', routedAt: d('2026-03-15T10:00:00Z') },
    { leadId: 'f', routedAt: d('2026-02-28T23:00:00Z'), decision: { outcome: 'REJECTED' as const, at: d('2026-03-01T09:00:00Z') } },
  ];

  it('accepted / (accepted + rejected) of the leads routed in the period; undecided at asOf are pending', () => {
    expect(acceptanceRate(routings, MARCH, asOf)).toEqual({ value: 2 / 3, numerator: 2, denominator: 3, accepted: 2, rejected: 1, pending: 2 });
  });

  it('uses the reporting time zone: 23:00 UTC on 02-28 is not March in UTC but 03-01 in Tokyo', () => {
    const tokyoMarch = reportingPeriod('2026-03-01', '2026-03-31', 'Asia/Tokyo'); // [02-28T15Z, 03-31T15Z)
    const r = acceptanceRate(routings, tokyoMarch, asOf);
    expect([r.accepted, r.rejected, r.pending]).toEqual([2, 2, 1]); // f in, d out (routed 04-01 05:00 Tokyo)
  });

  it('is null, not 0, when nothing was decided', () => {
    expect(acceptanceRate([routings[4]], MARCH, asOf)).toEqual({ value: null, numerator: 0, denominator: 0, accepted: 0, rejected: 0, pending: 1 });
  });
});

describe('cohort rates', () => {
  const mql = (leadId: string, at: string, requiredFieldsComplete = true): MqlRecord => ({ leadId, at: d(at), requiredFieldsComplete });
  const mqls: MqlRecord[] = [
    mql('a', '2026-03-02T10:00:00Z'),
    mql('a', '2026-03-02T10:00:00Z'), // the same MQL delivered twice
    mql('b', '2026-03-05T10:00:00Z', false),
    mql('c', '2026-02-20T10:00:00Z'), // earlier cohort
    mql('d', '2026-03-03T10:00:00Z'),
    mql('d', '2026-03-25T10:00:00Z'), // MQL again after a recycle
    mql('e', '2026-03-10T10:00:00Z'),
    mql('f', '2026-03-12T10:00:00Z', false),
    mql('g', '2026-03-31T23:59:00Z'),
    mql('h', '2026-04-01T00:00:00Z'), // next period
  ];
  const reached: StageReachedRecord[] = [
    { leadId: 'a', stage: 'SQL', at: d('2026-03-10T10:00:00Z') },
    { leadId: 'a', stage: 'OPPORTUNITY', at: d('2026-03-20T10:00:00Z') },
    { leadId: 'c', stage: 'SQL', at: d('2026-03-03T10:00:00Z') },
    { leadId: 'd', stage: 'SQL', at: d('2026-03-28T10:00:00Z') }, // belongs to d's second MQL
    { leadId: 'e', stage: 'SQL', at: d('2026-04-20T10:00:00Z') }, // after asOf
    { leadId: 'f', stage: 'OPPORTUNITY', at: d('2026-03-30T10:00:00Z') }, // implies SQL
  ];
  const asOf = d('2026-04-15T00:00:00Z');

  it('MQL -> SQL: cohort a, b, d(1st), d(2nd), e, f, g; converted a, d(2nd), f', () => {
    expect(mqlToSqlConversion(mqls, reached, MARCH, asOf)).toEqual({ value: 3 / 7, numerator: 3, denominator: 7, cohort: 7 });
  });

  it('lead -> opportunity: converted a, f', () => {
    expect(leadToOpportunityRate(mqls, reached, MARCH, asOf)).toEqual({ value: 2 / 7, numerator: 2, denominator: 7, cohort: 7 });
  });

  it('data completeness: 5 of the 7 MQLs had every required field', () => {
    expect(dataCompleteness(mqls, MARCH, asOf)).toEqual({ value: 5 / 7, numerator: 5, denominator: 7, cohort: 7 });
  });

  it('as of mid-March: only MQLs so far, only stages reached so far', () => {
    // cohort a, b, d(1st), e, f; only a's SQL (03-10) is known by 03-15
    expect(mqlToSqlConversion(mqls, reached, MARCH, d('2026-03-15T00:00:00Z'))).toEqual({ value: 1 / 5, numerator: 1, denominator: 5, cohort: 5 });
  });

  it('is null for an empty cohort', () => {
    expect(mqlToSqlConversion([], reached, MARCH, asOf).value).toBeNull();
  });
});

describe('opportunity KPIs', () => {
  const opp = (id: string, createdAt: string, amount: number, closedAt?: string, outcome?: 'WON' | 'LOST'): OpportunityRecord => ({
    id,
    createdAt: d(createdAt),
    amount,
    ...(closedAt ? { closedAt: d(closedAt), outcome } : {}),
  });
  const opps = [
    opp('o1', '2026-02-01T00:00:00Z', 10_000, '2026-03-03T12:00:00Z', 'WON'), // 30.5 days
    opp('o2', '2026-03-02T00:00:00Z', 5_000, '2026-03-12T00:00:00Z', 'LOST'), // 10 days
    opp('o3', '2026-03-05T00:00:00Z', 20_000, '2026-03-25T06:00:00Z', 'WON'), // 20.25 days
    opp('o4', '2026-01-15T00:00:00Z', 30_000), // open
    opp('o5', '2026-03-20T00:00:00Z', 15_000), // open
    opp('o6', '2026-01-10T00:00:00Z', 8_000, '2026-03-01T00:00:00Z', 'LOST'), // 50 days, closed at the start: never open in March
    opp('o7', '2026-02-01T00:00:00Z', 9_000, '2026-02-20T00:00:00Z', 'WON'), // closed before March
    opp('o8', '2026-04-01T00:00:00Z', 40_000), // created at the end: next period
    opp('o9', '2026-03-10T00:00:00Z', 7_000, '2026-04-01T00:00:00Z', 'WON'), // closed at the end: open through March
  ];

  it('win rate over the opportunities closed in the period (o1, o2, o3, o6)', () => {
    expect(winRate(opps, MARCH)).toEqual({ value: 0.5, numerator: 2, denominator: 4, won: 2, lost: 2 });
  });

  it('sales cycle in days with fractions: median and mean of [10, 20.25, 30.5, 50]', () => {
    expect(salesCycle(opps, MARCH)).toEqual({ value: 25.375, medianDays: 25.375, meanDays: 27.6875, count: 4 });
  });

  it('pipeline velocity N x D x W / L = 6 x 15000 x 0.5 / 27.6875', () => {
    const v = pipelineVelocity(opps, MARCH);
    expect([v.n, v.d, v.w, v.l]).toEqual([6, 15_000, 0.5, 27.6875]); // N: o1 o2 o3 o4 o5 o9
    expect(v.value).toBeCloseTo(45_000 / 27.6875, 9);
    expect(v.value).toBeCloseTo(1625.2822, 4);
  });

  it('pipeline velocity is null (not 0) with nothing closed, and 0 when everything closed was lost', () => {
    const april = reportingPeriod('2026-04-02', '2026-04-30', 'UTC');
    expect(pipelineVelocity(opps, april)).toEqual({ value: null, n: 3, d: null, w: null, l: null }); // o4 o5 o8 open
    const lostOnly = pipelineVelocity([opps[1], opps[3]], MARCH);
    expect([lostOnly.value, lostOnly.w, lostOnly.d]).toEqual([0, 0, null]);
    const instant = pipelineVelocity([opp('z', '2026-03-05T00:00:00Z', 1, '2026-03-05T00:00:00Z', 'WON')], MARCH);
    expect([instant.value, instant.l]).toEqual([null, 0]); // L = 0: undefined
  });

  it('pipeline coverage: open at the end (o4 + o5 + o9 = 52000) / target 20000', () => {
    expect(pipelineCoverage(opps, MARCH, 20_000)).toEqual({ value: 2.6, numerator: 52_000, denominator: 20_000, openPipeline: 52_000, openCount: 3 });
    expect(pipelineCoverage(opps, MARCH, 0).value).toBeNull();
    expect(violationOf(() => pipelineCoverage(opps, MARCH, -1))).toBe('revenueTarget:NON_NEGATIVE_NUMBER');
  });

  it('refuses an outcome without a close, a close before creation, a negative amount', () => {
    expect(violationOf(() => winRate([{ id: 'x', createdAt: d('2026-03-01T00:00:00Z'), amount: 1, outcome: 'WON' }], MARCH))).toBe('opportunities[0].outcome:CLOSED_WITH_OUTCOME');
    expect(violationOf(() => winRate([opp('x', '2026-03-05T00:00:00Z', 1, '2026-03-04T00:00:00Z', 'LOST')], MARCH))).toBe('opportunities[0].closedAt:NOT_BEFORE_CREATED_AT');
    expect(violationOf(() => winRate([opp('x', '2026-03-05T00:00:00Z', -5)], MARCH))).toBe('opportunities[0].amount:NON_NEGATIVE_NUMBER');
  });
});

describe('follow-up compliance', () => {
  const rule = { minTouches: 8, windowDays: 14 };
  const DAY = 86_400_000;
  const FIRST = d('2026-03-05T12:00:00Z');
  const eightTouches = [0, 0, 1, 3, 5, 7, 10, 13].map((days, i) => new Date(FIRST.getTime() + days * DAY + i * 60_000));
  const dq = (leadId: string, at: string, reason: DisqualificationRecord['reason'], touchesAt: Date[]): DisqualificationRecord => ({ leadId, at: d(at), reason, touchesAt });

  it('lead level: complete = >= 8 touches before the disqualification and >= 14 x 24 h since the first', () => {
    const r = followUpComplianceLeads(
      [
        dq('q1', '2026-03-20T12:00:00Z', 'UNRESPONSIVE', eightTouches), // 15 days: compliant
        dq('q2', '2026-03-19T12:00:00Z', 'UNRESPONSIVE', eightTouches), // exactly 14 days: compliant
        dq('q3', '2026-03-19T11:59:00Z', 'UNRESPONSIVE', eightTouches), // a minute short
        dq('q4', '2026-03-25T00:00:00Z', 'UNRESPONSIVE', [...eightTouches.slice(0, 7), d('2026-03-25T00:00:00Z')]), // 8th touch AT the DQ: not before it
        dq('q5', '2026-03-10T00:00:00Z', 'NO_BUDGET', []), // no cadence needed: not counted
        dq('q6', '2026-02-27T00:00:00Z', 'UNRESPONSIVE', []), // before the period
        dq('q7', '2026-03-30T00:00:00Z', 'UNRESPONSIVE', []), // no touch at all
      ],
      MARCH,
      rule,
    );
    expect(r).toEqual({ value: 0.4, numerator: 2, denominator: 5, disqualified: 5, compliant: 2 });
  });

  it('step level: logged by due + 24 h (inclusive); unlogged with grace still running is pending', () => {
    const step = (leadId: string, dueAt: string, loggedAt?: string): CadenceStepRecord => ({ leadId, step: 1, dueAt: d(dueAt), ...(loggedAt ? { loggedAt: d(loggedAt) } : {}) });
    const r = followUpComplianceSteps(
      [
        step('s1', '2026-03-10T21:00:00Z', '2026-03-10T20:00:00Z'), // on time
        step('s2', '2026-03-10T21:00:00Z', '2026-03-11T21:00:00Z'), // at due + 24 h: on time
        step('s3', '2026-03-10T21:00:00Z', '2026-03-11T21:01:00Z'), // late
        step('s4', '2026-03-12T21:00:00Z'), // never logged, grace over: late
        step('s5', '2026-03-31T00:00:00Z'), // grace runs to 04-01T00Z: pending
        step('s6', '2026-03-31T00:00:00Z', '2026-03-31T06:00:00Z'), // on time
        step('s7', '2026-02-28T21:00:00Z', '2026-03-01T01:00:00Z'), // due before the period
        step('s8', '2026-03-30T13:00:00Z', '2026-03-31T13:30:00Z'), // logged after asOf, grace not over at asOf: pending
      ],
      MARCH,
      d('2026-03-31T12:00:00Z'),
    );
    expect(r).toEqual({ value: 0.6, numerator: 3, denominator: 5, onTime: 3, late: 2, pending: 2 });
  });
});

describe('slaCompliance', () => {
  const clock = (kind: SlaClockRecord['kind'], repId: string, dueAt: string, metAt?: string): SlaClockRecord => ({
    kind,
    repId,
    leadId: `${kind}-${dueAt}`,
    dueAt: d(dueAt),
    ...(metAt ? { metAt: d(metAt) } : {}),
  });
  const clocks = [
    clock('ACCEPT', 'ana', '2026-03-10T15:00:00Z', '2026-03-10T14:00:00Z'), // met
    clock('ACCEPT', 'bo', '2026-03-10T15:00:00Z', '2026-03-10T15:00:00Z'), // met at the due instant
    clock('ACCEPT', 'ana', '2026-03-11T15:00:00Z', '2026-03-11T16:00:00Z'), // met late = breached
    clock('FIRST_TOUCH_HOT', 'bo', '2026-03-12T15:00:00Z'), // breached
    clock('FIRST_TOUCH_HOT', 'ana', '2026-03-31T18:00:00Z'), // pending at asOf
    clock('FIRST_TOUCH_DEMO', 'bo', '2026-03-20T15:00:00Z', '2026-03-20T14:50:00Z'), // met
    clock('TOUCH_LOGGING', 'ana', '2026-04-01T00:00:00Z'), // due next period
  ];
  const asOf = d('2026-03-31T12:00:00Z');

  it('met / (met + breached) overall and per kind, pending apart', () => {
    const r = slaCompliance(clocks, MARCH, asOf);
    expect([r.value, r.met, r.breached, r.pending]).toEqual([0.6, 3, 2, 1]);
    expect(r.byKind.ACCEPT).toEqual({ value: 2 / 3, numerator: 2, denominator: 3, met: 2, breached: 1, pending: 0 });
    expect(r.byKind.FIRST_TOUCH_HOT).toEqual({ value: 0, numerator: 0, denominator: 1, met: 0, breached: 1, pending: 1 });
    expect(r.byKind.FIRST_TOUCH_DEMO.value).toBe(1);
    expect(r.byKind.FIRST_TOUCH_STANDARD).toEqual({ value: null, numerator: 0, denominator: 0, met: 0, breached: 0, pending: 0 });
    expect(r.byKind.TOUCH_LOGGING.denominator).toBe(0);
  });

  it('per rep with kpiBy', () => {
    expect(kpiBy(clocks, (c) => c.repId, (g) => slaCompliance(g, MARCH, asOf).value)).toEqual({ ana: 0.5, bo: 2 / 3 });
  });

  it('refuses an unknown kind', () => {
    expect(violationOf(() => slaCompliance([{ ...clocks[0], kind: 'LUNCH' as never }], MARCH, asOf))).toBe('clocks[0].kind:SLA_KIND');
  });
});

describe('reengagementRate', () => {
  it('of the leads recycled in the period, the share with an MQL strictly after the recycle by asOf', () => {
    const mqls: MqlRecord[] = [
      { leadId: 'x', at: d('2026-04-10T00:00:00Z'), requiredFieldsComplete: true }, // back
      { leadId: 'y', at: d('2026-03-06T02:00:00Z'), requiredFieldsComplete: true }, // before its recycle
      { leadId: 'y', at: d('2026-05-10T00:00:00Z'), requiredFieldsComplete: true }, // after asOf
      { leadId: 'w', at: d('2026-03-01T00:00:00Z'), requiredFieldsComplete: true },
      { leadId: 'v', at: d('2026-03-25T10:00:00Z'), requiredFieldsComplete: true }, // same instant as its recycle
    ];
    const recycles = [
      { leadId: 'x', at: d('2026-03-05T10:00:00Z') },
      { leadId: 'y', at: d('2026-03-06T10:00:00Z') },
      { leadId: 'z', at: d('2026-03-20T10:00:00Z') },
      { leadId: 'w', at: d('2026-02-10T10:00:00Z') }, // recycled before the period
      { leadId: 'v', at: d('2026-03-25T10:00:00Z') },
    ];
    expect(reengagementRate(recycles, mqls, MARCH, d('2026-04-30T00:00:00Z'))).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    expect(reengagementRate(recycles, mqls, MARCH, d('2026-04-09T00:00:00Z')).value).toBe(0);
  });
});

describe('lead aging', () => {
  it('buckets by whole days completed', () => {
    expect([0, 7, 7.99, 8, 14.99, 15, 30, 31, 60, 61, 90, 90.5, 91, 400].map(ageBucket)).toEqual([
      '0-7', '0-7', '0-7', '8-14', '8-14', '15-30', '15-30', '31-60', '31-60', '61-90', '61-90', '61-90', '90+', '90+',
    ]);
    expect(() => ageBucket(-1)).toThrow(DomainRuleError);
  });

  it('counts open leads by bucket and by stage at asOf', () => {
    const asOf = d('2026-04-01T00:00:00Z');
    const lead = (leadId: string, stage: string, since: string) => ({ leadId, stage, since: d(since) });
    const r = leadAging(
      [
        lead('1', 'SAL', '2026-03-31T00:00:00Z'), // 1 day
        lead('2', 'SAL', '2026-03-24T00:00:01Z'), // 7.99 days
        lead('3', 'SAL', '2026-03-24T00:00:00Z'), // 8 days
        lead('4', 'MQL', '2026-03-02T00:00:00Z'), // 30 days
        lead('5', 'MQL', '2026-03-01T23:00:00Z'), // 30.04 days
        lead('6', 'SQL', '2026-01-31T00:00:00Z'), // 60 days
        lead('7', 'SQL', '2026-01-01T00:00:00Z'), // 90 days
        lead('8', 'MQL', '2025-12-31T00:00:00Z'), // 91 days
      ],
      asOf,
    );
    expect(r.value).toBe(8);
    expect(r.byBucket).toEqual({ '0-7': 2, '8-14': 1, '15-30': 2, '31-60': 1, '61-90': 1, '90+': 1 });
    expect(Object.keys(r.byStage)).toEqual(['MQL', 'SAL', 'SQL']);
    expect(r.byStage.MQL).toEqual({ '0-7': 0, '8-14': 0, '15-30': 2, '31-60': 0, '61-90': 0, '90+': 1 });
    expect(r.byStage.SAL).toEqual({ '0-7': 2, '8-14': 1, '15-30': 0, '31-60': 0, '61-90': 0, '90+': 0 });
    expect(violationOf(() => leadAging([lead('9', 'MQL', '2026-04-02T00:00:00Z')], asOf))).toBe('leads[0].since:NOT_AFTER_AS_OF');
  });
});

describe('outcomeMix', () => {
  it('counts and shares per code in the period, every code listed', () => {
    const r = outcomeMix(
      [
        { leadId: '1', at: d('2026-03-02T00:00:00Z'), kind: 'REJECTION', code: 'NOT_ICP' },
        { leadId: '2', at: d('2026-03-03T00:00:00Z'), kind: 'REJECTION', code: 'NOT_ICP' },
        { leadId: '3', at: d('2026-03-04T00:00:00Z'), kind: 'REJECTION', code: 'BAD_TIMING' },
        { leadId: '4', at: d('2026-03-05T00:00:00Z'), kind: 'DISQUALIFICATION', code: 'UNRESPONSIVE' },
        { leadId: '5', at: d('2026-03-06T00:00:00Z'), kind: 'DISQUALIFICATION', code: 'NO_BUDGET' },
        { leadId: '6', at: d('2026-02-06T00:00:00Z'), kind: 'REJECTION', code: 'NOT_ICP' }, // earlier period
      ],
      MARCH,
    );
    expect(r.value).toBe(5);
    expect(r.rejections.total).toBe(3);
    expect(r.rejections.byCode).toEqual({ NOT_ICP: 2, NO_ACTIVE_PRIORITY: 0, WRONG_CONTACT: 0, DUPLICATE_ACCOUNT: 0, BAD_TIMING: 1, ALREADY_IN_SEQUENCE: 0 });
    expect(r.rejections.shares.NOT_ICP).toBe(2 / 3);
    expect(r.disqualifications.shares.UNRESPONSIVE).toBe(0.5);
    expect(r.disqualifications.shares.OPTED_OUT).toBe(0);
    expect(outcomeMix([], MARCH).rejections.shares.NOT_ICP).toBeNull();
  });

  it('refuses a code of the wrong kind', () => {
    expect(violationOf(() => outcomeMix([{ leadId: '1', at: d('2026-03-02T00:00:00Z'), kind: 'REJECTION', code: 'UNRESPONSIVE' as never }], MARCH))).toBe('records[0].code:KNOWN_CODE');
  });
});
