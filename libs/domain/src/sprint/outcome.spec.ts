import { findLeaks, KPI_LEAK_ACTIONS, Leak, STALL_LEAK_ACTIONS } from '../kpi/leaks';
import { blueprintActions, KpiMeasureLike, sprintOutcome } from './outcome';
import { SprintPeople } from './plan';
import { violationsOf } from '../testing/rule-violations';

const PEOPLE: SprintPeople = {
  sponsorId: '00000000-0000-4000-8000-000000000001',
  salesLeaderId: '00000000-0000-4000-8000-000000000002',
  marketingLeaderId: '00000000-0000-4000-8000-000000000003',
  revopsOwnerId: '00000000-0000-4000-8000-000000000004',
};


describe('sprintOutcome', () => {
  const baseline: KpiMeasureLike[] = [
    { kpi: 'PIPELINE_VELOCITY', value: 1000 },
    { kpi: 'SALES_CYCLE', value: 40 },
    { kpi: 'WIN_RATE', value: 0.25 },
    { kpi: 'DATA_COMPLETENESS', value: null },
    { kpi: 'SPEED_TO_LEAD', value: 0 },
  ];
  const current: KpiMeasureLike[] = [
    { kpi: 'SPEED_TO_LEAD', value: 30 },
    { kpi: 'PIPELINE_VELOCITY', value: 1180 },
    { kpi: 'SALES_CYCLE', value: 34 },
    { kpi: 'WIN_RATE', value: 0.2 },
    { kpi: 'DATA_COMPLETENESS', value: 0.9 },
    { kpi: 'ACCEPTANCE_RATE', value: 0.92 },
  ];

  it('compares every KPI with its baseline, in catalog order, improvement in its better direction', () => {
    const out = sprintOutcome({ baseline, current, target: { kpi: 'PIPELINE_VELOCITY', changePct: 15 } });
    expect(out.kpis.map((k) => k.kpi)).toEqual(['SPEED_TO_LEAD', 'ACCEPTANCE_RATE', 'DATA_COMPLETENESS', 'WIN_RATE', 'SALES_CYCLE', 'PIPELINE_VELOCITY']);
    const byKpi = Object.fromEntries(out.kpis.map((k) => [k.kpi, k]));
    // 1000 -> 1180: +180 = +18 %.
    expect(byKpi.PIPELINE_VELOCITY).toEqual({ kpi: 'PIPELINE_VELOCITY', baseline: 1000, current: 1180, change: 180, changePct: 18, improved: true });
    // 40 -> 34 days: -6 = -15 %, better (lower is better).
    expect(byKpi.SALES_CYCLE).toEqual({ kpi: 'SALES_CYCLE', baseline: 40, current: 34, change: -6, changePct: -15, improved: true });
    // 0.25 -> 0.2: -0.05 = -20 %, worse.
    expect(byKpi.WIN_RATE.change).toBeCloseTo(-0.05, 12);
    expect(byKpi.WIN_RATE.changePct).toBeCloseTo(-20, 9);
    expect(byKpi.WIN_RATE.improved).toBe(false);
    // A baseline of 0 has a change but no percentage; 0 -> 30 minutes is worse.
    expect(byKpi.SPEED_TO_LEAD).toEqual({ kpi: 'SPEED_TO_LEAD', baseline: 0, current: 30, change: 30, changePct: null, improved: false });
    // Unknown on either side: nothing to say.
    expect(byKpi.DATA_COMPLETENESS).toEqual({ kpi: 'DATA_COMPLETENESS', baseline: null, current: 0.9, change: null, changePct: null, improved: null });
    expect(byKpi.ACCEPTANCE_RATE).toEqual({ kpi: 'ACCEPTANCE_RATE', baseline: null, current: 0.92, change: null, changePct: null, improved: null });
  });

  it('meets a velocity target of +15 % with +18 %, not one of +20 %', () => {
    expect(sprintOutcome({ baseline, current, target: { kpi: 'PIPELINE_VELOCITY', changePct: 15 } })).toMatchObject({
      targetKpi: 'PIPELINE_VELOCITY',
      targetChangePct: 15,
      achievedChangePct: 18,
      targetMet: true,
    });
    expect(sprintOutcome({ baseline, current, target: { kpi: 'PIPELINE_VELOCITY', changePct: 20 } }).targetMet).toBe(false);
  });

  it('counts a decrease for a lower-is-better KPI: sales cycle -15 % meets a 15 % target exactly', () => {
    expect(sprintOutcome({ baseline, current, target: { kpi: 'SALES_CYCLE', changePct: 15 } })).toMatchObject({ achievedChangePct: 15, targetMet: true });
    expect(sprintOutcome({ baseline, current, target: { kpi: 'SALES_CYCLE', changePct: 15.5 } }).targetMet).toBe(false);
    // A worse win rate is a negative achievement.
    const win = sprintOutcome({ baseline, current, target: { kpi: 'WIN_RATE', changePct: 5 } });
    expect(win.achievedChangePct).toBeCloseTo(-20, 9);
    expect(win.targetMet).toBe(false);
  });

  it('does not let float noise miss a target met exactly: 0.3 -> 0.345 is +15 %', () => {
    const out = sprintOutcome({ baseline: [{ kpi: 'MQL_TO_SQL', value: 0.3 }], current: [{ kpi: 'MQL_TO_SQL', value: 0.345 }], target: { kpi: 'MQL_TO_SQL', changePct: 15 } });
    expect(out.achievedChangePct).toBeCloseTo(15, 9);
    expect(out.targetMet).toBe(true);
  });

  it('gives 0 (not -0) for an unchanged lower-is-better KPI', () => {
    const out = sprintOutcome({ baseline: [{ kpi: 'SALES_CYCLE', value: 40 }], current: [{ kpi: 'SALES_CYCLE', value: 40 }], target: { kpi: 'SALES_CYCLE', changePct: 10 } });
    expect(Object.is(out.achievedChangePct, 0)).toBe(true);
    expect(out.kpis[0].improved).toBe(false);
    expect(out.targetMet).toBe(false);
  });

  it('says null, not false, when the target KPI cannot be measured', () => {
    expect(sprintOutcome({ baseline, current, target: { kpi: 'DATA_COMPLETENESS', changePct: 10 } })).toMatchObject({ achievedChangePct: null, targetMet: null });
    expect(sprintOutcome({ baseline, current, target: { kpi: 'SPEED_TO_LEAD', changePct: 10 } })).toMatchObject({ achievedChangePct: null, targetMet: null });
    expect(sprintOutcome({ baseline, current, target: { kpi: 'WIN_RATE', changePct: 10 } }).targetMet).toBe(false);
    expect(sprintOutcome({ baseline: [], current: [], target: { kpi: 'MQL_TO_SQL', changePct: 10 } })).toEqual({
      kpis: [],
      targetKpi: 'MQL_TO_SQL',
      targetChangePct: 10,
      achievedChangePct: null,
      targetMet: null,
    });
  });

  it('throws INVALID_OUTCOME_INPUT naming unknown or repeated KPIs, bad values and a bad target', () => {
    expect(
      violationsOf(() =>
        sprintOutcome({
          baseline: [{ kpi: 'HAPPINESS' as never, value: 1 }, { kpi: 'WIN_RATE', value: 0.2 }, { kpi: 'WIN_RATE', value: 0.3 }],
          current: [{ kpi: 'WIN_RATE', value: Number.NaN }],
          target: { kpi: 'NOPE' as never, changePct: Infinity },
        }),
      ),
    ).toEqual(['baseline[0].kpi:KNOWN_KPI', 'baseline[2].kpi:UNIQUE_KPI', 'current[0].value:FINITE_NUMBER', 'target.kpi:KNOWN_KPI', 'target.changePct:FINITE_NUMBER']);
  });
});

