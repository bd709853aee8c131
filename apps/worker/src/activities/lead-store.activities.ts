import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { LeadActivities, RecordTransitionInput } from '../../../../libs/contracts/src';
import { LeadEntity, StageTransitionEntity } from '../../../../libs/persistence/src';

/** Activities that write the lead's records to Baton's database, each idempotent by step key. */
@Injectable()
export class LeadStoreActivities implements LeadActivities {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async recordTransition(input: RecordTransitionInput): Promise<{ recorded: boolean }> {
    return this.db.transaction(async (tx) => {
      const result = await tx
        .createQueryBuilder()
        .insert()
        .into(StageTransitionEntity)
        .values({
          stepKey: input.stepKey,
          leadId: input.leadId,
          fromStage: input.fromStage,
          toStage: input.toStage,
          occurredAt: new Date(input.occurredAt),
          actorId: input.actor.id,
          actorRole: input.actor.role,
          reason: input.reason,
          definitionVersion: input.definitionVersion ?? null,
          details: input.details ?? null,
        } as QueryDeepPartialEntity<StageTransitionEntity>)
        .orIgnore()
        .returning(['id'])
        .execute();
      const recorded = Array.isArray(result.raw) && result.raw.length > 0;
      if (recorded) await tx.getRepository(LeadEntity).update({ id: input.leadId }, { stage: input.toStage });
      return { recorded };
    });
  }
}
