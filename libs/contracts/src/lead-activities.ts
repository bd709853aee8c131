import type { Actor } from './roles';

/** A lifecycle transition to record; `stepKey` (workflow id + step) makes it idempotent. */
export interface RecordTransitionInput {
  leadId: string;
  stepKey: string;
  fromStage: string | null;
  toStage: string;
  occurredAt: string;
  actor: Actor;
  reason: string;
  definitionVersion?: number | null;
  details?: Record<string, unknown> | null;
}

/**
 * The activities the lead workflow may call. Workflows import this interface only
 * (`proxyActivities<LeadActivities>`); the worker implements it.
 */
export interface LeadActivities {
  recordTransition(input: RecordTransitionInput): Promise<{ recorded: boolean }>;
}

/** A rep's routing-relevant profile as the workflow needs it for clocks and escalation. */
export interface AssignedRep {
  id: string;
  managerId: string | null;
  /** The rep's BusinessCalendar (libs/domain), the basis of every SLA clock and cadence step. */
  calendar: import('../../domain/src/business-hours').BusinessCalendar;
}

export interface RouteLeadInput {
  leadId: string;
  /** `<workflowId>/route/<n>`: a retried activity returns the recorded decision instead of routing again. */
  stepKey: string;
  /** ISO instant of the decision (workflow time). */
  at: string;
  /** Hot leads skip reps outside their working hours. */
  hot: boolean;
  /** Reps that may not receive the lead this time (e.g. the rep who just breached the accept SLA). */
  excludeRepIds?: string[];
}

export interface RouteLeadResult {
  decisionId: string;
  rep: AssignedRep | null;
  /** Set when no rep was eligible and the fallback is a queue. */
  queue: string | null;
  ruleId: string | null;
  /** Which rule matched, who was skipped and why (libs/domain RoutingTrace). */
  trace: unknown;
}

/** Routing: choose the rep under the ordered rules and stamp the lead's owner, atomically. */
export interface RoutingActivities {
  routeLead(input: RouteLeadInput): Promise<RouteLeadResult>;
}
