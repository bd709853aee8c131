import { HandoffEntity, LeadEntity, SlaClockEntity, StageTransitionEntity } from '../../../../libs/persistence/src';
import { HandoffBriefType, SlaClockType } from './dto/lead-detail.types';
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
    optedOutAt: e.optedOutAt ?? undefined,
    emailBouncedAt: e.emailBouncedAt ?? undefined,
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

export function toClock(c: SlaClockEntity): SlaClockType {
  return { id: c.id, kind: c.kind, ownerId: c.ownerId ?? undefined, startedAt: c.startedAt, dueAt: c.dueAt, status: c.status, metAt: c.metAt ?? undefined, breachedAt: c.breachedAt ?? undefined };
}

export function toBrief(h: HandoffEntity, clocks: SlaClockEntity[]): HandoffBriefType {
  const b = (h.brief ?? {}) as Record<string, any>;
  return {
    handedOffAt: h.evaluatedAt,
    definitionVersion: h.definitionVersion,
    hot: h.hot,
    demoRequest: h.demoRequest,
    intentScore: h.intentScore,
    source: b.source,
    firstTouch: b.firstTouch,
    lastTouch: b.lastTouch,
    contentConsumed: b.contentConsumed ?? [],
    intentSignals: b.intentSignals ?? [],
    scoreBreakdown: ((h.scoreBreakdown as any[]) ?? []).map((l) => ({ ...l, occurredAt: new Date(l.occurredAt) })),
    triggers: h.triggers,
    reasons: b.reasons ?? [],
    buyingRole: b.buyingRole ?? undefined,
    title: b.title ?? undefined,
    account: b.account ?? undefined,
    slaClocks: clocks.map(toClock),
    recommendedNextAction: b.recommendedNextAction ?? 'Follow the cadence.',
  };
}
