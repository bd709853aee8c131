import { randomUUID } from 'node:crypto';
import { DEMO, eventually, gql, gqlOk, sql, tokenFor } from './support/system';
import { signToken } from '../apps/api/src/auth/token.service';
import { DEV_JWT_SECRET } from '../libs/runtime/src/config';

const RECORD = `mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { leadId } }`;
const LEAD = `query($id: ID!) { lead(id: $id) { id stage ownerId } }`;
const LEADS = `query($owner: ID!) { leads(filter: { ownerId: $owner }, page: { first: 100 }) { edges { node { id } } } }`;
const listed = async (owner: string, token: string) => (await gqlOk(LEADS, { owner }, token)).leads.edges.map((e: { node: { id: string } }) => e.node.id);
const ACCEPT = `mutation($id: ID!) { acceptLead(input: { leadId: $id }) { stage } }`;
const DISQUALIFY = `mutation($i: DisqualifyLeadInput!) { disqualifyLead(input: $i) { stage } }`;
const CLOSE = `mutation($i: CloseOpportunityInput!) { closeOpportunity(input: $i) { stage } }`;
const REASSIGN = `mutation($i: ReassignLeadInput!) { reassignLead(input: $i) { stage ownerId } }`;
const TOUCH = `mutation($i: LogTouchInput!) { logTouch(input: $i) { stage ownerId cadenceExit } }`;
const DECISIONS = `query($id: ID!) { routingDecisions(leadId: $id) { repId } }`;
const PREVIEW = `query($id: ID!) { previewRouting(leadId: $id) { repId } }`;
const FEEDBACK = `mutation($i: SalesFeedbackInput!) { recordSalesFeedback(input: $i) { id leadId } }`;

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const codeOf = (r: { errors?: { extensions?: Record<string, any> }[] }) => r.errors?.[0]?.extensions?.code;

