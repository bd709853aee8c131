import { StageDefinitionEntity } from '../../../../libs/persistence/src';
import { StageDefinitionType } from './dto/stage-definition.types';

/** Entities never leave the service layer as GraphQL types; this maps them to the DTO. */
export function toStageDefinitionType(d: StageDefinitionEntity): StageDefinitionType {
  return {
    id: d.id,
    version: d.version,
    status: d.status,
    content: d.content,
    createdBy: d.createdBy,
    createdAt: d.createdAt,
    basedOnVersion: d.basedOnVersion ?? undefined,
    proposedBy: d.proposedBy ?? undefined,
    proposedAt: d.proposedAt ?? undefined,
    approverIds: d.approverIds ?? undefined,
    deadline: d.deadline ?? undefined,
    activatedAt: d.activatedAt ?? undefined,
    supersededAt: d.supersededAt ?? undefined,
  };
}
