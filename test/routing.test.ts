import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { RoutingActivitiesImpl, routeLeadInTransaction } from '../apps/worker/src/activities/routing.activities';
import type { RouteLeadResult } from '../libs/contracts/src';
import type { RoutingTraceEntry } from '../libs/domain/src';
import { dataSourceOptions } from '../libs/persistence/src';
import { DEMO, gql, gqlOk, sql, stack, tokenFor } from './support/system';

/*
 * Routing (domain brief §3) against the real database: the worker's routeLead activity run
 * directly, and the routing/rep configuration over GraphQL against the running API.
 *
 * Rules are global and other suites route leads at the same time, so everything here is
 * namespaced by TAG: rules sit at positions far before the demo rules and match only the
 * industries invented below; the one rule that would catch everyone (a FALLBACK) exists
 * only inside a transaction that is rolled back. Everything is removed in afterAll.
 */
const TAG = `rt${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const BASE = -(100_000 + Math.floor(Math.random() * 800_000));
const industry = (name: string) => `TestIndustry-${TAG}-${name}`;
const weekdays = (timeZone: string) => ({ timeZone, weekly: { 1: [{ start: '09:00', end: '17:00' }], 2: [{ start: '09:00', end: '17:00' }] }, holidays: [] });

let ds: DataSource;
let activity: RoutingActivitiesImpl;
let managerId: string;
let seq = 0;

async function rep(name: string, o: { active?: boolean; maxOpenLeads?: number; managerId?: string | null; teamId?: string | null; calendar?: unknown } = {}): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `INSERT INTO app_user (email, name, role, active, max_open_leads, manager_id, team_id, calendar) VALUES ($1, $2, 'SALES_REP', $3, $4, $5, $6, $7) RETURNING id`,
    [`${name}.${TAG}@test.baton.dev`, `${name} ${TAG}`, o.active ?? true, o.maxOpenLeads ?? 1000, o.managerId === undefined ? managerId : o.managerId, o.teamId ?? null, JSON.stringify(o.calendar ?? weekdays('Europe/Berlin'))],
  );
  return row.id;
}

async function pool(name: string, repIds: string[]): Promise<string> {
  const [row] = await sql<{ id: string }>(`INSERT INTO routing_pool (name, strategy, rep_ids) VALUES ($1, 'ROUND_ROBIN', $2::uuid[]) RETURNING id`, [`${TAG}-${name}`, repIds]);
  return row.id;
}

async function rule(offset: number, kind: string, o: { industries?: string[]; poolId?: string } = {}): Promise<string> {
  const [row] = await sql<{ id: string }>(`INSERT INTO routing_rule (position, name, kind, criteria, pool_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
    BASE + offset,
    `${TAG} ${kind} ${offset}`,
    kind,
    JSON.stringify(o.industries ? { industries: o.industries } : {}),
    o.poolId ?? null,
  ]);
  return row.id;
}

async function lead(ind: string, o: { email?: string; ownerId?: string; stage?: string } = {}): Promise<string> {
  seq += 1;
  const [row] = await sql<{ id: string }>(
    `INSERT INTO lead (email, source, workflow_id, stage, industry, country, owner_id) VALUES ($1, 'WEBSITE', 'routing-test', $2, $3, 'DE', $4) RETURNING id`,
    [o.email ?? `lead${seq}.${TAG}@example.com`, o.stage ?? 'MQL', ind, o.ownerId ?? null],
  );
  return row.id;
}

const cursorOf = async (poolId: string) => Number((await sql<{ cursor: string }>('SELECT cursor FROM routing_pool WHERE id = $1', [poolId]))[0].cursor);
const stepOf = (r: RouteLeadResult, ruleId: string) => (r.trace as RoutingTraceEntry[]).find((s) => s.ruleId === ruleId)!;
const route = (leadId: string, o: { stepKey?: string; excludeRepIds?: string[]; hot?: boolean } = {}) =>
  activity.routeLead({ leadId, stepKey: o.stepKey ?? `lead:${leadId}/route1`, at: new Date().toISOString(), hot: o.hot ?? false, excludeRepIds: o.excludeRepIds });

const ids: Record<string, string> = {};

