import { Client as PgClient } from 'pg';
import { DEMO, eventually, gqlOk, liveFeedListener, sql, stack, tokenFor } from './support/system';

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/** A fresh lead (one low-intent event, so no routing notification of ours competes with the test's rows). */
async function newLead(integration: string): Promise<string> {
  const i = { email: `live.${unique()}@feed.example`, type: 'CASE_STUDY_VIEW', occurredAt: new Date().toISOString(), idempotencyKey: `ev-${unique()}` };
  return (await gqlOk(`mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { leadId } }`, { i }, integration)).recordEngagement.leadId;
}

/** A queue notification written straight into the outbox, as the worker writes it. */
const INSERT_QUEUE = `INSERT INTO notification (dedupe_key, recipient_id, kind, lead_id, payload) VALUES ($1, $2, $3, $4, '{}') RETURNING created_at`;
const insertQueue = (db: PgClient, recipientId: string, kind: string, leadId: string) => db.query(INSERT_QUEUE, [`live-test/${unique()}`, recipientId, kind, leadId]);

/** One graphql-ws subscription that keeps what it receives; `next` waits for a matching message. */
class Subscription<T> {
  static readonly opened: Subscription<unknown>[] = [];
  readonly received: T[] = [];
  private waiters: { match: (e: T) => boolean; resolve: (e: T) => void }[] = [];
  private failure: Error | null = null;
  private constructor(private readonly client: { dispose(): unknown }) {}

