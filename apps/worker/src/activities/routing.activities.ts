import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApplicationFailure } from '@temporalio/activity';
import { DataSource, EntityManager } from 'typeorm';
import { AssignedRep, ErrorCode, RouteLeadInput, RouteLeadResult, RoutingActivities } from '../../../../libs/contracts/src';
import type { BusinessCalendar } from '../../../../libs/domain/src';
import { LeadEntity, RoutingDecisionEntity, RoutingPoolEntity, UserEntity } from '../../../../libs/persistence/src';
import { decideRouting, managerOf } from '../../../../libs/persistence/src/routing/routing-input.loader';

/**
 * Route one lead under the ordered rules, in one transaction:
 *  1. lock the lead row, so two attempts of one step (a retry overlapping a slow first
 *     attempt) cannot both decide; a decision already stored under `stepKey` is returned
 *     unchanged (no second cursor advance, no second assignment);
 *  2. lock the pools of the territory rules (`decideRouting`), so round robin is safe under
 *     concurrency: routings into one pool serialise on its row and read a current cursor;
 *  3. run the pure `chooseRep`, then advance the cursor, store the decision with its trace,
 *     and stamp the lead's owner and routing time.
 * Exported separately from the activity so a caller can run it inside its own transaction.
 */
export async function routeLeadInTransaction(tx: EntityManager, input: RouteLeadInput): Promise<RouteLeadResult> {
  const at = new Date(input.at);
  if (Number.isNaN(at.getTime())) throw ApplicationFailure.nonRetryable(`at: '${input.at}' is not an ISO instant`, ErrorCode.BAD_USER_INPUT);
  const lead = await tx.getRepository(LeadEntity).createQueryBuilder('l').where('l.id = :id', { id: input.leadId }).setLock('pessimistic_write').getOne();
  if (!lead) throw ApplicationFailure.nonRetryable(`lead ${input.leadId} not found`, ErrorCode.NOT_FOUND);

  const prior = await tx.getRepository(RoutingDecisionEntity).findOneBy({ stepKey: input.stepKey });
  if (prior) return toResult(tx, prior);

  const { decision, pools, users } = await decideRouting(tx, lead, { at, hot: input.hot, excludeRepIds: input.excludeRepIds, lockPools: true });

  if (decision.pointerUpdate) {
    const pool = pools.get(decision.pointerUpdate.poolId)!;
    // Compare-and-set on the value read under the lock: a mismatch means the lock did not hold.
    const updated = await tx.getRepository(RoutingPoolEntity).update({ id: pool.id, cursor: pool.cursor }, { cursor: decision.pointerUpdate.next });
    if (updated.affected !== 1) throw new Error(`routing pool ${pool.id} cursor moved while locked`);
  }
  const saved = await tx.getRepository(RoutingDecisionEntity).save(
    tx.getRepository(RoutingDecisionEntity).create({
      stepKey: input.stepKey,
      leadId: lead.id,
      ruleId: decision.ruleId ?? null,
      repId: decision.repId ?? null,
      queue: decision.repId ? null : (decision.queue ?? null),
      trace: decision.trace,
      decidedAt: at,
    }),
  );
  if (decision.repId) await tx.getRepository(LeadEntity).update({ id: lead.id }, { ownerId: decision.repId, routedAt: at });
  return toResult(tx, saved, users.get(decision.repId ?? ''));
}

async function toResult(tx: EntityManager, d: RoutingDecisionEntity, known?: UserEntity): Promise<RouteLeadResult> {
  let rep: AssignedRep | null = null;
  if (d.repId) {
    const user = known ?? (await tx.getRepository(UserEntity).findOneByOrFail({ id: d.repId }));
    rep = { id: user.id, managerId: await managerOf(tx, user), calendar: user.calendar as unknown as BusinessCalendar };
  }
  return { decisionId: d.id, rep, queue: d.queue, ruleId: d.ruleId, trace: d.trace };
}

/** Routing as a Temporal activity: idempotent by step key, atomic per decision. */
@Injectable()
export class RoutingActivitiesImpl implements RoutingActivities {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async routeLead(input: RouteLeadInput): Promise<RouteLeadResult> {
    return this.db.transaction((tx) => routeLeadInTransaction(tx, input));
  }
}
