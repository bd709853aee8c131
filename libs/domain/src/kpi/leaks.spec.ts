import { KPI_KEYS } from './catalog';
import { findLeaks, KPI_LEAK_ACTIONS, kpiGapRatio, LeakInput, STAGE_STALL_ALLOWANCE_HOURS, STALL_ALLOWANCE_DAYS, stallSeverity } from './leaks';
import { violationsOf as ruleViolationsOf } from '../testing/rule-violations';


// Expected revenue of one more deal: 20000 x 0.25 = 5000.
const context = { meanWonDealSize: 20_000, winRate: 0.25 };

const input: LeakInput = {
  scorecard: [
    // gap (0.9 - 0.72) / 0.9 = 0.2; impact 0.2 x 50 x 5000 = 50000
    { kpi: 'ACCEPTANCE_RATE', value: 0.72, target: 0.9, direction: 'ABOVE', status: 'RED', denominator: 50 },
    // gap 10 / 120 = 0.0833; impact 0.0833 x 40 x 5000 = 16666.67
    { kpi: 'SPEED_TO_LEAD_HOT', value: 130, target: 120, direction: 'BELOW', status: 'AMBER', denominator: 40 },
    // 25 % is not above 25 %: amber with a gap of 0, impact 0
    { kpi: 'MQL_TO_SQL', value: 0.25, target: 0.25, direction: 'ABOVE', status: 'AMBER', denominator: 80 },
    { kpi: 'WIN_RATE', value: 0.3, target: 0.25, direction: 'ABOVE', status: 'GREEN', denominator: 20 },
    // denominator = the revenue target 100000: volume 100000 / 5000 = 20; impact 0.5 x 20 x 5000 = 50000 (= 0.5 x the target)
    { kpi: 'PIPELINE_COVERAGE', value: 1.5, target: 3, direction: 'AT_LEAST', status: 'RED', denominator: 100_000 },
    // no denominator: volume 1; gap 0.5; impact 0.5 x 1 x 5000 = 2500
    { kpi: 'PIPELINE_VELOCITY', value: 500, target: 1000, direction: 'ABOVE', status: 'RED', denominator: null },
    { kpi: 'SALES_CYCLE', value: null, target: 60, direction: 'BELOW', status: 'NONE' },
    // gap (0.8 - 0.25) / 0.8 = 0.6875; impact 0.6875 x 200 x 5000 = 687500
    { kpi: 'FOLLOW_UP_COMPLIANCE_STEPS', value: 0.25, target: 0.8, direction: 'ABOVE', status: 'RED', denominator: 200 },
  ],
  stalls: [
    // median 30 h > 24 h but <= 48 h; aged 2/10 = 20 % <= 25 % -> AMBER; gap max(6/24, 0.2) = 0.25; impact 0.25 x 10 x 5000 = 12500
    { stage: 'MQL', medianHoursInStage: 30, openCount: 10, agedOpenCount: 2 },
    // median within 336 h, but aged 12/40 = 30 % > 25 % -> RED; gap 0.3; impact 0.3 x 40 x 5000 = 60000
    { stage: 'SAL', medianHoursInStage: 200, openCount: 40, agedOpenCount: 12 },
    // within 720 h, nothing aged: no stall
    { stage: 'SQL', medianHoursInStage: 100, openCount: 5, agedOpenCount: 0 },
    // median 4800 h > 2 x 2160 -> RED; gap (4800 - 2160) / 2160 = 1.2222, capped at 1 for the impact: 1 x 8 x 5000 = 40000
    { stage: 'OPPORTUNITY', medianHoursInStage: 4800, openCount: 8, agedOpenCount: 3 },
  ],
  revenueContext: context,
  asOfLocalDate: '2026-03-16',
};

const violationsOf = (fn: () => unknown) => ruleViolationsOf(fn, 'INVALID_KPI_INPUT');

