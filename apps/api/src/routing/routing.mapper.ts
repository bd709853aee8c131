import type { RoutingTraceEntry } from '../../../../libs/domain/src';
import { RoutingDecisionEntity, RoutingPoolEntity, RoutingRuleEntity } from '../../../../libs/persistence/src';
import { RoutingDecisionType, RoutingTraceStepType } from './dto/routing-decision.type';
import { RoutingPoolType } from './dto/routing-pool.type';
import { RoutingRuleType } from './dto/routing-rule.type';
import type { TraceSkipReason } from '../../../../libs/persistence/src/routing/routing-input.loader';

/** Entities never leave the service layer as GraphQL types; these map them to DTOs. */
export function toRoutingPoolType(p: RoutingPoolEntity): RoutingPoolType {
  return { id: p.id, name: p.name, strategy: p.strategy, repIds: p.repIds, cursor: p.cursor };
}

export function toRoutingRuleType(r: RoutingRuleEntity): RoutingRuleType {
  const c = r.criteria ?? {};
  return {
    id: r.id,
    position: r.position,
    name: r.name,
    kind: r.kind,
    criteria: { regions: c.regions ?? [], sizeBands: c.sizeBands ?? [], industries: c.industries ?? [] },
    poolId: r.poolId ?? undefined,
    fallbackRepId: r.fallbackRepId ?? undefined,
    fallbackQueue: r.fallbackQueue ?? undefined,
    active: r.active,
  };
}

/** A stored trace (libs/domain RoutingTraceEntry[], skip reasons possibly EXCLUDED) as typed steps. */
export function toTraceSteps(raw: unknown): RoutingTraceStepType[] {
  if (!Array.isArray(raw)) return [];
  return (raw as RoutingTraceEntry[]).map((s) => ({
    ruleId: s.ruleId,
    kind: s.kind,
    matched: s.matched,
    reason: s.reason,
    skipped: (s.skipped ?? []).map((k) => ({ repId: k.repId, reason: k.reason as TraceSkipReason })),
  }));
}

export function toRoutingDecisionType(d: RoutingDecisionEntity): RoutingDecisionType {
  const trace = toTraceSteps(d.trace);
  return {
    id: d.id,
    leadId: d.leadId,
    ruleId: d.ruleId ?? undefined,
    repId: d.repId ?? undefined,
    queue: d.queue ?? undefined,
    decidedAt: d.decidedAt,
    trace,
    matchedStep: d.ruleId ? trace.find((s) => s.ruleId === d.ruleId && s.matched) : undefined,
  };
}
