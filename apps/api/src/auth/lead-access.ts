import type { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ErrorCode } from '../../../../libs/contracts/src';
import { LeadEntity } from '../../../../libs/persistence/src';
import { domainError, notFound } from '../common/errors';
import type { Principal } from './auth.types';

/**
 * Who may see which lead, in one place (docs/lead-lifecycle.md, "Who sees which lead"):
 * a rep the leads they own; a sales manager their own and those owned by the reps of the
 * teams they manage (the team's manager, or the rep's own manager); marketing, RevOps,
 * executives and admins every lead; integrations write but never read. A lead someone may
 * not see is NOT_FOUND for them, exactly like an id that does not exist: the answer never
 * tells whether it exists.
 */
const managedReps = (manager: string) => `SELECT u.id FROM app_user u LEFT JOIN team t ON t.id = u.team_id WHERE u.manager_id = ${manager} OR t.manager_id = ${manager}`;

/** Restrict a query on `lead` (aliased `alias`) to the leads `principal` may see. */
export function whereLeadVisible<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, principal: Principal, alias = 'l'): SelectQueryBuilder<T> {
  if (principal.role === 'INTEGRATION') throw domainError(ErrorCode.FORBIDDEN, 'Integrations may not read leads');
  if (principal.role === 'SALES_REP') return qb.andWhere(`${alias}.owner_id = :scopeUserId`, { scopeUserId: principal.userId });
  if (principal.role === 'SALES_MANAGER') return qb.andWhere(`(${alias}.owner_id = :scopeUserId OR ${alias}.owner_id IN (${managedReps(':scopeUserId')}))`, { scopeUserId: principal.userId });
  return qb;
}

/** The lead if `principal` may see it, else null: unknown and hidden leads are one case. */
export function findVisibleLead(db: DataSource | EntityManager, principal: Principal, leadId: string): Promise<LeadEntity | null> {
  return whereLeadVisible(db.getRepository(LeadEntity).createQueryBuilder('l'), principal).andWhere('l.id = :leadId', { leadId }).getOne();
}

/** The lead if `principal` may see it, else NOT_FOUND (the same answer as for an unknown id). */
export async function visibleLead(db: DataSource | EntityManager, principal: Principal, leadId: string): Promise<LeadEntity> {
  const lead = await findVisibleLead(db, principal, leadId);
  if (!lead) throw notFound('Lead', leadId);
  return lead;
}

/** Managers hand leads only to reps of the teams they manage (or to themselves); RevOps and admins to anyone. */
export async function assertMayReassignTo(db: DataSource, principal: Principal, repId: string): Promise<void> {
  if (principal.role !== 'SALES_MANAGER' || repId === principal.userId) return;
  const [managed] = await db.query(`SELECT 1 FROM (${managedReps('$1')}) r WHERE r.id = $2`, [principal.userId, repId]);
  if (!managed) throw domainError(ErrorCode.FORBIDDEN, 'A manager reassigns leads only to reps of the teams they manage', { field: 'repId' });
}

/**
 * Sales feedback on a lead: by a rep who owns or owned it (the routing decision or a
 * reassignment named them), or by anyone who may see it now.
 */
export async function mayGiveFeedback(db: DataSource, principal: Principal, leadId: string): Promise<boolean> {
  const [owned] = await db.query(
    `SELECT 1 FROM lead l WHERE l.id = $1 AND (l.owner_id = $2
       OR EXISTS (SELECT 1 FROM routing_decision d WHERE d.lead_id = l.id AND d.rep_id = $2)
       OR EXISTS (SELECT 1 FROM stage_transition s WHERE s.lead_id = l.id AND s.details->>'toOwnerId' = $2::text))`,
    [leadId, principal.userId],
  );
  return Boolean(owned) || (await findVisibleLead(db, principal, leadId)) !== null;
}
