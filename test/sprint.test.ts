import { randomUUID } from 'node:crypto';
import { addLocalDays, localDateOf } from '../libs/domain/src';
import { DEMO, eventually, gql, gqlOk, sql, tokenFor, violationsOf } from './support/system';

// The alignment sprint over GraphQL against the real runtime (Temporal, worker, database):
// start it, M1 (baseline taken by the workflow, confirmed by RevOps) and M2/M3 (a stage
// definition version going through its own approval workflow, signed by both leaders).

const SPRINT = `id status rag progress { milestonesCompleted currentPhase }
  milestones { code status rag ownerId signOffs { role userId } linkedDefinitionId definitionStatus evidence }
  phases { phase closedAt } baseline { snapshotId measures { kpi value } } timeline { kind milestone }`;

describe('alignment sprint', () => {
  let revops: string, cro: string, cmo: string, manager: string, marketing: string, rep: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [revops, cro, cmo, manager, marketing, rep] = await Promise.all(['revops', 'cro', 'cmo', 'manager', 'marketing', 'rep.berlin'].map((u) => tokenFor(DEMO(u))));
    for (const u of ['revops', 'cro', 'manager', 'marketing', 'rep.berlin']) ids[u] = (await sql(`SELECT id FROM app_user WHERE email = $1`, [DEMO(u)]))[0].id;
    await gqlOk(`mutation { updateOrganisationSettings(reportingTimeZone: "UTC") { reportingTimeZone } }`, {}, revops);
  });

  const START = `mutation($i: StartSprintInput!) { startSprint(input: $i) { ${SPRINT} } }`;
  const input = (over: Record<string, unknown> = {}) => ({
    name: 'Q1 alignment sprint',
    startDate: localDateOf(new Date(), 'UTC'),
    sponsorId: ids.cro,
    salesLeaderId: ids.manager,
    marketingLeaderId: ids.marketing,
    revopsOwnerId: ids.revops,
    target: { kpi: 'PIPELINE_VELOCITY', changePct: 15 },
    ...over,
  });

  it('refuses bad starts with typed errors naming the field, and starts nothing', async () => {
    const before = (await sql(`SELECT count(*) AS n FROM sprint`))[0].n;
    const past = await gql(START, { i: input({ startDate: addLocalDays(localDateOf(new Date(), 'UTC'), -30) }) }, revops);
    expect(violationsOf(past)).toEqual([expect.objectContaining({ field: 'startDate', rule: 'NOT_IN_PAST' })]);
    const missing = await gql(START, { i: input({ salesLeaderId: '', marketingLeaderId: '' }) }, revops);
    expect(violationsOf(missing)?.map((v) => v.field)).toEqual(expect.arrayContaining(['salesLeaderId', 'marketingLeaderId']));
    const wrongRole = await gql(START, { i: input({ sponsorId: ids['rep.berlin'] }) }, revops);
    expect(violationsOf(wrongRole)).toEqual([expect.objectContaining({ field: 'sponsorId', rule: 'ELIGIBLE_ROLE' })]);
    const target = await gql(START, { i: input({ target: { kpi: 'PIPELINE_VELOCITY', changePct: -5 } }) }, revops);
    expect(violationsOf(target)).toEqual([expect.objectContaining({ field: 'target.changePct', rule: 'RANGE' })]);
    expect((await gql(START, { i: input() }, rep)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await sql(`SELECT count(*) AS n FROM sprint`))[0].n).toBe(before);
  });

  it('runs M1 and M2 over GraphQL: baseline confirmed by RevOps, stage definition approved through its own workflow and signed by both leaders', async () => {
    const started = (await gqlOk(START, { i: input() }, revops)).startSprint;
    expect(started.status).toBe('RUNNING');
    const sprintId = started.id;
    expect(await sql(`SELECT workflow_id FROM sprint WHERE id = $1`, [sprintId])).toEqual([{ workflow_id: `sprint:${sprintId}` }]);
    const read = async (token = revops) => (await gqlOk(`query($id: ID!) { sprint(id: $id) { ${SPRINT} } }`, { id: sprintId }, token)).sprint;
    const m = (s: { milestones: { code: string }[] }, code: string) => s.milestones.find((x) => x.code === code) as Record<string, any>;

    // M1: the workflow takes the baseline snapshot (last 90 days) by itself.
    const withBaseline = await eventually(async () => {
      const s = await read();
      return s.baseline ? s : undefined;
    }, 30_000, 'the baseline snapshot');
    expect(withBaseline.baseline.measures.map((x: { kpi: string }) => x.kpi)).toContain('MQL_TO_SQL');
    const [snap] = await sql(`SELECT trigger, period_from::text AS f, period_to::text AS t FROM kpi_snapshot WHERE id = $1`, [withBaseline.baseline.snapshotId]);
    expect(snap).toEqual({ trigger: 'SPRINT_BASELINE', f: addLocalDays(input().startDate, -90), t: addLocalDays(input().startDate, -1) });

    const SIGN = `mutation($s: ID!, $m: MilestoneCode!, $r: SprintRole!) { signOffSprintMilestone(sprintId: $s, milestone: $m, role: $r) { ${SPRINT} } }`;
    const wrongPerson = await gql(SIGN, { s: sprintId, m: 'M1', r: 'REVOPS_OWNER' }, marketing);
    expect(wrongPerson.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'FORBIDDEN', field: 'role', rule: 'NAMED_PERSON' }));
    expect(m(await read(), 'M1').signOffs).toEqual([]);
    const outOfOrder = await gql(`mutation($s: ID!) { closeSprintPhase(sprintId: $s, phase: SYSTEMS) { id } }`, { s: sprintId }, revops);
    expect(outOfOrder.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'INVALID_TRANSITION', rule: 'EARLIER_PHASE_OPEN' }));
    const m1 = (await gqlOk(SIGN, { s: sprintId, m: 'M1', r: 'REVOPS_OWNER' }, revops)).signOffSprintMilestone;
    expect(m(m1, 'M1')).toEqual(expect.objectContaining({ status: 'COMPLETED', rag: 'GREEN' }));

    // M2: a new stage definition version is proposed to the executives and linked to the sprint.
    const draft = (await gqlOk(`mutation { createStageDefinitionDraft(input: {}) { id } }`, {}, revops)).createStageDefinitionDraft;
    await gqlOk(`mutation($i: ProposeStageDefinitionInput!) { proposeStageDefinition(input: $i) { status } }`, { i: { id: draft.id } }, revops);
    const linked = (await gqlOk(`mutation($s: ID!, $d: ID!) { linkSprintStageDefinition(sprintId: $s, definitionId: $d) { ${SPRINT} } }`, { s: sprintId, d: draft.id }, revops)).linkSprintStageDefinition;
    expect(m(linked, 'M2')).toEqual(expect.objectContaining({ linkedDefinitionId: draft.id, definitionStatus: 'PROPOSED', status: 'OPEN' }));
    const notOwner = await gql(`mutation($s: ID!, $d: ID!) { linkSprintStageDefinition(sprintId: $s, definitionId: $d) { id } }`, { s: sprintId, d: draft.id }, marketing);
    expect(notOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // The leaders sign M2 and M3 in writing; the milestones still wait for the executives.
    for (const code of ['M2', 'M3']) {
      await gqlOk(SIGN, { s: sprintId, m: code, r: 'SALES_LEADER' }, manager);
      await gqlOk(SIGN, { s: sprintId, m: code, r: 'MARKETING_LEADER' }, marketing);
    }
    expect(m(await read(), 'M2').status).toBe('OPEN');
    const twice = await gql(SIGN, { s: sprintId, m: 'M2', r: 'SALES_LEADER' }, manager);
    expect(twice.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    // The executives approve through the stage definition's approval workflow; the sprint hears of it.
    const APPROVE = `mutation($i: StageDefinitionDecisionInput!) { approveStageDefinition(input: $i) { status } }`;
    await gqlOk(APPROVE, { i: { id: draft.id, comment: 'Sales approves' } }, cro);
    const last = await gqlOk(APPROVE, { i: { id: draft.id, comment: 'Marketing approves' } }, cmo);
    expect(last.approveStageDefinition.status).toBe('ACTIVE');
    const done = await eventually(async () => {
      const s = await read();
      return m(s, 'M2').status === 'COMPLETED' && m(s, 'M3').status === 'COMPLETED' ? s : undefined;
    }, 30_000, 'M2 and M3 completed');
    expect(m(done, 'M2').definitionStatus).toBe('ACTIVE');
    expect(done.progress.milestonesCompleted).toBe(3);
    expect(done.timeline.map((t: { kind: string }) => t.kind)).toEqual(expect.arrayContaining(['SPRINT_STARTED', 'BASELINE_TAKEN', 'SIGNED_OFF', 'STAGE_DEFINITION_LINKED', 'MILESTONE_COMPLETED']));

    // The foundation phase closes; RevOps sees the sprint in the list; the sprint's people were notified.
    const closed = (await gqlOk(`mutation($s: ID!) { closeSprintPhase(sprintId: $s, phase: FOUNDATION) { ${SPRINT} } }`, { s: sprintId }, revops)).closeSprintPhase;
    expect(closed.phases.find((p: { phase: string }) => p.phase === 'FOUNDATION').closedAt).toBeTruthy();
    expect(closed.progress.currentPhase).toBe('SYSTEMS');
    const list = (await gqlOk(`query { sprints(status: "RUNNING") { id } }`, {}, revops)).sprints;
    expect(list.map((s: { id: string }) => s.id)).toContain(sprintId);
    expect((await gql(`query { sprints { id } }`, {}, rep)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [{ n }] = await sql(`SELECT count(*) AS n FROM notification WHERE kind = 'SPRINT_STARTED' AND payload->>'sprintId' = $1`, [sprintId]);
    expect(Number(n)).toBe(4);

    // A check-in records a review with its KPI snapshot; a retried request records it once.
    const reviewId = randomUUID();
    const REVIEW = `mutation($i: RecordSprintReviewInput!) { recordSprintReview(input: $i) { id } }`;
    const review = { sprintId, reviewId, decisions: ['Tighten the MQL threshold'], actionItems: [{ title: 'Draft v3', ownerId: ids.revops }] };
    await gqlOk(REVIEW, { i: review }, manager);
    await gqlOk(REVIEW, { i: review }, manager);
    const reviews = await sql(`SELECT kind, snapshot_id FROM governance_review WHERE sprint_id = $1 AND kind = 'CHECK_IN'`, [sprintId]);
    expect(reviews).toHaveLength(1);
    expect(reviews[0].snapshot_id).toBeTruthy();
    const stranger = await gql(REVIEW, { i: { ...review, reviewId: randomUUID() } }, rep);
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('records sales feedback once per key and reports it to marketing with win/loss reasons', async () => {
    const key = `fb-${randomUUID()}`;
    const FB = `mutation($i: SalesFeedbackInput!) { recordSalesFeedback(input: $i) { id code } }`;
    const a = await gqlOk(FB, { i: { kind: 'OBJECTION', code: 'price', detail: 'too expensive for SMB', idempotencyKey: key } }, rep);
    const b = await gqlOk(FB, { i: { kind: 'OBJECTION', code: 'price', detail: 'too expensive for SMB', idempotencyKey: key } }, rep);
    expect(b.recordSalesFeedback).toEqual(a.recordSalesFeedback);
    expect(a.recordSalesFeedback.code).toBe('PRICE');
    expect((await gql(FB, { i: { kind: 'OBJECTION', code: 'x', idempotencyKey: `fb-${randomUUID()}` } }, marketing)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const today = localDateOf(new Date(), 'UTC');
    const report = await gqlOk(`query($p: PeriodInput!) { salesFeedbackReport(period: $p) { feedback { kind code count } closeReasons { kind code count } } }`, { p: { from: today, to: today } }, marketing);
    expect(report.salesFeedbackReport.feedback).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'OBJECTION', code: 'PRICE' })]));
  });
});
