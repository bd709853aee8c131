import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { ErrorCode, FieldViolation } from '../../../../libs/contracts/src';
import { instantRangeViolation } from '../../../../libs/domain/src';
import { EngagementEventEntity, IngestReceiptEntity, LeadEntity } from '../../../../libs/persistence/src';
import { badInput } from '../common/errors';
import { checkInput } from '../common/validation.pipe';
import { OutboxService } from '../ingest/outbox.service';
import { RecordEngagementInput } from './dto/record-engagement.input';
import { EngagementOutcome, MAX_ENGAGEMENT_BATCH, RecordEngagementResult as Result } from './dto/record-engagements.types';
import { ENGAGEMENT_RECEIPT_KIND, engagementEventRow, findOrCreateLead, IngestChannel, ingestIdentity, settleWithoutWorkflow } from './engagement-ingest';

/** Events stored per transaction: locks are held briefly, a lost race repeats little (and bulk inserts beyond ~100 rows got slower per row). */
const EVENTS_PER_TRANSACTION = 100;
/** A transaction that lost an idempotency race (unique violation) or a deadlock is tried again; it then answers with the winner. */
const RETRIED_SQLSTATES = new Set(['23505', '40P01']);
const MAX_ATTEMPTS = 5;

/** A valid event of the batch: its position, its path in the request (`inputs[3]`), its input and identity. */
interface Candidate {
  index: number;
  at: string;
  input: RecordEngagementInput;
  email: string;
  hash: string;
}

const keyOf = (item: unknown): string | null => {
  const key = (item as { idempotencyKey?: unknown } | null)?.idempotencyKey;
  return typeof key === 'string' ? key : null;
};

function rejected(index: number, key: string | null, code: ErrorCode, violations: FieldViolation[]): Result {
  const message = violations.map((v) => `${v.field}: ${v.message}`).join('; ');
  return { index, outcome: 'REJECTED', idempotencyKey: key, eventId: null, leadId: null, leadCreated: null, delivery: null, error: { code, message, field: violations[0].field, violations } };
}

const conflict = (c: Candidate, message: string) => rejected(c.index, c.input.idempotencyKey, ErrorCode.CONFLICT, [{ field: `${c.at}.idempotencyKey`, rule: 'IDEMPOTENCY_KEY_REUSED', message }]);

function accepted(c: Candidate, outcome: EngagementOutcome, eventId: string, leadId: string, leadCreated: boolean): Result {
  return { index: c.index, outcome, idempotencyKey: c.input.idempotencyKey, eventId, leadId, leadCreated, delivery: null, error: null };
}

/** The single path's rules for one event of a batch: its DTO's validation, then the instant's sane range. */
async function checkEvent(item: unknown, index: number, at: string, now: Date): Promise<Candidate | Result> {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return rejected(index, null, ErrorCode.BAD_USER_INPUT, [{ field: at, rule: 'isObject', message: 'must be an engagement event object' }]);
  const { input, violations } = await checkInput(RecordEngagementInput, item, at);
  const outOfRange = input.occurredAt instanceof Date && !violations.some((v) => v.field === `${at}.occurredAt`) ? instantRangeViolation(input.occurredAt, now, `${at}.occurredAt`) : null;
  if (outOfRange) violations.push(outOfRange);
  if (violations.length) return rejected(index, keyOf(item), ErrorCode.BAD_USER_INPUT, violations);
  return { index, at, input, ...ingestIdentity(input) };
}

/** Each key's first valid event is stored; a later one with the same key answers as a duplicate of it, or a conflict. */
function answerRepeat(c: Candidate, first: Candidate, firstResult: Result): Result {
  if (c.hash !== first.hash) return conflict(c, `was already used for a different event in this batch (${first.at})`);
  if (firstResult.outcome === 'REJECTED') return conflict(c, 'was already used for a different event');
  return { ...firstResult, index: c.index, outcome: 'DUPLICATE', leadCreated: false };
}

/**
 * Each lead's events together, in input order, packed into transactions of at most
 * EVENTS_PER_TRANSACTION; a lead with more continues in the next one (they commit in order).
 */