describe('findLeaks: the Revenue Growth Blueprint order', () => {
  it('orders by expected impact and prioritises by severity and the median impact', () => {
    // impacts: 687500, 60000, 50000, 50000, 40000, 16666.67, 12500, 2500, 0 -> median (5th of 9) 40000
    // P1 = RED >= median; P2 = RED below it or AMBER >= it; P3 = AMBER below it.
    // Acceptance and coverage tie at 50000, both RED: by id.
    expect(findLeaks(input).map((l) => [l.id, l.severity, l.expectedImpact, l.priority, l.ownerRole, l.slaDays, l.dueLocalDate])).toEqual([
      ['KPI:FOLLOW_UP_COMPLIANCE_STEPS', 'RED', 687_500, 'P1', 'SALES_MANAGER', 7, '2026-03-23'],
      ['STALL:SAL', 'RED', 60_000, 'P1', 'SALES_MANAGER', 7, '2026-03-23'],
      ['KPI:ACCEPTANCE_RATE', 'RED', 50_000, 'P1', 'MARKETING', 7, '2026-03-23'],
      ['KPI:PIPELINE_COVERAGE', 'RED', 50_000, 'P1', 'EXECUTIVE', 7, '2026-03-23'],
      ['STALL:OPPORTUNITY', 'RED', 40_000, 'P1', 'SALES_MANAGER', 7, '2026-03-23'],
      ['KPI:SPEED_TO_LEAD_HOT', 'AMBER', 16_666.67, 'P3', 'SALES_MANAGER', 14, '2026-03-30'],
      ['STALL:MQL', 'AMBER', 12_500, 'P3', 'REVOPS', 14, '2026-03-30'],
      ['KPI:PIPELINE_VELOCITY', 'RED', 2_500, 'P2', 'EXECUTIVE', 7, '2026-03-23'],
      ['KPI:MQL_TO_SQL', 'AMBER', 0, 'P3', 'MARKETING', 14, '2026-03-30'],
    ]);
  });

  it('describes a KPI leak: value, target, gap, volume and the concrete action', () => {
    const acceptance = findLeaks(input).find((l) => l.id === 'KPI:ACCEPTANCE_RATE')!;
    expect(acceptance).toEqual({
      id: 'KPI:ACCEPTANCE_RATE',
      kind: 'KPI_BELOW_TARGET',
      kpi: 'ACCEPTANCE_RATE',
      severity: 'RED',
      value: 0.72,
      target: 0.9,
      gapRatio: expect.closeTo(0.2, 9),
      affectedVolume: 50,
      suggestedAction: 'Review the top rejection codes with marketing and tighten the MQL criteria in the next stage definition version',
      ownerRole: 'MARKETING',
      slaDays: 7,
      dueLocalDate: '2026-03-23',
      expectedImpact: 50_000,
      priority: 'P1',
    });
    expect(findLeaks(input).find((l) => l.id === 'KPI:SPEED_TO_LEAD_HOT')!.gapRatio).toBeCloseTo(1 / 12, 9);
  });

  it('describes a stall: median hours against the allowance in hours, uncapped gap', () => {
    const opp = findLeaks(input).find((l) => l.id === 'STALL:OPPORTUNITY')!;
    expect(opp).toMatchObject({ kind: 'STAGE_STALL', stage: 'OPPORTUNITY', value: 4800, target: 2160, affectedVolume: 8 });
    expect(opp.gapRatio).toBeCloseTo(2640 / 2160, 9);
    expect(opp.kpi).toBeUndefined();
    expect(opp.suggestedAction).toMatch(/deal review/);
    expect(findLeaks(input).find((l) => l.id === 'STALL:MQL')!.suggestedAction).toMatch(/routing/i);
  });

  it('breaks impact ties by severity (RED first), then by id', () => {
    // No revenue context: value per unit 1. Each impact is 2.
    const leaks = findLeaks({
      scorecard: [
        { kpi: 'SLA_COMPLIANCE', value: 0.875, target: 1, direction: 'AT_LEAST', status: 'AMBER', denominator: 16 }, // 0.125 x 16
        { kpi: 'REENGAGEMENT_RATE', value: 0.25, target: 0.5, direction: 'ABOVE', status: 'RED', denominator: 4 }, // 0.5 x 4
        { kpi: 'DATA_COMPLETENESS', value: 0.75, target: 1, direction: 'ABOVE', status: 'RED', denominator: 8 }, // 0.25 x 8
      ],
      stalls: [],
      revenueContext: { meanWonDealSize: null, winRate: 0.3 },
    });
    expect(leaks.map((l) => [l.id, l.expectedImpact, l.priority, l.dueLocalDate])).toEqual([
      ['KPI:DATA_COMPLETENESS', 2, 'P1', null],
      ['KPI:REENGAGEMENT_RATE', 2, 'P1', null],
      ['KPI:SLA_COMPLIANCE', 2, 'P2', null],
    ]);
  });

  it('turns amount denominators into deals: coverage by the revenue target, influenced pipeline by the deal size', () => {
    const scorecard = [
      // pipeline 400000 = 20 deals of 20000; gap 0.5; 0.5 x 20 x 5000 = 50000
      { kpi: 'MARKETING_INFLUENCED_PIPELINE' as const, value: 0.3, target: 0.6, direction: 'ABOVE' as const, status: 'RED' as const, denominator: 400_000 },
      // revenue target 60000: 0.25 x 60000 = 15000 (= 0.25 x 12 x 5000)
      { kpi: 'PIPELINE_COVERAGE' as const, value: 2.25, target: 3, direction: 'AT_LEAST' as const, status: 'RED' as const, denominator: 60_000 },
    ];
    expect(findLeaks({ scorecard, stalls: [], revenueContext: context }).map((l) => [l.id, l.affectedVolume, l.expectedImpact])).toEqual([
      ['KPI:MARKETING_INFLUENCED_PIPELINE', 20, 50_000],
      ['KPI:PIPELINE_COVERAGE', 12, 15_000],
    ]);
    // Without a deal size an amount cannot be compared with counts: volume 1.
    expect(findLeaks({ scorecard, stalls: [], revenueContext: { meanWonDealSize: null, winRate: 0.25 } }).map((l) => [l.id, l.affectedVolume, l.expectedImpact])).toEqual([
      ['KPI:MARKETING_INFLUENCED_PIPELINE', 1, 0.5],
      ['KPI:PIPELINE_COVERAGE', 1, 0.25],
    ]);
  });

  it('finds nothing when every KPI is green or unmeasured and no stage stalls', () => {
    expect(
      findLeaks({
        scorecard: [
          { kpi: 'WIN_RATE', value: 0.3, target: 0.25, direction: 'ABOVE', status: 'GREEN' },
          { kpi: 'SALES_CYCLE', value: 40, target: null, direction: 'BELOW', status: 'NONE' },
        ],
        stalls: [{ stage: 'MQL', medianHoursInStage: 24, openCount: 3, agedOpenCount: 0 }],
        revenueContext: context,
      }),
    ).toEqual([]);
  });
});

