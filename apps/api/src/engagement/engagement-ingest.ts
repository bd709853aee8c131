import { EntityManager } from 'typeorm';
import { eventsNeedLeadWorkflow, handoffChangesStage } from '../../../../libs/domain/src';
import { EngagementEventEntity, evaluateStoredHandoff, LeadEntity } from '../../../../libs/persistence/src';
import { requestHash } from '../common/request-hash';
import { insertNewLead, missingProfilePatch } from '../leads/lead.factory';
import { RecordEngagementInput } from './dto/record-engagement.input';

/** The rules every engagement ingest applies, one event (`EngagementService`) or a batch (`EngagementBatchService`). */

/** The receipt kind of an engagement event (captures share the key space with their own kind). */
export const ENGAGEMENT_RECEIPT_KIND = 'recordEngagement';

export type IngestChannel = 'GRAPHQL' | 'WEBHOOK';

/** The lead's key (the lower-cased email) and the fingerprint a replay of the idempotency key must match. */
export function ingestIdentity(input: RecordEngagementInput): { email: string; hash: string } {
  const email = input.email.trim().toLowerCase();
  return { email, hash: requestHash({ ...input, email, occurredAt: input.occurredAt.toISOString() }) };
}

/** The stored event; `id` when the caller assigns it (a bulk insert). */
export function engagementEventRow(input: RecordEngagementInput, leadId: string, via: IngestChannel, id?: string): Partial<EngagementEventEntity> {
  return {
    ...(id ? { id } : {}),
    idempotencyKey: input.idempotencyKey,
    leadId,
    type: input.type,
    occurredAt: input.occurredAt,
    receivedAt: new Date(),
    channel: input.channel ?? null,
    campaign: input.campaign ?? input.utm?.campaign ?? null,
    utm: { ...(input.utm ?? {}) } as Record<string, string>,
    url: input.url ?? null,
    contentTitle: input.contentTitle ?? null,
    via,
  };
}

/**
 * The lead of the event's email, created at FIRST_TOUCH on first sight (the event's UTM as
 * first-touch attribution) or enriched where its profile has gaps. Call it under the email's
 * advisory lock. `known`: the lead as the caller already loaded it (null: none), to skip the lookup.
 */
export async function findOrCreateLead(tx: EntityManager, email: string, input: RecordEngagementInput, known?: LeadEntity | null): Promise<{ lead: LeadEntity; created: boolean }> {
  const leads = tx.getRepository(LeadEntity);
  const existing = known !== undefined ? known : await leads.findOne({ where: { email } });
  const p = input.person ?? {};
  if (existing) {
    const patch = missingProfilePatch(existing, p);
    if (Object.keys(patch).length) await leads.update({ id: existing.id }, patch);
    return { lead: { ...existing, ...patch } as LeadEntity, created: false };
  }
  const lead = await insertNewLead(tx, email, p, input.source ?? 'WEBSITE', input.utm, input.occurredAt);
  return { lead, created: true };
}

/**
 * The cheap path (docs/lead-lifecycle.md, "What 'accepted' means"): in the ingest's
 * transaction, under the email's lock, a nurtured lead's stored events are evaluated with its
 * new ones (already stored), unless they need the workflow anyway (`eventsNeedLeadWorkflow`).
 * When the evaluation cannot move the lead (`handoffChangesStage`), the score is projected here and the events are settled:
 * stored, evaluated, no workflow round trip. True when settled (all of them); false when the
 * workflow must hear of them, or the evaluation could not tell.
 */
export async function settleWithoutWorkflow(tx: EntityManager, lead: Pick<LeadEntity, 'id' | 'stage' | 'reengageAt'>, eventTypes: string[]): Promise<boolean> {
  if (eventsNeedLeadWorkflow(lead, eventTypes)) return false;
  // A rule that fails here must not fail the ingest: the workflow then evaluates (and logs) it.
  const stored = await evaluateStoredHandoff(tx, lead.id, { now: new Date() }).catch(() => null);
  if (!stored) return false;
  const { evaluation, quarantined, unevaluated } = stored;
  if (quarantined.length || handoffChangesStage(lead.stage, evaluation.outcome)) return false;
  await tx.query('UPDATE lead SET intent_score = $2, hot = $3 WHERE id = $1', [lead.id, evaluation.score.score, evaluation.hot]);
  if (unevaluated.length) await tx.query('UPDATE engagement_event SET evaluated_at = now() WHERE id = ANY($1::uuid[])', [unevaluated]);
  return true;
}
