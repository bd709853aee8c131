import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { engagementSignal, LEAD_TASK_QUEUE, LeadWorkflowInput } from '../../../../libs/contracts/src';
import { CLOSED_LEAD_STAGES, engagementWakesLead, NURTURE_STAGES } from '../../../../libs/domain/src';
import { IngestOutboxEntity, OutboxKind, OutboxStatus, returnedRows } from '../../../../libs/persistence/src';

/** What an ingest answer says about the lead's workflow: told, to be told by the relay, or not to be told. */
export type Delivery = 'DELIVERED' | 'QUEUED' | 'STORED';

/** How long an answer waits for Temporal after the commit before it says QUEUED. */
export const INLINE_DEADLINE_MS = 1_000;
/** The relay's deadline per Temporal call. */
export const RELAY_CALL_DEADLINE_MS = 5_000;
/** Backoff of a failed row: 0.5 s doubling, at most 30 s. */
export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 30_000;
/** A claimed lead's rows are this instance's for this long (a crashed instance's claim lapses). */
const LEASE_MS = 60_000;
/** Rows delivered per lead per claim (the rest wait for the next claim, still in order). */
const ROWS_PER_CLAIM = 20;
/** A batch's inline delivery: leads told at once, and how long the answer may spend on them (the rest: the relay). */
export const INLINE_BATCH_CONCURRENCY = 4;
export const INLINE_BATCH_BUDGET_MS = 3_000;

export const backoffMs = (attempts: number) => Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempts - 1));

const isClosed = (stage: string) => (CLOSED_LEAD_STAGES as readonly string[]).includes(stage);

/**
 * Whether the row, given the lead's current stage, must be told to the workflow at all.
 * `settled`: the ingest already evaluated the event and it cannot move the lead.
 */
export function outboxStatusFor(kind: OutboxKind, stage: string, eventType: string | null, settled = false): 'PENDING' | 'STORED' {
  if (isClosed(stage) || settled) return 'STORED';
  if (kind === 'ENGAGEMENT' && !engagementWakesLead(stage, eventType ?? '')) return 'STORED';
  return 'PENDING';
}

/** What an answer says for a row's status. Events stored before the outbox existed were delivered (or kept) by the old path. */
const deliveryOf = (status: OutboxStatus | undefined): Delivery => (!status ? 'DELIVERED' : status === 'PENDING' ? 'QUEUED' : status);

type ErrorLike = { code?: unknown; name?: string; message?: string; cause?: unknown };

/** The error and the first few of its causes (a Temporal client error wraps the gRPC one). */
function causes(e: unknown, depth = 5): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let c = e as ErrorLike | undefined; c && chain.length < depth; c = c.cause as ErrorLike | undefined) chain.push(c);
  return chain;
}

/** Temporal could not be reached in time (as opposed to refusing this one call). */
const isUnreachable = (e: unknown) =>
  causes(e).some(
    (c) => c.code === 14 || c.code === 4 || c.code === 1 || /deadline|unavailable|connect|ECONNREFUSED/i.test(`${c.name ?? ''} ${c.message ?? ''}`), // UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED
  );

const isDeadline = (e: unknown) => causes(e).some((c) => c.code === 4 || c.name === 'DeadlineExceeded');

/** A missed deadline while other deliveries still succeed is load, not an outage. */
export const BUSY_WINDOW_MS = 2_000;

/**
 * Whether a failed delivery means Temporal is down (skip inline attempts, the relay probes
 * after a backoff) rather than busy: under load some calls miss their deadline while the
 * rest get through, and treating that as an outage turned a busy minute into queued answers.
 */
export function temporalLooksDown(e: unknown, msSinceLastDelivery: number): boolean {
  if (!isUnreachable(e)) return false;
  return !(isDeadline(e) && msSinceLastDelivery < BUSY_WINDOW_MS);
}

/** Error kind for the row: a name and gRPC code, never a payload (no personal data). */
function errorSummary(e: unknown): string {
  const kinds = causes(e, 3).map((c) => `${c.name ?? 'Error'}${c.code !== undefined ? `(${String(c.code)})` : ''}`);
  return kinds.join(' <- ').slice(0, 200);
}

/**
 * The client's deadline can overshoot by a retry backoff (measured: 1.0 s deadline, up to
 * 1.9 s) while Temporal is down; the answer must not. A call still running when this gives up
 * may yet succeed: the row is then delivered again later, which changes nothing (the
 * workflow reads events from the database by id).
 */
