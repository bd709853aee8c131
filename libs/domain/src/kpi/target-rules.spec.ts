import { KPI_KEYS } from './catalog';
import { defaultKpiTargets, proratedRevenueTarget, resolveKpiTarget, validateKpiTarget, validateRevenueTarget } from './target-rules';
import { violationsOf } from '../testing/rule-violations';

const rules = (vs: { field: string; rule: string }[]) => vs.map((v) => `${v.field}:${v.rule}`);

describe('validateKpiTarget', () => {
  it('accepts the brief defaults and targets on each unit', () => {
    expect(validateKpiTarget({ kpi: 'ACCEPTANCE_RATE', target: 0.9, direction: 'ABOVE', amberBand: 0.1 })).toEqual([]);
    expect(validateKpiTarget({ kpi: 'SPEED_TO_LEAD_HOT', target: 120 })).toEqual([]);
    expect(validateKpiTarget({ kpi: 'SALES_CYCLE', target: 45.5, direction: 'AT_MOST' })).toEqual([]);
    expect(validateKpiTarget({ kpi: 'PIPELINE_COVERAGE', target: 3, direction: 'AT_LEAST', amberBand: 0 })).toEqual([]);
    expect(validateKpiTarget({ kpi: 'PIPELINE_VELOCITY', target: 12_500 })).toEqual([]);
  });

  it('takes the ratio bounds 0 and 1 and an amber band of 0 or 1', () => {
    expect(validateKpiTarget({ kpi: 'WIN_RATE', target: 0 })).toEqual([]);
    expect(validateKpiTarget({ kpi: 'SLA_COMPLIANCE', target: 1, amberBand: 1 })).toEqual([]);
  });

  it('refuses an unknown KPI but still checks the other fields', () => {
    expect(rules(validateKpiTarget({ kpi: 'HAPPINESS', target: Number.NaN, direction: 'UP' }))).toEqual(['kpi:KNOWN_KPI', 'target:FINITE_NUMBER', 'direction:TARGET_DIRECTION']);
  });

  it('keeps ratios in [0, 1] and names the value and the range', () => {
    const [v] = validateKpiTarget({ kpi: 'ACCEPTANCE_RATE', target: 90 });
    expect(v).toEqual({ field: 'target', rule: 'RANGE', message: expect.stringContaining('90') });
    expect(v.message).toContain('[0, 1]');
    expect(rules(validateKpiTarget({ kpi: 'MQL_TO_SQL', target: -0.01 }))).toEqual(['target:RANGE']);
  });

  it('keeps minutes, days, multiples and amounts per day above 0', () => {
    expect(rules(validateKpiTarget({ kpi: 'SPEED_TO_LEAD', target: 0 }))).toEqual(['target:RANGE']);
    expect(rules(validateKpiTarget({ kpi: 'SALES_CYCLE', target: -3 }))).toEqual(['target:RANGE']);
    expect(rules(validateKpiTarget({ kpi: 'PIPELINE_COVERAGE', target: 0 }))).toEqual(['target:RANGE']);
    expect(rules(validateKpiTarget({ kpi: 'PIPELINE_VELOCITY', target: -1 }))).toEqual(['target:RANGE']);
    expect(validateKpiTarget({ kpi: 'SPEED_TO_LEAD', target: 0 })[0].message).toContain('> 0');
  });

  it('refuses a non-finite target, an unknown direction and an amber band outside [0, 1]', () => {
    expect(rules(validateKpiTarget({ kpi: 'WIN_RATE', target: Infinity }))).toEqual(['target:FINITE_NUMBER']);
    expect(rules(validateKpiTarget({ kpi: 'WIN_RATE', target: '0.5' as never }))).toEqual(['target:FINITE_NUMBER']);
    expect(rules(validateKpiTarget({ kpi: 'WIN_RATE', target: 0.5, direction: 'above' }))).toEqual(['direction:TARGET_DIRECTION']);
    expect(rules(validateKpiTarget({ kpi: 'WIN_RATE', target: 0.5, amberBand: 1.5 }))).toEqual(['amberBand:RANGE']);
    expect(rules(validateKpiTarget({ kpi: 'WIN_RATE', target: 0.5, amberBand: -0.1 }))).toEqual(['amberBand:RANGE']);
    expect(validateKpiTarget({ kpi: 'WIN_RATE', target: 0.5, amberBand: 1.5 })[0].message).toMatch(/1\.5.*\[0, 1\]/);
  });
});

