import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import {
  acceptLeadUpdate,
  closeOpportunityUpdate,
  disqualifyLeadUpdate,
  ErrorCode,
  LeadCommandResult,
  leadCommandUpdateId,
  logTouchUpdate,
  qualifyLeadUpdate,
  reassignLeadUpdate,
  rejectLeadUpdate,
} from '../../../../libs/contracts/src';
import { isSameTouch, stageBefore } from '../../../../libs/domain/src';
import { LeadEntity } from '../../../../libs/persistence/src';
import type { Principal } from '../auth/auth.types';
import { assertMayReassignTo, findVisibleLead } from '../auth/lead-access';
import { domainError, notFound } from '../common/errors';
import { requestHash } from '../common/request-hash';
import { toGraphQLError } from '../common/workflow-errors';

type Update = typeof acceptLeadUpdate | typeof rejectLeadUpdate | typeof logTouchUpdate | typeof qualifyLeadUpdate | typeof disqualifyLeadUpdate | typeof reassignLeadUpdate | typeof closeOpportunityUpdate;

/**
 * Lead commands go to the lead's workflow as Temporal updates: the workflow's validators
 * are the single place the lifecycle rules are enforced (owner, stage, codes, cadence). A
 * refused update changed nothing; its failure type is our ErrorCode, passed on as is. A
 * command sent again with the same request id is the same update: Temporal answers with
 * the first result instead of acting twice.
 *
 * Commands to one lead leave this process one at a time: the workflow serializes them anyway,
 * and Temporal aborts every admitted update of a workflow once more than its in-flight limit
 * (10 by default) arrive together, telling callers nothing about which one took effect.
 */
@Injectable()
export class LeadCommandsService {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly temporal: Client) {}

  /** Run `send` after the commands already sent to this lead by this process. */
  private inTurn<T>(leadId: string, send: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(leadId) ?? Promise.resolve();
    const run = previous.then(send, send);
    const tail = run.catch(() => undefined);
    this.queues.set(leadId, tail);
    void tail.then(() => {
      if (this.queues.get(leadId) === tail) this.queues.delete(leadId);
    });
    return run;
  }

  async execute(principal: Principal, leadId: string, update: Update, command: Record<string, unknown>, requestId?: string): Promise<LeadCommandResult> {
    // Who before what: a caller who may not see the lead learns nothing about it (NOT_FOUND),
    // unless this is a retry of their own command that took the lead out of their hands (a recycle).
    const lead = await findVisibleLead(this.db, principal, leadId);
    if (!lead) {
      const done = requestId ? await this.alreadyDone(leadId, principal, update.name, requestId, command) : null;
      if (done) return done;
      throw notFound('Lead', leadId);
    }
    if (update === reassignLeadUpdate) await assertMayReassignTo(this.db, principal, String(command.repId));
    const handle = this.temporal.workflow.getHandle(lead.workflowId);
    try {
      return await this.inTurn(lead.id, () =>
        handle.executeUpdate(update as typeof acceptLeadUpdate, {
          args: [{ ...command, requestId, actor: { id: principal.userId, role: principal.role } }] as never,
          // The same request id with other content is another update: Temporal must not answer it with the first one's result.
          ...(requestId ? { updateId: leadCommandUpdateId(update.name, principal.userId, `${requestId}:${requestHash(command).slice(0, 16)}`) } : {}),
        }),
      );
    } catch (e) {
      const done = requestId ? await this.alreadyDone(lead.id, principal, update.name, requestId, command) : null;
      if (done) return done;
      const refused = toGraphQLError(e);
      // The workflow's writes of a step happen before the step is durable in Temporal, so after a
      // worker dies mid-step the record can show a stage (MQL, an owner) that the workflow reaches
      // only when the next worker repeats the step. Refused in a stage behind the record's, or as
      // not the owner while the record names the caller, the command is not refused for good:
      // the caller is told to retry.
      const workflowStage = refused.extensions.stage;
      const stageBehind = refused.extensions.code === ErrorCode.INVALID_TRANSITION && typeof workflowStage === 'string' && stageBefore(workflowStage, lead.stage);
      const ownerBehind = refused.extensions.code === ErrorCode.NOT_OWNER && lead.ownerId === principal.userId;
      if (stageBehind || ownerBehind) {
        throw domainError(ErrorCode.UNAVAILABLE, `The lead's workflow is still catching up with its record (record ${lead.stage}); retry the command`, { leadId: lead.id });
      }
      throw refused;
    }
  }

  /**
   * A retried request whose first attempt took effect in a run that has since ended (a
   * recycle, a close): Temporal's update ids do not reach across runs, the record does. The
   * answer is the lead as it stands now.
   */
  private async alreadyDone(leadId: string, principal: Principal, command: string, requestId: string, args: Record<string, unknown>): Promise<LeadCommandResult | null> {
    const [hit] =
      command === logTouchUpdate.name
        ? await this.db.query('SELECT channel, outcome, occurred_at FROM touch WHERE lead_id = $1 AND rep_id = $2 AND right(step_key, length($3)) = $3', [leadId, principal.userId, `/touch-${String(args.touchId)}`])
        : await this.db.query("SELECT 1 FROM stage_transition WHERE lead_id = $1 AND actor_id = $2 AND details->>'requestId' = $3 LIMIT 1", [leadId, principal.userId, requestId]);
    if (!hit) return null;
    if (command === logTouchUpdate.name) assertSameTouch(hit, args);
    const lead = await this.db.getRepository(LeadEntity).findOneByOrFail({ id: leadId });
    const [opportunity] = await this.db.query('SELECT id FROM opportunity WHERE lead_id = $1 ORDER BY created_at DESC LIMIT 1', [leadId]);
    return {
      leadId,
      stage: lead.stage,
      ownerId: lead.ownerId,
      cycle: lead.recycleCount,
      recycleCount: lead.recycleCount,
      reengageAfter: lead.reengageAt?.toISOString() ?? null,
      cadenceExit: null,
      opportunityId: opportunity?.id ?? null,
    };
  }
}

/** A touchId names one touch: used again for another channel, outcome or time it is a conflict, not a retry. */
function assertSameTouch(logged: { channel: string; outcome: string; occurred_at: Date | string }, args: Record<string, unknown>): void {
  if (!isSameTouch({ ...logged, occurredAt: logged.occurred_at }, { channel: String(args.channel), outcome: String(args.outcome), occurredAt: String(args.occurredAt) })) {
    throw domainError(ErrorCode.CONFLICT, 'touchId was already used for a different touch', { field: 'touchId' });
  }
}
