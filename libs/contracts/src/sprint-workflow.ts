import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Leak } from '../../domain/src/kpi/leaks';
import type { BlueprintAction, SprintOutcome } from '../../domain/src/sprint/outcome';
import type { MilestoneCode, SprintPeople, SprintPhase, SprintRole, SprintState } from '../../domain/src/sprint/plan';
import type { Actor } from './roles';

export const sprintWorkflowId = (sprintId: string): string => `sprint:${sprintId}`;
export const GOVERNANCE_REVIEW_WORKFLOW_TYPE = 'governanceReviewWorkflow';
export const GOVERNANCE_KINDS = ['WEEKLY_OPERATING', 'MONTHLY_PROCESS', 'QUARTERLY_MODEL_RESET'] as const;
export type GovernanceKind = (typeof GOVERNANCE_KINDS)[number];
export const governanceScheduleId = (sprintId: string, kind: GovernanceKind): string => `governance:${sprintId}:${kind}`;

export interface SprintTarget {
  /** The KPI the sprint is judged by, e.g. PIPELINE_VELOCITY. */
  kpi: string;
  /** The improvement aimed for, in percent (15 = +15 %; for lower-is-better KPIs, a decrease). */
  changePct: number;
}

/** What starts a sprint workflow (validated by the API before it starts). */
export interface SprintInput {
  sprintId: string;
  name: string;
  /** Day 1 of the sprint, a local date in `timeZone`. */
  startDate: string;
  timeZone: string;
  people: SprintPeople;
  target: SprintTarget;
}

export interface SprintSignOffView {
  role: SprintRole;
  userId: string;
  at: string;
  note: string | null;
}

export interface SprintMilestoneView {
  code: MilestoneCode;
  phase: SprintPhase;
  title: string;
  description: string;
  ownerRole: SprintRole;
  ownerId: string;
  dueAt: string;
  remindAt: string;
  requiredSignOffs: SprintRole[];
  status: 'OPEN' | 'COMPLETED';
  completedAt: string | null;
  /** Completed after its due instant, or still open past it. */
  late: boolean;
  reminded: boolean;
  escalated: boolean;
  signOffs: SprintSignOffView[];
  /** M2/M3: the stage definition version going through its approval workflow. */
  linkedDefinitionId: string | null;
  definitionStatus: string | null;
  /** What proved it: the baseline snapshot, the dry-run samples, the targets found. */
  evidence: Record<string, unknown> | null;
}

export interface SprintReviewView {
  id: string;
  kind: 'CHECK_IN' | 'OUTCOME';
  at: string;
  recordedBy: string;
  snapshotId: string | null;
  decisions: string[];
  actionItems: { title: string; ownerId: string | null; dueDate: string | null }[];
}

export interface SprintTimelineEntry {
  at: string;
  kind: string;
  message: string;
  actorId: string | null;
  milestone: MilestoneCode | null;
}

/** The sprint as its workflow holds it: the input it started with, and where it stands. */
export interface SprintView extends SprintInput {
  status: 'RUNNING' | 'FINISHED';
  /** Increases with every change: the read model keeps the highest. */
  revision: number;
  milestones: SprintMilestoneView[];
  phases: { phase: SprintPhase; startsAt: string; endsAt: string; closedAt: string | null; closedBy: string | null }[];
  reviews: SprintReviewView[];
  baseline: { snapshotId: string; measures: { kpi: string; value: number | null }[] } | null;
  outcome: (SprintOutcome & { snapshotId: string }) | null;
  blueprint: BlueprintAction[];
  timeline: SprintTimelineEntry[];
  endsAt: string;
  finishedAt: string | null;
}

/** The plain state the domain's gate and status rules read (libs/domain/src/sprint/plan.ts), from a view. */
export function sprintStateOf(v: SprintView): SprintState {
  return {
    people: v.people,
    milestones: Object.fromEntries(
      v.milestones.map((m) => [m.code, { status: m.status, completedAt: m.completedAt ?? undefined, signOffs: m.signOffs, late: m.late, escalated: m.escalated }]),
    ) as unknown as SprintState['milestones'],
    phases: Object.fromEntries(v.phases.map((p) => [p.phase, { closedAt: p.closedAt ?? undefined }])) as unknown as SprintState['phases'],
    reviews: v.reviews.map((r) => ({ at: r.at, kind: r.kind })),
    finishedAt: v.finishedAt ?? undefined,
  };
}

