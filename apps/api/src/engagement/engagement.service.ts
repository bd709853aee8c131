import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ErrorCode } from '../../../../libs/contracts/src';
import { instantRangeViolation } from '../../../../libs/domain/src';
import { EngagementEventEntity, IngestReceiptEntity, LeadEntity } from '../../../../libs/persistence/src';
import { badInput, domainError } from '../common/errors';
import { Delivery, OutboxService } from '../ingest/outbox.service';
import { RecordEngagementInput, RecordEngagementPayload } from './dto/record-engagement.input';
import { ENGAGEMENT_RECEIPT_KIND, engagementEventRow, findOrCreateLead, IngestChannel, ingestIdentity, settleWithoutWorkflow } from './engagement-ingest';

/**
 * Engagement ingest, shared by GraphQL and the signed webhook: the event is stored once
 * (idempotency key), the lead is created on first sight of an email (FIRST_TOUCH with the
 * event's UTM as first-touch attribution), and in the same transaction an outbox row says
 * what the lead's workflow must be told. After the commit the event is delivered right away
 * when Temporal answers within a short deadline, else by the relay (docs/lead-lifecycle.md,
 * "What 'accepted' means").
 */
@Injectable()
export class EngagementService {
  private readonly logger = new Logger(EngagementService.name);

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: OutboxService) {}

  async record(input: RecordEngagementInput, via: IngestChannel): Promise<RecordEngagementPayload> {
    const outOfRange = instantRangeViolation(input.occurredAt, new Date(), 'occurredAt');
    if (outOfRange) throw badInput([outOfRange]);
    const { email, hash } = ingestIdentity(input);

    const result = await this.db.transaction(async (tx) => {
      const prior = await tx.getRepository(IngestReceiptEntity).findOne({ where: { idempotencyKey: input.idempotencyKey } });
      if (prior) {
        if (prior.requestHash !== hash) throw domainError(ErrorCode.CONFLICT, 'idempotencyKey was already used for a different event', { field: 'idempotencyKey' });
        const event = await tx.getRepository(EngagementEventEntity).findOneByOrFail({ idempotencyKey: input.idempotencyKey });
        const lead = await tx.getRepository(LeadEntity).findOneByOrFail({ id: prior.leadId });
        return { event, lead, recorded: false, leadCreated: false, stored: false };
      }
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [email]);
      const { lead, created } = await findOrCreateLead(tx, email, input);
      await tx.getRepository(IngestReceiptEntity).insert({ idempotencyKey: input.idempotencyKey, kind: ENGAGEMENT_RECEIPT_KIND, leadId: lead.id, requestHash: hash });
      const events = tx.getRepository(EngagementEventEntity);
      const event = await events.save(events.create(engagementEventRow(input, lead.id, via)));
      const settled = !created && (await settleWithoutWorkflow(tx, lead, [event.type]));
      const row = await this.outbox.enqueue(tx, { leadId: lead.id, kind: 'ENGAGEMENT', eventId: event.id, stage: lead.stage, eventType: event.type, settled });
      return { event, lead, recorded: true, leadCreated: created, stored: row.status === 'STORED' };
    }).catch((e) => {
      // Two deliveries of one key raced: the loser answers with the winner's result.
      if ((e as { code?: string }).code === '23505') return null;
      throw e;
    });
    if (!result) return this.record(input, via);

    // The event is durable now. Tell the workflow right away if Temporal answers quickly (a
    // replay of a queued event tries again); otherwise the relay delivers it, in order. An
    // event stored without a signal needs no second look; a new one is pending.
    if (result.stored) return this.answer(result, 'STORED');
    if (result.recorded || (await this.outbox.statusOf({ eventId: result.event.id })) === 'QUEUED') await this.outbox.deliverInline(result.lead.id);
    return this.answer(result, await this.outbox.statusOf({ eventId: result.event.id }));
  }

  private answer(result: { event: EngagementEventEntity; lead: LeadEntity; recorded: boolean; leadCreated: boolean }, delivery: Delivery): RecordEngagementPayload {
    const line = `engagement ${result.event.id} for lead ${result.lead.id}: ${result.recorded ? 'recorded' : 'replayed'}, ${delivery.toLowerCase()}`;
    if (delivery === 'QUEUED') this.logger.log(line);
    else this.logger.debug(line);
    return { eventId: result.event.id, leadId: result.lead.id, recorded: result.recorded, leadCreated: result.leadCreated, delivery };
  }
}