describe('resolveKpiTarget', () => {
  it('defaults the direction to the catalog and the amber band to 10 %', () => {
    expect(resolveKpiTarget({ kpi: 'SALES_CYCLE', target: 40 })).toEqual({ kpi: 'SALES_CYCLE', target: 40, direction: 'BELOW', amberBand: 0.1 });
    expect(resolveKpiTarget({ kpi: 'WIN_RATE', target: 0.3, direction: 'AT_LEAST', amberBand: 0.2 })).toEqual({
      kpi: 'WIN_RATE',
      target: 0.3,
      direction: 'AT_LEAST',
      amberBand: 0.2,
    });
  });

  it('throws INVALID_TARGET with every violation', () => {
    expect(violationsOf(() => resolveKpiTarget({ kpi: 'ACCEPTANCE_RATE', target: 1.2, amberBand: 2 }))).toEqual(['target:RANGE', 'amberBand:RANGE']);
  });
});

describe('defaultKpiTargets', () => {
  it('holds the brief defaults and null for every other KPI', () => {
    const t = defaultKpiTargets();
    expect(Object.keys(t)).toEqual([...KPI_KEYS]);
    expect(t.SPEED_TO_LEAD_HOT).toEqual({ target: 120, direction: 'BELOW', amberBand: 0.1 });
    expect(t.ACCEPTANCE_RATE).toEqual({ target: 0.9, direction: 'ABOVE', amberBand: 0.1 });
    expect(t.MQL_TO_SQL).toEqual({ target: 0.25, direction: 'ABOVE', amberBand: 0.1 });
    expect(t.LEAD_TO_OPPORTUNITY).toEqual({ target: 0.2, direction: 'ABOVE', amberBand: 0.1 });
    expect(t.PIPELINE_COVERAGE).toEqual({ target: 3, direction: 'AT_LEAST', amberBand: 0.1 });
    expect(KPI_KEYS.filter((k) => t[k] === null)).toHaveLength(KPI_KEYS.length - 5);
    expect(t.WIN_RATE).toBeNull();
  });

  it('returns a fresh object each time', () => {
    const a = defaultKpiTargets();
    a.ACCEPTANCE_RATE!.target = 0.5;
    expect(defaultKpiTargets().ACCEPTANCE_RATE!.target).toBe(0.9);
  });

  it('every default is itself a valid target', () => {
    const t = defaultKpiTargets();
    for (const kpi of KPI_KEYS) {
      const s = t[kpi];
      if (s) expect(validateKpiTarget({ kpi, ...s })).toEqual([]);
    }
  });
});

describe('validateRevenueTarget', () => {
  it('accepts a YYYY-MM month and a positive amount', () => {
    expect(validateRevenueTarget({ month: '2025-01', amount: 31_000 })).toEqual([]);
    expect(validateRevenueTarget({ month: '2025-12', amount: 0.01 })).toEqual([]);
  });

  it('refuses other months and amounts, naming the value', () => {
    expect(rules(validateRevenueTarget({ month: '2025-13', amount: 0 }))).toEqual(['month:MONTH', 'amount:RANGE']);
    expect(rules(validateRevenueTarget({ month: '2025-1', amount: -5 }))).toEqual(['month:MONTH', 'amount:RANGE']);
    expect(rules(validateRevenueTarget({ month: '2025-01-01', amount: Number.NaN }))).toEqual(['month:MONTH', 'amount:RANGE']);
    expect(rules(validateRevenueTarget({ month: '2025-00', amount: Infinity }))).toEqual(['month:MONTH', 'amount:RANGE']);
    const [m, a] = validateRevenueTarget({ month: '2025-13', amount: -5 });
    expect(m.message).toContain("'2025-13'");
    expect(a.message).toMatch(/-5.*from 0.01/);
  });
});

