import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from './roles';

/** What starts (or continues, after a recycle) a lead's lifecycle workflow `lead:<id>`. */
export interface LeadWorkflowInput {
  leadId: string;
  /** ISO instant of the first touch (the capture). */
  capturedAt: string;
  /**
   * Carried across continue-as-new. Cycle n+1 starts when a recycled lead returns to nurture.
   * Beside `adopted` it only keeps the imported lead's cycle and recycle count (the stage is `adopted.stage`).
   */
  carried?: CarriedLeadState;
  /**
   * A lead whose imported history is still open (docs/import.md): the workflow starts where
   * that history stands instead of in nurture. A recycled lead is adopted through `carried`.
   */
  adopted?: AdoptedLeadState;
  /**
   * A lead handed over by continue-as-new in the middle of a stage (MQL or being worked): the
   * new run picks up its owner, pending clocks (with their remaining time), cadence and touches.
   */
  resumed?: ResumedLeadState;
}

/** What a run hands to the next when its history grows long in the middle of a stage. */
export interface ResumedLeadState {
  state: LeadWorkflowState;
  rep: import('./lead-activities').AssignedRep | null;
  routedAt: string | null;
  definition: import('./lead-activities').PinnedDefinition;
  /** The step counter: keys of the new run's writes continue after the old run's. */
  seq: number;
}

/**
 * An imported lead whose lifecycle is still open, where the import found it: an MQL routed to
 * an owner who has not decided yet, a SAL in its follow-up cadence, or an open opportunity.
 * Pass `carried` beside it so the cycle and recycle count of earlier cycles are kept.
 */
export interface AdoptedLeadState {
  stage: 'MQL' | 'SAL' | 'OPPORTUNITY';
  ownerId: string;
  /** ISO instant of the routing: the SLA clocks run from it in the owner's business hours. */
  routedAt: string;
  hot: boolean;
  demoRequest: boolean;
  /** SAL and OPPORTUNITY: when the owner accepted; the cadence is planned from it in the owner's calendar. */
  acceptedAt?: string;
  /** The imported sales touches since the routing, oldest first: they settle the first-touch clock and fill the cadence. */
  touches?: AdoptedTouch[];
  /** OPPORTUNITY: the open opportunity whose close ends the lifecycle. */
  opportunityId?: string;
}

export interface AdoptedTouch {
  /** The `touch` row's id (the cadence step links to it). */
  id: string;
  channel: string;
  outcome: string;
  occurredAt: string;
  loggedAt: string;
}

export interface CarriedLeadState {
  cycle: number;
  stage: string;
  recycleCount: number;
  /** A recycled lead needs fresh intent after this instant to become an MQL again. */
  reengageAfter: string | null;
  /** The step counter of the cycle (a nurture run that continued as new keeps its keys unique). */
  seq?: number;
  optedOut?: boolean;
}

/**
 * An engagement event delivered to the lead's workflow (signal-with-start from ingest). The
 * event is already stored: in nurture the signal means "evaluate again", so a duplicate
 * delivery changes nothing; outside nurture only its type matters (opt-out, bounce, reply).
 */
export interface EngagementSignal {
  eventId: string;
  type: string;
  occurredAt: string;
}
export const engagementSignal = defineSignal<[EngagementSignal]>('engagement');

/** The lead's profile was enriched: re-evaluate an INCOMPLETE lead. */
export const profileChangedSignal = defineSignal<[]>('profileChanged');

export interface SlaClockView {
  key: string;
  kind: string;
  ownerId: string | null;
  startedAt: string;
  dueAt: string;
  status: 'PENDING' | 'MET' | 'BREACHED' | 'CANCELLED';
  metAt?: string;
  breachedAt?: string;
}

export interface CadenceStepView {
  step: number;
  day: number;
  channel: string;
  dueAt: string;
  /** The step's window (absent on steps planned before windows existed: open from the start, closing at dueAt plus the logging grace). */
  opensAt?: string;
  closesAt?: string;
  doneAt?: string;
  /** The touch that filled the step. */
  touchId?: string;
}

