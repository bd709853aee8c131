import { ErrorCode } from '../../../../libs/contracts/src';
import { domainError } from '../common/errors';
import type { Principal } from './auth.types';

/**
 * Ownership rules in one place. Reps see and act on the leads they own; managers, RevOps,
 * marketing, executives and admins see every lead; integrations write but never read.
 */
export function assertCanReadLead(principal: Principal, lead: { ownerId: string | null }): void {
  if (principal.role === 'INTEGRATION') throw domainError(ErrorCode.FORBIDDEN, 'Integrations may not read leads');
  if (principal.role === 'SALES_REP' && lead.ownerId !== principal.userId) throw domainError(ErrorCode.FORBIDDEN, 'A rep may only read leads they own');
}
