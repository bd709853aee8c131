import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ErrorCode } from '../../../../libs/contracts/src';
import { instantRangeViolation } from '../../../../libs/domain/src';
import { EngagementEventEntity, IngestReceiptEntity, LeadEntity } from '../../../../libs/persistence/src';
import { badInput, domainError } from '../common/errors';
import { OutboxService } from '../ingest/outbox.service';
import { insertNewLead, missingProfilePatch } from '../leads/lead.factory';
import { requestHash } from '../common/request-hash';
import { RecordEngagementInput, RecordEngagementPayload } from './dto/record-engagement.input';

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

  async record(input: RecordEngagementInput, via: 'GRAPHQL' | 'WEBHOOK'): Promise<RecordEngagementPayload> {
    const outOfRange = instantRangeViolation(input.occurredAt, new Date(), 'occurredAt');
    if (outOfRange) throw badInput([outOfRange]);
    const email = input.email.trim().toLowerCase();
    const hash = requestHash({ ...input, email, occurredAt: input.occurredAt.toISOString() });

    const result = await this.db.transaction(async (tx) => {
      const prior = await tx.getRepository(IngestReceiptEntity).findOne({ where: { idempotencyKey: input.idempotencyKey } });
      if (prior) {
        if (prior.requestHash !== hash) throw domainError(ErrorCode.CONFLICT, 'idempotencyKey was already used for a different event', { field: 'idempotencyKey' });
        const event = await tx.getRepository(EngagementEventEntity).findOneByOrFail({ idempotencyKey: input.idempotencyKey });
        const lead = await tx.getRepository(LeadEntity).findOneByOrFail({ id: prior.leadId });
        return { event, lead, recorded: false, leadCreated: false };
      }
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [email]);
      const { lead, created } = await this.findOrCreateLead(tx, email, input);
      await tx.getRepository(IngestReceiptEntity).insert({ idempotencyKey: input.idempotencyKey, kind: 'recordEngagement', leadId: lead.id, requestHash: hash });
      const event = await tx.getRepository(EngagementEventEntity).save(
        tx.getRepository(EngagementEventEntity).create({
          idempotencyKey: input.idempotencyKey,
          leadId: lead.id,
          type: input.type,
          occurredAt: input.occurredAt,
          receivedAt: new Date(),
          channel: input.channel ?? null,
          campaign: input.campaign ?? input.utm?.campaign ?? null,
          utm: { ...(input.utm ?? {}) } as Record<string, string>,
          url: input.url ?? null,
          contentTitle: input.contentTitle ?? null,
          via,
        }),
      );
      await this.outbox.enqueue(tx, { leadId: lead.id, kind: 'ENGAGEMENT', eventId: event.id, stage: lead.stage, eventType: event.type });
      return { event, lead, recorded: true, leadCreated: created };
    }).catch((e) => {
      // Two deliveries of one key raced: the loser answers with the winner's result.
      if ((e as { code?: string }).code === '23505') return null;
      throw e;
    });
    if (!result) return this.record(input, via);

    // The event is durable now. Tell the workflow right away if Temporal answers quickly (a
    // replay of a queued event tries again); otherwise the relay delivers it, in order.
    if ((await this.outbox.statusOf({ eventId: result.event.id })) === 'QUEUED') await this.outbox.deliverInline(result.lead.id);
    const delivery = await this.outbox.statusOf({ eventId: result.event.id });
    const line = `engagement ${result.event.id} for lead ${result.lead.id}: ${result.recorded ? 'recorded' : 'replayed'}, ${delivery.toLowerCase()}`;
    if (delivery === 'QUEUED') this.logger.log(line);
    else this.logger.debug(line);
    return { eventId: result.event.id, leadId: result.lead.id, recorded: result.recorded, leadCreated: result.leadCreated, delivery };
  }

  private async findOrCreateLead(tx: EntityManager, email: string, input: RecordEngagementInput): Promise<{ lead: LeadEntity; created: boolean }> {
    const leads = tx.getRepository(LeadEntity);
    const existing = await leads.findOne({ where: { email } });
    const p = input.person ?? {};
    if (existing) {
      const patch = missingProfilePatch(existing, p);
      if (Object.keys(patch).length) await leads.update({ id: existing.id }, patch);
      return { lead: { ...existing, ...patch } as LeadEntity, created: false };
    }
    const lead = await insertNewLead(tx, email, p, input.source ?? 'WEBSITE', input.utm, input.occurredAt);
    return { lead, created: true };
  }
}
