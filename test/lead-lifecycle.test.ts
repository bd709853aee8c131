import { ChildProcess } from 'node:child_process';
import { signWebhook } from '../apps/api/src/engagement/engagement-webhook.controller';
import { DEV_WEBHOOK_SECRET } from '../libs/runtime/src/config';
import { DEMO, eventually, gql, gqlOk, killWorker, liveFeedListener, sql, stack, startWorker, tokenFor } from './support/system';

const RECORD = `mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { eventId leadId recorded leadCreated } }`;
const DETAIL = `query($id: ID!) { lead(id: $id) { id stage ownerId intentScore { score breakdown { type points reason } }
  handoffBrief { definitionVersion recommendedNextAction contentConsumed slaClocks { kind status dueAt } }
  slaClocks { kind status } cadence { touches complete steps { step channel dueAt doneAt } } touches { id channel outcome }
  opportunity { amount status closeReason } stageHistory { fromStage toStage reason actorRole definitionVersion } } }`;

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/** A fitting EMEA SaaS lead (not hot, so routing does not depend on the time of day). */
function person() {
  return { firstName: 'Pat', company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' };
}

async function leadWithOwner(integration: string, tag: string) {
  const email = `${tag}.${unique()}@fitting.example`;
  const r = await gqlOk(RECORD, { i: { email, type: 'COMPARISON_GUIDE_DOWNLOAD', occurredAt: new Date().toISOString(), idempotencyKey: `ev-${unique()}`, channel: 'content', contentTitle: 'Baton vs Spreadsheet', person: person() } }, integration);
  const leadId = r.recordEngagement.leadId as string;
  const owner = await eventually(async () => {
    const [row] = await sql('SELECT owner_id, stage FROM lead WHERE id = $1', [leadId]);
    return row?.owner_id && row.stage === 'MQL' ? (row.owner_id as string) : undefined;
  }, 30_000, 'routing to a rep');
  const [ownerRow] = await sql('SELECT email FROM app_user WHERE id = $1', [owner]);
  return { leadId, owner, ownerToken: await tokenFor(ownerRow.email) };
}

describe('lead lifecycle over GraphQL against the real platform', () => {
  let integration: string;
  let manager: string;
  beforeAll(async () => {
    integration = await tokenFor(DEMO('webforms'));
    manager = await tokenFor(DEMO('manager'));
  });

  it('an engagement for an unknown email creates the lead, which becomes MQL, is routed with a brief, and is worked to a won opportunity', async () => {
    const { leadId, owner, ownerToken } = await leadWithOwner(integration, 'won');
    // Clocks are opened right after the assignment; wait for both.
    const detail = await eventually(async () => {
      const d = (await gqlOk(DETAIL, { id: leadId }, manager)).lead;
      return d.handoffBrief?.slaClocks.length === 2 ? d : undefined;
    }, 20_000, 'the handoff clocks');
    expect(detail.stageHistory.map((t: { toStage: string }) => t.toStage)).toEqual(['FIRST_TOUCH', 'ENGAGED', 'MQL']);
    const [{ version: activeVersion }] = await sql("SELECT version FROM stage_definition WHERE status = 'ACTIVE'");
    expect(detail.stageHistory[2]).toMatchObject({ actorRole: 'SYSTEM', definitionVersion: activeVersion });
    expect(detail.handoffBrief.contentConsumed).toContain('Baton vs Spreadsheet');
    expect(detail.handoffBrief.slaClocks.map((c: { kind: string }) => c.kind).sort()).toEqual(['ACCEPT', 'FIRST_TOUCH_STANDARD']);
    expect(detail.intentScore.breakdown[0]).toMatchObject({ type: 'COMPARISON_GUIDE_DOWNLOAD', points: 20 });
    const [decision] = await sql('SELECT rep_id, trace FROM routing_decision WHERE lead_id = $1', [leadId]);
    expect(decision.rep_id).toBe(owner);

    // Another rep may not accept it (for them the lead does not exist), nor may the manager; the owner may.
    const other = await tokenFor(DEMO(owner === (await sql("SELECT id FROM app_user WHERE email = $1", [DEMO('rep.berlin')]))[0].id ? 'rep.munich' : 'rep.berlin'));
    const refused = await gql(`mutation($id: ID!) { acceptLead(input: { leadId: $id }) { stage } }`, { id: leadId }, other);
    expect(refused.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const byManager = await gql(`mutation($id: ID!) { acceptLead(input: { leadId: $id }) { stage } }`, { id: leadId }, manager);
    expect(byManager.errors?.[0].extensions?.code).toBe('NOT_OWNER');
    expect((await gqlOk(`mutation($id: ID!) { acceptLead(input: { leadId: $id }) { stage } }`, { id: leadId }, ownerToken)).acceptLead.stage).toBe('SAL');

    const touch = `mutation($i: LogTouchInput!) { logTouch(input: $i) { stage cadenceExit } }`;
    const input = { leadId, touchId: `t-${unique()}`, channel: 'CALL', outcome: 'CONNECTED', occurredAt: new Date().toISOString() };
    const logged = await gqlOk(touch, { i: input }, ownerToken);
    expect(logged.logTouch.cadenceExit).toBe('CONNECTED');
    await gqlOk(touch, { i: input }, ownerToken); // the same touch again counts once
    expect(await sql('SELECT 1 FROM touch WHERE lead_id = $1', [leadId])).toHaveLength(1);

    // The cadence view: each step's window and state; the call fills day 1's call step, later days have not opened.
    const CADENCE = `query($id: ID!) { lead(id: $id) { touches { id } cadence { touches dates minDates complete missing
      steps { step day channel opensAt dueAt closesAt status touchId } } } }`;
    const view = (await gqlOk(CADENCE, { id: leadId }, manager)).lead;
    expect(view.cadence).toMatchObject({ touches: 1, dates: 1, minDates: 5, complete: false });
    expect(view.cadence.missing).toContain('7 more touches, touches on 4 more dates');
    const steps = view.cadence.steps;
    expect(steps.map((st: { status: string }) => st.status)).toEqual(['FILLED', 'OPEN', 'UPCOMING', 'UPCOMING', 'UPCOMING', 'UPCOMING', 'UPCOMING', 'UPCOMING']);
    expect(steps[0]).toMatchObject({ channel: 'CALL', touchId: view.touches[0].id });
    expect(Date.parse(steps[0].opensAt)).toBeLessThanOrEqual(Date.parse(input.occurredAt));
    for (const st of steps) expect(Date.parse(st.closesAt) - Date.parse(st.dueAt)).toBe(24 * 3_600_000);
    expect(Date.parse(steps[2].opensAt)).toBeGreaterThan(Date.parse(steps[1].dueAt));

    const early = await gql(`mutation($i: DisqualifyLeadInput!) { disqualifyLead(input: $i) { stage } }`, { i: { leadId, reason: 'UNRESPONSIVE', note: 'silent' } }, ownerToken);
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'CADENCE_INCOMPLETE', field: 'reason' });
    expect(early.errors?.[0].message).toContain('missing 7 more touches, touches on 4 more dates');

    const weakBant = await gql(`mutation($i: QualifyLeadInput!) { qualifyLead(input: $i) { stage } }`, { i: { leadId, bant: { budget: true, authority: false, need: false, timeline: false }, amount: 1000, expectedCloseAt: new Date(Date.now() + 30 * 86_400_000).toISOString() } }, ownerToken);
    expect(weakBant.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bant' });
    const qualified = await gqlOk(`mutation($i: QualifyLeadInput!) { qualifyLead(input: $i) { stage opportunityId } }`, { i: { leadId, bant: { budget: true, authority: true, need: true, timeline: false }, amount: 24000, expectedCloseAt: new Date(Date.now() + 30 * 86_400_000).toISOString() } }, ownerToken);
    expect(qualified.qualifyLead.stage).toBe('OPPORTUNITY');
    const closed = await gqlOk(`mutation($i: CloseOpportunityInput!) { closeOpportunity(input: $i) { stage } }`, { i: { leadId, won: true, reason: 'Best fit' } }, ownerToken);
    expect(closed.closeOpportunity.stage).toBe('CLOSED_WON');

    const final = (await gqlOk(DETAIL, { id: leadId }, manager)).lead;
    expect(final.stageHistory.map((t: { toStage: string }) => t.toStage)).toEqual(['FIRST_TOUCH', 'ENGAGED', 'MQL', 'SAL', 'SQL', 'OPPORTUNITY', 'CLOSED_WON']);
    expect(final.opportunity).toMatchObject({ amount: 24000, status: 'WON', closeReason: 'Best fit' });
    expect(final.slaClocks.filter((c: { status: string }) => c.status === 'BREACHED')).toEqual([]);
    const queue = await gqlOk(`{ myQueue { id } myNotifications { kind leadId } }`, {}, ownerToken);
    expect(queue.myQueue.map((l: { id: string }) => l.id)).not.toContain(leadId);
    expect(queue.myNotifications.filter((n: { leadId: string }) => n.leadId === leadId).map((n: { kind: string }) => n.kind)).toEqual(['LEAD_ASSIGNED']);

    // Engagement after the close is kept for the numbers but never reopens the lifecycle.
    const [{ email }] = await sql('SELECT email FROM lead WHERE id = $1', [leadId]);
    const late = await gqlOk(RECORD, { i: { email, type: 'DEMO_REQUEST', occurredAt: new Date().toISOString(), idempotencyKey: `late-${unique()}` } }, integration);
    expect(late.recordEngagement).toMatchObject({ leadId, recorded: true, leadCreated: false });
    await new Promise((r) => setTimeout(r, 1000));
    const after = await sql('SELECT to_stage FROM stage_transition WHERE lead_id = $1', [leadId]);
    expect(after).toHaveLength(7);
    expect((await sql('SELECT stage FROM lead WHERE id = $1', [leadId]))[0].stage).toBe('CLOSED_WON');
  });

  it('a rejected lead records its code and goes back to marketing nurture', async () => {
    const { leadId, ownerToken } = await leadWithOwner(integration, 'rej');
    const missingNote = await gql(`mutation($i: RejectLeadInput!) { rejectLead(input: $i) { stage } }`, { i: { leadId, code: 'WRONG_CONTACT' } }, ownerToken);
    expect(missingNote.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    const r = await gqlOk(`mutation($i: RejectLeadInput!) { rejectLead(input: $i) { stage recycleCount reengageAfter } }`, { i: { leadId, code: 'NO_ACTIVE_PRIORITY', note: 'Budget frozen until Q3' } }, ownerToken);
    expect(r.rejectLead).toMatchObject({ stage: 'RECYCLED', recycleCount: 1 });
    const [lead] = await sql('SELECT stage, owner_id, recycle_count, reengage_at FROM lead WHERE id = $1', [leadId]);
    expect(lead).toMatchObject({ stage: 'RECYCLED', owner_id: null, recycle_count: 1 });
    expect(new Date(lead.reengage_at).getTime() - Date.now()).toBeGreaterThan(89 * 86_400_000);
    const history = await sql('SELECT to_stage, details FROM stage_transition WHERE lead_id = $1 ORDER BY occurred_at, step_key', [leadId]);
    expect(history.map((h) => h.to_stage)).toEqual(['FIRST_TOUCH', 'ENGAGED', 'MQL', 'REJECTED', 'RECYCLED']);
    expect(history[3].details).toMatchObject({ code: 'NO_ACTIVE_PRIORITY', note: 'Budget frozen until Q3' });
  });

  it('the signed webhook ingests once per key and refuses bad signatures, stale timestamps and bad fields', async () => {
    const body = JSON.stringify({ email: `hook.${unique()}@fitting.example`, type: 'PRICING_PAGE_VIEW', occurredAt: new Date().toISOString(), idempotencyKey: `hook-${unique()}`, person: person() });
    const post = (raw: string, ts: number, sig: string) => fetch(`${stack.apiUrl}/webhooks/engagement`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-timestamp': String(ts), 'x-baton-signature': sig }, body: raw });
    const now = Math.floor(Date.now() / 1000);

    const first = await post(body, now, signWebhook(DEV_WEBHOOK_SECRET, now, body));
    expect(first.status).toBe(202);
    const firstBody = (await first.json()) as { eventId: string; leadId: string };
    expect(firstBody).toMatchObject({ recorded: true, leadCreated: true });
    const again = await post(body, now, signWebhook(DEV_WEBHOOK_SECRET, now, body));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ recorded: false, eventId: firstBody.eventId });
    expect(await sql('SELECT 1 FROM engagement_event WHERE lead_id = $1', [firstBody.leadId])).toHaveLength(1);

    expect((await post(body, now, signWebhook('wrong-secret', now, body))).status).toBe(401);
    expect((await post(body, now - 3600, signWebhook(DEV_WEBHOOK_SECRET, now - 3600, body))).status).toBe(401);
    const bad = JSON.stringify({ email: 'nope', type: 'TELEPATHY', occurredAt: 'yesterday', idempotencyKey: 'short' });
    const badRes = await post(bad, now, signWebhook(DEV_WEBHOOK_SECRET, now, bad));
    expect(badRes.status).toBe(400);
    const err = ((await badRes.json()) as { error: { code: string; violations: { field: string }[] } }).error;
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.violations.map((v: { field: string }) => v.field).sort()).toEqual(['email', 'idempotencyKey', 'occurredAt', 'type']);
  });

  it('streams queue changes to the rep over graphql-ws, and refuses a subscription without a token', async () => {
    const { createClient } = await import('graphql-ws');
    const { default: WebSocket } = await import('ws');
    const { leadId, owner } = await leadWithOwner(integration, 'live');
    const [target] = await sql("SELECT id, email FROM app_user WHERE role = 'SALES_REP' AND id <> $1 AND email LIKE '%@demo.baton.dev' ORDER BY email LIMIT 1", [owner]);
    const url = stack.apiUrl.replace('http', 'ws') + '/graphql';
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${await tokenFor(target.email)}` }, retryAttempts: 0 });
    const received: { kind: string; leadId: string }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const unsubscribe = client.subscribe<{ queueChanged: { kind: string; leadId: string } }>(
        { query: 'subscription { queueChanged { kind leadId at } }' },
        {
          next: (msg) => {
            if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
            received.push(msg.data!.queueChanged);
            if (msg.data!.queueChanged.leadId === leadId) {
              unsubscribe();
              resolve();
            }
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    // Open once the API listens for it (no other test of this file subscribes, so the connection is this one's).
    await eventually(liveFeedListener, 10_000, 'the live feed listening');
    await gqlOk(`mutation($i: ReassignLeadInput!) { reassignLead(input: $i) { ownerId } }`, { i: { leadId, repId: target.id, reason: 'coverage' } }, manager);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error('no queueChanged event within 15 s')), 15_000)))]).finally(() => clearTimeout(timer));
    expect(received.find((e) => e.leadId === leadId)).toMatchObject({ kind: 'LEAD_REASSIGNED' });
    await client.dispose();

    // Without a token the connection itself is refused: closed 4403 at connection_init.
    const anon = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
    const refused = await new Promise<unknown>((resolve) => {
      anon.subscribe({ query: 'subscription { queueChanged { leadId } }' }, { next: (m) => resolve(m.errors), error: (e) => resolve((e as { code?: number }).code), complete: () => resolve('completed') });
    });
    expect(refused).toBe(4403);
    await anon.dispose();
  });

  it('delivers the assignment to the rep\'s webhook (Slack-compatible) and makes the lead findable by search attributes', async () => {
    const { createServer } = await import('node:http');
    const received: { body: Record<string, unknown>; idempotencyKey: string | undefined }[] = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        received.push({ body: JSON.parse(raw), idempotencyKey: req.headers['idempotency-key'] as string | undefined });
        res.writeHead(received.length === 1 ? 503 : 200).end(); // the first delivery fails and is retried
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const { leadId, owner } = await leadWithOwner(integration, 'hook');
      const [target] = await sql("SELECT id FROM app_user WHERE role = 'SALES_REP' AND id <> $1 AND email LIKE '%@demo.baton.dev' ORDER BY email LIMIT 1", [owner]);
      const revops = await tokenFor(DEMO('revops'));
      const setHook = `mutation($i: UpdateRepRoutingInput!) { updateRepRouting(input: $i) { notificationWebhookUrl } }`;
      const bad = await gql(setHook, { i: { repId: target.id, notificationWebhookUrl: 'ftp://nope' } }, revops);
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'notificationWebhookUrl' });
      const set = await gqlOk(setHook, { i: { repId: target.id, notificationWebhookUrl: `http://127.0.0.1:${port}/hook` } }, revops);
      expect(set.updateRepRouting.notificationWebhookUrl).toBe(`http://127.0.0.1:${port}/hook`);
      try {
        await gqlOk(`mutation($i: ReassignLeadInput!) { reassignLead(input: $i) { ownerId } }`, { i: { leadId, repId: target.id, reason: 'webhook check' } }, manager);
        await eventually(async () => (received.some((r) => r.body.leadId === leadId) && received.length >= 2 ? true : undefined), 30_000, 'webhook delivery after a retry');
      } finally {
        await gqlOk(setHook, { i: { repId: target.id, notificationWebhookUrl: '' } }, revops);
      }
      expect(received[1].body).toMatchObject({ kind: 'LEAD_REASSIGNED', leadId, text: expect.stringContaining('reassigned to you') });
      expect(received[1].idempotencyKey).toBe(received[0].idempotencyKey);
      const [n] = await sql("SELECT webhook_status, webhook_attempts FROM notification WHERE lead_id = $1 AND kind = 'LEAD_REASSIGNED'", [leadId]);
      expect(n).toMatchObject({ webhook_status: 'DELIVERED', webhook_attempts: 2 });

      // The Temporal UI / CLI find the lead by owner and stage, without personal data.
      const { Connection, Client } = await import('@temporalio/client');
      const connection = await Connection.connect({ address: stack.temporalAddress() });
      try {
        const client = new Client({ connection });
        const found = await eventually(async () => {
          for await (const wf of client.workflow.list({ query: `BatonOwnerId = '${target.id}' AND BatonStage = 'MQL'` })) if (wf.workflowId === `lead:${leadId}`) return wf;
          return undefined;
        }, 20_000, 'visibility by search attributes');
        const baton = Object.fromEntries(Object.entries(found.searchAttributes).filter(([k]) => k.startsWith('Baton')));
        expect(baton).toEqual({ BatonKind: ['lead'], BatonStage: ['MQL'], BatonOwnerId: [target.id] }); // ids only, no personal data
      } finally {
        await connection.close();
      }
    } finally {
      server.close();
    }
  });

  describe('worker crash mid-cadence', () => {
    // The replacement worker keeps serving later test files; global teardown stops it.
    let replacement: ChildProcess | undefined;

    it('kill -9 the worker and start another: no touch, clock, notification or transition is lost or duplicated', async () => {
      const { leadId, ownerToken } = await leadWithOwner(integration, 'crash');
      await gqlOk(`mutation($id: ID!) { acceptLead(input: { leadId: $id }) { stage } }`, { id: leadId }, ownerToken);
      await gqlOk(`mutation($i: LogTouchInput!) { logTouch(input: $i) { stage } }`, { i: { leadId, touchId: `t-${unique()}`, channel: 'CALL', outcome: 'NO_ANSWER', occurredAt: new Date().toISOString() } }, ownerToken);

      await killWorker();
      // While no worker runs, the API still accepts events: Temporal holds the signals.
      const email = `down.${unique()}@fitting.example`;
      const whileDown = await gqlOk(RECORD, { i: { email, type: 'COMPARISON_GUIDE_DOWNLOAD', occurredAt: new Date().toISOString(), idempotencyKey: `ev-${unique()}`, person: person() } }, integration);
      const pendingTouch = gqlOk(`mutation($i: LogTouchInput!) { logTouch(input: $i) { stage } }`, { i: { leadId, touchId: `t2-${unique()}`, channel: 'EMAIL', outcome: 'NO_ANSWER', occurredAt: new Date().toISOString() } }, ownerToken);
      await new Promise((r) => setTimeout(r, 1500));
      replacement = await startWorker();
      await pendingTouch;

      const downLead = whileDown.recordEngagement.leadId;
      await eventually(async () => ((await sql('SELECT owner_id FROM lead WHERE id = $1', [downLead]))[0]?.owner_id ? true : undefined), 30_000, 'the event sent while the worker was down to be processed');

      for (const id of [leadId, downLead]) {
        const transitions = await sql('SELECT to_stage, count(*)::int AS n FROM stage_transition WHERE lead_id = $1 GROUP BY to_stage', [id]);
        for (const t of transitions) expect(t.n).toBe(1);
        const notifications = await sql('SELECT kind, count(*)::int AS n FROM notification WHERE lead_id = $1 GROUP BY kind', [id]);
        expect(notifications).toEqual([{ kind: 'LEAD_ASSIGNED', n: 1 }]);
        const clocks = await sql("SELECT kind, count(*)::int AS n FROM sla_clock WHERE lead_id = $1 AND kind <> 'TOUCH_LOGGING' GROUP BY kind", [id]);
        for (const c of clocks) expect(c.n).toBe(1);
      }
      expect(await sql('SELECT 1 FROM touch WHERE lead_id = $1', [leadId])).toHaveLength(2);
      expect(await sql('SELECT 1 FROM cadence_step WHERE lead_id = $1', [leadId])).toHaveLength(8);
      expect(await sql('SELECT 1 FROM cadence_step WHERE lead_id = $1 AND done_at IS NOT NULL', [leadId])).toHaveLength(2);
    });
  });
});
