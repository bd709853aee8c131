import { Client, Connection } from '@temporalio/client';
import { KPI_KEYS, localDateOf, addLocalDays } from '../libs/domain/src';
import { KPI_SNAPSHOT_SCHEDULE_ID } from '../libs/contracts/src';
import { DEMO, eventually, gql, gqlOk, sql, stack, tokenFor, violationsOf } from './support/system';

// The KPI API over HTTP: typed errors for bad input, who may change what, the attribution
// lock, targets on the scorecard, snapshots (on demand and by the Temporal Schedule), CSV.


describe('KPI API', () => {
  let revops: string;
  let rep: string;
  let marketing: string;
  let integration: string;

  beforeAll(async () => {
    [revops, rep, marketing, integration] = await Promise.all([tokenFor(DEMO('revops')), tokenFor(DEMO('rep.berlin')), tokenFor(DEMO('marketing')), tokenFor(DEMO('webforms'))]);
    await gqlOk(`mutation { updateOrganisationSettings(reportingTimeZone: "UTC") { reportingTimeZone } }`, {}, revops);
  });

  it('refuses a bad period, an unknown or unsupported breakdown and a bad time zone with typed errors naming the field', async () => {
    const Q = `query($p: PeriodInput!, $b: KpiBreakdown) { kpis(period: $p, breakdown: $b) { measures { kpi } } }`;
    const backwards = await gql(Q, { p: { from: '2026-05-10', to: '2026-05-01' } }, revops);
    expect(backwards.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(violationsOf(backwards)).toEqual([expect.objectContaining({ field: 'period.to', rule: 'NOT_BEFORE_FROM' })]);

    const tooLong = await gql(Q, { p: { from: '2024-01-01', to: '2026-01-01' } }, revops);
    expect(violationsOf(tooLong)).toEqual([expect.objectContaining({ field: 'period', rule: 'MAX_DAYS' })]);

    const malformed = await gql(Q, { p: { from: '2026-02-30', to: 'tomorrow' } }, revops);
    expect(violationsOf(malformed)?.map((v) => v.field)).toEqual(['period.from', 'period.to']);

    const unknown = await gql(Q, { p: { from: '2026-05-01', to: '2026-05-02' }, b: 'WEATHER' }, revops);
    expect(unknown.errors?.[0]?.message).toMatch(/WEATHER/);

    const unsupported = await gql(`query { kpis(period: { from: "2026-05-01", to: "2026-05-02" }, breakdown: DEAL_SIZE, only: [ACCEPTANCE_RATE]) { measures { kpi } } }`, {}, revops);
    expect(violationsOf(unsupported)).toEqual([expect.objectContaining({ field: 'breakdown', rule: 'SUPPORTED_BREAKDOWN' })]);

    const zone = await gql(`mutation { updateOrganisationSettings(reportingTimeZone: "Mars/Olympus") { reportingTimeZone } }`, {}, revops);
    expect(violationsOf(zone)).toEqual([expect.objectContaining({ field: 'reportingTimeZone', rule: 'IANA_TIME_ZONE' })]);
  });

  it('lets every human role read the same scorecard, but only RevOps set targets; integrations read nothing', async () => {
    const Q = `query { scorecard(period: { from: "2026-01-01", to: "2026-03-31" }) { overall rows { kpi status target } } }`;
    const [asRevops, asRep] = await Promise.all([gqlOk(Q, {}, revops), gqlOk(Q, {}, rep)]);
    expect(asRep).toEqual(asRevops);
    expect(asRevops.scorecard.rows.map((r: { kpi: string }) => r.kpi)).toEqual([...KPI_KEYS]);
    expect((await gql(Q, {}, integration)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const set = `mutation { setKpiTarget(kpi: WIN_RATE, target: 0.3) { kpi target direction } }`;
    expect((await gql(set, {}, marketing)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(set, {}, rep)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('validates targets and shows them on the scorecard', async () => {
    const outOfRange = await gql(`mutation { setKpiTarget(kpi: ACCEPTANCE_RATE, target: 1.5) { kpi } }`, {}, revops);
    expect(violationsOf(outOfRange)).toEqual([expect.objectContaining({ field: 'target', rule: 'RANGE' })]);
    const badBand = await gql(`mutation { setKpiTarget(kpi: SALES_CYCLE, target: 30, amberBand: -1) { kpi } }`, {}, revops);
    expect(violationsOf(badBand)).toEqual([expect.objectContaining({ field: 'amberBand', rule: 'RANGE' })]);
    const badMonth = await gql(`mutation { setRevenueTarget(month: "2026-13", amount: 1000) { month } }`, {}, revops);
    expect(violationsOf(badMonth)?.[0]).toEqual(expect.objectContaining({ field: 'month', rule: 'MONTH' }));
    const negative = await gql(`mutation { setRevenueTarget(month: "2026-01", amount: -5) { month } }`, {}, revops);
    expect(violationsOf(negative)?.[0]).toEqual(expect.objectContaining({ field: 'amount', rule: 'RANGE' }));

    const set = await gqlOk(`mutation { setKpiTarget(kpi: SALES_CYCLE, target: 30) { kpi target direction amberBand setBy } }`, {}, revops);
    expect(set.setKpiTarget).toEqual(expect.objectContaining({ kpi: 'SALES_CYCLE', target: 30, direction: 'BELOW', amberBand: 0.1 }));
    const targets = await gqlOk(`query { kpiTargets { kpi target direction setBy } }`, {}, rep);
    expect(targets.kpiTargets).toEqual(expect.arrayContaining([
      expect.objectContaining({ kpi: 'SALES_CYCLE', target: 30, direction: 'BELOW' }),
      expect.objectContaining({ kpi: 'ACCEPTANCE_RATE', target: 0.9, direction: 'ABOVE', setBy: 'DEFAULT' }),
    ]));
    const card = await gqlOk(`query { scorecard(period: { from: "2026-01-01", to: "2026-01-31" }) { rows { kpi target direction } } }`, {}, rep);
    expect(card.scorecard.rows.find((r: { kpi: string }) => r.kpi === 'SALES_CYCLE')).toEqual({ kpi: 'SALES_CYCLE', target: 30, direction: 'BELOW' });
  });

  it('locks the attribution model of a period from its first instant; overlapping choices are refused', async () => {
    const today = localDateOf(new Date(), 'UTC');
    const nextYearFrom = `${Number(today.slice(0, 4)) + 2}-01-01`;
    const nextYearTo = `${Number(today.slice(0, 4)) + 2}-12-31`;
    const CHOOSE = `mutation($p: PeriodInput!, $m: AttributionModel!) { chooseAttributionModel(period: $p, model: $m) { from to model locked locksAt } }`;
    const first = await gqlOk(CHOOSE, { p: { from: nextYearFrom, to: nextYearTo }, m: 'U_SHAPED' }, revops);
    expect(first.chooseAttributionModel).toEqual(expect.objectContaining({ from: nextYearFrom, model: 'U_SHAPED', locked: false }));
    // Before the period starts the choice may change.
    const changed = await gqlOk(CHOOSE, { p: { from: nextYearFrom, to: nextYearTo }, m: 'W_SHAPED' }, revops);
    expect(changed.chooseAttributionModel.model).toBe('W_SHAPED');
    const overlap = await gql(CHOOSE, { p: { from: `${Number(today.slice(0, 4)) + 2}-06-01`, to: `${Number(today.slice(0, 4)) + 3}-05-31` }, m: 'LINEAR' }, revops);
    expect(violationsOf(overlap)).toEqual([expect.objectContaining({ field: 'period', rule: 'NO_OVERLAP' })]);

    // A period that has started: locked (a choice made before it started stays as it was).
    const started = { from: addLocalDays(today, -3), to: addLocalDays(today, 20) };
    await sql(`DELETE FROM attribution_model_choice WHERE period_from = $1`, [started.from]);
    await sql(`INSERT INTO attribution_model_choice (period_from, period_to, model, locks_at, chosen_by) VALUES ($1, $2, 'LINEAR', $3, 'revops')`, [started.from, started.to, `${started.from}T00:00:00Z`]);
    const locked = await gql(CHOOSE, { p: started, m: 'FIRST_TOUCH' }, revops);
    expect(locked.errors?.[0]?.extensions?.code).toBe('ATTRIBUTION_MODEL_LOCKED');
    const [row] = await sql(`SELECT model FROM attribution_model_choice WHERE period_from = $1`, [started.from]);
    expect(row.model).toBe('LINEAR');
    const tooLate = await gql(CHOOSE, { p: { from: '2020-01-01', to: '2020-01-31' }, m: 'FIRST_TOUCH' }, revops);
    expect(tooLate.errors?.[0]?.extensions?.code).toBe('ATTRIBUTION_MODEL_LOCKED');
    expect((await gql(CHOOSE, { p: { from: nextYearFrom, to: nextYearTo }, m: 'LINEAR' }, marketing)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const report = await gqlOk(`query($p: PeriodInput!) { attribution(period: $p) { chosen { model locked } } }`, { p: { from: started.from, to: started.from } }, rep);
    expect(report.attribution.chosen).toEqual({ model: 'LINEAR', locked: true });
  });

  it('takes snapshots on demand and from the daily Temporal Schedule, once per day', async () => {
    const taken = await gqlOk(
      `mutation { takeKpiSnapshot(period: { from: "2026-01-01", to: "2026-03-31" }, asOf: "2026-04-01T00:00:00Z") { id trigger period { timeZone asOf } measures { kpi breakdown } } }`,
      {},
      revops,
    );
    expect(taken.takeKpiSnapshot.trigger).toBe('ON_DEMAND');
    expect(taken.takeKpiSnapshot.period).toEqual({ timeZone: 'UTC', asOf: '2026-04-01T00:00:00.000Z' });
    expect(taken.takeKpiSnapshot.measures.filter((m: { breakdown: string }) => m.breakdown === 'NONE').map((m: { kpi: string }) => m.kpi)).toEqual([...KPI_KEYS]);
    const one = await gqlOk(`query($id: ID!) { kpiSnapshot(id: $id) { id } }`, { id: taken.takeKpiSnapshot.id }, rep);
    expect(one.kpiSnapshot.id).toBe(taken.takeKpiSnapshot.id);

    const connection = await Connection.connect({ address: stack.temporalAddress() });
    try {
      const handle = new Client({ connection }).schedule.getHandle(KPI_SNAPSHOT_SCHEDULE_ID);
      const description = await handle.describe();
      expect(description.action).toEqual(expect.objectContaining({ workflowType: 'kpiSnapshotWorkflow' }));
      const yesterday = addLocalDays(localDateOf(new Date(), 'UTC'), -1);
      await sql(`DELETE FROM kpi_snapshot WHERE dedupe_key LIKE $1`, [`daily/UTC/${yesterday}/%`]);
      await handle.trigger();
      const daily = await eventually(async () => {
        const rows = await sql(`SELECT period_from::text AS period_from, period_to::text AS period_to FROM kpi_snapshot WHERE trigger = 'DAILY' AND dedupe_key LIKE $1 ORDER BY period_from`, [`daily/UTC/${yesterday}/%`]);
        return rows.length === 2 ? rows : undefined;
      }, 30_000, 'the daily snapshots');
      const days = daily.map((r) => [r.period_from, r.period_to]);
      expect(days).toEqual([[addLocalDays(yesterday, -89), yesterday], [yesterday, yesterday]]);
      // A second run the same day changes nothing.
      await handle.trigger();
      await new Promise((r) => setTimeout(r, 2000));
      const [{ n }] = await sql(`SELECT count(*) AS n FROM kpi_snapshot WHERE dedupe_key LIKE $1`, [`daily/UTC/${yesterday}/%`]);
      expect(Number(n)).toBe(2);
    } finally {
      await connection.close();
    }
  });

  it('exports KPI tables as CSV and answers the other reports', async () => {
    const csv = await gqlOk(`query { kpiCsv(report: SCORECARD, period: { from: "2026-01-01", to: "2026-01-31" }) { filename contentType rows content } }`, {}, marketing);
    expect(csv.kpiCsv.filename).toBe('baton-scorecard-2026-01-01_2026-01-31.csv');
    const lines = csv.kpiCsv.content.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('kpi,label,unit,value,target,direction,status,numerator,denominator,pending');
    expect(lines).toHaveLength(KPI_KEYS.length + 1);
    const missing = await gql(`query { kpiCsv(report: FUNNEL) { content } }`, {}, marketing);
    expect(violationsOf(missing)).toEqual([expect.objectContaining({ field: 'period', rule: 'REQUIRED' })]);
    const aging = await gqlOk(`query { kpiCsv(report: LEAD_AGING) { rows content } }`, {}, marketing);
    expect(aging.kpiCsv.rows).toBe(4 * 6);

    const all = await gqlOk(
      `query($p: PeriodInput!) {
        funnel(period: $p) { stages { stage entered } }
        rejectionMix(period: $p) { rows { code } }
        kpiStack(period: $p) { levels { level status } }
        leakReport(period: $p) { leaks { id priority } }
        slaCompliance(period: $p) { total { kpi } groups { group } }
        followUpCompliance(period: $p) { total { kpi } }
      }`,
      { p: { from: '2026-01-01', to: '2026-01-31' } },
      rep,
    );
    expect(all.funnel.stages.map((s: { stage: string }) => s.stage)).toEqual(['ENGAGED', 'MQL', 'SAL', 'SQL', 'OPPORTUNITY', 'CLOSED_WON']);
    expect(all.kpiStack.levels[0].level).toBe('REVENUE_GOAL');
    expect(all.followUpCompliance.total.map((m: { kpi: string }) => m.kpi)).toEqual(['FOLLOW_UP_COMPLIANCE_LEADS', 'FOLLOW_UP_COMPLIANCE_STEPS']);
  });
});
