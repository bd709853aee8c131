import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, ClientConfig, Notification, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import { LIVE_CHANNEL } from '../../../../libs/persistence/src';

export interface QueueEvent {
  kind: string;
  leadId: string;
  recipientId: string;
  at: Date;
}

export interface BreachEvent {
  leadId: string;
  kind: string;
  ownerId: string | null;
  managerId: string | null;
  dueAt: Date;
  breachedAt: Date;
}

/** The listening connection's application_name: how operators (and tests) find it in pg_stat_activity. */
export const LIVE_FEED_APPLICATION_NAME = 'baton-live-feed';

const CONNECT_TIMEOUT_MS = 10_000;
/** Reconnect backoff: doubles from the first delay up to the cap, and starts over once listening again. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;
/** A peer that vanished sends no error; a round trip this often proves the connection alive. */
const HEARTBEAT_MS = 15_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;
/**
 * A row's instant (created_at, breached_at) is taken when its writer's transaction starts or
 * acts, not when it commits: a row committed after the last proven round trip may carry an
 * earlier instant, so the catch-up looks this much further back (and skips what it emitted).
 */
const CATCH_UP_SLACK_MS = 60_000;

/** A trigger's payload (migration 1764000900000-live-notify) and a catch-up row: ids, kinds and instants. */
type LiveRow =
  | { table: 'notification'; id: string; kind: string; lead_id: string; recipient_id: string; created_at: string }
  | { table: 'sla_breach'; id: string; kind: string; lead_id: string; owner_id: string | null; manager_id: string | null; due_at: string; breached_at: string };

/** What was committed since $1, in the triggers' payload shape. */
const CATCH_UP = `
  SELECT row FROM (
    SELECT created_at AS at, json_build_object('table', 'notification', 'id', id, 'kind', kind, 'lead_id', lead_id,
      'recipient_id', recipient_id, 'created_at', created_at) AS row
      FROM notification WHERE created_at > $1 AND kind IN ('LEAD_ASSIGNED', 'LEAD_REASSIGNED')
    UNION ALL
    SELECT breached_at, json_build_object('table', 'sla_breach', 'id', id, 'kind', kind, 'lead_id', lead_id,
      'owner_id', owner_id, 'manager_id', manager_id, 'due_at', due_at, 'breached_at', breached_at)
      FROM sla_breach WHERE breached_at > $1
  ) AS missed ORDER BY at`;

/** One stretch of "someone is subscribed": one connection at a time, reconnected when lost. */
interface Run {
  readonly stop: AbortController;
  /** Gives up the current connection (it is lost, or the run stops). */
  drop: (reason: string) => void;
  /** Database time of the first LISTEN: the catch-up never reaches back before the subscription. */
  since: Date | null;
  /** Database time of the last round trip on a listening connection: what committed before it was received. */
  confirmedAt: Date | null;
  /** Row key → its instant (ms): what the catch-up finds again is not emitted twice. */
  readonly emitted: Map<string, number>;
}

const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const instantOf = (row: LiveRow) => new Date(row.table === 'notification' ? row.created_at : row.breached_at).getTime();

function toEvent(row: LiveRow): ['queue', QueueEvent] | ['breach', BreachEvent] {
  if (row.table === 'notification') return ['queue', { kind: row.kind, leadId: row.lead_id, recipientId: row.recipient_id, at: new Date(row.created_at) }];
  return ['breach', { leadId: row.lead_id, kind: row.kind, ownerId: row.owner_id, managerId: row.manager_id, dueAt: new Date(row.due_at), breachedAt: new Date(row.breached_at) }];
}

/** The API's own database settings, on a connection outside the TypeORM pool. */
function listenerConfig(db: DataSource): ClientConfig {
  const o = db.options;
  if (o.type !== 'postgres') throw new Error(`the live feed needs PostgreSQL, not ${o.type}`);
  const where = o.url ? { connectionString: o.url } : { host: o.host, port: o.port, user: o.username, password: o.password, database: o.database };
  // TypeORM hands the same ssl value to pg; only the two packages' TLS typings differ.
  return { ...where, ssl: o.ssl as ClientConfig['ssl'], application_name: LIVE_FEED_APPLICATION_NAME, keepAlive: true, connectionTimeoutMillis: CONNECT_TIMEOUT_MS };
}

/**
 * The live feed behind GraphQL subscriptions. Queue changes and breaches are written by the
 * worker (another process); their insert triggers NOTIFY at commit, and while at least one
 * subscriber is connected the API holds one connection of its own that LISTENs (LISTEN needs
 * a session, which a pooled connection is not). No broker and no polling: an event reaches
 * subscribers milliseconds after its commit, in commit order. A lost connection is
 * reconnected with backoff and what committed meanwhile is read back, so nothing is missed.
 */
@Injectable()
export class LiveFeedService implements OnModuleDestroy {
  private readonly logger = new Logger(LiveFeedService.name);
  private readonly events = new EventEmitter().setMaxListeners(0);
  private subscribers = 0;
  private run: Run | null = null;

  private readonly connection: ClientConfig;

  constructor(@InjectDataSource() db: DataSource) {
    this.connection = listenerConfig(db);
  }

