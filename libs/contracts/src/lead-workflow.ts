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
}

/** An engagement event delivered to the lead's workflow (signal-with-start from ingest). */
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
  doneAt?: string;
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
}

export const leadStateQuery = defineQuery<LeadWorkflowState>('leadState');

/** Every command carries who asks, so the workflow checks ownership itself. */
export interface LeadCommand {
  actor: Actor;
}
export interface RejectLeadCommand extends LeadCommand {
  code: string;
  note?: string;
  /** DUPLICATE_ACCOUNT: the lead that survives. */
  survivorLeadId?: string;
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

export const acceptLeadUpdate = defineUpdate<LeadWorkflowState, [LeadCommand]>('acceptLead');
export const rejectLeadUpdate = defineUpdate<LeadWorkflowState, [RejectLeadCommand]>('rejectLead');
export const logTouchUpdate = defineUpdate<LeadWorkflowState, [LogTouchCommand]>('logTouch');
export const qualifyLeadUpdate = defineUpdate<LeadWorkflowState, [QualifyLeadCommand]>('qualifyLead');
export const disqualifyLeadUpdate = defineUpdate<LeadWorkflowState, [DisqualifyLeadCommand]>('disqualifyLead');
export const reassignLeadUpdate = defineUpdate<LeadWorkflowState, [ReassignLeadCommand]>('reassignLead');
export const closeOpportunityUpdate = defineUpdate<LeadWorkflowState, [CloseOpportunityCommand]>('closeOpportunity');
