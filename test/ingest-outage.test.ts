import { signWebhook } from '../apps/api/src/engagement/engagement-webhook.controller';
import { DEV_WEBHOOK_SECRET } from '../libs/runtime/src/config';
import { IsolatedStack, startIsolatedStack } from './support/isolated-stack';
import { DEMO, eventually } from './support/system';

// Its own platform: this test kills that platform's Temporal server.
const RECORD = `mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { eventId leadId recorded leadCreated delivery } }`;
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const person = () => ({ company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' });

describe('ingest during a Temporal outage', () => {
  let s: IsolatedStack;
  beforeAll(async () => {
    s = await startIsolatedStack();
  }, 300_000);
  afterAll(async () => {
    await s?.stop();
  }, 120_000);

  it('answers accepted + QUEUED at once, and delivers every event exactly once when Temporal returns', async () => {
    const integration = await s.tokenFor(DEMO('webforms'));
    await s.killTemporal();

    // GraphQL: a demo request from an unknown, fitting person.
    const t0 = Date.now();
    const viaGraphql = await s.gql(RECORD, { i: { email: `outage.gql.${unique()}@fitting.example`, type: 'DEMO_REQUEST', occurredAt: new Date().toISOString(), idempotencyKey: `outage-gql-${unique()}`, person: person() } }, integration);
    const graphqlMs = Date.now() - t0;
    expect(viaGraphql.errors).toBeUndefined();
    expect(viaGraphql.data!.recordEngagement).toMatchObject({ recorded: true, leadCreated: true, delivery: 'QUEUED' });

    // The signed webhook: the same, for another person.
    const body = JSON.stringify({ email: `outage.hook.${unique()}@fitting.example`, type: 'DEMO_REQUEST', occurredAt: new Date().toISOString(), idempotencyKey: `outage-hook-${unique()}`, person: person() });
    const ts = Math.floor(Date.now() / 1000);
    const t1 = Date.now();
    const res = await fetch(`${s.apiUrl}/webhooks/engagement`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-timestamp': String(ts), 'x-baton-signature': signWebhook(DEV_WEBHOOK_SECRET, ts, body) }, body });
    const webhookMs = Date.now() - t1;
    const viaWebhook = (await res.json()) as { eventId: string; leadId: string; delivery: string };
    expect(res.status).toBe(202);
    expect(viaWebhook).toMatchObject({ recorded: true, leadCreated: true, delivery: 'QUEUED' });
    process.stdout.write(`[ingest-outage] answers while Temporal is down: GraphQL ${graphqlMs} ms, webhook ${webhookMs} ms\n`);
    expect(graphqlMs).toBeLessThan(2000);
    expect(webhookMs).toBeLessThan(2000);

    const leads = [viaGraphql.data!.recordEngagement as { eventId: string; leadId: string }, viaWebhook];
    const rows = await s.sql(`SELECT status FROM ingest_outbox WHERE event_id = ANY($1::uuid[])`, [leads.map((l) => l.eventId)]);
    expect(rows.map((r) => r.status)).toEqual(['PENDING', 'PENDING']);
    const health = (await (await fetch(`${s.apiUrl}/health`)).json()) as { ingest: { pendingOutbox: number; oldestPendingAgeMs: number } };
    expect(health.ingest.pendingOutbox).toBeGreaterThanOrEqual(2);
    expect(health.ingest.oldestPendingAgeMs).toBeGreaterThanOrEqual(0);

    await s.restartTemporal();
    const t2 = Date.now();
    for (const { leadId, eventId } of leads) {
      await eventually(async () => {
        const [lead] = await s.sql('SELECT stage, owner_id FROM lead WHERE id = $1', [leadId]);
        return lead.stage === 'MQL' && lead.owner_id ? lead : undefined;
      }, 90_000, `lead ${leadId} MQL with an owner after the outage`);
      const [row] = await s.sql('SELECT status, delivered_at, attempts FROM ingest_outbox WHERE event_id = $1', [eventId]);
      expect(row.status).toBe('DELIVERED');
      expect(row.delivered_at).not.toBeNull();
      expect(await s.sql(`SELECT 1 FROM stage_transition WHERE lead_id = $1 AND to_stage = 'MQL'`, [leadId])).toHaveLength(1);
      expect(await s.sql(`SELECT 1 FROM engagement_event WHERE lead_id = $1`, [leadId])).toHaveLength(1);
    }
    process.stdout.write(`[ingest-outage] both leads MQL with an owner ${Date.now() - t2} ms after Temporal restarted\n`);
    const after = (await (await fetch(`${s.apiUrl}/health`)).json()) as { ingest: { pendingOutbox: number } };
    expect(after.ingest.pendingOutbox).toBe(0);
  }, 240_000);
});