beforeAll(async () => {
  ds = await new DataSource(dataSourceOptions(stack.databaseUrl(), 10)).initialize();
  activity = new RoutingActivitiesImpl(ds);
  managerId = (await sql<{ id: string }>('SELECT id FROM app_user WHERE email = $1', [DEMO('manager')]))[0].id;

  // The account owner has no manager of their own: escalations go to their team's manager.
  const [team] = await sql<{ id: string }>('INSERT INTO team (name, manager_id) VALUES ($1, $2) RETURNING id', [`${TAG} team`, managerId]);
  ids.owner = await rep('owner', { managerId: null, teamId: team.id });
  ids.ownerPoolRep = await rep('owner-pool');
  await sql('INSERT INTO account (domain, name, owner_id) VALUES ($1, $2, $3)', [`${TAG}-acme.test`, `Acme ${TAG}`, ids.owner]);

  ids.inactive = await rep('inactive', { active: false });
  ids.away = await rep('away');
  ids.full = await rep('full', { maxOpenLeads: 1 });
  ids.ok = await rep('ok');
  await sql(`INSERT INTO out_of_office (user_id, starts_at, ends_at) VALUES ($1, now() - interval '1 hour', now() + interval '1 day')`, [ids.away]);
  await lead(industry('filler'), { ownerId: ids.full, stage: 'SAL' }); // the full rep's one open lead
  await lead(industry('filler'), { ownerId: ids.full, stage: 'CLOSED_LOST' }); // closed: does not count

  ids.even = await pool('even', [await rep('e1'), await rep('e2'), await rep('e3'), await rep('e4')]);
  ids.idem = await pool('idem', [await rep('i1'), await rep('i2')]);
  ids.ownerPool = await pool('owner', [ids.ownerPoolRep]);
  ids.skipPool = await pool('skip', [ids.inactive, ids.away, ids.full, ids.ok]);

  ids.accountRule = await rule(0, 'ACCOUNT_OWNER');
  ids.ownerRule = await rule(1, 'TERRITORY', { industries: [industry('owner')], poolId: ids.ownerPool });
  ids.skipRule = await rule(2, 'TERRITORY', { industries: [industry('skip')], poolId: ids.skipPool });
  ids.evenRule = await rule(3, 'TERRITORY', { industries: [industry('even')], poolId: ids.even });
  ids.idemRule = await rule(4, 'TERRITORY', { industries: [industry('idem')], poolId: ids.idem });
});

afterAll(async () => {
  await sql('DELETE FROM routing_rule WHERE name LIKE $1', [`${TAG}%`]);
  await sql('DELETE FROM routing_pool WHERE name LIKE $1', [`${TAG}%`]);
  await ds?.destroy();
});

