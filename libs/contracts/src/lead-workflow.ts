import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from './roles';

/** What starts a lead's lifecycle workflow (`lead:<id>`). */
export interface LeadWorkflowInput {
  leadId: string;
  /** ISO instant of the first touch (the capture). */
  capturedAt: string;
}

/** The lead workflow's view of itself, served by the `leadState` query. */
export interface LeadWorkflowState {
  leadId: string;
  stage: string;
  ownerId: string | null;
  /** How many stage transitions this run has recorded; used to key them idempotently. */
  transitions: number;
}

export const leadStateQuery = defineQuery<LeadWorkflowState>('leadState');

/** An engagement event delivered to the lead's workflow (signal-with-start from ingest). */
export interface EngagementSignal {
  eventId: string;
  type: string;
  occurredAt: string;
}
export const engagementSignal = defineSignal<[EngagementSignal]>('engagement');

/** Every rep command carries who asks, so the workflow can check ownership itself. */
export interface LeadCommand {
  actor: Actor;
}
export const acceptLeadUpdate = defineUpdate<LeadWorkflowState, [LeadCommand]>('acceptLead');
