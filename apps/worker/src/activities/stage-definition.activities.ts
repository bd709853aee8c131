import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ApprovalDecision, StageDefinitionActivities } from '../../../../libs/contracts/src';
import { NotificationEntity, StageDefinitionApprovalEntity, StageDefinitionEntity } from '../../../../libs/persistence/src';
import { FailFastOnNotFound, notFound } from './deterministic-failures';

/** Activities of the stage definition approval workflow. */
@Injectable()
@FailFastOnNotFound()
export class StageDefinitionActivitiesImpl implements StageDefinitionActivities {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async recordApprovalDecision({ definitionId, decision }: { definitionId: string; decision: ApprovalDecision }): Promise<void> {
    await this.db
      .createQueryBuilder()
      .insert()
      .into(StageDefinitionApprovalEntity)
      .values({ definitionId, approverId: decision.approverId, decision: decision.decision, comment: decision.comment, decidedAt: new Date(decision.at) })
      .orIgnore()
      .execute();
  }

  async activateStageDefinition({ definitionId, at }: { definitionId: string; at: string }): Promise<{ activated: boolean; supersededVersion: number | null }> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(StageDefinitionEntity);
      // Lock both rows; the partial unique index guarantees one ACTIVE even if this ever raced.
      const rows = await repo.createQueryBuilder('d').where('d.id = :id OR d.status = :active', { id: definitionId, active: 'ACTIVE' }).setLock('pessimistic_write').getMany();
      const target = rows.find((r) => r.id === definitionId);
      if (!target) throw notFound(`stage definition ${definitionId} not found`);
      if (target.status === 'ACTIVE') return { activated: false, supersededVersion: null };
      const previous = rows.find((r) => r.status === 'ACTIVE');
      if (previous) await repo.update({ id: previous.id }, { status: 'SUPERSEDED', supersededAt: new Date(at) });
      await repo.update({ id: definitionId }, { status: 'ACTIVE', activatedAt: new Date(at), closedAt: new Date(at) });
      return { activated: true, supersededVersion: previous?.version ?? null };
    });
  }

  async closeStageDefinitionProposal({ definitionId, status, at }: { definitionId: string; status: 'CHANGES_REQUESTED' | 'EXPIRED'; at: string }): Promise<void> {
    await this.db.getRepository(StageDefinitionEntity).update({ id: definitionId, status: 'PROPOSED' }, { status, closedAt: new Date(at) });
  }

  async remindApprovers(input: { definitionId: string; version: number; approverIds: string[]; key: string; deadline: string }): Promise<void> {
    if (!input.approverIds.length) return;
    await this.db
      .createQueryBuilder()
      .insert()
      .into(NotificationEntity)
      .values(input.approverIds.map((id) => ({ dedupeKey: `${input.key}/${id}`, recipientId: id, kind: 'APPROVAL_REMINDER', leadId: null, payload: { definitionId: input.definitionId, version: input.version, deadline: input.deadline } as never, webhookStatus: 'NONE' as const, webhookAttempts: 0 })))
      .orIgnore()
      .execute();
  }
}