describe('routeLead (worker activity) against the real database', () => {
  it('gives the lead to the owner of its account (matched by email domain), ahead of the territory pool', async () => {
    const leadId = await lead(industry('owner'), { email: `buyer@${TAG}-acme.test` });
    const r = await route(leadId);
    expect(r.rep).toEqual({ id: ids.owner, managerId, calendar: weekdays('Europe/Berlin') });
    expect(r.ruleId).toBe(ids.accountRule);
    expect(stepOf(r, ids.accountRule)).toMatchObject({ kind: 'ACCOUNT_OWNER', matched: true });
    expect((r.trace as RoutingTraceEntry[]).some((s) => s.ruleId === ids.ownerRule)).toBe(false);
    const [row] = await sql('SELECT owner_id, routed_at FROM lead WHERE id = $1', [leadId]);
    expect(row.owner_id).toBe(ids.owner);
    expect(row.routed_at).not.toBeNull();
  });

  it('round robin skips inactive, out-of-office and at-capacity reps, and says so in the trace', async () => {
    const leadId = await lead(industry('skip'));
    const r = await route(leadId);
    expect(r.rep?.id).toBe(ids.ok);
    expect(r.rep?.managerId).toBe(managerId);
    expect(r.ruleId).toBe(ids.skipRule);
    expect(stepOf(r, ids.accountRule)).toMatchObject({ matched: false, reason: 'account has no owner' });
    expect(stepOf(r, ids.skipRule)).toMatchObject({
      matched: true,
      skipped: [
        { repId: ids.inactive, reason: 'INACTIVE' },
        { repId: ids.away, reason: 'OUT_OF_OFFICE' },
        { repId: ids.full, reason: 'AT_CAPACITY' },
      ],
    });
    expect(await cursorOf(ids.skipPool)).toBe(0); // 'ok' sits at index 3 of 4: the turn wraps
    const stored = await sql('SELECT rep_id, rule_id, trace FROM routing_decision WHERE step_key = $1', [`lead:${leadId}/route1`]);
    expect(stored).toEqual([{ rep_id: ids.ok, rule_id: ids.skipRule, trace: r.trace }]);
    ids.skipLead = leadId;
  });

  it('spreads 100 concurrent handoffs into one pool of 4 evenly, assigning every lead exactly once', async () => {
    const leadIds: string[] = [];
    for (let i = 0; i < 100; i += 1) leadIds.push(await lead(industry('even')));
    const results = await Promise.all(leadIds.map((id) => route(id)));

    expect(results.every((r) => r.rep && r.ruleId === ids.evenRule)).toBe(true);
    const perRep = await sql<{ owner_id: string; n: string }>('SELECT owner_id, count(*) AS n FROM lead WHERE id = ANY($1::uuid[]) GROUP BY owner_id', [leadIds]);
    expect(perRep).toHaveLength(4);
    // 25 ± 1 would do; routings serialised on the pool row make it exactly 25 (unlocked, it drifts to 23..27).
    expect(perRep.map(({ n }) => Number(n))).toEqual([25, 25, 25, 25]);
    expect(perRep.reduce((a, { n }) => a + Number(n), 0)).toBe(100);
    // What each call answered is what was stored: one decision per lead, matching its owner.
    const decisions = await sql<{ lead_id: string; rep_id: string; owner_id: string }>(
      'SELECT d.lead_id, d.rep_id, l.owner_id FROM routing_decision d JOIN lead l ON l.id = d.lead_id WHERE d.lead_id = ANY($1::uuid[])',
      [leadIds],
    );
    expect(decisions).toHaveLength(100);
    expect(new Set(decisions.map((d) => d.lead_id)).size).toBe(100);
    expect(decisions.filter((d) => d.owner_id !== d.rep_id)).toEqual([]);
    expect(decisions.map((d) => d.rep_id).sort()).toEqual(results.map((r) => r.rep!.id).sort());
    expect(await cursorOf(ids.even)).toBe(0); // 100 turns in a rotation of 4
  });

  it('answers a retried step with the recorded decision and advances the cursor once', async () => {
    const leadId = await lead(industry('idem'));
    const before = await cursorOf(ids.idem);
    const first = await route(leadId, { stepKey: `lead:${leadId}/route1` });
    const again = await route(leadId, { stepKey: `lead:${leadId}/route1` });
    expect(again).toEqual(first);
    expect(await cursorOf(ids.idem)).toBe((before + 1) % 2);
    expect(await sql('SELECT id FROM routing_decision WHERE lead_id = $1', [leadId])).toHaveLength(1);

    // A new step is a new decision: the turn has moved on to the other rep.
    const next = await route(leadId, { stepKey: `lead:${leadId}/route2`, excludeRepIds: [first.rep!.id] });
    expect(next.rep?.id).not.toBe(first.rep?.id);
    expect(stepOf(next, ids.idemRule).skipped).toEqual([]);
  });

  it('queues the lead under the fallback when no rep is eligible (excluded reps named as EXCLUDED)', async () => {
    const leadId = await lead(industry('skip'));
    const queue = `${TAG}-queue`;
    const rollback = new Error('rollback');
    let r: RouteLeadResult | undefined;
    // A FALLBACK rule matches every lead: it exists only inside this transaction, so other
    // suites routing at the same time never see it.
    await ds
      .transaction(async (tx) => {
        const [fb] = await tx.query(`INSERT INTO routing_rule (position, name, kind, fallback_rep_id, fallback_queue) VALUES ($1, $2, 'FALLBACK', $3, $4) RETURNING id`, [BASE + 5, `${TAG} fallback`, ids.inactive, queue]);
        r = await routeLeadInTransaction(tx, { leadId, stepKey: `lead:${leadId}/route1`, at: new Date().toISOString(), hot: false, excludeRepIds: [ids.ok] });
        expect(r.rep).toBeNull();
        expect(r.queue).toBe(queue);
        expect(r.ruleId).toBe(fb.id);
        expect(stepOf(r, ids.skipRule)).toMatchObject({ matched: false, skipped: expect.arrayContaining([{ repId: ids.ok, reason: 'EXCLUDED' }]) });
        expect(stepOf(r, fb.id)).toMatchObject({ kind: 'FALLBACK', matched: true, skipped: [{ repId: ids.inactive, reason: 'INACTIVE' }] });
        const [row] = await tx.query('SELECT owner_id, routed_at FROM lead WHERE id = $1', [leadId]);
        expect(row).toEqual({ owner_id: null, routed_at: null });
        throw rollback;
      })
      .catch((e) => {
        if (e !== rollback) throw e;
      });
    expect(r).toBeDefined();
  });

  it('skips a rep outside working hours for a hot lead only', async () => {
    const closed = { timeZone: 'UTC', weekly: { 0: [{ start: '00:00', end: '00:01' }] }, holidays: [] as string[] };
    const night = await rep('night', { calendar: closed });
    const day = await rep('day', { calendar: { timeZone: 'UTC', weekly: Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [d, [{ start: '00:00', end: '00:00' }]])), holidays: [] } });
    const poolId = await pool('hours', [night, day]);
    const ruleId = await rule(6, 'TERRITORY', { industries: [industry('hours')], poolId });
    const hot = await route(await lead(industry('hours')), { hot: true });
    expect(hot.rep?.id).toBe(day);
    expect(stepOf(hot, ruleId).skipped).toEqual([{ repId: night, reason: 'OUTSIDE_HOURS' }]);
    await sql('UPDATE routing_pool SET cursor = 0 WHERE id = $1', [poolId]);
    const cold = await route(await lead(industry('hours')), { hot: false });
    expect(cold.rep?.id).toBe(night);
  });
});

