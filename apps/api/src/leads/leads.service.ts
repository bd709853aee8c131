import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from '@temporalio/client';
import { insertNewLead } from './lead.factory';
import { DataSource, In } from 'typeorm';
import { ErrorCode, profileChangedSignal } from '../../../../libs/contracts/src';
import { Delivery, OutboxService } from '../ingest/outbox.service';
import { IngestReceiptEntity, LeadEntity, StageTransitionEntity } from '../../../../libs/persistence/src';
import { assertUuid, badInput, domainError, notFound } from '../common/errors';
import { requestHash } from '../common/request-hash';
import { UpdateLeadProfileInput } from './dto/update-lead-profile.input';
import type { Principal } from '../auth/auth.types';
import { visibleLead } from '../auth/lead-access';
import { CaptureLeadInput } from './dto/capture-lead.input';

@Injectable()
export class LeadsService {
  private readonly logger = new Logger(LeadsService.name);

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly temporal: Client, private readonly outbox: OutboxService) {}

  /**
   * Persist the lead, its idempotency receipt and an outbox row (start its workflow) in one
   * transaction; then start the workflow right away if Temporal answers quickly, else the
   * relay does. A closed lead's workflow is never started again (the row is STORED).
   * Replays of the same key return the first result and its delivery.
   */
  async captureLead(input: CaptureLeadInput): Promise<{ lead: LeadEntity; created: boolean; delivery: Delivery }> {
    const { idempotencyKey, ...fields } = input;
    const email = fields.email.trim().toLowerCase();
    const hash = requestHash({ ...fields, email });

    const { lead, created } = await this.db.transaction(async (tx) => {
      const receipts = tx.getRepository(IngestReceiptEntity);
      const leads = tx.getRepository(LeadEntity);
      const prior = await receipts.findOne({ where: { idempotencyKey } });
      if (prior) {
        if (prior.requestHash !== hash) throw domainError(ErrorCode.CONFLICT, 'idempotencyKey was already used for a different request', { field: 'idempotencyKey' });
        return { lead: await leads.findOneByOrFail({ id: prior.leadId }), created: false };
      }
      // Serialise captures of the same address so two keys cannot create two leads for one person.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [email]);
      let existing = await leads.findOne({ where: { email } });
      let isNew = false;
      if (!existing) {
        existing = await insertNewLead(tx, email, fields, fields.source, fields.utm, new Date());
        isNew = true;
      }
      const inserted = await tx
        .createQueryBuilder()
        .insert()
        .into(IngestReceiptEntity)
        .values({ idempotencyKey, kind: 'captureLead', leadId: existing.id, requestHash: hash })
        .orIgnore()
        .execute();
      if (Array.isArray(inserted.raw) && inserted.raw.length === 0) {
        // A concurrent request with the same key won the race; answer with its result.
        throw new RetryCapture();
      }
      await this.outbox.enqueue(tx, { leadId: existing.id, kind: 'START', stage: existing.stage });
      return { lead: existing, created: isNew };
    }).catch(async (e) => {
      if (e instanceof RetryCapture) return this.captureLead(input);
      throw e;
    });

    if ((await this.outbox.statusOf({ startOfLead: lead.id })) === 'QUEUED') await this.outbox.deliverInline(lead.id);
    const delivery = await this.outbox.statusOf({ startOfLead: lead.id });
    if (delivery === 'QUEUED') this.logger.log(`lead ${lead.id} captured, workflow start queued`);
    return { lead, created, delivery };
  }

  async getLead(principal: Principal, id: string): Promise<LeadEntity> {
    assertUuid('id', id);
    return visibleLead(this.db, principal, id);
  }

  async entity(id: string): Promise<LeadEntity> {
    return this.db.getRepository(LeadEntity).findOneByOrFail({ id });
  }

  /** Enrichment fills or corrects profile fields, then asks the workflow to re-evaluate. */
  async updateProfile(input: UpdateLeadProfileInput): Promise<LeadEntity> {
    const { leadId, ...fields } = input;
    const repo = this.db.getRepository(LeadEntity);
    const lead = await repo.findOne({ where: { id: leadId } });
    if (!lead) throw notFound('Lead', leadId);
    const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    if (Object.keys(patch).length === 0) throw badInput([{ field: 'input', rule: 'atLeastOneField', message: 'name at least one field to update' }]);
    await repo.update({ id: leadId }, patch);
    try {
      await this.temporal.workflow.getHandle(lead.workflowId).signal(profileChangedSignal);
    } catch (e) {
      // A lead whose lifecycle has ended keeps the enrichment; there is nothing to re-evaluate.
      if ((e as Error).name !== 'WorkflowNotFoundError') throw domainError(ErrorCode.UNAVAILABLE, 'Saved, but the lead workflow could not be reached to re-evaluate');
    }
    return repo.findOneByOrFail({ id: leadId });
  }

  /** Batched for the DataLoader: the stage history of many leads in one query. */
  async stageHistories(leadIds: readonly string[]): Promise<StageTransitionEntity[][]> {
    const rows = await this.db.getRepository(StageTransitionEntity).find({ where: { leadId: In([...leadIds]) }, order: { occurredAt: 'ASC', stepKey: 'ASC' } });
    const byLead = new Map<string, StageTransitionEntity[]>();
    for (const r of rows) byLead.set(r.leadId, [...(byLead.get(r.leadId) ?? []), r]);
    return leadIds.map((id) => byLead.get(id) ?? []);
  }
}

class RetryCapture extends Error {}
