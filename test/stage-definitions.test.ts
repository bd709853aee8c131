import { DEMO, eventually, gql, gqlOk, sql, tokenFor } from './support/system';

const FIELDS = 'id version status approverIds approvals { approverId decision comment } changesFromActive { path kind from to }';
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('stage definitions: draft → propose → approve over GraphQL against the real runtime', () => {
  let revops: string;
  let cro: string;
  let cmo: string;
  beforeAll(async () => {
    [revops, cro, cmo] = await Promise.all([tokenFor(DEMO('revops')), tokenFor(DEMO('cro')), tokenFor(DEMO('cmo'))]);
  });

  it('activates the new version after both executives approve; leads qualifying afterwards record it, earlier MQLs keep theirs', async () => {
    const [before] = await sql("SELECT id, version FROM stage_definition WHERE status = 'ACTIVE'");
    const earlierMql = await sql('SELECT id, definition_version FROM lead WHERE definition_version IS NOT NULL LIMIT 1');

    const draft = (await gqlOk(`mutation { createStageDefinitionDraft(input: {}) { id version status content } }`, {}, revops)).createStageDefinitionDraft;
    expect(draft.status).toBe('DRAFT');
    const content = draft.content;
    content.scoring.weights.WEBINAR_ATTENDED = 8;

    // An invalid draft is refused field by field, and nothing changes.
    const broken = structuredClone(content);
    broken.sla.acceptBusinessMinutes = -5;
    const invalid = await gql(`mutation($id: ID!, $c: JSON!) { updateStageDefinitionDraft(id: $id, content: $c) { id } }`, { id: draft.id, c: broken }, revops);
    expect(invalid.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content.sla.acceptBusinessMinutes' });

    const updated = await gqlOk(`mutation($id: ID!, $c: JSON!) { updateStageDefinitionDraft(id: $id, content: $c) { ${FIELDS} } }`, { id: draft.id, c: content }, revops);
    expect(updated.updateStageDefinitionDraft.changesFromActive).toEqual([{ path: 'scoring.weights.WEBINAR_ATTENDED', kind: 'CHANGED', from: 5, to: 8 }]);

    // Only RevOps / marketing ops edit drafts.
    const asExec = await gql(`mutation { createStageDefinitionDraft(input: {}) { id } }`, {}, cro);
    expect(asExec.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const proposed = (await gqlOk(`mutation($i: ProposeStageDefinitionInput!) { proposeStageDefinition(input: $i) { ${FIELDS} } }`, { i: { id: draft.id } }, revops)).proposeStageDefinition;
    expect(proposed.status).toBe('PROPOSED');
    expect(proposed.approverIds).toHaveLength(2);

    const editProposed = await gql(`mutation($id: ID!, $c: JSON!) { updateStageDefinitionDraft(id: $id, content: $c) { id } }`, { id: draft.id, c: content }, revops);
    expect(editProposed.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
    const notApprover = await gql(`mutation($i: StageDefinitionDecisionInput!) { approveStageDefinition(input: $i) { status } }`, { i: { id: draft.id, comment: 'me too' } }, revops);
    expect(notApprover.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const first = await gqlOk(`mutation($i: StageDefinitionDecisionInput!) { approveStageDefinition(input: $i) { status } }`, { i: { id: draft.id, comment: 'Sales signs' } }, cro);
    expect(first.approveStageDefinition.status).toBe('PROPOSED');
    const twice = await gql(`mutation($i: StageDefinitionDecisionInput!) { approveStageDefinition(input: $i) { status } }`, { i: { id: draft.id, comment: 'again' } }, cro);
    expect(twice.errors?.[0].extensions?.code).toBe('CONFLICT');
    const last = await gqlOk(`mutation($i: StageDefinitionDecisionInput!) { approveStageDefinition(input: $i) { ${FIELDS} } }`, { i: { id: draft.id, comment: 'Marketing signs' } }, cmo);
    expect(last.approveStageDefinition.status).toBe('ACTIVE');
    expect(last.approveStageDefinition.approvals.map((a: { comment: string }) => a.comment)).toEqual(['Sales signs', 'Marketing signs']);

    const statuses = await sql('SELECT id, status FROM stage_definition WHERE id = ANY($1::uuid[])', [[before.id, draft.id]]);
    expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({ [before.id]: 'SUPERSEDED', [draft.id]: 'ACTIVE' });
    expect(await sql("SELECT 1 FROM stage_definition WHERE status = 'ACTIVE'")).toHaveLength(1);

    // A lead qualifying now passes under the new version; an earlier MQL keeps the one it passed under.
    const integration = await tokenFor(DEMO('webforms'));
    const r = await gqlOk(`mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { leadId } }`, {
      i: { email: `v2.${unique()}@fitting.example`, type: 'COMPARISON_GUIDE_DOWNLOAD', occurredAt: new Date().toISOString(), idempotencyKey: `v2-${unique()}`, person: { company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' } },
    }, integration);
    const version = await eventually(async () => (await sql('SELECT definition_version FROM lead WHERE id = $1', [r.recordEngagement.leadId]))[0]?.definition_version ?? undefined, 20_000, 'MQL under the new version');
    expect(version).toBe(draft.version);
    if (earlierMql.length) expect((await sql('SELECT definition_version FROM lead WHERE id = $1', [earlierMql[0].id]))[0].definition_version).toBe(earlierMql[0].definition_version);
  });

  it('replays real engagement under a draft and the active version (what-if)', async () => {
    const draft = (await gqlOk(`mutation { createStageDefinitionDraft(input: {}) { id content } }`, {}, revops)).createStageDefinitionDraft;
    const looser = draft.content;
    looser.scoring.mqlThreshold = 10;
    await gqlOk(`mutation($id: ID!, $c: JSON!) { updateStageDefinitionDraft(id: $id, content: $c) { id } }`, { id: draft.id, c: looser }, revops);
    const sim = (await gqlOk(`query($id: ID!) { simulateStageDefinition(id: $id, days: 30) { days leadsEvaluated eventsReplayed draft { mqls incomplete bySource } active { mqls incomplete } } }`, { id: draft.id }, cro)).simulateStageDefinition;
    const [{ n }] = await sql('SELECT count(DISTINCT lead_id)::int AS n FROM engagement_event WHERE occurred_at >= now() - interval \'30 days\'');
    expect(sim.leadsEvaluated).toBe(n);
    expect(sim.leadsEvaluated).toBeGreaterThan(0);
    expect(sim.draft.mqls).toBeGreaterThanOrEqual(sim.active.mqls); // a lower threshold never qualifies fewer
    const bad = await gql(`query($id: ID!) { simulateStageDefinition(id: $id, days: 0) { days } }`, { id: draft.id }, cro);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
  });
});