  static async open<T>(query: string, field: string, token: string): Promise<Subscription<T>> {
    const { createClient } = await import('graphql-ws');
    const { default: WebSocket } = await import('ws');
    const client = createClient({ url: stack.apiUrl.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const sub = new Subscription<T>(client);
    Subscription.opened.push(sub as Subscription<unknown>);
    client.subscribe<Record<string, T>>({ query }, {
      next: (msg) => (msg.errors ? sub.fail(new Error(JSON.stringify(msg.errors))) : sub.push(msg.data![field])),
      error: (e) => sub.fail(e instanceof Error ? e : new Error(JSON.stringify(e))),
      complete: () => undefined,
    });
    return sub;
  }

  private push(e: T): void {
    this.received.push(e);
    for (const w of this.waiters.filter((w) => w.match(e))) w.resolve(e);
    this.waiters = this.waiters.filter((w) => !w.match(e));
  }

  private fail(e: Error): void {
    this.failure = e;
  }

  /** The first message (already received or still to come) that matches, or a failure after `timeoutMs`. */
  next(match: (e: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(this.failure ?? new Error(`${what}: nothing within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  count(match: (e: T) => boolean): number {
    return this.received.filter(match).length;
  }

  async dispose(): Promise<void> {
    await this.client.dispose();
  }
}

interface Queue {
  kind: string;
  leadId: string;
  at: string;
}

interface Breach {
  leadId: string;
  kind: string;
  ownerId: string | null;
  managerId: string | null;
  dueAt: string;
  breachedAt: string;
}

const QUEUE = 'subscription { queueChanged { kind leadId at } }';
const BREACHES = 'subscription { slaBreached { leadId kind ownerId managerId dueAt breachedAt } }';
const is = (leadId: string, kind: string) => (e: Queue) => e.leadId === leadId && e.kind === kind;

describe('the live feed (GraphQL subscriptions over LISTEN/NOTIFY)', () => {
  let integration: string;
  let managerToken: string;
  let managerId: string;
  const clients: PgClient[] = [];
  const connect = async () => {
    const c = new PgClient({ connectionString: stack.databaseUrl() });
    await c.connect();
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    integration = await tokenFor(DEMO('webforms'));
    managerToken = await tokenFor(DEMO('manager'));
    [{ id: managerId }] = await sql('SELECT id FROM app_user WHERE email = $1', [DEMO('manager')]);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  });

  // Each test ends without a listening connection, so the one the next test sees is its own.
  afterEach(async () => {
    await Promise.all(Subscription.opened.splice(0).map((s) => s.dispose()));
    await eventually(async () => ((await liveFeedListener()) === undefined ? true : undefined), 10_000, 'the live feed connection released');
  });

  it('streams a breach and a queue change pushed at commit, with ids and kinds only on the wire; a bulk writer stays quiet; the connection goes with the last subscriber', async () => {
    const leadId = await newLead(integration);
    const wire = await connect();
    const payloads: Record<string, unknown>[] = [];
    wire.on('notification', (m) => {
      const p = JSON.parse(m.payload!);
      if (p.lead_id === leadId) payloads.push(p);
    });
    await wire.query('LISTEN baton_live');
    const breaches = await Subscription.open<Breach>(BREACHES, 'slaBreached', await tokenFor(DEMO('revops')));
    const queue = await Subscription.open<Queue>(QUEUE, 'queueChanged', managerToken);
    await eventually(liveFeedListener, 10_000, 'the live feed listening');

    const db = await connect();
    const [clock] = (await db.query(`INSERT INTO sla_clock (step_key, lead_id, kind, owner_id, started_at, due_at, status, breached_at)
      VALUES ($1, $2, 'ACCEPT', NULL, now() - interval '2 hours', now() - interval '1 hour', 'BREACHED', now()) RETURNING id`, [`live-test/${unique()}`, leadId])).rows;
    await db.query(`INSERT INTO sla_breach (clock_id, lead_id, owner_id, manager_id, kind, due_at, breached_at) VALUES ($1, $2, NULL, $3, 'ACCEPT', now() - interval '1 hour', now())`, [clock.id, leadId, managerId]);
    // Pushed at commit: it arrives within seconds (the latency is a bench figure, not asserted here).
    const breach = await breaches.next((e) => e.leadId === leadId, 5_000, 'slaBreached');
    expect(breach).toMatchObject({ kind: 'ACCEPT', ownerId: null, managerId });

    // A bulk writer (the historical import) keeps its transaction quiet.
    await db.query('BEGIN');
    await db.query(`SELECT set_config('baton.live_notify', 'off', true)`);
    await insertQueue(db, managerId, 'LEAD_ASSIGNED', leadId);
    await db.query('COMMIT');

    const { rows: [row] } = await insertQueue(db, managerId, 'LEAD_REASSIGNED', leadId);
    const change = await queue.next(is(leadId, 'LEAD_REASSIGNED'), 5_000, 'queueChanged');
    expect(new Date(change.at).getTime()).toBe(new Date(row.created_at).getTime());
    // Notifications arrive in commit order: had the quiet row been announced, it would be here already.
    expect(queue.count(is(leadId, 'LEAD_ASSIGNED'))).toBe(0);

    // What crosses the wire to every listener: ids, kinds and instants, never a name or an email.
    await eventually(async () => (payloads.some((p) => p.kind === 'LEAD_REASSIGNED') ? true : undefined), 5_000, 'the queue payload');
    expect(payloads.map((p) => p.kind)).toEqual(['ACCEPT', 'LEAD_REASSIGNED']);
    expect(payloads.map((p) => Object.keys(p).sort())).toEqual([
      ['breached_at', 'due_at', 'id', 'kind', 'lead_id', 'manager_id', 'owner_id', 'table'],
      ['created_at', 'id', 'kind', 'lead_id', 'recipient_id', 'table'],
    ]);

    await breaches.dispose();
    expect(await liveFeedListener()).toBeDefined(); // the queue subscriber still listens
    await queue.dispose();
    await eventually(async () => ((await liveFeedListener()) === undefined ? true : undefined), 10_000, 'the connection released');
  });

  it('delivers a notification whose transaction started before another one but committed after it', async () => {
    const leadId = await newLead(integration);
    const queue = await Subscription.open<Queue>(QUEUE, 'queueChanged', managerToken);
    const [early, late] = [await connect(), await connect()];
    await early.query('BEGIN');
    await early.query('SELECT now()'); // its rows' created_at is this instant, whenever it commits
    // The later transaction commits first; once the subscriber sees it, the feed is live and has
    // moved past it (this works the same whether the feed listens or tails a cursor).
    let lateAt: Date | undefined;
    await eventually(async () => {
      lateAt = (await insertQueue(late, managerId, 'LEAD_REASSIGNED', leadId)).rows[0].created_at;
      return queue.next(is(leadId, 'LEAD_REASSIGNED'), 1_000, 'the later transaction').catch(() => undefined);
    }, 20_000, 'the subscriber to see the later transaction');

    const earlyAt: Date = (await insertQueue(early, managerId, 'LEAD_ASSIGNED', leadId)).rows[0].created_at;
    await early.query('COMMIT');
    expect(earlyAt.getTime()).toBeLessThan(lateAt!.getTime());
    await queue.next(is(leadId, 'LEAD_ASSIGNED'), 5_000, 'the earlier transaction');
    await queue.dispose();
  });

  it('survives its listening connection being terminated: what was committed meanwhile and what comes later both arrive, once', async () => {
    const leadId = await newLead(integration);
    const other = await newLead(integration);
    const queue = await Subscription.open<Queue>(QUEUE, 'queueChanged', managerToken);
    const first = await eventually(liveFeedListener, 10_000, 'the live feed listening');

    // Commit a row after the listener is gone and (most likely) before the feed reconnects: only the catch-up can deliver it.
    const db = await connect();
    await db.query('BEGIN');
    await insertQueue(db, managerId, 'LEAD_ASSIGNED', leadId);
    await db.query('SELECT pg_terminate_backend($1)', [first]);
    await eventually(async () => ((await sql('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [first])).length === 0 ? true : undefined), 10_000, 'the listener gone');
    await db.query('COMMIT');

    const second = await eventually(async () => {
      const pid = await liveFeedListener();
      return pid !== undefined && pid !== first ? pid : undefined;
    }, 20_000, 'a new listening connection');
    expect(second).not.toBe(first);
    await insertQueue(db, managerId, 'LEAD_REASSIGNED', leadId);
    await queue.next(is(leadId, 'LEAD_ASSIGNED'), 10_000, 'the row committed while disconnected');
    await queue.next(is(leadId, 'LEAD_REASSIGNED'), 5_000, 'the row committed after reconnecting');

    // A last event after both: anything the catch-up could repeat would have come before it.
    await insertQueue(db, managerId, 'LEAD_ASSIGNED', other);
    await queue.next(is(other, 'LEAD_ASSIGNED'), 5_000, 'the last event');
    expect(queue.count(is(leadId, 'LEAD_ASSIGNED'))).toBe(1);
    expect(queue.count(is(leadId, 'LEAD_REASSIGNED'))).toBe(1);
    await queue.dispose();
  });
});