/** An EMEA lead routed to one of the Inbound team's Berlin/Munich reps, still MQL. */
async function routedLead(integration: string) {
  const email = `access.${unique()}@fitting.example`;
  const person = { firstName: 'Pat', company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' };
  const r = await gqlOk(RECORD, { i: { email, type: 'COMPARISON_GUIDE_DOWNLOAD', occurredAt: new Date().toISOString(), idempotencyKey: `ev-${unique()}`, person } }, integration);
  const leadId = r.recordEngagement.leadId as string;
  const owner = await eventually(async () => {
    const [row] = await sql('SELECT owner_id, stage FROM lead WHERE id = $1', [leadId]);
    return row?.owner_id && row.stage === 'MQL' ? (row.owner_id as string) : undefined;
  }, 30_000, 'routing to a rep');
  const [{ email: ownerEmail }] = await sql('SELECT email FROM app_user WHERE id = $1', [owner]);
  const otherEmail = ownerEmail === DEMO('rep.berlin') ? DEMO('rep.munich') : DEMO('rep.berlin');
  return { leadId, owner, ownerToken: await tokenFor(ownerEmail), other: await tokenFor(otherEmail), otherId: (await sql('SELECT id FROM app_user WHERE email = $1', [otherEmail]))[0].id as string };
}

/** A second team with its own manager and rep (no leads of the Inbound team). */
async function otherTeam() {
  const tag = unique();
  const [manager] = await sql(`INSERT INTO app_user (email, name, role, active, calendar) VALUES ($1, 'Other Manager', 'SALES_MANAGER', true, $2) RETURNING id`, [`mgr.${tag}@other.example`, JSON.stringify({ timeZone: 'Europe/Berlin', weekly: { 1: [{ start: '09:00', end: '17:00' }] }, holidays: [] })]);
  const [team] = await sql(`INSERT INTO team (name, manager_id) VALUES ($1, $2) RETURNING id`, [`Outbound ${tag}`, manager.id]);
  await sql('UPDATE app_user SET team_id = $1 WHERE id = $2', [team.id, manager.id]);
  const [rep] = await sql(`INSERT INTO app_user (email, name, role, active, team_id, calendar) VALUES ($1, 'Other Rep', 'SALES_REP', true, $2, $3) RETURNING id`, [`rep.${tag}@other.example`, team.id, JSON.stringify({ timeZone: 'Europe/Berlin', weekly: { 1: [{ start: '09:00', end: '17:00' }], 2: [{ start: '09:00', end: '17:00' }], 3: [{ start: '09:00', end: '17:00' }], 4: [{ start: '09:00', end: '17:00' }], 5: [{ start: '09:00', end: '17:00' }] }, holidays: [] })]);
  return { managerToken: signToken(DEV_JWT_SECRET, { sub: manager.id, role: 'SALES_MANAGER' }), repId: rep.id as string };
}

describe('who may see and command a lead, checked before anything about the lead is revealed', () => {
  let integration: string;
  let manager: string;
  beforeAll(async () => {
    integration = await tokenFor(DEMO('webforms'));
    manager = await tokenFor(DEMO('manager'));
  });

  it('someone who may not see a lead gets the same NOT_FOUND for it as for an id that does not exist, on reads and on every command', async () => {
    const { leadId, owner, other } = await routedLead(integration);
    const missing = randomUUID();
    for (const id of [leadId, missing]) {
      expect(codeOf(await gql(LEAD, { id }, other))).toBe('NOT_FOUND');
      expect(codeOf(await gql(ACCEPT, { id }, other))).toBe('NOT_FOUND');
      // Stage-dependent commands: the answer must not reveal that the lead is MQL (INVALID_TRANSITION).
      expect(codeOf(await gql(DISQUALIFY, { i: { leadId: id, reason: 'NO_BUDGET', note: 'none at all' } }, other))).toBe('NOT_FOUND');
      expect(codeOf(await gql(CLOSE, { i: { leadId: id, won: true, reason: 'signed' } }, other))).toBe('NOT_FOUND');
      expect(codeOf(await gql(TOUCH, { i: { leadId: id, touchId: `t-${unique()}`, channel: 'CALL', outcome: 'NO_ANSWER', occurredAt: new Date().toISOString() } }, other))).toBe('NOT_FOUND');
    }
    expect(await listed(owner, other)).toEqual([]);
    expect(await listed(owner, manager)).toContain(leadId);
  });

  it('a manager who may see the lead but does not own it is refused as NOT_OWNER before any stage rule', async () => {
    const { leadId } = await routedLead(integration);
    // The lead is MQL: disqualify (SAL only) and close (OPPORTUNITY only) would say INVALID_TRANSITION if the stage came first.
    expect(codeOf(await gql(DISQUALIFY, { i: { leadId, reason: 'NO_BUDGET', note: 'none at all' } }, manager))).toBe('NOT_OWNER');
    expect(codeOf(await gql(ACCEPT, { id: leadId }, manager))).toBe('NOT_OWNER');
  });

  it("a manager sees and reassigns only the leads of teams they manage, and only to their teams' reps", async () => {
    const { leadId, owner, otherId } = await routedLead(integration);
    const outsider = await otherTeam();
    expect(codeOf(await gql(LEAD, { id: leadId }, outsider.managerToken))).toBe('NOT_FOUND');
    expect(await listed(owner, outsider.managerToken)).toEqual([]);
    expect(codeOf(await gql(REASSIGN, { i: { leadId, repId: outsider.repId, reason: 'grab' } }, outsider.managerToken))).toBe('NOT_FOUND');
    expect(codeOf(await gql(CLOSE, { i: { leadId, won: false, reason: 'grab' } }, outsider.managerToken))).toBe('NOT_FOUND');
    // Nor reads its routing: the decisions name the lead's rep, the preview its facts.
    expect(codeOf(await gql(DECISIONS, { id: leadId }, outsider.managerToken))).toBe('NOT_FOUND');
    expect(codeOf(await gql(PREVIEW, { id: leadId }, outsider.managerToken))).toBe('NOT_FOUND');
    expect((await gqlOk(DECISIONS, { id: leadId }, manager)).routingDecisions[0].repId).toBe(owner);
    // The Inbound manager may not push the lead to another team's rep either.
    const toOutsider = await gql(REASSIGN, { i: { leadId, repId: outsider.repId, reason: 'elsewhere' } }, manager);
    expect(toOutsider.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'repId' });
    const moved = await gqlOk(REASSIGN, { i: { leadId, repId: otherId, reason: 'balance' } }, manager);
    expect(moved.reassignLead.ownerId).toBe(otherId);
    expect((await gqlOk(LEAD, { id: leadId }, manager)).lead.id).toBe(leadId);
  });

  it('a rep records sales feedback only on leads they own or owned; other and unknown leads are the same NOT_FOUND', async () => {
    const { leadId, ownerToken, other, otherId } = await routedLead(integration);
    const fb = (id: string) => ({ kind: 'LEAD_QUALITY', code: 'WRONG_PERSONA', leadId: id, idempotencyKey: `fb-${randomUUID()}` });
    for (const id of [leadId, randomUUID()]) {
      const refused = await gql(FEEDBACK, { i: fb(id) }, other);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await sql('SELECT 1 FROM sales_feedback WHERE lead_id = $1', [leadId])).toHaveLength(0);
    expect((await gqlOk(FEEDBACK, { i: fb(leadId) }, ownerToken)).recordSalesFeedback.leadId).toBe(leadId);
    // Once reassigned away, the former owner may still give feedback on it; the new owner too.
    await gqlOk(REASSIGN, { i: { leadId, repId: otherId, reason: 'balance' } }, manager);
    expect((await gqlOk(FEEDBACK, { i: fb(leadId) }, ownerToken)).recordSalesFeedback.leadId).toBe(leadId);
    expect((await gqlOk(FEEDBACK, { i: fb(leadId) }, other)).recordSalesFeedback.leadId).toBe(leadId);
  });
});

