import { randomUUID } from 'node:crypto';
import { signWebhook } from '../apps/api/src/engagement/engagement-webhook.controller';
import { DEV_WEBHOOK_SECRET } from '../libs/runtime/src/config';
import { DEMO, eventually, gql, gqlOk, sql, stack, tokenFor } from './support/system';

const RECORD = `mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { eventId leadId recorded delivery } }`;
const BATCH = `mutation($inputs: [RecordEngagementInput!]!) { recordEngagements(inputs: $inputs) {
  index outcome idempotencyKey eventId leadId leadCreated delivery error { code field message violations { field rule message } } } }`;
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const person = () => ({ company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' });
const now = () => new Date().toISOString();
const event = (email: string, type: string, key: string, extra: Record<string, unknown> = {}) => ({ email, type, occurredAt: now(), idempotencyKey: key, ...extra });
const postBatch = (body: string, secret = DEV_WEBHOOK_SECRET) => {
  const ts = Math.floor(Date.now() / 1000);
  return fetch(`${stack.apiUrl}/webhooks/engagement/batch`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-timestamp': String(ts), 'x-baton-signature': signWebhook(secret, ts, body) }, body });
};
type Result = { index: number; outcome: string; idempotencyKey: string | null; eventId: string | null; leadId: string | null; leadCreated: boolean | null; delivery: string | null; error: { code: string; field: string; violations: { field: string; rule: string }[] } | null };
const countEvents = async (keys: string[]) => Number((await sql('SELECT count(*) AS n FROM engagement_event WHERE idempotency_key = ANY($1)', [keys]))[0].n);

describe('batch ingest: recordEngagements and the webhook batch', () => {
  let integration: string;
  beforeAll(async () => {
    integration = await tokenFor(DEMO('webforms'));
  });
  const batch = async (inputs: unknown[]) => (await gqlOk<{ recordEngagements: Result[] }>(BATCH, { inputs }, integration)).recordEngagements;

  it('settles the low-intent events of an engaged lead where they arrive, and delivers a batch that qualifies another', async () => {
    const engaged = `batch.engaged.${unique()}@fitting.example`;
    const first = (await gqlOk(RECORD, { i: event(engaged, 'SITE_VISIT', `settle-0-${unique()}`, { person: person() }) }, integration)).recordEngagement;
    await eventually(async () => ((await sql('SELECT stage FROM lead WHERE id = $1', [first.leadId]))[0].stage === 'ENGAGED' ? true : undefined), 30_000, 'ENGAGED');
    const qualifying = `batch.qualifying.${unique()}@fitting.example`;
    const results = await batch([
      event(engaged, 'EMAIL_OPEN', `settle-1-${unique()}`),
      event(engaged, 'BLOG_CLICK', `settle-2-${unique()}`),
      event(qualifying, 'COMPARISON_GUIDE_DOWNLOAD', `settle-3-${unique()}`, { person: person(), contentTitle: 'Baton vs Spreadsheet' }),
    ]);
    expect(results.map((r) => r.delivery)).toEqual(['STORED', 'STORED', 'DELIVERED']);
    const evaluated = await sql('SELECT count(*) AS n FROM engagement_event WHERE id = ANY($1) AND evaluated_at IS NOT NULL', [[results[0].eventId, results[1].eventId]]);
    expect(Number(evaluated[0].n)).toBe(2);
    await eventually(async () => ((await sql('SELECT stage FROM lead WHERE id = $1', [results[2].leadId]))[0].stage === 'MQL' ? true : undefined), 30_000, 'the qualifying lead MQL');
  });

  it('answers a mixed batch per event, in input order, and stores each event and lead exactly once', async () => {
    const x = `batch.x.${unique()}@fitting.example`;
    const y = `batch.y.${unique()}@fitting.example`;
    const k = (n: string) => `mixed-${n}-${unique()}`;
    const [k0, k2, k4, k5, k6, k7] = ['0', '2', '4', '5', '6', '7'].map(k);
    const earlier = event(y, 'EMAIL_OPEN', k5);
    const first = (await gqlOk(RECORD, { i: earlier }, integration)).recordEngagement;
    await gqlOk(RECORD, { i: event(y, 'BLOG_CLICK', k6) }, integration);

    const e0 = event(x, 'BLOG_CLICK', k0, { person: person(), utm: { campaign: 'batch' } });
    const inputs = [
      e0,
      e0, // the same key and content again: a duplicate of the first
      event(x, 'PRICING_PAGE_VIEW', k2, { occurredAt: new Date(Date.now() + 3_600_000).toISOString() }),
      { ...e0, type: 'EMAIL_OPEN' }, // the same key, other content
      event('not-an-email', 'BLOG_CLICK', k4),
      earlier, // recorded before, same content
      event(y, 'EMAIL_OPEN', k6), // recorded before with other content
      event(x, 'SITE_VISIT', k7),
    ];
    const results = await batch(inputs);

    expect(results.map((r) => `${r.index}:${r.outcome}`)).toEqual(['0:RECORDED', '1:DUPLICATE', '2:REJECTED', '3:REJECTED', '4:REJECTED', '5:DUPLICATE', '6:REJECTED', '7:RECORDED']);
    const [r0, r1, r2, r3, r4, r5, r6, r7] = results;
    expect(r0).toMatchObject({ idempotencyKey: k0, leadCreated: true, delivery: 'DELIVERED', error: null });
    expect(r1).toMatchObject({ eventId: r0.eventId, leadId: r0.leadId, leadCreated: false, delivery: 'DELIVERED' });
    expect(r2.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs[2].occurredAt', violations: [{ field: 'inputs[2].occurredAt', rule: 'NOT_IN_FUTURE' }] });
    expect(r3.error).toMatchObject({ code: 'CONFLICT', field: 'inputs[3].idempotencyKey' });
    expect(r4.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs[4].email' });
    expect(r5).toMatchObject({ eventId: first.eventId, leadId: first.leadId, leadCreated: false, delivery: first.delivery });
    expect(r6.error).toMatchObject({ code: 'CONFLICT', field: 'inputs[6].idempotencyKey' });
    expect(r7).toMatchObject({ leadId: r0.leadId, leadCreated: false, delivery: 'DELIVERED' });
    for (const r of [r2, r3, r4, r6]) expect(r).toMatchObject({ eventId: null, leadId: null, delivery: null });

    expect(await sql('SELECT id FROM lead WHERE email = $1', [x])).toEqual([{ id: r0.leadId }]);
    expect(await countEvents([k0, k2, k4, k7])).toBe(2);
    expect(await sql('SELECT 1 FROM ingest_receipt WHERE idempotency_key = ANY($1)', [[k2, k4]])).toHaveLength(0);
    const stored = await sql('SELECT e.type, e.via, o.status FROM ingest_outbox o JOIN engagement_event e ON e.id = o.event_id WHERE o.lead_id = $1 ORDER BY o.id', [r0.leadId]);
    expect(stored.map((s) => `${s.type}:${s.via}:${s.status}`)).toEqual(['BLOG_CLICK:GRAPHQL:DELIVERED', 'SITE_VISIT:GRAPHQL:DELIVERED']);
    expect((await sql('SELECT company, utm FROM lead WHERE id = $1', [r0.leadId]))[0]).toMatchObject({ company: 'Fitting GmbH', utm: { campaign: 'batch' } });

    // The whole batch again: every stored event answers as itself, nothing is counted twice.
    const again = await batch(inputs);
    expect(again.map((r) => r.outcome)).toEqual(['DUPLICATE', 'DUPLICATE', 'REJECTED', 'REJECTED', 'REJECTED', 'DUPLICATE', 'REJECTED', 'DUPLICATE']);
    expect([again[0].eventId, again[7].eventId]).toEqual([r0.eventId, r7.eventId]);
    expect(again[3].error?.code).toBe('CONFLICT');
    expect(await countEvents([k0, k2, k4, k7])).toBe(2);
    expect(await sql('SELECT 1 FROM lead WHERE email = $1', [x])).toHaveLength(1);
  });

  it('hands off and routes leads whose qualifying event came in a batch, as the single path does', async () => {
    const emails = [0, 1, 2].map((i) => `batch.mql${i}.${unique()}@fitting.example`);
    const inputs = emails.flatMap((email, i) => [
      event(email, 'BLOG_CLICK', `mql-blog-${i}-${unique()}`, { person: person() }),
      event(email, i === 1 ? 'COMPARISON_GUIDE_DOWNLOAD' : 'DEMO_REQUEST', `mql-hot-${i}-${unique()}`, { contentTitle: 'Baton vs Spreadsheet' }),
    ]);
    const results = await batch(inputs);
    expect(results.map((r) => r.outcome)).toEqual(Array(6).fill('RECORDED'));
    expect(results.map((r) => r.leadCreated)).toEqual([true, false, true, false, true, false]);

    for (let i = 0; i < emails.length; i++) {
      const leadId = results[2 * i].leadId;
      // The lead's outbox rows are in input order.
      expect((await sql('SELECT event_id FROM ingest_outbox WHERE lead_id = $1 ORDER BY id', [leadId])).map((r) => r.event_id)).toEqual([results[2 * i].eventId, results[2 * i + 1].eventId]);
      await eventually(async () => {
        const [l] = await sql('SELECT stage, owner_id FROM lead WHERE id = $1', [leadId]);
        return l.stage === 'MQL' && l.owner_id ? true : undefined;
      }, 30_000, `lead ${i} MQL and routed`);
      expect(await sql(`SELECT 1 FROM stage_transition WHERE lead_id = $1 AND to_stage = 'MQL'`, [leadId])).toHaveLength(1);
    }
  });

  it('takes 500 events in one call and refuses 501, naming inputs, storing nothing', async () => {
    const id = randomUUID();
    const email = `closed.batch.${unique()}@fitting.example`;
    // A closed lead: its events are stored, no workflow is told (the size limits are the point here).
    await sql(`INSERT INTO lead (id, email, source, stage, workflow_id, first_touch_at) VALUES ($1, $2, 'WEBSITE', 'CLOSED_LOST', $3, now() - interval '400 days')`, [id, email, `lead:${id}`]);
    const tag = unique();
    const many = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => event(email, 'BLOG_CLICK', `${prefix}-${tag}-${i}`, { url: `https://example.com/blog/${'a'.repeat(200)}/${i}`, contentTitle: 'A long read about alignment' }));

    const refused = await gql(BATCH, { inputs: many(501, 'over') }, integration);
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
    expect(await sql('SELECT 1 FROM ingest_receipt WHERE idempotency_key LIKE $1', [`over-${tag}-%`])).toHaveLength(0);

    const t0 = Date.now();
    const results = await batch(many(500, 'full'));
    process.stdout.write(`[ingest-batch] 500 events of a closed lead (stored, not signalled) answered in ${Date.now() - t0} ms\n`);
    expect(results).toHaveLength(500);
    expect(results.every((r, i) => r.index === i && r.outcome === 'RECORDED' && r.leadId === id && r.delivery === 'STORED')).toBe(true);
    expect(Number((await sql('SELECT count(*) AS n FROM engagement_event WHERE lead_id = $1', [id]))[0].n)).toBe(500);
  });

  it('refuses a batch from roles that may not record engagement', async () => {
    const r = await gql(BATCH, { inputs: [event(`rep.${unique()}@fitting.example`, 'BLOG_CLICK', `role-${unique()}`)] }, await tokenFor(DEMO('rep.berlin')));
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('takes a signed webhook batch with the same per-event answers, and refuses a bad signature or shape', async () => {
    const email = `hook.batch.${unique()}@fitting.example`;
    const viaGraphql = event(email, 'EMAIL_OPEN', `hook-gql-${unique()}`);
    const first = (await gqlOk(RECORD, { i: viaGraphql }, integration)).recordEngagement;
    // Engaged first, so the answer is the cheap path's (STORED) whatever the workflow's pace.
    await eventually(async () => ((await sql('SELECT stage FROM lead WHERE id = $1', [first.leadId]))[0].stage === 'ENGAGED' ? true : undefined), 30_000, 'ENGAGED');
    const valid = event(email, 'BLOG_CLICK', `hook-ok-${unique()}`, { person: person() });
    const events = [valid, event(email, 'NOT_A_TYPE', `hook-type-${unique()}`), 42, event(email, 'BLOG_CLICK', `hook-when-${unique()}`, { occurredAt: 'yesterday' }), valid, viaGraphql, { ...valid, idempotencyKey: `hook-extra-${unique()}`, extra: 1 }];
    const body = JSON.stringify({ events });

    const forged = await postBatch(body, 'not-the-secret');
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: unknown }).error).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await countEvents([valid.idempotencyKey])).toBe(0);

    const res = await postBatch(body);
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Result[] };
    expect(results.map((r) => `${r.index}:${r.outcome}:${r.error?.field ?? ''}`)).toEqual([
      '0:RECORDED:',
      '1:REJECTED:events[1].type',
      '2:REJECTED:events[2]',
      '3:REJECTED:events[3].occurredAt',
      '4:DUPLICATE:',
      '5:DUPLICATE:',
      '6:REJECTED:events[6].extra',
    ]);
    expect(results[0]).toMatchObject({ idempotencyKey: valid.idempotencyKey, leadId: first.leadId, leadCreated: false, delivery: 'STORED' });
    expect(results[4]).toMatchObject({ eventId: results[0].eventId });
    expect(results[5]).toMatchObject({ eventId: first.eventId });
    expect((await sql('SELECT via FROM engagement_event WHERE idempotency_key = $1', [valid.idempotencyKey]))[0].via).toBe('WEBHOOK');

    const tooMany = await postBatch(JSON.stringify({ events: Array.from({ length: 501 }, (_, i) => event(email, 'BLOG_CLICK', `hook-over-${i}-${unique()}`)) }));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: unknown }).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events' });
    const shapeless = await postBatch(JSON.stringify(valid));
    expect(shapeless.status).toBe(400);
  });

  // Last: its three concurrent batches load the machine (an inline delivery may miss its deadline).
  it('gives concurrent identical batches one event per key and one lead per email (the others answer with the winner)', async () => {
    const emails = [0, 1, 2, 3].map((i) => `batch.race${i}.${unique()}@fitting.example`);
    const inputs = emails.flatMap((email, i) => [0, 1, 2].map((j) => event(email, 'BLOG_CLICK', `race-${i}-${j}-${unique()}`)));
    const other = emails.map((email, i) => event(email, 'SITE_VISIT', `race-other-${i}-${unique()}`));
    const [a, b, c] = await Promise.all([batch(inputs), batch(inputs), batch(other)]);
    for (let i = 0; i < inputs.length; i++) {
      expect([a[i].outcome, b[i].outcome].sort()).toEqual(['DUPLICATE', 'RECORDED']);
      expect(b[i].eventId).toBe(a[i].eventId);
    }
    expect(c.map((r) => r.outcome)).toEqual(Array(4).fill('RECORDED'));
    const leads = await sql('SELECT email, id FROM lead WHERE email = ANY($1)', [emails]);
    expect(leads).toHaveLength(4);
    for (let i = 0; i < emails.length; i++) expect(c[i].leadId).toBe(leads.find((l) => l.email === emails[i]).id);
    expect(await countEvents([...inputs, ...other].map((e) => e.idempotencyKey))).toBe(16);
    expect([...a, ...b, ...c].filter((r) => r.leadCreated)).toHaveLength(4);

    // One key, two people, two batches at once: one records, the other is a conflict that leaves nothing behind.
    const contested = `race-contested-${unique()}`;
    const people = [0, 1].map((i) => `batch.contest${i}.${unique()}@fitting.example`);
    const [p, q] = await Promise.all(people.map((email) => batch([event(email, 'BLOG_CLICK', contested)])));
    expect([p[0].outcome, q[0].outcome].sort()).toEqual(['RECORDED', 'REJECTED']);
    expect([p[0], q[0]].find((r) => r.outcome === 'REJECTED')?.error).toMatchObject({ code: 'CONFLICT', field: 'inputs[0].idempotencyKey' });
    expect(await countEvents([contested])).toBe(1);
    expect(await sql('SELECT 1 FROM lead WHERE email = ANY($1)', [people])).toHaveLength(1);
  });
});