  /** An async iterator of one channel's events, ending (and freeing the connection) when the client goes. */
  listen<T>(channel: 'queue' | 'breach', accept: (e: T) => boolean, fieldName: string): AsyncIterableIterator<Record<string, T>> {
    const queue: T[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const onEvent = (e: T) => {
      if (!accept(e)) return;
      queue.push(e);
      wake?.();
    };
    this.events.on(channel, onEvent);
    if (++this.subscribers === 1) this.start();
    const finish = () => {
      if (done) return;
      done = true;
      this.events.off(channel, onEvent);
      if (--this.subscribers === 0) this.stop();
      wake?.();
    };
    const iterator: AsyncIterableIterator<Record<string, T>> = {
      next: async () => {
        while (!done && queue.length === 0) await new Promise<void>((r) => (wake = r));
        wake = null;
        if (done) return { value: undefined, done: true };
        return { value: { [fieldName]: queue.shift()! }, done: false };
      },
      return: async () => {
        finish();
        return { value: undefined, done: true };
      },
      throw: async (e) => {
        finish();
        throw e;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  onModuleDestroy(): void {
    this.stop();
  }

  private start(): void {
    const run: Run = { stop: new AbortController(), drop: () => undefined, since: null, confirmedAt: null, emitted: new Map() };
    this.run = run;
    void this.keepListening(run);
  }

  private stop(): void {
    const run = this.run;
    this.run = null;
    run?.stop.abort();
    run?.drop('stopped');
  }

  private async keepListening(run: Run): Promise<void> {
    let retryMs = RETRY_FIRST_MS;
    while (!run.stop.signal.aborted) {
      const { reason, listened } = await this.listenUntilLost(run);
      if (run.stop.signal.aborted) return;
      if (listened) retryMs = RETRY_FIRST_MS;
      this.logger.warn(`live feed connection lost (${reason}); reconnecting in ${retryMs} ms`);
      await sleep(retryMs, undefined, { signal: run.stop.signal }).catch(() => undefined);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    }
  }

  /** One connection: listen, catch up after a loss, and wait until it is lost or the run stops. */
  private async listenUntilLost(run: Run): Promise<{ reason: string; listened: boolean }> {
    const client = new Client(this.connection);
    const lost = new Promise<string>((resolve) => {
      // Without an error listener a dropped connection would crash the API.
      client.on('error', (e) => resolve(reasonOf(e)));
      client.on('end', () => resolve('connection closed'));
      run.drop = resolve;
    });
    if (run.stop.signal.aborted) run.drop('stopped');
    let listened = false;
    try {
      await client.connect();
      client.on('notification', (n) => this.onNotification(run, n));
      const catchUpFrom = this.catchUpFrom(run);
      await this.startListening(client, run);
      listened = true;
      if (catchUpFrom) await this.catchUp(client, run, catchUpFrom);
      return { reason: await this.untilLost(client, run, lost), listened };
    } catch (e) {
      return { reason: reasonOf(e), listened };
    } finally {
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
    }
  }

  private async startListening(client: Client, run: Run): Promise<void> {
    // One round trip; the database's own clock dates it, as it dates the rows.
    const results = (await client.query(`LISTEN ${LIVE_CHANNEL}; SELECT statement_timestamp() AS at`)) as unknown as QueryResult[];
    const at: Date = results[1].rows[0].at;
    run.since ??= at;
    run.confirmedAt = at;
  }

  /** After a loss: from the last proven round trip (less the slack), never before the subscription. */
  private catchUpFrom(run: Run): Date | null {
    if (!run.since || !run.confirmedAt) return null;
    return new Date(Math.max(run.confirmedAt.getTime() - CATCH_UP_SLACK_MS, run.since.getTime()));
  }

  /** Runs on the listening connection, so it is answered before any later commit is notified. */
  private async catchUp(client: Client, run: Run, from: Date): Promise<void> {
    const { rows } = await client.query<{ row: LiveRow }>(CATCH_UP, [from]);
    const emitted = rows.filter(({ row }) => this.emit(run, row)).length;
    this.logger.log(`live feed listening again; ${emitted} event(s) committed meanwhile caught up`);
  }

  /** Waits for the loss, proving the connection alive meanwhile. */
  private async untilLost(client: Client, run: Run, lost: Promise<string>): Promise<string> {
    const drop = run.drop;
    const timer = setInterval(() => void this.heartbeat(client, run, drop).catch((e) => drop(`heartbeat failed: ${reasonOf(e)}`)), HEARTBEAT_MS);
    try {
      return await lost;
    } finally {
      clearInterval(timer);
    }
  }

  private async heartbeat(client: Client, run: Run, drop: (reason: string) => void): Promise<void> {
    const timer = setTimeout(() => drop('heartbeat unanswered'), HEARTBEAT_TIMEOUT_MS);
    try {
      const { rows } = await client.query<{ at: Date }>('SELECT statement_timestamp() AS at');
      run.confirmedAt = rows[0].at;
    } finally {
      clearTimeout(timer);
    }
    // A later catch-up starts after confirmedAt - slack: older rows cannot be found again.
    const horizon = run.confirmedAt.getTime() - CATCH_UP_SLACK_MS;
    for (const [key, at] of run.emitted) if (at <= horizon) run.emitted.delete(key);
  }

  private onNotification(run: Run, n: Notification): void {
    if (n.channel !== LIVE_CHANNEL || !n.payload) return;
    let row: LiveRow;
    try {
      row = JSON.parse(n.payload) as LiveRow;
    } catch {
      this.logger.warn('live feed: a notification payload that is not JSON was ignored');
      return;
    }
    this.emit(run, row);
  }

  /** Emits a row's event once per run; false when it was emitted before (or the run has stopped). */
  private emit(run: Run, row: LiveRow): boolean {
    const key = `${row.table}:${row.id}`;
    if (run.stop.signal.aborted || run.emitted.has(key)) return false;
    run.emitted.set(key, instantOf(row));
    const [channel, event] = toEvent(row);
    this.events.emit(channel, event);
    return true;
  }
}