describe('routing and reps over GraphQL', () => {
  let revops: string;
  let manager: string;
  let salesRep: string;
  let admin: string;
  beforeAll(async () => {
    [revops, manager, salesRep, admin] = await Promise.all([DEMO('revops'), DEMO('manager'), DEMO('rep.berlin'), DEMO('admin')].map(tokenFor));
  });

  const CREATE_POOL = `mutation($input: CreateRoutingPoolInput!) { createRoutingPool(input: $input) { id name strategy repIds cursor } }`;
  const CREATE_RULE = `mutation($input: CreateRoutingRuleInput!) { createRoutingRule(input: $input) { id position name kind poolId criteria { industries regions sizeBands } active } }`;
  const UPDATE_REP = `mutation($input: UpdateRepRoutingInput!) { updateRepRouting(input: $input) { id maxOpenLeads routingWeight calendar { timeZone weekly { weekday windows { start end } } holidays } } }`;
  const DECISIONS = `query($leadId: ID!) { routingDecisions(leadId: $leadId) { id repId ruleId queue decidedAt matchedStep { ruleId kind reason } trace { ruleId kind matched reason skipped { repId reason } } } }`;

  it('REVOPS creates a pool and a territory rule; the rules read back in order', async () => {
    const p = await gqlOk(CREATE_POOL, { input: { name: `${TAG}-gql`, strategy: 'ROUND_ROBIN', repIds: [ids.ok, ids.away] } }, revops);
    expect(p.createRoutingPool).toMatchObject({ name: `${TAG}-gql`, strategy: 'ROUND_ROBIN', repIds: [ids.ok, ids.away], cursor: 0 });
    const r = await gqlOk(CREATE_RULE, { input: { position: BASE + 10, name: `${TAG} gql territory`, kind: 'TERRITORY', poolId: p.createRoutingPool.id, criteria: { industries: [` ${industry('gql')} `], regions: ['emea'], sizeBands: [] } } }, revops);
    expect(r.createRoutingRule).toMatchObject({ position: BASE + 10, kind: 'TERRITORY', active: true, criteria: { industries: [industry('gql')], regions: ['EMEA'], sizeBands: [] } });

    const listed = await gqlOk(`{ routingRules { id position } routingPools { id name } }`, {}, manager);
    const positions = listed.routingRules.map((x: { position: number }) => x.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(listed.routingRules.map((x: { id: string }) => x.id)).toContain(r.createRoutingRule.id);
    expect(listed.routingPools.map((x: { name: string }) => x.name)).toContain(`${TAG}-gql`);

    const moved = await gqlOk(`mutation($input: UpdateRoutingRuleInput!) { updateRoutingRule(input: $input) { position active } }`, { input: { id: r.createRoutingRule.id, position: BASE + 11, active: false } }, revops);
    expect(moved.updateRoutingRule).toEqual({ position: BASE + 11, active: false });
    expect(await gqlOk(`mutation($id: ID!) { deleteRoutingRule(id: $id) }`, { id: r.createRoutingRule.id }, revops)).toEqual({ deleteRoutingRule: true });
  });

  it('refuses a SALES_REP (and a manager) who tries to change routing, writing nothing', async () => {
    for (const token of [salesRep, manager]) {
      const r = await gql(CREATE_POOL, { input: { name: `${TAG}-forbidden`, strategy: 'ROUND_ROBIN', repIds: [] } }, token);
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await gql(`{ routingRules { id } }`, {}, salesRep)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await sql('SELECT 1 FROM routing_pool WHERE name = $1', [`${TAG}-forbidden`])).toHaveLength(0);
  });

  it('rejects invalid pools and rules with BAD_USER_INPUT naming the field, writing nothing', async () => {
    const unknownRep = await gql(CREATE_POOL, { input: { name: `${TAG}-bad`, strategy: 'ROUND_ROBIN', repIds: [ids.ok, '00000000-0000-4000-8000-000000000000'] } }, revops);
    expect(unknownRep.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'repIds[1]' });
    const notARep = await gql(CREATE_POOL, { input: { name: `${TAG}-bad`, strategy: 'ROUND_ROBIN', repIds: [managerId, (await sql('SELECT id FROM app_user WHERE email = $1', [DEMO('marketing')]))[0].id] } }, revops);
    expect(notARep.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'repIds[1]' });
    expect(await sql('SELECT 1 FROM routing_pool WHERE name = $1', [`${TAG}-bad`])).toHaveLength(0);

    const noPool = await gql(CREATE_RULE, { input: { position: BASE + 20, name: `${TAG} bad 1`, kind: 'TERRITORY', criteria: { regions: ['EMEA'] } } }, revops);
    expect(noPool.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'poolId' });
    const noTarget = await gql(CREATE_RULE, { input: { position: BASE + 21, name: `${TAG} bad 2`, kind: 'FALLBACK' } }, revops);
    expect(noTarget.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fallbackRepId' });
    const dupPosition = await gql(CREATE_RULE, { input: { position: BASE + 2, name: `${TAG} bad 3`, kind: 'TERRITORY', poolId: ids.skipPool } }, revops);
    expect(dupPosition.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'position' });
    const badRegion = await gql(CREATE_RULE, { input: { position: BASE + 22, name: `${TAG} bad 4`, kind: 'TERRITORY', poolId: ids.skipPool, criteria: { regions: ['Atlantis'] } } }, revops);
    expect(badRegion.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'criteria.regions[0]' });
    expect(await sql('SELECT 1 FROM routing_rule WHERE name LIKE $1', [`${TAG} bad%`])).toHaveLength(0);
  });

  it('validates a rep calendar with the domain rules, naming the input path; a valid one is stored', async () => {
    const bad = await gql(UPDATE_REP, { input: { repId: ids.ok, maxOpenLeads: 7, calendar: { timeZone: 'Mars/Olympus_Mons', weekly: [{ weekday: 1, windows: [{ start: '09:00', end: '17:00' }] }, { weekday: 2, windows: [{ start: '25:00', end: '17:00' }] }] } } }, revops);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].extensions?.field).toBe('calendar.timeZone');
    expect(bad.errors?.[0].extensions?.violations.map((v: { field: string }) => v.field)).toEqual(['calendar.timeZone', 'calendar.weekly[1].windows[0].start']);
    const [unchanged] = await sql('SELECT max_open_leads, calendar FROM app_user WHERE id = $1', [ids.ok]);
    expect(unchanged).toEqual({ max_open_leads: 1000, calendar: weekdays('Europe/Berlin') });

    const ok = await gqlOk(UPDATE_REP, { input: { repId: ids.ok, maxOpenLeads: 900, routingWeight: 2, calendar: { timeZone: 'America/New_York', weekly: [{ weekday: 3, windows: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }] }], holidays: ['2026-12-25'] } } }, revops);
    expect(ok.updateRepRouting).toEqual({
      id: ids.ok,
      maxOpenLeads: 900,
      routingWeight: 2,
      calendar: { timeZone: 'America/New_York', weekly: [{ weekday: 3, windows: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }] }], holidays: ['2026-12-25'] },
    });
    const read = await gqlOk(`query($id: ID!) { rep(id: $id) { id active openLeads outOfOffice { id } } }`, { id: ids.away }, manager);
    expect(read.rep).toMatchObject({ id: ids.away, active: true, openLeads: 0 });
    expect(read.rep.outOfOffice).toHaveLength(1);

    const backwards = await gql(`mutation($input: AddOutOfOfficeInput!) { addOutOfOffice(input: $input) { id } }`, { input: { repId: ids.ok, startsAt: '2026-12-24T00:00:00Z', endsAt: '2026-12-20T00:00:00Z' } }, revops);
    expect(backwards.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
    expect((await gql(UPDATE_REP, { input: { repId: ids.ok, maxOpenLeads: 1 } }, salesRep)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('shows a decision\'s trace as typed objects, and previews routing without writing', async () => {
    const r = await gqlOk(DECISIONS, { leadId: ids.skipLead }, manager);
    expect(r.routingDecisions).toHaveLength(1);
    const [d] = r.routingDecisions;
    expect(d).toMatchObject({ repId: ids.ok, ruleId: ids.skipRule, queue: null, matchedStep: { ruleId: ids.skipRule, kind: 'TERRITORY' } });
    expect(d.trace[0]).toMatchObject({ ruleId: ids.accountRule, kind: 'ACCOUNT_OWNER', matched: false });
    expect(d.trace.find((s: { ruleId: string }) => s.ruleId === ids.skipRule).skipped).toEqual([
      { repId: ids.inactive, reason: 'INACTIVE' },
      { repId: ids.away, reason: 'OUT_OF_OFFICE' },
      { repId: ids.full, reason: 'AT_CAPACITY' },
    ]);
    expect((await gql(DECISIONS, { leadId: ids.skipLead }, salesRep)).errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const leadId = await lead(industry('skip'));
    const cursor = await cursorOf(ids.skipPool);
    const p = await gqlOk(`query($leadId: ID!) { previewRouting(leadId: $leadId) { repId ruleId queue facts { region industry hot } matchedStep { ruleId skipped { repId reason } } } }`, { leadId }, revops);
    expect(p.previewRouting).toMatchObject({ repId: ids.ok, ruleId: ids.skipRule, queue: null, facts: { region: 'EMEA', industry: industry('skip'), hot: false } });
    expect(p.previewRouting.matchedStep.skipped.map((s: { reason: string }) => s.reason)).toEqual(['INACTIVE', 'OUT_OF_OFFICE', 'AT_CAPACITY']);
    expect(await sql('SELECT 1 FROM routing_decision WHERE lead_id = $1', [leadId])).toHaveLength(0);
    expect(await cursorOf(ids.skipPool)).toBe(cursor);
  });

  it('lets ADMIN (only) create and deactivate users; reps need a calendar', async () => {
    const input = { email: `new.${TAG}@test.baton.dev`, name: 'New Rep', role: 'SALES_REP', managerId, calendar: { timeZone: 'Europe/Berlin', weekly: [{ weekday: 1, windows: [{ start: '09:00', end: '17:00' }] }] } };
    const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id email role active managerId } }`;
    expect((await gql(CREATE_USER, { input }, revops)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const noCalendar = await gql(CREATE_USER, { input: { ...input, calendar: undefined } }, admin);
    expect(noCalendar.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'calendar' });
    const created = (await gqlOk(CREATE_USER, { input }, admin)).createUser;
    expect(created).toMatchObject({ email: input.email, role: 'SALES_REP', active: true, managerId });
    const off = await gqlOk(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, { id: created.id }, admin);
    expect(off.deactivateUser.active).toBe(false);
    const teams = await gqlOk(`{ teams { name managerId } }`, {}, manager);
    expect(teams.teams).toContainEqual({ name: `${TAG} team`, managerId });
  });
});
