import { LeadEntity, StageTransitionEntity } from '../../../../libs/persistence/src';
import { LeadSource } from './dto/lead-source.enum';
import { LeadType, StageTransitionType } from './dto/lead.type';

/** Entities never leave the service layer as GraphQL types; these map them to DTOs. */
export function toLeadType(e: LeadEntity): LeadType {
  return {
    id: e.id,
    email: e.email,
    firstName: e.firstName ?? undefined,
    lastName: e.lastName ?? undefined,
    company: e.company ?? undefined,
    title: e.title ?? undefined,
    industry: e.industry ?? undefined,
    companySize: e.companySize ?? undefined,
    country: e.country ?? undefined,
    source: e.source as LeadSource,
    utm: e.utm ?? {},
    stage: e.stage,
    ownerId: e.ownerId ?? undefined,
    recycleCount: e.recycleCount,
    createdAt: e.createdAt,
  };
}

export function toStageTransitionType(e: StageTransitionEntity): StageTransitionType {
  return {
    id: e.id,
    fromStage: e.fromStage ?? undefined,
    toStage: e.toStage,
    occurredAt: e.occurredAt,
    actorId: e.actorId,
    actorRole: e.actorRole,
    reason: e.reason,
    definitionVersion: e.definitionVersion ?? undefined,
  };
}
