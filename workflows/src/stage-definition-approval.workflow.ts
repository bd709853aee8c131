import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, log, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { ErrorCode, NON_RETRYABLE_ACTIVITY_ERRORS } from '../../libs/contracts/src/errors';
import {
  ApprovalCommand,
  approveStageDefinitionUpdate,
  requestStageDefinitionChangesUpdate,
  stageDefinitionApprovalQuery,
  StageDefinitionActivities,
  StageDefinitionApprovalInput,
  StageDefinitionApprovalState,
} from '../../libs/contracts/src/stage-definition-workflow';

// Bounded: an activity that cannot succeed within its schedule-to-close timeout fails instead of
// retrying forever; deterministic failures (NOT_FOUND, a missing row) are not retried at all.
const acts = proxyActivities<StageDefinitionActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
});

/** A reminder that could not be sent is not worth failing the approval over. */
async function reminded(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ActivityFailure)) throw e;
    log.warn('approval reminder not sent', { error: e.message });
  }
}

function refuse(code: ErrorCode, message: string, field?: string): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true, details: field ? [{ field, rule: code, message }] : [] });
}

/**
 * The approval of one proposed stage definition version (`stage-definition:<id>`): every
 * required approver approves (or one requests changes) as an update; pending approvers are
 * reminded; the proposal expires at its deadline. On the last approval the version becomes
 * ACTIVE atomically and the previous one is superseded. Updates run one at a time in the
 * workflow, so concurrent last approvals produce exactly one activation.
 */
export async function stageDefinitionApprovalWorkflow(input: StageDefinitionApprovalInput): Promise<StageDefinitionApprovalState> {
  const s: StageDefinitionApprovalState = { definitionId: input.definitionId, version: input.version, status: 'PROPOSED', approverIds: [...input.approverIds], decisions: [], deadline: input.deadline, remindersSent: 0 };
  setHandler(stageDefinitionApprovalQuery, () => s);

  // Set synchronously when the outcome is decided, before any await: from then on every decision is refused.
  let closing: StageDefinitionApprovalState['status'] | null = null;
  const validate = ({ actor, comment }: ApprovalCommand) => {
    if (s.status !== 'PROPOSED') refuse(ErrorCode.INVALID_TRANSITION, `The proposal is ${s.status}; it takes no more decisions`);
    if (closing) refuse(ErrorCode.INVALID_TRANSITION, `The proposal is being closed (${closing}); it takes no more decisions`);
    if (Date.now() >= new Date(s.deadline).getTime()) refuse(ErrorCode.INVALID_TRANSITION, 'The proposal has expired');
    if (!s.approverIds.includes(actor.id)) refuse(ErrorCode.FORBIDDEN, 'Only a required approver may decide on this proposal');
    if (s.decisions.some((d) => d.approverId === actor.id)) refuse(ErrorCode.CONFLICT, 'You have already decided on this proposal');
    if (typeof comment !== 'string' || comment.length > 2000) refuse(ErrorCode.BAD_USER_INPUT, 'comment must be at most 2000 characters', 'comment');
  };
  // The decision is claimed synchronously (before the await), so a concurrent duplicate fails its validator.
  const decide = (decision: 'APPROVED' | 'CHANGES_REQUESTED') => async ({ actor, comment }: ApprovalCommand) => {
    const d = { approverId: actor.id, decision, comment, at: new Date().toISOString() };
    s.decisions.push(d);
    try {
      await acts.recordApprovalDecision({ definitionId: s.definitionId, decision: d });
    } catch (e) {
      // Not recorded within its retry bound: the decision does not count, the approver may send it again.
      s.decisions = s.decisions.filter((x) => x !== d);
      throw e;
    }
    return s;
  };
  setHandler(approveStageDefinitionUpdate, decide('APPROVED'), { validator: validate });
  setHandler(requestStageDefinitionChangesUpdate, decide('CHANGES_REQUESTED'), {
    validator: (cmd) => {
      validate(cmd);
      if (!cmd.comment || cmd.comment.trim().length < 3) refuse(ErrorCode.BAD_USER_INPUT, 'Say what should change', 'comment');
    },
  });

  const approved = () => s.approverIds.every((id) => s.decisions.some((d) => d.approverId === id && d.decision === 'APPROVED'));
  const changesRequested = () => s.decisions.some((d) => d.decision === 'CHANGES_REQUESTED');
  const deadline = new Date(input.deadline).getTime();
  const reminderMs = input.reminderEveryHours * 3_600_000;

  const outcomeNow = () => (approved() ? 'ACTIVE' : changesRequested() ? 'CHANGES_REQUESTED' : 'EXPIRED');
  let outcome: 'ACTIVE' | 'CHANGES_REQUESTED' | 'EXPIRED';
  for (;;) {
    while (!approved() && !changesRequested()) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const settled = await condition(() => approved() || changesRequested(), Math.min(left, reminderMs));
      if (settled || Date.now() >= deadline) continue;
      const pending = s.approverIds.filter((id) => !s.decisions.some((d) => d.approverId === id));
      s.remindersSent++;
      await reminded(acts.remindApprovers({ definitionId: s.definitionId, version: s.version, approverIds: pending, key: `stage-definition:${s.definitionId}/reminder/${s.remindersSent}`, deadline: s.deadline }));
    }
    // Claim the outcome in the same activation that decided it: validators refuse from here on.
    outcome = outcomeNow();
    closing = outcome;
    // Decisions accepted before the claim finish recording first.
    await condition(allHandlersFinished);
    // A decision whose recording failed was rolled back: decide again.
    if (outcomeNow() === outcome) break;
    closing = null;
  }

  const at = new Date().toISOString();
  if (outcome === 'ACTIVE') {
    await acts.activateStageDefinition({ definitionId: s.definitionId, at });
  } else {
    await acts.closeStageDefinitionProposal({ definitionId: s.definitionId, status: outcome, at });
  }
  s.status = outcome;
  upsertSearchAttributes({ BatonStage: [s.status] });
  await condition(allHandlersFinished);
  return s;
}
