import { randomUUID } from 'node:crypto';
import { signWebhook } from '../apps/api/src/engagement/engagement-webhook.controller';
import { DEV_WEBHOOK_SECRET } from '../libs/runtime/src/config';
import { DEMO, eventually, gql, gqlOk, sql, stack, tokenFor } from './support/system';

const RECORD = `mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { eventId leadId recorded leadCreated delivery } }`;
const CAPTURE = `mutation($i: CaptureLeadInput!) { captureLead(input: $i) { lead { id stage } created delivery } }`;
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const person = () => ({ company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' });
const postWebhook = (body: string) => {
  const ts = Math.floor(Date.now() / 1000);
  return fetch(`${stack.apiUrl}/webhooks/engagement`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-timestamp': String(ts), 'x-baton-signature': signWebhook(DEV_WEBHOOK_SECRET, ts, body) }, body });
};
const outboxRow = async (eventId: string) => (await sql('SELECT status, delivered_at FROM ingest_outbox WHERE event_id = $1', [eventId]))[0];

describe('ingest guarantees', () => {
  let integration: string;
  beforeAll(async () => {
    integration = await tokenFor(DEMO('webforms'));
  });

  it('refuses instants before 1970 (year 50 included) over GraphQL and the webhook, naming occurredAt, and stores nothing', async () => {
    for (const occurredAt of ['0050-01-01T00:00:00Z', '1969-12-31T23:59:59Z']) {
      const email = `range.${unique()}@fitting.example`;
      const keys = [`range-gql-${unique()}`, `range-hook-${unique()}`];
      const r = await gql(RECORD, { i: { email, type: 'DEMO_REQUEST', occurredAt, idempotencyKey: keys[0], person: person() } }, integration);
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'occurredAt' });
      const res = await postWebhook(JSON.stringify({ email, type: 'DEMO_REQUEST', occurredAt, idempotencyKey: keys[1], person: person() }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'occurredAt' });
      expect(await sql('SELECT 1 FROM ingest_receipt WHERE idempotency_key = ANY($1)', [keys])).toHaveLength(0);
      expect(await sql('SELECT 1 FROM lead WHERE email = $1', [email])).toHaveLength(0);
    }
  });

  it('settles a low-intent event of an engaged lead where it arrives (scored, evaluated, no workflow round trip) and still delivers what moves the lead', async () => {
    const email = `engaged.${unique()}@fitting.example`;
    const event = (type: string, extra: Record<string, unknown> = {}) =>
      gqlOk(RECORD, { i: { email, type, occurredAt: new Date().toISOString(), idempotencyKey: `engaged-${type}-${unique()}`, ...extra } }, integration).then((d) => d.recordEngagement);
    const first = await event('SITE_VISIT', { person: person() });
    await eventually(async () => ((await sql('SELECT stage FROM lead WHERE id = $1', [first.leadId]))[0].stage === 'ENGAGED' ? true : undefined), 30_000, 'ENGAGED');
    const [before] = await sql('SELECT intent_score FROM lead WHERE id = $1', [first.leadId]);

    const open = await event('EMAIL_OPEN');
    expect(open.delivery).toBe('STORED');
    expect(await outboxRow(open.eventId)).toMatchObject({ status: 'STORED', delivered_at: null });
    const [after] = await sql('SELECT l.intent_score, l.stage, e.evaluated_at FROM lead l JOIN engagement_event e ON e.lead_id = l.id WHERE e.id = $1', [open.eventId]);
    expect(Number(after.intent_score)).toBeGreaterThan(Number(before.intent_score));
    expect(after).toMatchObject({ stage: 'ENGAGED', evaluated_at: expect.any(Date) });

    // The event that qualifies the lead is delivered and moves it; so is an opt-out.
    const qualifying = await event('COMPARISON_GUIDE_DOWNLOAD', { contentTitle: 'Baton vs Spreadsheet' });
    expect(qualifying.delivery).toBe('DELIVERED');
    await eventually(async () => ((await sql('SELECT stage FROM lead WHERE id = $1', [first.leadId]))[0].stage === 'MQL' ? true : undefined), 30_000, 'MQL');
  });

  it('stores a non-actionable event on a lead in SAL without signalling it, and delivers an unsubscribe', async () => {
    const email = `sal.${unique()}@fitting.example`;
    const first = (await gqlOk(RECORD, { i: { email, type: 'COMPARISON_GUIDE_DOWNLOAD', occurredAt: new Date().toISOString(), idempotencyKey: `sal-${unique()}`, contentTitle: 'Baton vs Spreadsheet', person: person() } }, integration)).recordEngagement;
    expect(first.delivery).toBe('DELIVERED');
    const ownerId = await eventually(async () => {
      const [l] = await sql('SELECT stage, owner_id FROM lead WHERE id = $1', [first.leadId]);
      return l.stage === 'MQL' && l.owner_id ? (l.owner_id as string) : undefined;
    }, 30_000, 'routing to a rep');
    const [owner] = await sql('SELECT email FROM app_user WHERE id = $1', [ownerId]);
    await gqlOk(`mutation($id: ID!) { acceptLead(input: { leadId: $id }) { stage } }`, { id: first.leadId }, await tokenFor(owner.email));
    await eventually(async () => ((await sql('SELECT stage FROM lead WHERE id = $1', [first.leadId]))[0].stage === 'SAL' ? true : undefined), 20_000, 'SAL');

    const open = (await gqlOk(RECORD, { i: { email, type: 'EMAIL_OPEN', occurredAt: new Date().toISOString(), idempotencyKey: `sal-open-${unique()}` } }, integration)).recordEngagement;
    expect(open).toMatchObject({ recorded: true, leadCreated: false, delivery: 'STORED' });
    expect(await outboxRow(open.eventId)).toMatchObject({ status: 'STORED', delivered_at: null });

    const unsubBody = JSON.stringify({ email, type: 'UNSUBSCRIBE', occurredAt: new Date().toISOString(), idempotencyKey: `sal-unsub-${unique()}` });
    const res = await postWebhook(unsubBody);
    const unsub = (await res.json()) as { eventId: string; delivery: string };
    expect(res.status).toBe(202);
    await eventually(async () => ((await outboxRow(unsub.eventId)).status === 'DELIVERED' ? true : undefined), 30_000, 'the unsubscribe delivered');
    await eventually(async () => ((await sql('SELECT stage FROM lead WHERE id = $1', [first.leadId]))[0].stage === 'DISQUALIFIED' ? true : undefined), 30_000, 'opted out');
    // A replay of the same key answers from the event's row.
    const replay = await postWebhook(unsubBody);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ eventId: unsub.eventId, recorded: false, delivery: 'DELIVERED' });
  });

  it('never starts or signals the workflow of a closed lead (its run gone after retention)', async () => {
    const id = randomUUID();
    const email = `closed.${unique()}@fitting.example`;
    // A lead whose lifecycle closed long ago: its workflow run is no longer retained.
    await sql(`INSERT INTO lead (id, email, source, stage, workflow_id, first_touch_at) VALUES ($1, $2, 'WEBSITE', 'CLOSED_LOST', $3, now() - interval '400 days')`, [id, email, `lead:${id}`]);
    const captured = (await gqlOk(CAPTURE, { i: { email, source: 'WEBSITE', idempotencyKey: `closed-${unique()}` } }, integration)).captureLead;
    expect(captured).toMatchObject({ lead: { id, stage: 'CLOSED_LOST' }, created: false, delivery: 'STORED' });
    const event = (await gqlOk(RECORD, { i: { email, type: 'DEMO_REQUEST', occurredAt: new Date().toISOString(), idempotencyKey: `closed-ev-${unique()}` } }, integration)).recordEngagement;
    expect(event).toMatchObject({ leadId: id, recorded: true, delivery: 'STORED' });
    expect((await sql('SELECT kind, status FROM ingest_outbox WHERE lead_id = $1 ORDER BY id', [id])).map((r) => `${r.kind}:${r.status}`)).toEqual(['START:STORED', 'ENGAGEMENT:STORED']);

    const { Connection, Client } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: stack.temporalAddress() });
    try {
      const described = await new Client({ connection }).workflow.getHandle(`lead:${id}`).describe().catch((e: Error) => e);
      expect((described as Error).name).toBe('WorkflowNotFoundError');
    } finally {
      await connection.close();
    }
    expect((await sql('SELECT stage FROM lead WHERE id = $1', [id]))[0].stage).toBe('CLOSED_LOST');
  });
});
