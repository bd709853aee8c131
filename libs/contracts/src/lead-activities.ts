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
  /**
   * Evaluate the lead against the ACTIVE stage definition at `now` (workflow time) from its
   * stored profile and events, project the explained score, and store an MQL or INCOMPLETE
   * evaluation with its brief. Runs in the worker so the workflow's history holds only the
   * decision, never the lead's events. An event no rule can read is quarantined (kept, with
   * its reason, out of every evaluation) instead of failing the lead.
   */
  evaluateHandoff(input: EvaluateHandoffInput): Promise<HandoffDecision>;
  /** The ACTIVE stage definition (the default version 1 when none was ever activated). */
  activeDefinition(input: Record<string, never>): Promise<PinnedDefinition>;
  /** Project read-model fields of the lead (owner, timestamps, flags); setting is naturally idempotent. */
  projectLead(input: { leadId: string; patch: LeadProjection }): Promise<void>;
  openClock(input: OpenClockInput): Promise<void>;
  closeClock(input: { stepKey: string; status: 'MET' | 'CANCELLED'; at: string }): Promise<void>;
  /** Mark the clock BREACHED and append the permanent breach record. */
  recordBreach(input: { stepKey: string; at: string; managerId: string | null }): Promise<void>;
  /** Insert the cycle's cadence steps unless they exist; an adopted lead's steps may already be done by an imported touch. */
  recordCadence(input: RecordCadenceInput): Promise<void>;
  recordTouch(input: RecordTouchInput): Promise<{ recorded: boolean }>;
  createOpportunity(input: CreateOpportunityInput): Promise<{ opportunityId: string }>;
  closeOpportunity(input: { opportunityId: string; won: boolean; reason: string; at: string }): Promise<void>;
  loadRep(input: { repId: string }): Promise<AssignedRep | null>;
}

/** Notification outbox: the row is the in-app inbox entry; webhook delivery runs in its own workflow. */
export interface NotificationActivities {
  notify(input: NotifyInput): Promise<{ notificationId: string; webhook: boolean }>;
  /** One delivery attempt; a refusal (4xx) is a non-retryable `WEBHOOK_REFUSED` failure. */
  deliverWebhook(input: { notificationId: string }): Promise<{ delivered: boolean }>;
  /** The delivery gave up: the row says FAILED with why (ids and status codes only), for RevOps to see. */
  recordDeliveryFailure(input: { notificationId: string; reason: string }): Promise<void>;
}

export interface NotifyInput {
  /** `<workflowId>/<step>/<kind>`: the same notification is never queued twice. */
  dedupeKey: string;
  recipientId: string;
  kind: 'LEAD_ASSIGNED' | 'SLA_BREACH' | 'LEAD_REASSIGNED' | 'LEAD_QUEUED' | 'LEAD_OPTED_OUT' | 'EMAIL_BOUNCED';
  leadId: string;
  payload: Record<string, unknown>;
}

export interface PinnedDefinition {
  version: number;
  content: import('../../domain/src/stage-definition').StageDefinitionContent;
}

export interface EvaluateHandoffInput {
  leadId: string;
  /** The workflow's clock: the evaluation is a function of it, not of the worker's. */
  now: string;
  /** The lead's stage before this evaluation: an INCOMPLETE lead still incomplete is not stored again. */
  stage: string;
  /** A recycled lead needs intent after this instant. */
  reengageAfter: string | null;
  /** Prefix of the stored evaluation's step key (`-<outcome>` is appended). */
  stepKey: string;
}

/** What the workflow needs from an evaluation, and nothing more (it is kept in history). */
export interface HandoffDecision {
  outcome: 'ENGAGED' | 'INCOMPLETE' | 'MQL';
  hot: boolean;
  demoRequest: boolean;
  score: number;
  missingFields: string[];
  triggerIds: string[];
  /** Why, in short sentences (the full explanation is stored with the handoff). */
  reasons: string[];
  /** The definition it was judged by; its content only for an MQL, whose clocks and cadence follow it. */
  definitionVersion: number;
  definition?: PinnedDefinition;
  /** Events set aside by this evaluation (ids and reasons; at most a few). */
  quarantined: { eventId: string; reason: string }[];
}

export interface LeadProjection {
  ownerId?: string | null;
  hot?: boolean;
  intentScore?: number;
  definitionVersion?: number | null;
  mqlAt?: string | null;
  routedAt?: string | null;
  acceptedAt?: string | null;
  reengageAt?: string | null;
  recycleCount?: number;
  survivorLeadId?: string | null;
  nextDueAt?: string | null;
  slaBreached?: boolean;
  /** The person unsubscribed: no e-mail touches, in any stage. */
  optedOutAt?: string | null;
  /** The address bounced: the owner (or marketing) must repair it. */
  emailBouncedAt?: string | null;
}

export interface OpenClockInput {
  stepKey: string;
  leadId: string;
  kind: string;
  ownerId: string | null;
  startedAt: string;
  dueAt: string;
}

export interface RecordCadenceInput {
  leadId: string;
  cycle: number;
  steps: CadenceStepInput[];
}

export interface CadenceStepInput {
  step: number;
  day: number;
  channel: string;
  dueAt: string;
  /** The step's window: a touch fills it only between these instants. */
  opensAt?: string;
  closesAt?: string;
  /** Done already: when the touch that filled it was logged. */
  doneAt?: string;
  /** The `touch` row (its id) that filled the step. */
  touchId?: string;
}

export interface RecordTouchInput {
  stepKey: string;
  leadId: string;
  repId: string;
  channel: string;
  outcome: string;
  occurredAt: string;
  loggedAt: string;
  cycle: number;
  cadenceStep: number | null;
  note?: string;
}

export interface CreateOpportunityInput {
  stepKey: string;
  leadId: string;
  ownerId: string | null;
  amount: number;
  expectedCloseAt: string;
  createdAt: string;
  bant: Record<string, unknown>;
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
