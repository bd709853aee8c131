import { KpiStackFunnelLevel, kpiStack, KpiStackInput } from './kpi-stack';
import { violationsOf as ruleViolationsOf } from '../testing/rule-violations';


/** Just the funnel part, as [level, required, actual, gap, status]. */
const funnel = (input: KpiStackInput) =>
  kpiStack(input)
    .levels.filter((l): l is KpiStackFunnelLevel => l.level !== 'EXECUTION')
    .map((l) => [l.level, l.required, l.actual, l.gap, l.status]);

const base: KpiStackInput = {
  revenueGoal: 100_000,
  coverageTarget: 3,
  winRate: 0.25,
  meanWonDealSize: 25_000,
  leadToOpportunity: 0.2,
  mqlToSql: 0.25,
  actual: { openPipeline: 280_000, opportunitiesCreated: 13, sqls: 10, mqls: 55 },
  execution: [],
};

const violationsOf = (fn: () => unknown) => ruleViolationsOf(fn, 'INVALID_KPI_INPUT');

describe('kpiStack: revenue goal -> pipeline -> funnel volumes', () => {
  it('derives each level from the one above at the actual rates', () => {
    // pipeline 100000 x 3 = 300000, open 280000: gap 20000, 280000 >= 270000 (90 %) -> AMBER
    // opportunities 300000 / 25000 = 12, created 13 -> GREEN, gap -1
    // SQL->opp = 0.2 / 0.25 = 0.8; SQLs 12 / 0.8 = 15, actual 10 < 13.5 -> RED, gap 5
    // MQLs 15 / 0.25 = 60, actual 55 >= 54 -> AMBER, gap 5
    expect(funnel(base)).toEqual([
      ['REVENUE_GOAL', 100_000, null, null, 'NONE'],
      ['PIPELINE_REQUIREMENT', 300_000, 280_000, 20_000, 'AMBER'],
      ['OPPORTUNITIES_NEEDED', 12, 13, -1, 'GREEN'],
      ['SQLS_NEEDED', 15, 10, 5, 'RED'],
      ['MQLS_NEEDED', 60, 55, 5, 'AMBER'],
    ]);
    const stack = kpiStack(base);
    expect(stack.sqlToOpportunity).toBe(0.8);
    expect(stack.coverageTarget).toBe(3);
    expect(stack.impliedCoverage).toBe(4); // 1 / 0.25
    expect(stack.levels.map((l) => (l.level === 'EXECUTION' ? null : l.basis))).toEqual([null, 3, 25_000, 0.8, 0.25]);
  });

  it('rounds counts up and derives the next level from the rounded count', () => {
    // 300000 / 35000 = 8.57 -> 9; 9 / 0.8 = 11.25 -> 12; 12 / 0.25 = 48
    expect(funnel({ ...base, meanWonDealSize: 35_000, actual: { openPipeline: 300_000, opportunitiesCreated: 9, sqls: 11, mqls: 48 } })).toEqual([
      ['REVENUE_GOAL', 100_000, null, null, 'NONE'],
      ['PIPELINE_REQUIREMENT', 300_000, 300_000, 0, 'GREEN'],
      ['OPPORTUNITIES_NEEDED', 9, 9, 0, 'GREEN'],
      ['SQLS_NEEDED', 12, 11, 1, 'AMBER'], // 11 >= 10.8
      ['MQLS_NEEDED', 48, 48, 0, 'GREEN'],
    ]);
  });

  it('does not round float noise up: 2 / (0.03 / 0.33) = 22.000000000000004 needs 22 SQLs', () => {
    // 20000 x 3 = 60000; / 30000 = 2 opportunities; 22 SQLs; 22 / 0.33 = 66.67 -> 67 MQLs
    const levels = funnel({ ...base, revenueGoal: 20_000, meanWonDealSize: 30_000, leadToOpportunity: 0.03, mqlToSql: 0.33 });
    expect(levels.map((l) => l[1])).toEqual([20_000, 60_000, 2, 22, 67]);
  });

  it('uses a 3x coverage target by default', () => {
    const { coverageTarget, levels } = kpiStack({ ...base, coverageTarget: undefined });
    expect(coverageTarget).toBe(3);
    expect(levels[1]).toMatchObject({ required: 300_000 });
    expect(kpiStack({ ...base, coverageTarget: 4 }).levels[1]).toMatchObject({ required: 400_000, gap: 120_000, status: 'RED' });
  });

  it('is NONE from the first missing input down: no goal, no deal size, a rate of 0 or null', () => {
    expect(funnel({ ...base, revenueGoal: null }).map((l) => [l[1], l[4]])).toEqual([
      [null, 'NONE'],
      [null, 'NONE'],
      [null, 'NONE'],
      [null, 'NONE'],
      [null, 'NONE'],
    ]);
    expect(funnel({ ...base, meanWonDealSize: null }).map((l) => l[1])).toEqual([100_000, 300_000, null, null, null]);
    expect(funnel({ ...base, leadToOpportunity: 0 }).map((l) => l[1])).toEqual([100_000, 300_000, 12, null, null]);
    expect(funnel({ ...base, mqlToSql: null }).map((l) => l[1])).toEqual([100_000, 300_000, 12, null, null]);
    const noRate = kpiStack({ ...base, mqlToSql: 0, winRate: 0 });
    expect(noRate.sqlToOpportunity).toBeNull();
    expect(noRate.impliedCoverage).toBeNull();
    // The actual is still reported, without a gap.
    expect(noRate.levels[4]).toMatchObject({ required: null, actual: 55, gap: null, status: 'NONE' });
  });
});

