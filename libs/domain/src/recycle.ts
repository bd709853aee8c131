import { DomainRuleError } from './field-violation';
import { RecycleAction, RecycleReason, StageDefinitionContent } from './stage-definition';

export interface RecycleDecision {
  action: RecycleAction;
  /** NURTURE only: when the lead may become an MQL again (with fresh intent). */
  reengageAt?: Date;
}

const MS_PER_DAY = 86_400_000;

/**
 * What happens to a lead rejected or disqualified for `reason`. NURTURE re-engages after the
 * policy's days (wall-clock) or at the rep's date when given; a policy may require the rep's date (BAD_TIMING).
 */
export function recycleDecision(
  reason: RecycleReason,
  definition: StageDefinitionContent,
  opts: { now: Date; repReengageAt?: Date },
): RecycleDecision {
  const policy = definition.recycle.find((p) => p.reason === reason);
  if (!policy) {
    throw new DomainRuleError('NO_RECYCLE_POLICY', `no recycle policy for '${reason}'`, [
      { field: 'reason', rule: 'KNOWN_REASON', message: `the stage definition has no recycle policy for '${reason}'` },
    ]);
  }
  if (policy.action !== 'NURTURE') return { action: policy.action };
  const { now, repReengageAt } = opts;
  if (repReengageAt === undefined) {
    if (policy.repDateRequired) {
      throw new DomainRuleError('REENGAGE_DATE_REQUIRED', `${reason} needs the rep's re-engage date`, [
        { field: 'repReengageAt', rule: 'REQUIRED', message: `${reason} recycles at the date the rep gives; it is required` },
      ]);
    }
    return { action: 'NURTURE', reengageAt: new Date(now.getTime() + policy.reengageDays * MS_PER_DAY) };
  }
  if (Number.isNaN(repReengageAt.getTime()) || repReengageAt <= now) {
    throw new DomainRuleError('INVALID_REENGAGE_DATE', 're-engage date must be in the future', [
      { field: 'repReengageAt', rule: 'FUTURE', message: `re-engage date must be after ${now.toISOString()}` },
    ]);
  }
  return { action: 'NURTURE', reengageAt: repReengageAt };
}
