import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from './roles';

export const stageDefinitionWorkflowId = (definitionId: string): string => `stage-definition:${definitionId}`;

/** What starts the approval of a proposed stage definition version. */
export interface StageDefinitionApprovalInput {
  definitionId: string;
  version: number;
  /** The required approvers (user ids); all must approve. */
  approverIds: string[];
  /** ISO instant after which the proposal expires. */
  deadline: string;
  /** How often pending approvers are reminded, in hours. */
  reminderEveryHours: number;
}

export interface ApprovalDecision {
  approverId: string;
  decision: 'APPROVED' | 'CHANGES_REQUESTED';
  comment: string;
  at: string;
}

export interface StageDefinitionApprovalState {
  definitionId: string;
  version: number;
  status: 'PROPOSED' | 'ACTIVE' | 'CHANGES_REQUESTED' | 'EXPIRED';
  approverIds: string[];
  decisions: ApprovalDecision[];
  deadline: string;
  remindersSent: number;
}

export interface ApprovalCommand {
  actor: Actor;
  comment: string;
}

export const approveStageDefinitionUpdate = defineUpdate<StageDefinitionApprovalState, [ApprovalCommand]>('approveStageDefinition');
export const requestStageDefinitionChangesUpdate = defineUpdate<StageDefinitionApprovalState, [ApprovalCommand]>('requestStageDefinitionChanges');
export const stageDefinitionApprovalQuery = defineQuery<StageDefinitionApprovalState>('stageDefinitionApproval');

/** Activities of the approval workflow (implemented by the worker). */
export interface StageDefinitionActivities {
  /** Record one approver's decision (idempotent per definition + approver). */
  recordApprovalDecision(input: { definitionId: string; decision: ApprovalDecision }): Promise<void>;
  /** Atomically make the version ACTIVE and supersede the previous one; exactly one ACTIVE at any moment. */
  activateStageDefinition(input: { definitionId: string; at: string }): Promise<{ activated: boolean; supersededVersion: number | null }>;
  /** Close the proposal without activating it. */
  closeStageDefinitionProposal(input: { definitionId: string; status: 'CHANGES_REQUESTED' | 'EXPIRED'; at: string }): Promise<void>;
  /** Remind the pending approvers (in-app inbox; idempotent by key). */
  remindApprovers(input: { definitionId: string; version: number; approverIds: string[]; key: string; deadline: string }): Promise<void>;
}