describe('kpiStack: execution metrics', () => {
  it('passes them through after the funnel with their RAG against their own targets', () => {
    const stack = kpiStack({
      ...base,
      execution: [
        { kpi: 'SPEED_TO_LEAD_HOT', value: 150, target: 120 }, // BELOW by default; 150 > 132 -> RED
        { kpi: 'ACCEPTANCE_RATE', value: 0.85, target: 0.9 }, // ABOVE; 0.85 >= 0.81 -> AMBER
        { kpi: 'SLA_COMPLIANCE', value: 0.95, target: 0.95, direction: 'AT_LEAST' }, // met -> GREEN
        { kpi: 'FOLLOW_UP_COMPLIANCE_STEPS', value: 0.25, target: null }, // no target -> NONE
        { kpi: 'FOLLOW_UP_COMPLIANCE_LEADS', value: 0.7, target: 0.8, amberBand: 0.2 }, // 0.7 >= 0.64 -> AMBER
      ],
    });
    expect(stack.levels.map((l) => l.level)).toEqual([
      'REVENUE_GOAL',
      'PIPELINE_REQUIREMENT',
      'OPPORTUNITIES_NEEDED',
      'SQLS_NEEDED',
      'MQLS_NEEDED',
      'EXECUTION',
      'EXECUTION',
      'EXECUTION',
      'EXECUTION',
      'EXECUTION',
    ]);
    expect(stack.levels.slice(5)).toEqual([
      { level: 'EXECUTION', kpi: 'SPEED_TO_LEAD_HOT', unit: 'BUSINESS_MINUTES', value: 150, target: 120, direction: 'BELOW', amberBand: 0.1, status: 'RED' },
      { level: 'EXECUTION', kpi: 'ACCEPTANCE_RATE', unit: 'RATIO', value: 0.85, target: 0.9, direction: 'ABOVE', amberBand: 0.1, status: 'AMBER' },
      { level: 'EXECUTION', kpi: 'SLA_COMPLIANCE', unit: 'RATIO', value: 0.95, target: 0.95, direction: 'AT_LEAST', amberBand: 0.1, status: 'GREEN' },
      { level: 'EXECUTION', kpi: 'FOLLOW_UP_COMPLIANCE_STEPS', unit: 'RATIO', value: 0.25, target: null, direction: 'ABOVE', amberBand: 0.1, status: 'NONE' },
      { level: 'EXECUTION', kpi: 'FOLLOW_UP_COMPLIANCE_LEADS', unit: 'RATIO', value: 0.7, target: 0.8, direction: 'ABOVE', amberBand: 0.2, status: 'AMBER' },
    ]);
  });
});

describe('kpiStack: bad input', () => {
  it('names every field it refuses', () => {
    expect(
      violationsOf(() =>
        kpiStack({
          ...base,
          revenueGoal: -1,
          coverageTarget: 0,
          mqlToSql: 1.5,
          actual: { openPipeline: 0, opportunitiesCreated: -1, sqls: Number.NaN, mqls: 0 },
          execution: [{ kpi: 'HAPPINESS' as never, value: 1, target: 1, direction: 'UP' as never }],
        }),
      ),
    ).toEqual([
      'revenueGoal:RANGE',
      'coverageTarget:RANGE',
      'mqlToSql:RANGE',
      'actual.opportunitiesCreated:RANGE',
      'actual.sqls:RANGE',
      'execution[0].kpi:KNOWN_KPI',
      'execution[0].direction:TARGET_DIRECTION',
    ]);
  });
});
