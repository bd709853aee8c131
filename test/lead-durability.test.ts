import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { leadStateQuery } from '../libs/contracts/src';
import { DEMO, eventually, gql, gqlOk, sql, stack, tokenFor } from './support/system';

// The promise that a handoff cannot be dropped, over GraphQL against the real platform:
// concurrent commands take effect once, retries are idempotent, opt-outs are never lost,
// a dead webhook never touches the lead, and a stored event no rule can read never jams it.

const RECORD = `mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { leadId delivery } }`;
const STATE = `query($id: ID!) { lead(id: $id) { stage ownerId optedOutAt intentScore { score } quarantinedEvents { eventId type reason } stageHistory { fromStage toStage } opportunity { status } } }`;
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const person = () => ({ company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' });

async function record(integration: string, email: string, type: string, occurredAt = new Date()) {
  return gqlOk(RECORD, { i: { email, type, occurredAt: occurredAt.toISOString(), idempotencyKey: `ev-${unique()}`, person: person() } }, integration);
}

/** A new lead routed to a rep (MQL): its id, owner and the owner's token. */
async function routedLead(integration: string, tag: string) {
  const email = `${tag}.${unique()}@fitting.example`;
  const { recordEngagement } = await record(integration, email, 'COMPARISON_GUIDE_DOWNLOAD');
  const leadId = recordEngagement.leadId as string;
  const owner = await eventually(async () => {
    const [row] = await sql('SELECT owner_id, stage FROM lead WHERE id = $1', [leadId]);
    return row?.owner_id && row.stage === 'MQL' ? (row.owner_id as string) : undefined;
  }, 30_000, 'routing to a rep');
  const [ownerRow] = await sql('SELECT email FROM app_user WHERE id = $1', [owner]);
  return { leadId, email, owner, ownerToken: await tokenFor(ownerRow.email) };
}

const ACCEPT = `mutation($i: LeadIdInput!) { acceptLead(input: $i) { stage } }`;
const REJECT = `mutation($i: RejectLeadInput!) { rejectLead(input: $i) { stage } }`;
const QUALIFY = `mutation($i: QualifyLeadInput!) { qualifyLead(input: $i) { stage } }`;
const CLOSE = `mutation($i: CloseOpportunityInput!) { closeOpportunity(input: $i) { stage } }`;
const TOUCH = `mutation($i: LogTouchInput!) { logTouch(input: $i) { stage } }`;
const closeTransitions = (leadId: string) => sql("SELECT to_stage FROM stage_transition WHERE lead_id = $1 AND to_stage LIKE 'CLOSED_%'", [leadId]);

describe('a handoff that cannot be dropped', () => {
  let integration: string;
  let manager: string;
  let revops: string;
  beforeAll(async () => {
    integration = await tokenFor(DEMO('webforms'));
    manager = await tokenFor(DEMO('manager'));
    revops = await tokenFor(DEMO('revops'));
  });

  it('20 concurrent closes by the owner: one answers OK, 19 are refused, one close is recorded and lead and opportunity agree', async () => {
    const { leadId, ownerToken } = await routedLead(integration, 'race-close');
    await gqlOk(ACCEPT, { i: { leadId } }, ownerToken);
    const bant = { budget: true, authority: true, need: true, timeline: true };
    await gqlOk(QUALIFY, { i: { leadId, bant, amount: 12000, expectedCloseAt: new Date(Date.now() + 30 * 86_400_000).toISOString() } }, ownerToken);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => gql(CLOSE, { i: { leadId, won: i % 2 === 0, reason: i % 2 === 0 ? 'PRODUCT_FIT' : 'PRICE' } }, ownerToken)));
    const ok = answers.filter((a) => !a.errors);
    expect(ok).toHaveLength(1);
    expect(answers.filter((a) => a.errors).map((a) => a.errors![0].extensions?.code)).toEqual(Array(19).fill('INVALID_TRANSITION'));
    const closes = await closeTransitions(leadId);
    expect(closes).toHaveLength(1);
    const lead = (await gqlOk(STATE, { id: leadId }, manager)).lead;
    expect(lead.stage).toBe(ok[0].data!.closeOpportunity.stage);
    expect(lead.opportunity.status).toBe(lead.stage === 'CLOSED_WON' ? 'WON' : 'LOST');
  });

  it('10 accepts racing 10 rejects: exactly one decision, and a SAL lead can still be worked', async () => {
    const { leadId, ownerToken } = await routedLead(integration, 'race-accept');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? gql(REJECT, { i: { leadId, code: 'NO_ACTIVE_PRIORITY' } }, ownerToken) : gql(ACCEPT, { i: { leadId } }, ownerToken))));
    expect(answers.filter((a) => !a.errors)).toHaveLength(1);
    const decisions = await sql("SELECT to_stage FROM stage_transition WHERE lead_id = $1 AND to_stage IN ('SAL', 'REJECTED')", [leadId]);
    expect(decisions).toHaveLength(1);
    if (decisions[0].to_stage === 'SAL') {
      const touch = await gql(TOUCH, { i: { leadId, touchId: `t-${unique()}`, channel: 'CALL', outcome: 'ATTEMPTED', occurredAt: new Date().toISOString() } }, ownerToken);
      expect(touch.errors).toBeUndefined();
    }
  });

  it('a command sent again with the same requestId answers with its first result instead of being refused', async () => {
    const { leadId, ownerToken } = await routedLead(integration, 'retry');
    const requestId = `req-${unique()}`;
    const first = await gql(ACCEPT, { i: { leadId, requestId } }, ownerToken);
    const again = await gql(ACCEPT, { i: { leadId, requestId } }, ownerToken);
    expect(first.errors).toBeUndefined();
    expect(again).toEqual(first);
    const fresh = await gql(ACCEPT, { i: { leadId, requestId: `req-${unique()}` } }, ownerToken);
    expect(fresh.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
    expect(await sql("SELECT 1 FROM stage_transition WHERE lead_id = $1 AND to_stage = 'SAL'", [leadId])).toHaveLength(1);
  });

  it('a retry of a command that recycled the lead (its run has ended) answers with the first result, not a refusal', async () => {
    const { leadId, ownerToken } = await routedLead(integration, 'retry-recycle');
    const requestId = `req-${unique()}`;
    const first = await gqlOk(REJECT, { i: { leadId, code: 'NO_ACTIVE_PRIORITY', requestId } }, ownerToken);
    expect(first.rejectLead.stage).toBe('RECYCLED');
    // The retry reaches the next run (cycle 1), which never saw the first attempt's update id.
    const connection = await Connection.connect({ address: stack.temporalAddress() });
    try {
      const handle = new Client({ connection }).workflow.getHandle(`lead:${leadId}`);
      await eventually(async () => ((await handle.query(leadStateQuery)).cycle === 1 ? true : undefined), 20_000, 'the next run');
    } finally {
      await connection.close();
    }
    const again = await gql(REJECT, { i: { leadId, code: 'NO_ACTIVE_PRIORITY', requestId } }, ownerToken);
    expect(again.errors).toBeUndefined();
    expect(again.data!.rejectLead.stage).toBe('RECYCLED');
    expect(await sql("SELECT 1 FROM stage_transition WHERE lead_id = $1 AND to_stage = 'REJECTED'", [leadId])).toHaveLength(1);
    const other = await gql(REJECT, { i: { leadId, code: 'NO_ACTIVE_PRIORITY', requestId: `req-${unique()}` } }, ownerToken);
    // A new command is refused for good: the recycled lead is no longer the rep's to see.
    expect(other.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('a command refused while the workflow is behind the stage its record shows (a worker died mid-step) says retry, not a refusal for good', async () => {
    const email = `catching-up.${unique()}@fitting.example`;
    const { recordEngagement } = await record(integration, email, 'SITE_VISIT');
    const leadId = recordEngagement.leadId as string;
    await eventually(async () => ((await sql('SELECT 1 FROM engagement_event WHERE lead_id = $1 AND evaluated_at IS NOT NULL', [leadId])).length ? true : undefined), 20_000, 'the first evaluation');
    // What a killed worker leaves: the step's writes (MQL, owner) done, the step itself not yet durable in Temporal.
    const [rep] = await sql("SELECT id, email FROM app_user WHERE role = 'SALES_REP' AND active ORDER BY email LIMIT 1");
    await sql("UPDATE lead SET stage = 'MQL', owner_id = $2 WHERE id = $1", [leadId, rep.id]);
    const answer = await gql(ACCEPT, { i: { leadId } }, await tokenFor(rep.email));
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'UNAVAILABLE', leadId });
    // When the record and the workflow agree, a refusal is final (an unowned lead is not the rep's to see).
    await sql("UPDATE lead SET stage = 'ENGAGED', owner_id = NULL WHERE id = $1", [leadId]);
    expect((await gql(ACCEPT, { i: { leadId } }, await tokenFor(rep.email))).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('an unsubscribe while the lead waits in MQL disqualifies it OPTED_OUT and tells the owner; it can no longer be accepted', async () => {
    const { leadId, email, owner, ownerToken } = await routedLead(integration, 'optout-mql');
    const { recordEngagement } = await record(integration, email, 'UNSUBSCRIBE');
    expect(recordEngagement.delivery).not.toBe('STORED');
    const lead = await eventually(async () => {
      const l = (await gqlOk(STATE, { id: leadId }, manager)).lead;
      return l.stage === 'DISQUALIFIED' ? l : undefined;
    }, 20_000, 'the opt-out');
    expect(lead.optedOutAt).toBeTruthy();
    expect(await sql("SELECT 1 FROM notification WHERE lead_id = $1 AND recipient_id = $2 AND kind = 'LEAD_OPTED_OUT'", [leadId, owner])).toHaveLength(1);
    expect((await gql(ACCEPT, { i: { leadId } }, ownerToken)).errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
  });

  describe('a notification webhook that refuses every delivery', () => {
    let receiver: Server;
    let hits = 0;
    beforeAll(async () => {
      receiver = createServer((_req, res) => {
        hits++;
        res.writeHead(410).end();
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    });
    afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

    it('is recorded as a failed delivery RevOps can see; the lead is routed, accepted and worked as usual', async () => {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      await sql("UPDATE app_user SET notification_webhook_url = $1 WHERE role = 'SALES_REP'", [url]);
      try {
        const { leadId, owner, ownerToken } = await routedLead(integration, 'dead-hook');
        const failed = await eventually(async () => {
          const rows = (await gqlOk(`{ failedNotificationDeliveries { notificationId recipientId leadId kind failure } }`, {}, revops)).failedNotificationDeliveries;
          return rows.find((r: { leadId: string }) => r.leadId === leadId);
        }, 30_000, 'the failed delivery');
        expect(failed).toMatchObject({ recipientId: owner, kind: 'LEAD_ASSIGNED', failure: expect.stringContaining('410') });
        expect(hits).toBeGreaterThan(0);
        expect((await gqlOk(ACCEPT, { i: { leadId } }, ownerToken)).acceptLead.stage).toBe('SAL');
        expect((await gql(TOUCH, { i: { leadId, touchId: `t-${unique()}`, channel: 'CALL', outcome: 'ATTEMPTED', occurredAt: new Date().toISOString() } }, ownerToken)).errors).toBeUndefined();
        expect((await gql(`{ failedNotificationDeliveries { notificationId } }`, {}, ownerToken)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      } finally {
        await sql("UPDATE app_user SET notification_webhook_url = NULL WHERE role = 'SALES_REP'");
      }
    });
  });

  it('a delivery Temporal acknowledged but the lead never saw (a lost signal) is delivered again', async () => {
    const email = `lost-signal.${unique()}@fitting.example`;
    const { recordEngagement } = await record(integration, email, 'SITE_VISIT');
    const leadId = recordEngagement.leadId as string;
    // The site visit has been evaluated: nothing is left to wake the lead but what is delivered from now on.
    await eventually(async () => ((await sql('SELECT 1 FROM engagement_event WHERE lead_id = $1 AND evaluated_at IS NOT NULL', [leadId])).length ? true : undefined), 20_000, 'the first evaluation');
    // A demo request stored and marked delivered a minute ago, whose signal never reached the workflow.
    const [event] = await sql(
      `INSERT INTO engagement_event (idempotency_key, lead_id, type, occurred_at, received_at, utm, via) VALUES ($1, $2, 'DEMO_REQUEST', now() - interval '1 minute', now() - interval '1 minute', '{}', 'GRAPHQL') RETURNING id`,
      [`lost-${unique()}`, leadId],
    );
    await sql(`INSERT INTO ingest_outbox (lead_id, kind, event_id, status, attempts, delivered_at, created_at) VALUES ($1, 'ENGAGEMENT', $2, 'DELIVERED', 1, now() - interval '1 minute', now() - interval '1 minute')`, [leadId, event.id]);
    await eventually(async () => {
      const [row] = await sql('SELECT stage, owner_id FROM lead WHERE id = $1', [leadId]);
      return row.stage === 'MQL' && row.owner_id ? true : undefined;
    }, 60_000, 'the lost demo request handed off');
    expect((await sql('SELECT evaluated_at FROM engagement_event WHERE id = $1', [event.id]))[0].evaluated_at).not.toBeNull();
  });

  it('stored events a rule once choked on (year 50) or no rule can read (unknown type) never jam the lead: it qualifies, its score is served, the unreadable one is quarantined', async () => {
    const email = `quarantine.${unique()}@fitting.example`;
    const { recordEngagement } = await record(integration, email, 'SITE_VISIT');
    const leadId = recordEngagement.leadId as string;
    // What no ingest path accepts any more, written the way an older release or a hand fix could have.
    await sql(`INSERT INTO engagement_event (idempotency_key, lead_id, type, occurred_at, received_at, utm, via) VALUES ($1, $2, 'LEGACY_PING', now(), now(), '{}', 'GRAPHQL')`, [`legacy-${unique()}`, leadId]);
    // An instant of year 50: stored by an earlier release (ingest refuses it now), it used to fail every workflow task of the lead.
    await sql(`INSERT INTO engagement_event (idempotency_key, lead_id, type, occurred_at, received_at, utm, via) VALUES ($1, $2, 'SITE_VISIT', '0050-01-01T00:00:00Z', now(), '{}', 'GRAPHQL')`, [`ancient-${unique()}`, leadId]);
    await record(integration, email, 'DEMO_REQUEST');
    const lead = await eventually(async () => {
      const l = (await gqlOk(STATE, { id: leadId }, manager)).lead;
      return l.stage === 'MQL' && l.ownerId ? l : undefined;
    }, 30_000, 'MQL despite the unreadable event');
    expect(lead.quarantinedEvents).toEqual([{ eventId: expect.any(String), type: 'LEGACY_PING', reason: 'unknown engagement type LEGACY_PING' }]);
    expect(lead.intentScore.score).toBeGreaterThan(0);
  });
});
