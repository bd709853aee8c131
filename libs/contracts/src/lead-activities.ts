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
