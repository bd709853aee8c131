import { Client as TemporalClient, Connection } from '@temporalio/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import { join } from 'node:path';
import { runMigrations } from '../libs/persistence/src/data-source';
import { runImport } from '../libs/persistence/src/import/importer';
import { loadKpiContext, measureKpis, resolvePeriod } from '../libs/persistence/src/kpi/kpi-engine';
import { MEASURE_SELECTION, measureMismatches } from './fixtures/kpi/compare';
import { KPI_FIXTURE, loadKpiFixture } from './fixtures/kpi/dataset';
import { KPI_FIXTURE_CASES } from './fixtures/kpi/expected';
import { addLocalDays, BusinessCalendar, DEFAULT_STAGE_DEFINITION_V1, isBusinessDay, localDateOf, planCadence, slaDueAt, StageDefinitionContent, startOfBusinessDay } from '../libs/domain/src';
import { startAdoptedLeads } from '../libs/runtime/src/adopt-leads';
import { DEMO, eventually, gql, gqlOk, sql, stack, tokenFor } from './support/system';

// Historical import (docs/import.md) through the importer itself, in-process (the embedded
// database is served from this process: no child process may connect to it).
const NATIVE = join(__dirname, 'fixtures/import/native');
const PLANTED = join(__dirname, 'fixtures/import/planted-errors');
const RAW_TABLES = ['lead', 'account', 'engagement_event', 'stage_transition', 'routing_decision', 'handoff', 'touch', 'cadence_step', 'sla_clock', 'sla_breach', 'opportunity', 'revenue_target', 'kpi_lead_cycle', 'kpi_routing'];
const NEW_YORK_FEBRUARY = KPI_FIXTURE_CASES.find((c) => c.timeZone === 'America/New_York' && c.period.from === '2025-02-01' && c.asOf === '2025-03-10T00:00:00Z')!;

async function rawCounts(query: (text: string) => Promise<any[]> = (t) => sql(t)): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of RAW_TABLES) out[t] = Number((await query(`SELECT count(*) AS n FROM ${t}`))[0].n);
  return out;
}