// ---------------------------------------------------------------- commands (updates with validators)
export interface CompleteMilestoneCommand {
  actor: Actor;
  code: MilestoneCode;
  note?: string;
}
export interface SignOffCommand {
  actor: Actor;
  code: MilestoneCode;
  role: SprintRole;
  note?: string;
}
export interface LinkStageDefinitionCommand {
  actor: Actor;
  definitionId: string;
}
export interface RoutingDryRunCommand {
  actor: Actor;
  /** Sample leads; default: the most recent MQLs. */
  leadIds?: string[];
}
export interface RecordReviewCommand {
  actor: Actor;
  /** Client-chosen id: a retried request records the review once. */
  reviewId: string;
  decisions: string[];
  actionItems: { title: string; ownerId: string | null; dueDate: string | null }[];
}
export interface ClosePhaseCommand {
  actor: Actor;
  phase: SprintPhase;
}

export const completeMilestoneUpdate = defineUpdate<SprintView, [CompleteMilestoneCommand]>('completeMilestone');
export const signOffUpdate = defineUpdate<SprintView, [SignOffCommand]>('signOff');
export const linkStageDefinitionUpdate = defineUpdate<SprintView, [LinkStageDefinitionCommand]>('linkStageDefinition');
export const routingDryRunUpdate = defineUpdate<SprintView, [RoutingDryRunCommand]>('runRoutingDryRun');
export const recordReviewUpdate = defineUpdate<SprintView, [RecordReviewCommand]>('recordReview');
export const closePhaseUpdate = defineUpdate<SprintView, [ClosePhaseCommand]>('closePhase');
/** Sent by the API when a stage definition becomes ACTIVE, so a linked M2/M3 completes without waiting for the next check. */
export const stageDefinitionActivatedSignal = defineSignal<[{ definitionId: string }]>('stageDefinitionActivated');
export const sprintViewQuery = defineQuery<SprintView>('sprintView');

// ---------------------------------------------------------------- activities
export interface SprintSnapshotResult {
  snapshotId: string;
  measures: { kpi: string; value: number | null }[];
}

export interface RoutingDryRunSample {
  leadId: string;
  repId: string | null;
  queue: string | null;
  ruleId: string | null;
}

export interface SprintActivities {
  /** A KPI snapshot of the period (idempotent by dedupeKey); its totals come back. */
  takeSprintSnapshot(input: { sprintId: string; trigger: 'SPRINT_BASELINE' | 'SPRINT_OUTCOME' | 'REVIEW'; from: string; to: string; asOf: string; dedupeKey: string }): Promise<SprintSnapshotResult>;
  stageDefinitionStatus(input: { definitionId: string }): Promise<{ status: string; version: number; activatedAt: string | null } | null>;
  /** Routing decided for each sample lead without writing anything. */
  routingDryRun(input: { leadIds?: string[]; sampleSize: number; at: string }): Promise<RoutingDryRunSample[]>;
  /** Which targets RevOps has set: explicit KPI targets and the revenue targets of the months given. */
  targetsStatus(input: { months: string[] }): Promise<{ kpiTargets: string[]; missingRevenueMonths: string[] }>;
  /** The leak report of the period (KPIs below target, stalling stages), by expected impact. */
  sprintLeaks(input: { from: string; to: string; asOf: string }): Promise<Leak[]>;
  projectSprint(input: { view: SprintView }): Promise<void>;
  recordSprintReview(input: { sprintId: string; review: SprintReviewView }): Promise<void>;
  recordBlueprint(input: { sprintId: string; actions: BlueprintAction[] }): Promise<void>;
  notifySprint(input: { dedupeKey: string; recipientId: string; kind: string; payload: Record<string, unknown> }): Promise<void>;
  /** The weekly, monthly and quarterly governance reviews as Temporal Schedules (idempotent). */
  ensureGovernanceSchedules(input: { sprintId: string; timeZone: string }): Promise<string[]>;
}

export interface GovernanceReviewInput {
  sprintId: string;
  kind: GovernanceKind;
}

export interface GovernanceActivities {
  /** Takes the review's KPI snapshot and findings and records the review (idempotent per local day). */
  holdGovernanceReview(input: GovernanceReviewInput & { at: string }): Promise<{ reviewId: string }>;
}
