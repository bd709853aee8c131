import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { DataSource, EntityManager } from 'typeorm';
import { engagementSignal, ErrorCode, LEAD_TASK_QUEUE, LeadWorkflowInput } from '../../../../libs/contracts/src';
import { CLOSED_LEAD_STAGES } from '../../../../libs/domain/src';
import { EngagementEventEntity, IngestReceiptEntity, LeadEntity } from '../../../../libs/persistence/src';
import { badInput, domainError } from '../common/errors';
import { insertNewLead, missingProfilePatch } from '../leads/lead.factory';
import { requestHash } from '../common/request-hash';
import { RecordEngagementInput, RecordEngagementPayload } from './dto/record-engagement.input';

/** Events up to this far ahead of the server clock are accepted (sender clock skew). */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Engagement ingest, shared by GraphQL and the signed webhook: the event is stored once
 * (idempotency key), the lead is created on first sight of an email (FIRST_TOUCH with the
 * event's UTM as first-touch attribution), and the lead's workflow is signalled with start.
 */
@Injectable()
export class EngagementService {
  private readonly logger = new Logger(EngagementService.name);

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly temporal: Client) {}

  async record(input: RecordEngagementInput, via: 'GRAPHQL' | 'WEBHOOK'): Promise<RecordEngagementPayload> {
    if (input.occurredAt.getTime() > Date.now() + MAX_FUTURE_SKEW_MS) throw badInput([{ field: 'occurredAt', rule: 'notInFuture', message: 'must not be in the future' }]);
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
      return { event, lead, recorded: true, leadCreated: created };
    }).catch((e) => {
      // Two deliveries of one key raced: the loser answers with the winner's result.
      if ((e as { code?: string }).code === '23505') return null;
      throw e;
    });
    if (!result) return this.record(input, via);

    // A lead whose lifecycle has closed keeps the event (KPIs, attribution) without reopening it.
    if ((CLOSED_LEAD_STAGES as readonly string[]).includes(result.lead.stage)) return { eventId: result.event.id, leadId: result.lead.id, recorded: result.recorded, leadCreated: false };
    // Signal (and start if needed) even on a replay: a first attempt that committed but
    // could not reach Temporal is completed by the retry, so no accepted event is lost.
    await this.signal(result.lead, result.event);
    return { eventId: result.event.id, leadId: result.lead.id, recorded: result.recorded, leadCreated: result.leadCreated };
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

  private async signal(lead: LeadEntity, event: EngagementEventEntity): Promise<void> {
    const args: LeadWorkflowInput = { leadId: lead.id, capturedAt: (lead.firstTouchAt ?? lead.createdAt).toISOString() };
    try {
      await this.temporal.workflow.signalWithStart('leadWorkflow', {
        workflowId: lead.workflowId,
        taskQueue: LEAD_TASK_QUEUE,
        args: [args],
        signal: engagementSignal,
        signalArgs: [{ eventId: event.id, type: event.type, occurredAt: event.occurredAt.toISOString() }],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        // A lead's lifecycle runs once: a closed lead is never restarted from FIRST_TOUCH.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        searchAttributes: { BatonKind: ['lead'], BatonStage: [lead.stage] },
      });
    } catch (e) {
      // The lifecycle closed between our read and the signal: the event is kept, not delivered.
      if ((e as Error).name === 'WorkflowExecutionAlreadyStartedError') return;
      this.logger.error(`signal failed for lead ${lead.id}: ${(e as Error).message}`);
      throw domainError(ErrorCode.UNAVAILABLE, 'The event was saved but the lead workflow could not be reached; retry with the same idempotencyKey', { leadId: lead.id });
    }
  }
}
