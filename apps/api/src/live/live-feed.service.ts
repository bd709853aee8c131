import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';

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

/** How often the feed looks for new outbox rows and breaches while anyone listens. */
const POLL_MS = 500;

/**
 * The live feed behind GraphQL subscriptions. Queue changes and breaches are written by the
 * worker (another process), so the API tails the notification outbox and the breach table
 * while at least one subscriber is connected; no broker is needed and nothing is missed
 * between polls (each poll continues from the last row seen).
 */
@Injectable()
export class LiveFeedService implements OnModuleDestroy {
  private readonly logger = new Logger(LiveFeedService.name);
  private readonly events = new EventEmitter().setMaxListeners(0);
  private timer: NodeJS.Timeout | null = null;
  private subscribers = 0;
  private notificationCursor: { at: Date; id: string } | null = null;
  private breachCursor: { at: Date; id: string } | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** An async iterator of one channel's events, ending (and freeing the poller) when the client goes. */
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
    this.subscribers++;
    void this.ensurePolling();
    const finish = () => {
      if (done) return;
      done = true;
      this.events.off(channel, onEvent);
      if (--this.subscribers === 0) this.stopPolling();
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

  private async ensurePolling(): Promise<void> {
    if (this.timer) return;
    // Start from "now": a subscription streams what happens after it was opened.
    const [now] = await this.db.query('SELECT now() AS at');
    this.notificationCursor ??= { at: now.at, id: '00000000-0000-0000-0000-000000000000' };
    this.breachCursor ??= { at: now.at, id: '00000000-0000-0000-0000-000000000000' };
    if (this.timer || this.subscribers === 0) return;
    this.timer = setInterval(() => void this.poll().catch((e) => this.logger.warn(`live feed poll failed: ${(e as Error).message}`)), POLL_MS);
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.notificationCursor = null;
    this.breachCursor = null;
  }

  private polling = false;
  private async poll(): Promise<void> {
    if (this.polling || !this.notificationCursor || !this.breachCursor) return;
    this.polling = true;
    try {
      const rows = await this.db.query(
        `SELECT id, kind, lead_id, recipient_id, created_at FROM notification
          WHERE (created_at, id) > ($1, $2) AND kind IN ('LEAD_ASSIGNED','LEAD_REASSIGNED') ORDER BY created_at, id LIMIT 500`,
        [this.notificationCursor.at, this.notificationCursor.id],
      );
      for (const r of rows) {
        this.notificationCursor = { at: r.created_at, id: r.id };
        this.events.emit('queue', { kind: r.kind, leadId: r.lead_id, recipientId: r.recipient_id, at: new Date(r.created_at) } satisfies QueueEvent);
      }
      const breaches = await this.db.query(
        `SELECT id, lead_id, kind, owner_id, manager_id, due_at, breached_at FROM sla_breach
          WHERE (breached_at, id) > ($1, $2) ORDER BY breached_at, id LIMIT 500`,
        [this.breachCursor.at, this.breachCursor.id],
      );
      for (const b of breaches) {
        this.breachCursor = { at: b.breached_at, id: b.id };
        this.events.emit('breach', { leadId: b.lead_id, kind: b.kind, ownerId: b.owner_id, managerId: b.manager_id, dueAt: new Date(b.due_at), breachedAt: new Date(b.breached_at) } satisfies BreachEvent);
      }
    } finally {
      this.polling = false;
    }
  }

  onModuleDestroy(): void {
    this.stopPolling();
  }
}