describe('stall rules', () => {
  it('allows 1, 14, 30 and 90 days in MQL, SAL, SQL, OPPORTUNITY', () => {
    expect(STALL_ALLOWANCE_DAYS).toEqual({ MQL: 1, SAL: 14, SQL: 30, OPPORTUNITY: 90 });
    expect(STAGE_STALL_ALLOWANCE_HOURS).toEqual({ MQL: 24, SAL: 336, SQL: 720, OPPORTUNITY: 2160 });
  });

  it('stalls above the allowance or with any aged lead; RED beyond 2x or 25 % aged', () => {
    const sql = (medianHoursInStage: number | null, openCount: number, agedOpenCount: number) => stallSeverity({ stage: 'SQL', medianHoursInStage, openCount, agedOpenCount });
    expect(sql(720, 10, 0)).toBeNull(); // at the allowance
    expect(sql(null, 0, 0)).toBeNull();
    expect(sql(721, 10, 0)).toBe('AMBER');
    expect(sql(1440, 10, 0)).toBe('AMBER'); // 2x is not beyond 2x
    expect(sql(1441, 10, 0)).toBe('RED');
    expect(sql(100, 4, 1)).toBe('AMBER'); // 25 % is not beyond 25 %
    expect(sql(100, 7, 2)).toBe('RED'); // 28.6 %
    expect(sql(null, 3, 1)).toBe('RED'); // 33 %, no lead has left the stage yet
  });

  it('a stall with no open lead still weighs as one lead', () => {
    const [leak] = findLeaks({ scorecard: [], stalls: [{ stage: 'MQL', medianHoursInStage: 36, openCount: 0, agedOpenCount: 0 }], revenueContext: context });
    // gap 12 / 24 = 0.5; 0.5 x 1 x 5000
    expect(leak).toMatchObject({ id: 'STALL:MQL', severity: 'AMBER', gapRatio: 0.5, affectedVolume: 1, expectedImpact: 2500, priority: 'P2' });
  });
});