describe('proratedRevenueTarget (both dates included)', () => {
  const targets = [
    { month: '2024-12', amount: 50_000 },
    { month: '2025-01', amount: 31_000 },
    { month: '2025-02', amount: 28_000 },
    { month: '2025-03', amount: 62_000 },
  ];

  it('2025-01-15..2025-03-10 = 31000 x 17/31 + 28000 x 28/28 + 62000 x 10/31 = 17000 + 28000 + 20000', () => {
    expect(proratedRevenueTarget({ fromLocalDate: '2025-01-15', toLocalDate: '2025-03-10' }, targets)).toBe(65_000);
  });

  it('a whole month is its target; one day is a day of it', () => {
    expect(proratedRevenueTarget({ fromLocalDate: '2025-02-01', toLocalDate: '2025-02-28' }, targets)).toBe(28_000);
    expect(proratedRevenueTarget({ fromLocalDate: '2025-03-31', toLocalDate: '2025-03-31' }, targets)).toBe(2_000);
  });

  it('crosses a year end: 2024-12-17..2025-01-01 = 50000 x 15/31 + 31000 x 1/31', () => {
    // 750000 / 31 + 1000 = 24193.548... + 1000
    expect(proratedRevenueTarget({ fromLocalDate: '2024-12-17', toLocalDate: '2025-01-01' }, targets)).toBeCloseTo(25_193.548387, 5);
  });

  it('counts 29 days in a leap February', () => {
    // 29000 x 10 / 29
    expect(proratedRevenueTarget({ fromLocalDate: '2024-02-20', toLocalDate: '2024-02-29' }, [{ month: '2024-02', amount: 29_000 }])).toBe(10_000);
  });

  it('is null when a covered month has no target; months outside the period do not matter', () => {
    expect(proratedRevenueTarget({ fromLocalDate: '2025-03-20', toLocalDate: '2025-04-02' }, targets)).toBeNull();
    expect(proratedRevenueTarget({ fromLocalDate: '2025-01-01', toLocalDate: '2025-01-31' }, [])).toBeNull();
    expect(proratedRevenueTarget({ fromLocalDate: '2025-01-01', toLocalDate: '2025-01-31' }, [{ month: '2025-01', amount: 31_000 }, { month: '2030-06', amount: 1 }])).toBe(31_000);
  });

  it('refuses a malformed or reversed period and bad or repeated targets', () => {
    expect(violationsOf(() => proratedRevenueTarget({ fromLocalDate: '2025-02-30', toLocalDate: '2025-03-01' }, targets))).toEqual(['period.from:LOCAL_DATE']);
    expect(violationsOf(() => proratedRevenueTarget({ fromLocalDate: '2025-03-02', toLocalDate: '2025-03-01' }, targets))).toEqual(['period.to:NOT_BEFORE_FROM']);
    expect(violationsOf(() => proratedRevenueTarget({ fromLocalDate: '2025-01-01', toLocalDate: '2025-01-31' }, [{ month: '2025-1', amount: 0 }]))).toEqual([
      'monthly[0].month:MONTH',
      'monthly[0].amount:RANGE',
    ]);
    expect(
      violationsOf(() =>
        proratedRevenueTarget({ fromLocalDate: '2025-01-01', toLocalDate: '2025-01-31' }, [
          { month: '2025-01', amount: 1 },
          { month: '2025-01', amount: 2 },
        ]),
      ),
    ).toEqual(['monthly[1].month:UNIQUE_MONTH']);
  });
});