describe('lead command answers say what happened', () => {
  let integration: string;
  beforeAll(async () => {
    integration = await tokenFor(DEMO('webforms'));
  });

  it('a touchId reused for a different touch is a CONFLICT naming the field; the same touch again answers as the first time', async () => {
    const { leadId, ownerToken } = await routedLead(integration);
    await gqlOk(ACCEPT, { id: leadId }, ownerToken);
    const input = { leadId, touchId: `t-${unique()}`, channel: 'CALL', outcome: 'NO_ANSWER', occurredAt: new Date().toISOString() };
    const first = await gqlOk(TOUCH, { i: input }, ownerToken);
    expect(await gqlOk(TOUCH, { i: input }, ownerToken)).toEqual(first);
    const reused = await gql(TOUCH, { i: { ...input, channel: 'EMAIL', outcome: 'CONNECTED' } }, ownerToken);
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'touchId' });
    const touches = await sql('SELECT channel, outcome FROM touch WHERE lead_id = $1', [leadId]);
    expect(touches).toEqual([{ channel: 'CALL', outcome: 'NO_ANSWER' }]);
  });

  it('logTouch(BOUNCED) answers the stage the bounce moved the lead to (RECYCLED), as the record shows', async () => {
    const { leadId, ownerToken } = await routedLead(integration);
    await gqlOk(ACCEPT, { id: leadId }, ownerToken);
    const bounced = await gqlOk(TOUCH, { i: { leadId, touchId: `t-${unique()}`, channel: 'EMAIL', outcome: 'BOUNCED', occurredAt: new Date().toISOString() } }, ownerToken);
    const [record] = await sql('SELECT stage, owner_id FROM lead WHERE id = $1', [leadId]);
    expect(record.stage).toBe('RECYCLED');
    expect(bounced.logTouch).toMatchObject({ stage: 'RECYCLED', ownerId: null });
  });
});
