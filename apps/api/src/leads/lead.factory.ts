import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { leadWorkflowId } from '../../../../libs/contracts/src';
import { LeadEntity } from '../../../../libs/persistence/src';
import { PROFILE_FIELDS } from './dto/lead-profile.input';

type Profile = Partial<Record<(typeof PROFILE_FIELDS)[number], string | number>>;

/** A new lead at FIRST_TOUCH: one shape for every way a lead enters Baton (capture, event). */
export function insertNewLead(tx: EntityManager, email: string, profile: Profile, source: string, utm: object | undefined, firstTouchAt: Date): Promise<LeadEntity> {
  const leads = tx.getRepository(LeadEntity);
  const id = randomUUID();
  const fields = Object.fromEntries(PROFILE_FIELDS.map((f) => [f, profile[f] ?? null]));
  return leads.save(leads.create({ id, email, ...fields, source, utm: { ...(utm ?? {}) } as Record<string, string>, stage: 'FIRST_TOUCH', firstTouchAt, workflowId: leadWorkflowId(id) }));
}

/** Enrichment from an event fills gaps only; it never overwrites what is known. */
export function missingProfilePatch(existing: LeadEntity, profile: Profile): Partial<LeadEntity> {
  return Object.fromEntries(PROFILE_FIELDS.filter((f) => (existing[f] === null || existing[f] === undefined) && profile[f] !== undefined).map((f) => [f, profile[f]]));
}
