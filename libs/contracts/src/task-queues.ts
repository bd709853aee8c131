/** Task queues shared by the API (client side) and the worker (poller side). */
export const LEAD_TASK_QUEUE = 'baton-leads';

/** Deterministic workflow ids: one workflow per long-lived thing. */
export const leadWorkflowId = (leadId: string): string => `lead:${leadId}`;

/**
 * Search attributes Baton registers on the Temporal namespace. They carry no personal
 * data (no names, emails, companies): only stage, owner id, breach flag and kind.
 */
export const SEARCH_ATTRIBUTES = {
  BatonKind: 'Keyword',
  BatonStage: 'Keyword',
  BatonOwnerId: 'Keyword',
  BatonSlaBreached: 'Bool',
} as const;

/** One webhook delivery of one notification: its own workflow, so a dead receiver never touches the lead. */
export const notificationDeliveryWorkflowId = (notificationId: string): string => `notification:${notificationId}`;


/** The Temporal header that carries an API request's id to the workflows and activities it set in motion. */
export const REQUEST_ID_HEADER = 'baton-request-id';
