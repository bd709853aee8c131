import { MEASURE_SELECTION, measureMismatches, sameNumber } from './fixtures/kpi/compare';
import { loadKpiFixture } from './fixtures/kpi/dataset';
import { ATTRIBUTION_EXPECTED, FUNNEL_EXPECTED, KPI_FIXTURE_CASES, LEAD_AGING_EXPECTED, REJECTION_MIX_EXPECTED } from './fixtures/kpi/expected';
import { DEMO, gqlOk, sql, tokenFor } from './support/system';

// Every KPI over GraphQL against the hand-computed values of test/fixtures/kpi (events in
// 2025, which no other test writes to), in the organisation's reporting time zone:
// America/New_York and Asia/Tokyo see the 23:30 UTC MQL of Feb 28 on different days.

describe('shared KPIs over the hand-computed fixture', () => {
  let revops: string;
  const zone = (tz: string) => gqlOk(`mutation($z: String!) { updateOrganisationSettings(reportingTimeZone: $z) { reportingTimeZone } }`, { z: tz }, revops);

  beforeAll(async () => {
    revops = await tokenFor(DEMO('revops'));
    await loadKpiFixture((text, params) => sql(text, params as unknown[]));
  });
  afterAll(() => zone('UTC'));

  for (const c of KPI_FIXTURE_CASES) {
    it(`${c.name} (${c.timeZone})`, async () => {
      await zone(c.timeZone);
      const breakdowns = [...new Set(c.measures.map((m) => m.breakdown))];
      const measures: Record<string, any>[] = [];
      for (const breakdown of breakdowns) {
        const only = [...new Set(c.measures.filter((m) => m.breakdown === breakdown).map((m) => m.kpi))];
        const data = await gqlOk(
          `query($p: PeriodInput!, $b: KpiBreakdown!, $o: [KpiKey!], $a: DateTime) { kpis(period: $p, breakdown: $b, only: $o, asOf: $a) { period { timeZone } measures { ${MEASURE_SELECTION} } } }`,
          { p: c.period, b: breakdown, o: only, a: c.asOf },
          revops,
        );
        expect(data.kpis.period.timeZone).toBe(c.timeZone);
        measures.push(...data.kpis.measures);
      }
      const mismatches = measureMismatches(c, measures);
      expect(mismatches).toEqual([]);
    });
  }

  it('funnel: entries, conversion to the next stage and hours in stage', async () => {
    await zone(FUNNEL_EXPECTED.timeZone);
    const data = await gqlOk(
      `query($p: PeriodInput!, $a: DateTime) { funnel(period: $p, asOf: $a) { stages { stage entered wentOn conversion medianHoursInStage meanHoursInStage } } }`,
      { p: FUNNEL_EXPECTED.period, a: FUNNEL_EXPECTED.asOf },
      revops,
    );
    const mismatches = FUNNEL_EXPECTED.stages.flatMap((e) => {
      const a = data.funnel.stages.find((s: { stage: string }) => s.stage === e.stage);
      const checks: [string, number | null, number | null][] = [
        ['entered', a.entered, e.entered],
        ['wentOn', e.wentOn === null ? null : a.wentOn, e.wentOn],
        ['conversion', a.conversion, e.conversion],
        ['medianHours', a.medianHoursInStage, e.medianHours],
        ['meanHours', a.meanHoursInStage, e.meanHours],
      ];
      return checks.filter(([, actual, expected]) => !sameNumber(actual, expected)).map(([field, actual, expected]) => ({ stage: e.stage, field, actual, expected }));
    });
    expect(mismatches).toEqual([]);
  });

  it('lead aging: open leads by stage and days in it at the as-of', async () => {
    const data = await gqlOk(`query($a: DateTime) { leadAging(asOf: $a) { total rows { stage bucket count } } }`, { a: LEAD_AGING_EXPECTED.asOf }, revops);
    expect(data.leadAging.total).toBe(LEAD_AGING_EXPECTED.total);
    const byStage: Record<string, Record<string, number>> = {};
    for (const r of data.leadAging.rows) (byStage[r.stage] ??= {})[r.bucket] = r.count;
    expect(byStage).toEqual(LEAD_AGING_EXPECTED.byStage);
  });

  it('rejection and disqualification mix with the previous period', async () => {
    await zone(REJECTION_MIX_EXPECTED.timeZone);
    const data = await gqlOk(
      `query($p: PeriodInput!, $a: DateTime) { rejectionMix(period: $p, asOf: $a) { rows { kind code count previousCount change } } }`,
      { p: REJECTION_MIX_EXPECTED.period, a: REJECTION_MIX_EXPECTED.asOf },
      revops,
    );
    const of = (kind: string) =>
      data.rejectionMix.rows
        .filter((r: { kind: string }) => r.kind === kind)
        .map((r: { code: string; count: number; previousCount: number }) => ({ code: r.code, count: r.count, previousCount: r.previousCount }))
        .sort((a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code));
    const sorted = (rows: { code: string }[]) => [...rows].sort((a, b) => a.code.localeCompare(b.code));
    expect(of('REJECTION')).toEqual(sorted(REJECTION_MIX_EXPECTED.rejections));
    expect(of('DISQUALIFICATION')).toEqual(sorted(REJECTION_MIX_EXPECTED.disqualifications));
  });

  it('attribution: pipeline and revenue by channel under all six models', async () => {
    await zone(ATTRIBUTION_EXPECTED.timeZone);
    const data = await gqlOk(
      `query($p: PeriodInput!, $a: DateTime) { attribution(period: $p, asOf: $a) { byChannel { model measure key amount } } }`,
      { p: ATTRIBUTION_EXPECTED.period, a: ATTRIBUTION_EXPECTED.asOf },
      revops,
    );
    for (const measure of ['PIPELINE', 'REVENUE'] as const) {
      const expected = measure === 'PIPELINE' ? ATTRIBUTION_EXPECTED.pipeline : ATTRIBUTION_EXPECTED.revenue;
      for (const [model, channels] of Object.entries(expected)) {
        const actual = Object.fromEntries(
          data.attribution.byChannel.filter((t: { model: string; measure: string }) => t.model === model && t.measure === measure).map((t: { key: string; amount: number }) => [t.key, t.amount]),
        );
        expect({ model, measure, channels: actual }).toEqual({ model, measure, channels });
      }
    }
  });
});