describe('historical import', () => {
  let revops: string;
  const jobIds: string[] = [];

  beforeAll(async () => {
    revops = await tokenFor(DEMO('revops'));
    // The KPI fixture is the history the native files describe (loading it is idempotent).
    await loadKpiFixture((text, params) => sql(text, params as unknown[]));
  });
  afterAll(() => gqlOk(`mutation { updateOrganisationSettings(reportingTimeZone: "UTC") { reportingTimeZone } }`, {}, revops));

  it('imports the native fixture over the same history without changing anything, twice', async () => {
    const before = await rawCounts();
    const first = await runImport({ databaseUrl: stack.databaseUrl(), paths: [NATIVE], startedBy: 'import.test' });
    jobIds.push(first.jobId);
    expect(first.status).toBe('SUCCEEDED');
    expect(first.totals.rejected).toBe(0);
    expect(first.totals.read).toBe(203);
    expect(first.totals.skipped).toBe(first.totals.read);
    expect(await rawCounts()).toEqual(before);

    const second = await runImport({ databaseUrl: stack.databaseUrl(), paths: [NATIVE], startedBy: 'import.test' });
    jobIds.push(second.jobId);
    expect(second.totals).toEqual(first.totals);
    expect(await rawCounts()).toEqual(before);
  });

  it('KPIs over GraphQL equal the fixture\'s hand-computed values (New York, February)', async () => {
    const c = NEW_YORK_FEBRUARY;
    await gqlOk(`mutation($z: String!) { updateOrganisationSettings(reportingTimeZone: $z) { reportingTimeZone } }`, { z: c.timeZone }, revops);
    const measures: Record<string, any>[] = [];
    for (const breakdown of [...new Set(c.measures.map((m) => m.breakdown))]) {
      const only = [...new Set(c.measures.filter((m) => m.breakdown === breakdown).map((m) => m.kpi))];
      const data = await gqlOk(
        `query($p: PeriodInput!, $b: KpiBreakdown!, $o: [KpiKey!], $a: DateTime) { kpis(period: $p, breakdown: $b, only: $o, asOf: $a) { measures { ${MEASURE_SELECTION} } } }`,
        { p: c.period, b: breakdown, o: only, a: c.asOf },
        revops,
      );
      measures.push(...data.kpis.measures);
    }
    expect(measureMismatches(c, measures)).toEqual([]);
  });

  it('a dry run of the planted errors reports each one (row, field, rule) and writes nothing', async () => {
    const before = await rawCounts();
    const run = await runImport({ databaseUrl: stack.databaseUrl(), paths: [PLANTED], dryRun: true, startedBy: 'import.test' });
    jobIds.push(run.jobId);
    expect(run.status).toBe('DRY_RUN');
    const got = run.rejections.map((r) => `${r.file}:${r.row}:${r.field}:${r.rule}`);
    expect(got).toEqual(
      expect.arrayContaining([
        'people.csv:3:created_at:ISO_INSTANT_WITH_OFFSET',
        'people.csv:4:email:DUPLICATE_KEY',
        'lifecycle.csv:2:occurred_at:ORDER',
        'lifecycle.csv:4:owner_email:KNOWN_OWNER',
        'lifecycle.csv:5:event:KNOWN_VALUE',
        'lifecycle.csv:6:email:KNOWN_PERSON',
        'opportunities.csv:2:amount:NON_NEGATIVE',
        'touchpoints.csv:1:favourite_colour:UNKNOWN_COLUMN',
      ]),
    );
    expect(got).toHaveLength(8);
    // The valid rows (the first person, its MQL) would import; nothing was written.
    expect(run.files.find((f) => f.file === 'people.csv')).toMatchObject({ read: 3, imported: 1, rejected: 2 });
    expect(await rawCounts()).toEqual(before);
    expect(await sql(`SELECT count(*)::int AS n FROM lead WHERE email LIKE '%@import-errors.test'`)).toEqual([{ n: 0 }]);
    // One row per batch: the duplicate key is found across batches (the keys are kept in the database), the report is the same.
    const single = await runImport({ databaseUrl: stack.databaseUrl(), paths: [PLANTED], dryRun: true, batchSize: 1, startedBy: 'import.test' });
    jobIds.push(single.jobId);
    expect(single.rejections.map((r) => `${r.file}:${r.row}:${r.field}:${r.rule}:${r.message}`).sort()).toEqual(run.rejections.map((r) => `${r.file}:${r.row}:${r.field}:${r.rule}:${r.message}`).sort());
    expect(await rawCounts()).toEqual(before);
  });

  it('importJobs shows the jobs and their rejections to RevOps and refuses a sales rep', async () => {
    const data = await gqlOk(`{ importJobs(limit: 50) { id status dryRun files startedBy rejectionCount counts { file type read imported alreadyPresent rejected } } }`, {}, revops);
    const ours = data.importJobs.filter((j: { id: string }) => jobIds.includes(j.id));
    expect(ours.map((j: { id: string }) => j.id).sort()).toEqual([...jobIds].sort());
    const dry = ours.find((j: { dryRun: boolean }) => j.dryRun);
    expect(dry).toMatchObject({ status: 'DRY_RUN', rejectionCount: 8 });
    const job = await gqlOk(`query($id: ID!) { importJob(id: $id) { id rejections(limit: 3, offset: 1) { file rowNumber field rule message } } }`, { id: dry.id }, revops);
    expect(job.importJob.rejections).toHaveLength(3);
    const lifecycle = ours.find((j: { dryRun: boolean }) => !j.dryRun).counts.find((c: { file: string }) => c.file === 'lifecycle.ndjson');
    expect(lifecycle).toMatchObject({ type: 'lifecycle', read: 136, imported: 0, alreadyPresent: 136, rejected: 0 });

    const rep = await tokenFor(DEMO('rep.berlin'));
    const refused = await gql(`{ importJobs { id } }`, {}, rep);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  // A database without the fixture gets the same KPIs from the files alone, except the two that
  // read the fixture's hand-made rows (cadence steps; a subset of SLA clocks). Needs a server
  // that can create a database: real PostgreSQL (DATABASE_URL), not the embedded one.
  // It is defined only on PostgreSQL; .ci/run runs the system tier there as well as on the embedded database.
  const onPostgres = process.env.DATABASE_URL ? it : () => undefined;
  onPostgres('importing into an empty database gives the fixture\'s KPIs', async () => {
    const url = new URL(stack.databaseUrl());
    const name = `${url.pathname.slice(1)}_import`;
    const admin = new URL(url.toString());
    admin.pathname = '/postgres';
    const c0 = new Client({ connectionString: admin.toString() });
    await c0.connect();
    await c0.query(`DROP DATABASE IF EXISTS ${name}`);
    await c0.query(`CREATE DATABASE ${name}`);
    await c0.end();
    url.pathname = `/${name}`;
    await runMigrations(url.toString());
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const query = async (text: string, params?: unknown[]) => (await db.query(text, params)).rows;
      const empty = { leads: [], engagementEvents: [], handoffs: [], transitions: [], routingDecisions: [], touches: [], cadenceSteps: [], slaClocks: [], slaBreaches: [], opportunities: [], revenueTargets: [] };
      await loadKpiFixture(query, { ...KPI_FIXTURE, ...empty }); // team and users only
      const run = await runImport({ databaseUrl: url.toString(), paths: [NATIVE], now: new Date('2025-03-10T00:00:00Z') });
      expect(run.totals).toMatchObject({ read: 203, imported: 203, rejected: 0 });
      const runner = { query };
      for (const kase of KPI_FIXTURE_CASES) {
        await db.query('UPDATE organisation_settings SET reporting_time_zone = $1', [kase.timeZone]);
        const ctx = await loadKpiContext(runner);
        const period = resolvePeriod(kase.period, kase.timeZone, new Date(kase.asOf));
        const measures: Record<string, any>[] = [];
        for (const b of [...new Set(kase.measures.map((m) => m.breakdown))]) {
          const only = [...new Set(kase.measures.filter((m) => m.breakdown === b).map((m) => m.kpi))];
          measures.push(...((await measureKpis(runner, ctx, period, b as never, only as never)) as unknown as Record<string, any>[]));
        }
        expect({ case: kase.name, mismatches: measureMismatches(kase, measures, ['FOLLOW_UP_COMPLIANCE_STEPS', 'SLA_COMPLIANCE']) }).toEqual({ case: kase.name, mismatches: [] });
      }
      const second = await runImport({ databaseUrl: url.toString(), paths: [NATIVE] });
      expect(second.totals).toMatchObject({ imported: 0, skipped: 203 });
    } finally {
      await db.end();
    }
  });
  it('adopts an imported lead that was routed but not decided: its live workflow runs the accept clock from the imported routing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-adopt-'));
    const email = `adopted.${Date.now()}@import.test`;
    const routedAt = new Date(Date.now() - 2 * 3_600_000);
    const mqlAt = new Date(routedAt.getTime() - 60_000);
    writeFileSync(join(dir, 'people.csv'), `email,first_name,last_name,company,title,industry,company_size,country,source,created_at\n${email},Ada,Adopted,Adopt GmbH,VP Sales,SaaS,400,DE,WEBSITE,${new Date(mqlAt.getTime() - 86_400_000).toISOString()}\n`);
    writeFileSync(
      join(dir, 'lifecycle.ndjson'),
      [
        { email, occurred_at: mqlAt.toISOString(), event: 'MQL', hot: false },
        { email, occurred_at: routedAt.toISOString(), event: 'ROUTED', owner_email: DEMO('rep.berlin') },
      ].map((r) => JSON.stringify(r)).join('\n') + '\n',
    );
    const connection = await Connection.connect({ address: stack.temporalAddress() });
    try {
      const temporal = new TemporalClient({ connection });
      const run = await runImport({ databaseUrl: stack.databaseUrl(), paths: [dir], adopt: (leads) => startAdoptedLeads(temporal, leads) });
      expect(run.totals.rejected).toBe(0);
      expect(run.adoption).toEqual({ candidates: 1, started: 1, alreadyRunning: 0, notAdopted: 0 });
      const [lead] = await sql(`SELECT id, owner_id, stage FROM lead WHERE email = $1`, [email]);
      expect(lead.stage).toBe('MQL');
      // The live workflow's accept clock starts at the imported routing; its deadline is in the rep's business hours.
      const clock = await eventually(async () => (await sql(`SELECT step_key, started_at, due_at, status FROM sla_clock WHERE lead_id = $1 AND kind = 'ACCEPT'`, [lead.id]))[0], 30_000, 'the adopted accept clock');
      expect(clock.step_key.startsWith(`lead:${lead.id}/`)).toBe(true);
      expect(new Date(clock.started_at).toISOString()).toBe(routedAt.toISOString());
      const [rep] = await sql(`SELECT calendar FROM app_user WHERE email = $1`, [DEMO('rep.berlin')]);
      const [active] = await sql(`SELECT content FROM stage_definition WHERE status = 'ACTIVE'`);
      const terms = ((active?.content as StageDefinitionContent) ?? DEFAULT_STAGE_DEFINITION_V1).sla;
      expect(new Date(clock.due_at).toISOString()).toBe(slaDueAt('ACCEPT', terms, rep.calendar as BusinessCalendar, routedAt).toISOString());
      // The import wrote no running clock of its own for it (the workflow owns it), and a re-run adopts nothing twice.
      expect(await sql(`SELECT count(*)::int AS n FROM sla_clock WHERE lead_id = $1 AND step_key LIKE 'import:%' AND status = 'PENDING'`, [lead.id])).toEqual([{ n: 0 }]);
      const described = await temporal.workflow.getHandle(`lead:${lead.id}`).describe();
      expect(described.status.name).toBe('RUNNING');
      const again = await runImport({ databaseUrl: stack.databaseUrl(), paths: [dir], adopt: (leads) => startAdoptedLeads(temporal, leads) });
      expect(again.totals.imported).toBe(0);
    } finally {
      await connection.close();
    }
  });

  it('a run that dies between batches is finished by the next one: nothing lost, nothing twice, even with a one-lead cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-resume-'));
    const tag = Date.now().toString(36);
    const email = (p: string) => `${p}.${tag}@resume.test`;
    // After every as-of of the KPI fixture, whose lead aging counts every open lead. Mon-Fri 09:00-17:00 Berlin (UTC+2 then).
    const rep = DEMO('rep.berlin');
    writeFileSync(
      join(dir, 'people.csv'),
      'email,first_name,last_name,company,created_at\n' + ['a', 'b', 'c'].map((p) => `${email(p)},${p.toUpperCase()},Resume,Resume AG,2025-08-29T08:00:00Z`).join('\n') + '\n',
    );
    // Interleaved by time, as CRM exports are: with a one-lead cache every row reloads its lead.
    const rows = [
      { email: email('a'), occurred_at: '2025-09-01T09:00:00Z', event: 'MQL' },
      { email: email('b'), occurred_at: '2025-09-01T09:05:00Z', event: 'MQL' },
      { email: email('a'), occurred_at: '2025-09-01T09:06:00Z', event: 'ROUTED', owner_email: rep },
      { email: email('b'), occurred_at: '2025-09-01T09:07:00Z', event: 'ROUTED', owner_email: rep },
      { email: email('c'), occurred_at: '2025-09-01T09:10:00Z', event: 'MQL' },
      { email: email('c'), occurred_at: '2025-09-01T09:11:00Z', event: 'ROUTED', owner_email: rep },
      { email: email('a'), occurred_at: '2025-09-01T09:30:00Z', event: 'SALES_TOUCH', owner_email: rep, channel: 'CALL', outcome: 'NO_ANSWER' },
      { email: email('a'), occurred_at: '2025-09-01T10:00:00Z', event: 'ACCEPTED', owner_email: rep },
      { email: email('b'), occurred_at: '2025-09-02T15:00:00Z', event: 'ACCEPTED', owner_email: rep },
      { email: email('b'), occurred_at: '2025-09-02T15:30:00Z', event: 'SALES_TOUCH', owner_email: rep, channel: 'EMAIL', outcome: 'ATTEMPTED', logged_at: '2025-09-03T18:00:00Z' },
    ];
    writeFileSync(join(dir, 'lifecycle.ndjson'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const options = { databaseUrl: stack.databaseUrl(), paths: [dir], batchSize: 2, cacheLeads: 1, now: new Date('2025-10-01T00:00:00Z'), startedBy: 'import.test/resume' };
    const leadIds = async () => (await sql(`SELECT id FROM lead WHERE email LIKE $1 ORDER BY email`, [`%.${tag}@resume.test`])).map((r) => r.id as string);

    // The "crash": the process dies after the second lifecycle batch committed.
    const crash = await runImport({ ...options, onProgress: (p) => { if (p.file === 'lifecycle.ndjson' && p.rows >= 4) throw new Error('killed'); } }).catch((e) => e);
    expect(crash.message).toBe('killed');
    expect(crash.summary.status).toBe('FAILED');
    const ids = await leadIds();
    expect(ids).toHaveLength(3);
    // Its rows are in, the finishing pass is still to do: the leads are on the work list, unprojected.
    expect(await sql(`SELECT count(*)::int AS n FROM import_pending_lead WHERE lead_id = ANY($1::uuid[])`, [ids])).toEqual([{ n: 3 }]);
    expect(await sql(`SELECT count(*)::int AS n FROM routing_decision WHERE lead_id = ANY($1::uuid[])`, [ids])).toEqual([{ n: 2 }]);
    expect(await sql(`SELECT count(*)::int AS n FROM sla_clock WHERE lead_id = ANY($1::uuid[])`, [ids])).toEqual([{ n: 0 }]);

    const resumed = await runImport(options);
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.files.map((f) => [f.file, f.read, f.imported, f.skipped, f.rejected])).toEqual([
      ['people.csv', 3, 0, 3, 0],
      ['lifecycle.ndjson', 10, 6, 4, 0],
    ]);
    expect(await sql(`SELECT count(*)::int AS n FROM import_pending_lead WHERE lead_id = ANY($1::uuid[])`, [ids])).toEqual([{ n: 0 }]);
    const perLead = await sql(
      `SELECT l.email, l.stage, (SELECT count(*)::int FROM stage_transition t WHERE t.lead_id = l.id) AS transitions,
         (SELECT count(*)::int FROM routing_decision r WHERE r.lead_id = l.id) AS routings, (SELECT count(*)::int FROM touch t WHERE t.lead_id = l.id) AS touches,
         (SELECT string_agg(c.kind || ':' || c.status, ',' ORDER BY c.kind) FROM sla_clock c WHERE c.lead_id = l.id) AS clocks,
         (SELECT count(*)::int FROM sla_breach b WHERE b.lead_id = l.id) AS breaches
       FROM lead l WHERE l.id = ANY($1::uuid[]) ORDER BY l.email`,
      [ids],
    );
    expect(perLead).toEqual([
      // FIRST_TOUCH, MQL, SAL; accepted and touched within the hour, the touch logged at once.
      { email: email('a'), stage: 'SAL', transitions: 3, routings: 1, touches: 1, clocks: 'ACCEPT:MET,FIRST_TOUCH_STANDARD:MET,TOUCH_LOGGING:MET', breaches: 0 },
      // Accepted and touched the next afternoon: both clocks breached at their business-hours deadlines; the touch logged 26.5 h later.
      { email: email('b'), stage: 'SAL', transitions: 3, routings: 1, touches: 1, clocks: 'ACCEPT:BREACHED,FIRST_TOUCH_STANDARD:BREACHED,TOUCH_LOGGING:BREACHED', breaches: 3 },
      // Never decided, never touched, long past due (no live workflow adopts it in this run).
      { email: email('c'), stage: 'MQL', transitions: 2, routings: 1, touches: 0, clocks: 'ACCEPT:BREACHED,FIRST_TOUCH_STANDARD:BREACHED', breaches: 2 },
    ]);
    const [b] = await sql(`SELECT due_at FROM sla_clock WHERE lead_id = $1 AND kind = 'ACCEPT'`, [ids[1]]);
    expect(new Date(b.due_at).toISOString()).toBe('2025-09-01T13:07:00.000Z'); // 11:07 Berlin + 4 business hours
    // The late log breaches the logging clock 24 h after the touch, recorded when it was logged (as the live workflow does).
    const [logging] = await sql(`SELECT c.due_at, c.breached_at, b.breached_at AS breach_at FROM sla_clock c JOIN sla_breach b ON b.clock_id = c.id WHERE c.lead_id = $1 AND c.kind = 'TOUCH_LOGGING'`, [ids[1]]);
    expect([logging.due_at, logging.breached_at, logging.breach_at].map((d) => new Date(d).toISOString())).toEqual(['2025-09-03T15:30:00.000Z', '2025-09-03T18:00:00.000Z', '2025-09-03T18:00:00.000Z']);

    // A third run finds everything present and changes nothing.
    const before = await rawCounts();
    const third = await runImport(options);
    expect(third.totals).toMatchObject({ read: 13, imported: 0, skipped: 13, rejected: 0 });
    expect(await rawCounts()).toEqual(before);
  });

  it('adopts a lead in its cadence and one with an open opportunity: the cadence is rebuilt from the acceptance, imported touches fill its steps, the rep works on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-adopt-working-'));
    const tag = Date.now().toString(36);
    const [sal, opp] = [`cadence.${tag}@import.test`, `opportunity.${tag}@import.test`];
    const rep = DEMO('rep.berlin');
    const [{ calendar }] = await sql(`SELECT calendar FROM app_user WHERE email = $1`, [rep]);
    // Accepted on the business day before the latest one that has opened: day 2's LinkedIn step is then in the past, and a live touch can fall in its window.
    const opened = (d: string) => isBusinessDay(calendar, d) && startOfBusinessDay(calendar, d)!.getTime() <= Date.now() - 3_600_000;
    let day2 = localDateOf(new Date(), calendar.timeZone);
    while (!opened(day2)) day2 = addLocalDays(day2, -1);
    let day1 = addLocalDays(day2, -1);
    while (!isBusinessDay(calendar, day1)) day1 = addLocalDays(day1, -1);
    const acceptedAt = new Date(startOfBusinessDay(calendar, day1)!.getTime() + 30 * 60_000);
    const minutes = (m: number) => new Date(acceptedAt.getTime() + m * 60_000).toISOString();
    writeFileSync(join(dir, 'people.csv'), `email,first_name,last_name,company,created_at\n${sal},Sal,Cadence,Cadence AG,${minutes(-600)}\n${opp},Otto,Pportunity,Deal GmbH,${minutes(-600)}\n`);
    const lifecycle = (email: string) => [
      { email, occurred_at: minutes(-120), event: 'MQL' },
      { email, occurred_at: minutes(-60), event: 'ROUTED', owner_email: rep },
      { email, occurred_at: minutes(0), event: 'ACCEPTED', owner_email: rep },
      { email, occurred_at: minutes(10), event: 'SALES_TOUCH', owner_email: rep, channel: 'CALL', outcome: 'NO_ANSWER' },
      { email, occurred_at: minutes(20), event: 'SALES_TOUCH', owner_email: rep, channel: 'EMAIL', outcome: email === opp ? 'REPLIED' : 'ATTEMPTED', logged_at: minutes(30) },
    ];
    writeFileSync(join(dir, 'lifecycle.ndjson'), [...lifecycle(sal), ...lifecycle(opp), { email: opp, occurred_at: minutes(40), event: 'SQL', owner_email: rep }].map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(dir, 'opportunities.csv'), `email,created_at,amount,expected_close_at,status,owner_email\n${opp},${minutes(41)},25000,${new Date(Date.now() + 30 * 86_400_000).toISOString()},OPEN,${rep}\n`);
    const connection = await Connection.connect({ address: stack.temporalAddress() });
    try {
      const temporal = new TemporalClient({ connection });
      const run = await runImport({ databaseUrl: stack.databaseUrl(), paths: [dir], adopt: (leads) => startAdoptedLeads(temporal, leads) });
      expect(run.totals).toMatchObject({ rejected: 0, imported: 14 });
      expect(run.adoption).toEqual({ candidates: 2, started: 2, alreadyRunning: 0, notAdopted: 0 });
      const [s, o] = await Promise.all([sal, opp].map(async (e) => (await sql(`SELECT id, stage FROM lead WHERE email = $1`, [e]))[0]));
      expect([s.stage, o.stage]).toEqual(['SAL', 'OPPORTUNITY']);

      // The cadence the workflow planned from the imported acceptance in the rep's calendar; the imported touches fill steps 1 and 2.
      const [active] = await sql(`SELECT content FROM stage_definition WHERE status = 'ACTIVE'`);
      const plan = planCadence(((active?.content as StageDefinitionContent) ?? DEFAULT_STAGE_DEFINITION_V1).cadence, calendar as BusinessCalendar, acceptedAt);
      const steps = await eventually(async () => {
        const rows = await sql(`SELECT step, channel, due_at, done_at, touch_id FROM cadence_step WHERE lead_id = $1 ORDER BY step`, [s.id]);
        return rows.length === plan.length ? rows : undefined;
      }, 30_000, 'the adopted cadence');
      expect(steps.map((r) => [r.step, r.channel, new Date(r.due_at).toISOString()])).toEqual(plan.map((p) => [p.step, p.channel, p.dueAt.toISOString()]));
      const touches = await sql(`SELECT id, channel, logged_at FROM touch WHERE lead_id = $1 ORDER BY occurred_at`, [s.id]);
      expect(steps.slice(0, 2).map((r) => [r.touch_id, new Date(r.done_at).toISOString()])).toEqual(touches.map((t) => [t.id, new Date(t.logged_at).toISOString()]));
      expect(steps.slice(2).every((r) => r.done_at === null)).toBe(true);
      // Nothing was left to accept and the first touch was made: the live workflow ran no clock of its own.
      expect(await sql(`SELECT count(*)::int AS n FROM sla_clock WHERE lead_id = $1 AND step_key LIKE 'lead:%'`, [s.id])).toEqual([{ n: 0 }]);

      // The owner works on: a LinkedIn touch on day 2 fills day 2's LinkedIn step (its window); the opportunity closes.
      const token = await tokenFor(rep);
      const onDay2 = new Date(startOfBusinessDay(calendar, day2)!.getTime() + 5 * 60_000).toISOString();
      const touched = await gqlOk(`mutation($i: LogTouchInput!) { logTouch(input: $i) { stage } }`, { i: { leadId: s.id, touchId: `t-${tag}`, channel: 'LINKEDIN', outcome: 'ATTEMPTED', occurredAt: onDay2 } }, token);
      expect(touched.logTouch.stage).toBe('SAL');
      const [third] = await sql(`SELECT done_at FROM cadence_step WHERE lead_id = $1 AND step = 3`, [s.id]);
      expect(third.done_at).not.toBeNull();
      const closed = await gqlOk(`mutation($i: CloseOpportunityInput!) { closeOpportunity(input: $i) { stage } }`, { i: { leadId: o.id, won: true, reason: 'Imported and won' } }, token);
      expect(closed.closeOpportunity.stage).toBe('CLOSED_WON');
      expect(await sql(`SELECT status, close_reason FROM opportunity WHERE lead_id = $1`, [o.id])).toEqual([{ status: 'WON', close_reason: 'Imported and won' }]);
    } finally {
      await connection.close();
    }
  });
});