describe('kpiGapRatio', () => {
  it('is the relative shortfall in the direction of the target, never negative', () => {
    expect(kpiGapRatio(0.6, 0.8, 'ABOVE')).toBeCloseTo(0.25, 12);
    expect(kpiGapRatio(150, 120, 'BELOW')).toBe(0.25);
    expect(kpiGapRatio(0.9, 0.8, 'AT_LEAST')).toBe(0);
    expect(kpiGapRatio(360, 120, 'AT_MOST')).toBe(2); // uncapped here; capped at 1 in the impact
    expect(kpiGapRatio(5, 0, 'AT_MOST')).toBe(1);
  });
});

describe('actions', () => {
  it('every KPI has an owner and a concrete action', () => {
    for (const kpi of KPI_KEYS) {
      expect(KPI_LEAK_ACTIONS[kpi].suggestedAction.length).toBeGreaterThan(40);
      expect(['REVOPS', 'MARKETING', 'SALES_MANAGER', 'EXECUTIVE']).toContain(KPI_LEAK_ACTIONS[kpi].ownerRole);
    }
    expect(KPI_LEAK_ACTIONS.DATA_COMPLETENESS.ownerRole).toBe('MARKETING');
    expect(KPI_LEAK_ACTIONS.SLA_COMPLIANCE.ownerRole).toBe('SALES_MANAGER');
    expect(KPI_LEAK_ACTIONS.PIPELINE_VELOCITY.ownerRole).toBe('EXECUTIVE');
    expect(KPI_LEAK_ACTIONS.FOLLOW_UP_COMPLIANCE_LEADS.suggestedAction).toMatch(/cadence/);
    expect(KPI_LEAK_ACTIONS.SPEED_TO_LEAD_HOT.suggestedAction).toMatch(/route|routing/i);
  });
});

describe('findLeaks: bad input', () => {
  it('names every field it refuses', () => {
    expect(
      violationsOf(() =>
        findLeaks({
          scorecard: [
            { kpi: 'WIN_RATE', value: 0.1, target: 0.2, direction: 'ABOVE', status: 'RED' },
            { kpi: 'WIN_RATE', value: 0.1, target: 0.2, direction: 'UP' as never, status: 'PINK' as never, denominator: -1 },
            { kpi: 'HAPPINESS' as never, value: Number.NaN, target: 1, direction: 'ABOVE', status: 'RED' },
          ],
          stalls: [
            { stage: 'SAL', medianHoursInStage: -1, openCount: 2, agedOpenCount: 3 },
            { stage: 'SAL', medianHoursInStage: 1, openCount: 1.5, agedOpenCount: 0 },
            { stage: 'ENGAGED' as never, medianHoursInStage: null, openCount: 0, agedOpenCount: -1 },
          ],
          revenueContext: { meanWonDealSize: -5, winRate: 2 },
          asOfLocalDate: '2026-02-30',
        }),
      ),
    ).toEqual([
      'scorecard[1].kpi:UNIQUE_KPI',
      'scorecard[1].direction:TARGET_DIRECTION',
      'scorecard[1].status:RAG_STATUS',
      'scorecard[1].denominator:RANGE',
      'scorecard[2].kpi:KNOWN_KPI',
      'scorecard[2].value:FINITE_NUMBER',
      'stalls[0].medianHoursInStage:RANGE',
      'stalls[0].agedOpenCount:NOT_ABOVE_OPEN',
      'stalls[1].stage:UNIQUE_STAGE',
      'stalls[1].openCount:COUNT',
      'stalls[2].stage:STALL_STAGE',
      'stalls[2].agedOpenCount:COUNT',
      'revenueContext.meanWonDealSize:RANGE',
      'revenueContext.winRate:RANGE',
      'asOfLocalDate:LOCAL_DATE',
    ]);
  });
});