/** The lead workflow's view of itself, served by the `leadState` query and returned by every update. */
export interface LeadWorkflowState {
  leadId: string;
  cycle: number;
  stage: string;
  ownerId: string | null;
  queue: string | null;
  definitionVersion: number | null;
  hot: boolean;
  demoRequest: boolean;
  recycleCount: number;
  reengageAfter: string | null;
  clocks: SlaClockView[];
  cadence: CadenceStepView[];
  touches: { id: string; channel: string; outcome: string; occurredAt: string; loggedAt: string }[];
  cadenceExit: 'CONNECTED' | 'OPTED_OUT' | 'BOUNCED' | null;
  opportunityId: string | null;
  /** The person unsubscribed (any stage): e-mail touches are refused. */
  optedOut: boolean;
  /** The address bounced while a deal was open: flagged for the owner. */
  emailBounced: boolean;
}

/** What a command returns: the lead where it now stands (small: every update result is kept in history). */
export interface LeadCommandResult {
  leadId: string;
  stage: string;
  ownerId: string | null;
  cycle: number;
  recycleCount: number;
  reengageAfter: string | null;
  cadenceExit: LeadWorkflowState['cadenceExit'];
  opportunityId: string | null;
}

export const leadStateQuery = defineQuery<LeadWorkflowState>('leadState');

/** Every command carries who asks, so the workflow checks ownership itself. */
export interface LeadCommand {
  actor: Actor;
  /** The caller's request id, recorded on the transitions the command makes: a retry that reaches a later run is recognised by it. */
  requestId?: string;
}

/** The update id of a command: a retried request (same request id) returns the first result instead of acting twice. */
export function leadCommandUpdateId(command: string, actorId: string, requestId: string): string {
  return `${command}:${actorId}:${requestId}`;
}
export interface RejectLeadCommand extends LeadCommand {
  code: string;
  note?: string;
  /** DUPLICATE_ACCOUNT: the lead that survives. */
  survivorLeadId?: string;
  /** BAD_TIMING: when to re-engage (the rep's date). */
  reengageAt?: string;
}
export interface LogTouchCommand extends LeadCommand {
  /** Idempotency key of the touch. */
  touchId: string;
  channel: string;
  outcome: string;
  occurredAt: string;
  note?: string;
}
export interface QualifyLeadCommand extends LeadCommand {
  bant: { budget: boolean; authority: boolean; need: boolean; timeline: boolean; notes?: string };
  amount: number;
  expectedCloseAt: string;
}
export interface DisqualifyLeadCommand extends LeadCommand {
  reason: string;
  note?: string;
  reengageAt?: string;
}
export interface ReassignLeadCommand extends LeadCommand {
  repId: string;
  reason?: string;
}
export interface CloseOpportunityCommand extends LeadCommand {
  won: boolean;
  reason: string;
}

export const acceptLeadUpdate = defineUpdate<LeadCommandResult, [LeadCommand]>('acceptLead');
export const rejectLeadUpdate = defineUpdate<LeadCommandResult, [RejectLeadCommand]>('rejectLead');
export const logTouchUpdate = defineUpdate<LeadCommandResult, [LogTouchCommand]>('logTouch');
export const qualifyLeadUpdate = defineUpdate<LeadCommandResult, [QualifyLeadCommand]>('qualifyLead');
export const disqualifyLeadUpdate = defineUpdate<LeadCommandResult, [DisqualifyLeadCommand]>('disqualifyLead');
export const reassignLeadUpdate = defineUpdate<LeadCommandResult, [ReassignLeadCommand]>('reassignLead');
export const closeOpportunityUpdate = defineUpdate<LeadCommandResult, [CloseOpportunityCommand]>('closeOpportunity');