describe('blueprintActions', () => {
  const leak = (over: Partial<Leak> & Pick<Leak, 'id' | 'ownerRole' | 'suggestedAction' | 'slaDays' | 'priority' | 'expectedImpact'>): Leak => ({
    kind: 'KPI_BELOW_TARGET',
    severity: over.slaDays === 7 ? 'RED' : 'AMBER',
    value: 0,
    target: 1,
    gapRatio: 0.5,
    affectedVolume: 1,
    dueLocalDate: null,
    ...over,
  });

  const leaks: Leak[] = [
    leak({ id: 'KPI:PIPELINE_COVERAGE', kpi: 'PIPELINE_COVERAGE', ...KPI_LEAK_ACTIONS.PIPELINE_COVERAGE, slaDays: 7, priority: 'P1', expectedImpact: 50_000 }),
    leak({ id: 'STALL:MQL', kind: 'STAGE_STALL', stage: 'MQL', ...STALL_LEAK_ACTIONS.MQL, slaDays: 7, priority: 'P1', expectedImpact: 12_000.5 }),
    leak({ id: 'KPI:ACCEPTANCE_RATE', kpi: 'ACCEPTANCE_RATE', ...KPI_LEAK_ACTIONS.ACCEPTANCE_RATE, slaDays: 14, priority: 'P2', expectedImpact: 900 }),
    leak({ id: 'KPI:WIN_RATE', kpi: 'WIN_RATE', ...KPI_LEAK_ACTIONS.WIN_RATE, slaDays: 14, priority: 'P3', expectedImpact: 10, dueLocalDate: '2030-01-01' }),
  ];

  it('makes one ranked action per leak, owned by the sprint person of the leak role, due from the M7 date', () => {
    // M7 on Sunday 2026-04-26: +7 days = 2026-05-03, +14 days = 2026-05-10.
    expect(blueprintActions(leaks, { people: PEOPLE, startDate: '2026-04-26' })).toEqual([
      {
        leakId: 'KPI:PIPELINE_COVERAGE',
        title: KPI_LEAK_ACTIONS.PIPELINE_COVERAGE.suggestedAction,
        ownerRole: 'EXECUTIVE',
        ownerId: PEOPLE.sponsorId,
        slaDays: 7,
        dueDate: '2026-05-03',
        priority: 'P1',
        expectedImpact: 50_000,
        rank: 1,
      },
      {
        leakId: 'STALL:MQL',
        title: STALL_LEAK_ACTIONS.MQL.suggestedAction,
        ownerRole: 'REVOPS',
        ownerId: PEOPLE.revopsOwnerId,
        slaDays: 7,
        dueDate: '2026-05-03',
        priority: 'P1',
        expectedImpact: 12_000.5,
        rank: 2,
      },
      {
        leakId: 'KPI:ACCEPTANCE_RATE',
        title: KPI_LEAK_ACTIONS.ACCEPTANCE_RATE.suggestedAction,
        ownerRole: 'MARKETING',
        ownerId: PEOPLE.marketingLeaderId,
        slaDays: 14,
        dueDate: '2026-05-10',
        priority: 'P2',
        expectedImpact: 900,
        rank: 3,
      },
      {
        leakId: 'KPI:WIN_RATE',
        title: KPI_LEAK_ACTIONS.WIN_RATE.suggestedAction,
        ownerRole: 'SALES_MANAGER',
        ownerId: PEOPLE.salesLeaderId,
        slaDays: 14,
        // The leak's own due date is ignored.
        dueDate: '2026-05-10',
        priority: 'P3',
        expectedImpact: 10,
        rank: 4,
      },
    ]);
  });

  it('keeps the order findLeaks gives (by expected impact)', () => {
    const found = findLeaks({
      scorecard: [
        // Gap 0.1 x 100 routings = 10.
        { kpi: 'ACCEPTANCE_RATE', value: 0.81, target: 0.9, direction: 'ABOVE', status: 'AMBER', denominator: 100 },
        // Gap 0.5 x 80 cycles = 40.
        { kpi: 'MQL_TO_SQL', value: 0.125, target: 0.25, direction: 'ABOVE', status: 'RED', denominator: 80 },
      ],
      stalls: [],
      revenueContext: { meanWonDealSize: null, winRate: null },
    });
    const actions = blueprintActions(found, { people: PEOPLE, startDate: '2026-12-28' });
    expect(actions.map((a) => [a.rank, a.leakId, a.expectedImpact, a.dueDate])).toEqual([
      [1, 'KPI:MQL_TO_SQL', 40, '2027-01-04'],
      [2, 'KPI:ACCEPTANCE_RATE', 10, '2027-01-11'],
    ]);
  });

  it('gives an empty blueprint for no leaks', () => {
    expect(blueprintActions([], { people: PEOPLE, startDate: '2026-04-26' })).toEqual([]);
  });

  it('throws INVALID_BLUEPRINT_INPUT for a bad date, an unknown owner role or a bad SLA', () => {
    const bad = { ...leaks[0], ownerRole: 'CEO' as never, slaDays: 1.5 };
    expect(violationsOf(() => blueprintActions([bad], { people: PEOPLE, startDate: '2026-04-31' }))).toEqual([
      'startDate:LOCAL_DATE',
      'leaks[0].ownerRole:LEAK_OWNER_ROLE',
      'leaks[0].slaDays:COUNT',
    ]);
  });
});
