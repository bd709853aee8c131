import { allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { ErrorCode } from '../../libs/contracts/src/errors';
import {
  ApprovalCommand,
  approveStageDefinitionUpdate,
  requestStageDefinitionChangesUpdate,
  stageDefinitionApprovalQuery,
  StageDefinitionActivities,
  StageDefinitionApprovalInput,
  StageDefinitionApprovalState,
} from '../../libs/contracts/src/stage-definition-workflow';

const acts = proxyActivities<StageDefinitionActivities>({ startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });

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

  const validate = ({ actor, comment }: ApprovalCommand) => {
    if (s.status !== 'PROPOSED') refuse(ErrorCode.INVALID_TRANSITION, `The proposal is ${s.status}; it takes no more decisions`);
    if (Date.now() >= new Date(s.deadline).getTime()) refuse(ErrorCode.INVALID_TRANSITION, 'The proposal has expired');
    if (!s.approverIds.includes(actor.id)) refuse(ErrorCode.FORBIDDEN, 'Only a required approver may decide on this proposal');
    if (s.decisions.some((d) => d.approverId === actor.id)) refuse(ErrorCode.CONFLICT, 'You have already decided on this proposal');
    if (typeof comment !== 'string' || comment.length > 2000) refuse(ErrorCode.BAD_USER_INPUT, 'comment must be at most 2000 characters', 'comment');
  };
  const decide = (decision: 'APPROVED' | 'CHANGES_REQUESTED') => async ({ actor, comment }: ApprovalCommand) => {
    const d = { approverId: actor.id, decision, comment, at: new Date().toISOString() };
    s.decisions.push(d);
    await acts.recordApprovalDecision({ definitionId: s.definitionId, decision: d });
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

  while (!approved() && !changesRequested()) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const settled = await condition(() => approved() || changesRequested(), Math.min(left, reminderMs));
    if (settled || Date.now() >= deadline) continue;
    const pending = s.approverIds.filter((id) => !s.decisions.some((d) => d.approverId === id));
    s.remindersSent++;
    await acts.remindApprovers({ definitionId: s.definitionId, version: s.version, approverIds: pending, key: `stage-definition:${s.definitionId}/reminder/${s.remindersSent}`, deadline: s.deadline });
  }
  await condition(allHandlersFinished);

  const at = new Date().toISOString();
  if (approved()) {
    await acts.activateStageDefinition({ definitionId: s.definitionId, at });
    s.status = 'ACTIVE';
  } else {
    s.status = changesRequested() ? 'CHANGES_REQUESTED' : 'EXPIRED';
    await acts.closeStageDefinitionProposal({ definitionId: s.definitionId, status: s.status, at });
  }
  upsertSearchAttributes({ BatonStage: [s.status] });
  return s;
}