function withHardDeadline<T>(deadline: number, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('deadline exceeded waiting for Temporal'), { name: 'DeadlineExceeded', code: 4 })), Math.max(0, deadline - Date.now()));
  });
  call.catch(() => undefined);
  return Promise.race([call, expired]).finally(() => clearTimeout(timer));
}

interface ClaimedRow {
  id: string;
  lead_id: string;
  kind: OutboxKind;
  event_id: string | null;
  attempts: number;
}

/**
 * The ingest outbox: rows are written in the ingest's transaction (`enqueue`), delivered to
 * the lead's workflow after the commit, per lead in id order (`deliverLead`), by the API
 * right away with a short deadline or later by the relay. A lead is claimed by one instance
 * at a time: the head row (its oldest pending one) is locked `FOR UPDATE SKIP LOCKED` in a
 * short transaction that writes a lease on the lead's pending rows.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger('IngestOutbox');
  private readonly instance = randomUUID();
  /** After Temporal was unreachable: no inline attempts until then (answers stay fast), the relay probes. */
  private unreachableUntil = 0;
  private unreachableStreak = 0;
  private lastDeliveredAt = 0;

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly temporal: Client) {}

  /** Within the ingest's transaction: the row for what the workflow must be told, PENDING or STORED by the lead's stage. */
  async enqueue(tx: EntityManager, row: { leadId: string; kind: OutboxKind; eventId?: string; stage: string; eventType?: string; settled?: boolean }): Promise<IngestOutboxEntity> {
    const status = outboxStatusFor(row.kind, row.stage, row.eventType ?? null, row.settled);
    const repo = tx.getRepository(IngestOutboxEntity);
    const saved = await repo.save(repo.create({ leadId: row.leadId, kind: row.kind, eventId: row.eventId ?? null, status }));
    return saved;
  }

  /** `enqueue` for many rows in one statement: ids follow the array's order, so a lead's rows keep theirs. */
  async enqueueMany(tx: EntityManager, rows: { leadId: string; kind: OutboxKind; eventId?: string; stage: string; eventType?: string; settled?: boolean }[]): Promise<void> {
    if (!rows.length) return;
    const values = rows.map((r) => ({ leadId: r.leadId, kind: r.kind, eventId: r.eventId ?? null, status: outboxStatusFor(r.kind, r.stage, r.eventType ?? null, r.settled) }));
    await tx.getRepository(IngestOutboxEntity).insert(values);
  }

  /** Whether Temporal was recently found unreachable (inline attempts are skipped meanwhile). */
  get temporalUnreachable(): boolean {
    return Date.now() < this.unreachableUntil;
  }

  /**
   * Right after an ingest committed: deliver the lead's due rows with a short deadline unless
   * Temporal was just found unreachable or the lead's queue is waiting out a backoff.
   */
  async deliverInline(leadId: string): Promise<void> {
    if (this.temporalUnreachable) return;
    await this.deliverLead(leadId, Date.now() + INLINE_DEADLINE_MS).catch((e) => this.logger.warn(`inline delivery for lead ${leadId} failed: ${errorSummary(e)}`));
  }

  /**
   * A batch's inline delivery: each lead's due rows (`counts`: how many it has queued, so a
   * lead with more than one claim's worth is claimed again), a few leads at a time, until the
   * budget is spent; whatever is left stays QUEUED for the relay, in order.
   */
  async deliverInlineMany(counts: Map<string, number>): Promise<void> {
    const queue = [...counts.keys()];
    const stopAt = Date.now() + INLINE_BATCH_BUDGET_MS;
    const lane = async () => {
      for (let leadId = queue.shift(); leadId && Date.now() < stopAt; leadId = queue.shift()) {
        for (let claims = Math.ceil((counts.get(leadId) ?? 1) / ROWS_PER_CLAIM); claims > 0 && Date.now() < stopAt; claims--) await this.deliverInline(leadId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(INLINE_BATCH_CONCURRENCY, queue.length) }, lane));
  }

  /** `statusOf` for many events in one query. */
  async statusesOf(eventIds: string[]): Promise<Map<string, Delivery>> {
    const rows: { event_id: string; status: OutboxStatus }[] = eventIds.length ? await this.db.query(`SELECT event_id, status FROM ingest_outbox WHERE event_id = ANY($1::uuid[])`, [eventIds]) : [];
    const found = new Map(rows.map((r) => [r.event_id, r.status]));
    return new Map(eventIds.map((id) => [id, deliveryOf(found.get(id))]));
  }

  async statusOf(where: { eventId: string } | { startOfLead: string }): Promise<Delivery> {
    const rows: { status: OutboxStatus }[] =
      'eventId' in where
        ? await this.db.query(`SELECT status FROM ingest_outbox WHERE event_id = $1`, [where.eventId])
        : await this.db.query(`SELECT status FROM ingest_outbox WHERE lead_id = $1 AND kind = 'START' ORDER BY id DESC LIMIT 1`, [where.startOfLead]);
    return deliveryOf(rows[0]?.status);
  }

  /** Leads whose oldest pending row is due and unclaimed, oldest first. */
  async dueLeads(limit: number): Promise<string[]> {
    const rows: { lead_id: string }[] = await this.db.query(
      `SELECT lead_id FROM (
         SELECT DISTINCT ON (lead_id) lead_id, id, next_attempt_at, lease_until
         FROM ingest_outbox WHERE status = 'PENDING' ORDER BY lead_id, id
       ) head
       WHERE next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
       ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.lead_id);
  }

  /**
   * Deliveries that reached Temporal but never reached the lead: an event of a nurtured lead
   * that no evaluation took into account a while after its delivery (a dev server killed
   * before it persisted the signal, a signal to a run that was closing). Its row is queued
   * again; the lead evaluates its stored events, so a second delivery changes nothing else.
   */
  async requeueUnevaluated(olderThanMs: number, limit: number): Promise<number> {
    const rows = await this.db.query(
      `UPDATE ingest_outbox SET status = 'PENDING', next_attempt_at = now(), delivered_at = NULL
        WHERE id IN (
          SELECT o.id FROM ingest_outbox o
            JOIN engagement_event e ON e.id = o.event_id
            JOIN lead l ON l.id = o.lead_id
           WHERE o.status = 'DELIVERED' AND o.kind = 'ENGAGEMENT'
             AND e.evaluated_at IS NULL AND e.quarantined_at IS NULL
             AND o.delivered_at < now() - ($1 * interval '1 millisecond') AND o.delivered_at > now() - interval '1 day'
             AND l.stage = ANY($2::text[])
           ORDER BY o.id LIMIT $3)
        RETURNING id`,
      [olderThanMs, [...NURTURE_STAGES], limit],
    );
    const count = returnedRows(rows).length;
    if (count) this.logger.warn(`${count} delivered events were never evaluated; delivering them again`);
    return count;
  }

  /** Pending rows and the age of the oldest (for /health): counts only. */
  async stats(): Promise<{ pending: number; oldestPendingAgeMs: number | null; retrying: number }> {
    const [r] = await this.db.query(
      `SELECT count(*)::int AS pending, count(*) FILTER (WHERE attempts > 0)::int AS retrying,
              (EXTRACT(EPOCH FROM (now() - min(created_at))) * 1000)::bigint AS age
       FROM ingest_outbox WHERE status = 'PENDING'`,
    );
    return { pending: Number(r.pending), retrying: Number(r.retrying), oldestPendingAgeMs: r.age === null ? null : Number(r.age) };
  }

  /**
   * Claim the lead's pending rows (if its head is due and unclaimed) and deliver them in
   * order until one fails; that one backs off and the rest wait behind it.
   * `deadline`: one for the whole claim (inline); without it each call gets RELAY_CALL_DEADLINE_MS.
   * Returns false when Temporal was unreachable.
   */
  async deliverLead(leadId: string, deadline?: number): Promise<boolean> {
    const rows = await this.claim(leadId);
    let i = 0;
    try {
      for (; i < rows.length; i++) {
        const row = rows[i];
        let outcome: 'DELIVERED' | 'STORED';
        try {
          outcome = await this.deliver(row, deadline ?? Date.now() + RELAY_CALL_DEADLINE_MS);
        } catch (e) {
          const unreachable = temporalLooksDown(e, Date.now() - this.lastDeliveredAt);
          const attempts = row.attempts + 1;
          const wait = backoffMs(attempts);
          await this.db.query(
            `UPDATE ingest_outbox SET attempts = $2, next_attempt_at = now() + ($3 * interval '1 millisecond'), last_error = $4, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $5`,
            [row.id, attempts, wait, errorSummary(e), this.instance],
          );
          this.logger.warn(`outbox row ${row.id} (${row.kind}, lead ${row.lead_id}) not delivered, attempt ${attempts}, retry in ${wait} ms: ${errorSummary(e)}`);
          if (unreachable) this.markUnreachable();
          return !unreachable;
        }
        await this.db.query(
          `UPDATE ingest_outbox SET status = $2, attempts = attempts + $3, delivered_at = CASE WHEN $2 = 'DELIVERED' THEN now() END, last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $4`,
          [row.id, outcome, outcome === 'DELIVERED' ? 1 : 0, this.instance],
        );
        if (outcome === 'DELIVERED') {
          this.lastDeliveredAt = Date.now();
          this.markReachable();
        }
        if (row.attempts > 0) this.logger.log(`outbox row ${row.id} (${row.kind}, lead ${row.lead_id}) ${outcome.toLowerCase()} after ${row.attempts} failed attempt(s)`);
      }
      return true;
    } finally {
      // Rows not reached (an earlier one failed) give their claim back; they stay in order behind it.
      const left = rows.slice(i + 1).map((r) => r.id);
      if (left.length) await this.db.query(`UPDATE ingest_outbox SET lease_owner = NULL, lease_until = NULL WHERE id = ANY($1::bigint[]) AND lease_owner = $2`, [left, this.instance]).catch(() => undefined);
    }
  }

  /**
   * One statement, so a claim costs one round trip: the head (the lead's oldest pending row)
   * decides — locked by another claimer, leased, or backing off means the lead is not ours now.
   */
  private async claim(leadId: string): Promise<ClaimedRow[]> {
    const claimed = await this.db.query(
      `WITH head AS (
         SELECT id FROM ingest_outbox
          WHERE id = (SELECT min(id) FROM ingest_outbox WHERE lead_id = $1 AND status = 'PENDING')
            AND status = 'PENDING' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
          FOR UPDATE SKIP LOCKED)
       UPDATE ingest_outbox SET lease_owner = $2, lease_until = now() + ($3 * interval '1 millisecond')
        WHERE id IN (SELECT o.id FROM ingest_outbox o, head WHERE o.lead_id = $1 AND o.status = 'PENDING' AND o.id >= head.id ORDER BY o.id LIMIT $4)
       RETURNING id::text AS id, lead_id, kind, event_id, attempts`,
      [leadId, this.instance, LEASE_MS, ROWS_PER_CLAIM],
    );
    const list = returnedRows<ClaimedRow>(claimed);
    return list.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** One row to the lead's workflow, exactly as ingest always did (start, or signal-with-start). */
  private async deliver(row: ClaimedRow, deadline: number): Promise<'DELIVERED' | 'STORED'> {
    const [lead] = await this.db.query(
      `SELECT l.id, l.stage, l.workflow_id, l.first_touch_at, l.created_at, e.id AS event_id, e.type AS event_type, e.occurred_at
         FROM lead l LEFT JOIN engagement_event e ON e.id = $2 WHERE l.id = $1`,
      [row.lead_id, row.event_id],
    );
    if (!lead || (row.kind === 'ENGAGEMENT' && !lead.event_id)) return 'STORED';
    // The lead may have moved on since the row was written: never wake a closed lead, nor for an event that cannot change it.
    if (outboxStatusFor(row.kind, lead.stage, lead.event_type ?? null) === 'STORED') return 'STORED';
    const args: LeadWorkflowInput = { leadId: lead.id, capturedAt: new Date(lead.first_touch_at ?? lead.created_at).toISOString() };
    const common = {
      workflowId: lead.workflow_id as string,
      taskQueue: LEAD_TASK_QUEUE,
      args: [args] as [LeadWorkflowInput],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      // A lead's lifecycle runs once: a closed lead is never restarted from FIRST_TOUCH.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      searchAttributes: { BatonKind: ['lead'], BatonStage: [lead.stage as string] },
    };
    try {
      await withHardDeadline(
        deadline,
        this.temporal.withDeadline(deadline, (): Promise<unknown> =>
          row.kind === 'START'
            ? this.temporal.workflow.start('leadWorkflow', common)
            : this.temporal.workflow.signalWithStart('leadWorkflow', {
                ...common,
                signal: engagementSignal,
                signalArgs: [{ eventId: lead.event_id, type: lead.event_type, occurredAt: new Date(lead.occurred_at).toISOString() }],
              }),
        ),
      );
    } catch (e) {
      // The lifecycle closed (its run is retained): the event is kept, nothing is restarted.
      if ((e as Error).name === 'WorkflowExecutionAlreadyStartedError') return 'DELIVERED';
      throw e;
    }
    return 'DELIVERED';
  }

  private markUnreachable(): void {
    if (this.temporalUnreachable) return; // concurrent failures of one outage count once
    this.unreachableStreak++;
    this.unreachableUntil = Date.now() + backoffMs(this.unreachableStreak);
  }

  private markReachable(): void {
    if (this.unreachableStreak) this.logger.log('Temporal reachable again; delivering queued ingest');
    this.unreachableStreak = 0;
    this.unreachableUntil = 0;
  }

  /** When the relay may probe Temporal again (0: now). */
  get probeAt(): number {
    return this.unreachableUntil;
  }
}