function chunksByLead(candidates: Candidate[]): Candidate[][] {
  const byEmail = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const group = byEmail.get(c.email);
    if (group) group.push(c);
    else byEmail.set(c.email, [c]);
  }
  const chunks: Candidate[][] = [];
  let current: Candidate[] = [];
  for (const group of byEmail.values()) {
    for (let i = 0; i < group.length; i += EVENTS_PER_TRANSACTION) {
      const part = group.slice(i, i + EVENTS_PER_TRANSACTION);
      if (current.length && current.length + part.length > EVENTS_PER_TRANSACTION) {
        chunks.push(current);
        current = [];
      }
      current.push(...part);
    }
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * Batch ingest (`recordEngagements`, the webhook's batch body): the single path's rules per
 * event (EngagementService), with the storage and delivery set-based. Every event is validated
 * on its own; the valid ones are stored a transaction per ≤100 events (grouped by lead, under
 * the same per-email advisory locks, with bulk inserts of receipts, events and outbox rows in
 * input order); then each touched lead's rows are delivered inline, a few leads at a
 * time, and every answer carries its delivery. Sending a batch is the same as sending its
 * events one by one in order.
 */
@Injectable()
export class EngagementBatchService {
  private readonly logger = new Logger(EngagementBatchService.name);

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: OutboxService) {}

  /** `path`: how the request names the list (`inputs`, `events`), for the answer's field paths. */
  async recordMany(items: unknown[], via: IngestChannel, path: string): Promise<Result[]> {
    if (items.length > MAX_ENGAGEMENT_BATCH) throw badInput([{ field: path, rule: 'arrayMaxSize', message: `must contain at most ${MAX_ENGAGEMENT_BATCH} events (got ${items.length}); split the batch` }]);
    const now = new Date();
    const checked = await Promise.all(items.map((item, index) => checkEvent(item, index, `${path}[${index}]`, now)));
    const results: Result[] = [];
    const firsts = new Map<string, Candidate>();
    const repeats: Candidate[] = [];
    for (const c of checked) {
      if (!('input' in c)) results[c.index] = c;
      else if (firsts.has(c.input.idempotencyKey)) repeats.push(c);
      else firsts.set(c.input.idempotencyKey, c);
    }
    for (const chunk of chunksByLead([...firsts.values()])) for (const r of await this.storeChunk(chunk, via)) results[r.index] = r;
    for (const c of repeats) {
      const first = firsts.get(c.input.idempotencyKey)!;
      results[c.index] = answerRepeat(c, first, results[first.index]);
    }
    await this.deliver(results);
    this.logSummary(results, via);
    return results;
  }

  private async storeChunk(chunk: Candidate[], via: IngestChannel): Promise<Result[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.storeInTransaction(tx, chunk, via));
      } catch (e) {
        const sqlstate = String((e as { code?: unknown }).code);
        if (attempt >= MAX_ATTEMPTS || !RETRIED_SQLSTATES.has(sqlstate)) throw e;
        this.logger.log(`batch transaction of ${chunk.length} events lost a race (SQLSTATE ${sqlstate}), attempt ${attempt}; repeating`);
      }
    }
  }

  private async storeInTransaction(tx: EntityManager, chunk: Candidate[], via: IngestChannel): Promise<Result[]> {
    const emails = [...new Set(chunk.map((c) => c.email))];
    // The single path's per-email lock, taken in one global order so two batches cannot deadlock on them.
    await tx.query(`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(e) AS h FROM unnest($1::text[]) AS e) AS locks ORDER BY h`, [emails]);
    // Under the locks, a key another request committed meanwhile is already visible here.
    const priors = await this.answerPriors(tx, chunk);
    const stored = await this.storeFresh(tx, chunk.filter((c) => !priors.has(c.index)), via);
    return [...priors.values(), ...stored];
  }

  /** Events whose key is already recorded: a duplicate (same content) answers as that event, else a conflict. */
  private async answerPriors(tx: EntityManager, chunk: Candidate[]): Promise<Map<number, Result>> {
    const receipts = await tx.getRepository(IngestReceiptEntity).findBy({ idempotencyKey: In(chunk.map((c) => c.input.idempotencyKey)) });
    if (!receipts.length) return new Map();
    const receiptOf = new Map(receipts.map((r) => [r.idempotencyKey, r]));
    const events = await tx.getRepository(EngagementEventEntity).find({ select: { id: true, idempotencyKey: true }, where: { idempotencyKey: In([...receiptOf.keys()]) } });
    const eventOf = new Map(events.map((e) => [e.idempotencyKey, e.id]));
    const answers = new Map<number, Result>();
    for (const c of chunk) {
      const prior = receiptOf.get(c.input.idempotencyKey);
      const eventId = eventOf.get(c.input.idempotencyKey);
      if (!prior) continue;
      if (prior.kind === ENGAGEMENT_RECEIPT_KIND && prior.requestHash === c.hash && eventId) answers.set(c.index, accepted(c, 'DUPLICATE', eventId, prior.leadId, false));
      else answers.set(c.index, conflict(c, 'was already used for a different event'));
    }
    return answers;
  }

  /** New events: each lead found or created once (in input order), then receipts, events and outbox rows in one insert each. */
  private async storeFresh(tx: EntityManager, fresh: Candidate[], via: IngestChannel): Promise<Result[]> {
    if (!fresh.length) return [];
    const known = await tx.getRepository(LeadEntity).findBy({ email: In([...new Set(fresh.map((c) => c.email))]) });
    const leadOf = new Map(known.map((l) => [l.email, l]));
    const results: Result[] = [];
    const receipts: Partial<IngestReceiptEntity>[] = [];
    const events: Partial<EngagementEventEntity>[] = [];
    const outbox: Parameters<OutboxService['enqueueMany']>[1] = [];
    const createdLeads = new Set<string>();
    for (const c of fresh) {
      const { lead, created } = await findOrCreateLead(tx, c.email, c.input, leadOf.get(c.email) ?? null);
      leadOf.set(c.email, lead);
      const eventId = randomUUID();
      receipts.push({ idempotencyKey: c.input.idempotencyKey, kind: ENGAGEMENT_RECEIPT_KIND, leadId: lead.id, requestHash: c.hash });
      events.push(engagementEventRow(c.input, lead.id, via, eventId));
      if (created) createdLeads.add(lead.id);
      outbox.push({ leadId: lead.id, kind: 'ENGAGEMENT', eventId, stage: lead.stage, eventType: c.input.type });
      results.push(accepted(c, 'RECORDED', eventId, lead.id, created));
    }
    await tx.getRepository(IngestReceiptEntity).insert(receipts);
    await tx.getRepository(EngagementEventEntity).insert(events);
    // The cheap path once per lead, with all of its events of this batch stored.
    const settled = new Set<string>();
    for (const lead of new Map([...leadOf.values()].map((l) => [l.id, l])).values()) {
      const types = outbox.filter((o) => o.leadId === lead.id).map((o) => o.eventType!);
      if (!types.length || createdLeads.has(lead.id)) continue;
      if (await settleWithoutWorkflow(tx, lead, types)) settled.add(lead.id);
    }
    await this.outbox.enqueueMany(tx, outbox.map((o) => ({ ...o, settled: settled.has(o.leadId) })));
    return results;
  }

  /** The events are durable now: tell each touched lead's workflow what is due (a replayed queued event too), then read every delivery. */
  private async deliver(results: Result[]): Promise<void> {
    const answered = results.filter((r) => r.eventId);
    const leadOf = new Map(answered.map((r) => [r.eventId!, r.leadId!]));
    let delivery = await this.outbox.statusesOf([...leadOf.keys()]);
    const queued = new Map<string, number>();
    for (const [eventId, leadId] of leadOf) if (delivery.get(eventId) === 'QUEUED') queued.set(leadId, (queued.get(leadId) ?? 0) + 1);
    if (queued.size) {
      await this.outbox.deliverInlineMany(queued);
      delivery = await this.outbox.statusesOf([...leadOf.keys()]);
    }
    for (const r of answered) r.delivery = delivery.get(r.eventId!)!;
  }

  private logSummary(results: Result[], via: IngestChannel): void {
    const count = (f: (r: Result) => boolean) => results.filter(f).length;
    const queued = count((r) => r.delivery === 'QUEUED');
    const line = `engagement batch of ${results.length} via ${via.toLowerCase()}: ${count((r) => r.outcome === 'RECORDED')} recorded, ${count((r) => r.outcome === 'DUPLICATE')} duplicate, ${count((r) => r.outcome === 'REJECTED')} rejected, ${queued} queued`;
    if (queued) this.logger.log(line);
    else this.logger.debug(line);
  }
}
