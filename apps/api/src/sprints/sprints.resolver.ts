import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { SprintView } from '../../../../libs/contracts/src';
import type { MilestoneCode as Code, SprintPhase as Phase, SprintRole as Role } from '../../../../libs/domain/src';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { HUMAN_ROLES, Roles } from '../auth/roles.decorator';
import { PeriodInput } from '../kpis/dto/kpi.types';
import {
  ActionItemInput,
  BlueprintActionStatus,
  BlueprintActionType,
  GovernanceReviewType,
  MilestoneCode,
  RecordSprintReviewInput,
  SalesFeedbackInput,
  SalesFeedbackReportType,
  SalesFeedbackType,
  SprintPhase,
  SprintRole,
  SprintType,
  StartSprintInput,
} from './dto/sprint.types';
import { SprintsService } from './sprints.service';

const iso = (s: string | null | undefined) => (s ? new Date(s) : null);

function toBlueprintAction(r: Record<string, any>): BlueprintActionType {
  return {
    id: r.id, leakId: r.leak_id, rank: r.rank, title: r.title, ownerRole: r.owner_role, ownerId: r.owner_id, slaDays: r.sla_days, dueDate: r.due,
    priority: r.priority, expectedImpact: Number(r.expected_impact), status: r.status, doneAt: r.done_at ? new Date(r.done_at) : null, note: r.note,
  };
}

function toGovernanceReview(r: Record<string, any>): GovernanceReviewType {
  return { id: r.id, sprintId: r.sprint_id, kind: r.kind, heldAt: new Date(r.held_at), snapshotId: r.snapshot_id, decisions: r.decisions, actionItems: r.action_items, findings: r.findings };
}

function toSalesFeedback(r: Record<string, any>): SalesFeedbackType {
  return { id: r.id, kind: r.kind, code: r.code, detail: r.detail, leadId: r.lead_id, opportunityId: r.opportunity_id, recordedBy: r.recorded_by, recordedAt: new Date(r.recorded_at) };
}

/**
 * The 6-week alignment sprint and governance. RevOps starts sprints; the named people act on
 * them (the sprint workflow checks that each command comes from the right person); every
 * human role can follow progress.
 */
@Resolver(() => SprintType)
export class SprintsResolver {
  constructor(private readonly sprintsService: SprintsService) {}

  private async toType(v: SprintView): Promise<SprintType> {
    const status = this.sprintsService.status(v);
    const [blueprint] = await this.sprintsService.blueprint([v.sprintId]);
    return {
      id: v.sprintId, name: v.name, startDate: v.startDate, timeZone: v.timeZone, status: v.status, people: v.people, target: v.target,
      rag: status.rag, progress: status.progress,
      milestones: v.milestones.map((m) => ({
        ...m, dueAt: new Date(m.dueAt), remindAt: new Date(m.remindAt), completedAt: iso(m.completedAt), rag: status.milestones[m.code],
        signOffs: m.signOffs.map((s) => ({ ...s, at: new Date(s.at) })),
      })),
      phases: v.phases.map((p) => ({ ...p, startsAt: new Date(p.startsAt), endsAt: new Date(p.endsAt), closedAt: iso(p.closedAt) })),
      checkIns: status.checkIns.map((c) => ({ week: c.week, count: c.count, required: c.required, met: c.met, ended: c.ended })),
      reviews: v.reviews.map((r) => ({ ...r, at: new Date(r.at) })),
      baseline: v.baseline,
      outcome: v.outcome,
      // The tracked blueprint (status, done) once recorded; the workflow's list until then.
      blueprint: blueprint.length
        ? blueprint.map(toBlueprintAction)
        : v.blueprint.map((a) => ({ ...a, id: a.leakId, status: 'OPEN', doneAt: null, note: null })),
      timeline: v.timeline.map((t) => ({ ...t, at: new Date(t.at) })),
      endsAt: new Date(v.endsAt),
      finishedAt: iso(v.finishedAt),
    };
  }

  @Mutation(() => SprintType, { description: 'Start a 6-week alignment sprint (workflow sprint:<id>): phases, milestones M1-M7, owners and sign-offs.' })
  @Roles('REVOPS', 'ADMIN')
  async startSprint(@CurrentPrincipal() p: Principal, @Args('input') input: StartSprintInput): Promise<SprintType> {
    const id = await this.sprintsService.start(p, input);
    return this.toType(await this.sprintsService.view(id));
  }

  @Query(() => SprintType, { description: 'Progress, red/amber/green per milestone and overall, timeline, sign-offs, reviews, outcome and blueprint.' })
  @Roles(...HUMAN_ROLES)
  async sprint(@Args('id', { type: () => ID }) id: string): Promise<SprintType> {
    return this.toType(await this.sprintsService.view(id));
  }

  @Query(() => [SprintType], { description: 'Newest first (at most 100).' })
  @Roles('REVOPS', 'ADMIN', 'EXECUTIVE')
  async sprints(@Args('status', { type: () => String, nullable: true, description: 'RUNNING or FINISHED' }) status: string | null): Promise<SprintType[]> {
    return Promise.all((await this.sprintsService.list(status)).map((v) => this.toType(v)));
  }

  @Mutation(() => SprintType, { description: 'Sign a milestone off as one of its required roles; only that role\'s named person may.' })
  @Roles(...HUMAN_ROLES)
  async signOffSprintMilestone(
    @CurrentPrincipal() p: Principal,
    @Args('sprintId', { type: () => ID }) sprintId: string,
    @Args('milestone', { type: () => MilestoneCode }) milestone: Code,
    @Args('role', { type: () => SprintRole }) role: Role,
    @Args('note', { type: () => String, nullable: true }) note: string | null,
  ): Promise<SprintType> {
    return this.toType(await this.sprintsService.signOff(p, sprintId, milestone, role, note));
  }

  @Mutation(() => SprintType, { description: 'Complete a milestone that completes by command (M5: targets set); the others complete by themselves.' })
  @Roles(...HUMAN_ROLES)
  async completeSprintMilestone(@CurrentPrincipal() p: Principal, @Args('sprintId', { type: () => ID }) sprintId: string, @Args('milestone', { type: () => MilestoneCode }) milestone: Code): Promise<SprintType> {
    return this.toType(await this.sprintsService.completeMilestone(p, sprintId, milestone));
  }

  @Mutation(() => SprintType, { description: 'M2/M3: link the stage definition version proposed for the sprint; its approval completes them (with the leaders\' sign-offs).' })
  @Roles('REVOPS', 'ADMIN')
  async linkSprintStageDefinition(@CurrentPrincipal() p: Principal, @Args('sprintId', { type: () => ID }) sprintId: string, @Args('definitionId', { type: () => ID }) definitionId: string): Promise<SprintType> {
    return this.toType(await this.sprintsService.linkStageDefinition(p, sprintId, definitionId));
  }

  @Mutation(() => SprintType, { description: 'M4: routing decided for sample leads (default: the latest MQLs) without writing anything; complete when every one reaches an eligible rep.' })
  @Roles('REVOPS', 'ADMIN')
  async runSprintRoutingDryRun(
    @CurrentPrincipal() p: Principal,
    @Args('sprintId', { type: () => ID }) sprintId: string,
    @Args('leadIds', { type: () => [ID], nullable: true }) leadIds: string[] | null,
  ): Promise<SprintType> {
    return this.toType(await this.sprintsService.routingDryRun(p, sprintId, leadIds));
  }

  @Mutation(() => SprintType, { description: 'A check-in (governance review) with a KPI snapshot, decisions and action items.' })
  @Roles(...HUMAN_ROLES)
  async recordSprintReview(@CurrentPrincipal() p: Principal, @Args('input') input: RecordSprintReviewInput): Promise<SprintType> {
    return this.toType(await this.sprintsService.recordReview(p, input.sprintId, input));
  }

  @Mutation(() => SprintType, { description: 'Close a phase: earlier phases first, every milestone signed off; the last one finishes the sprint.' })
  @Roles(...HUMAN_ROLES)
  async closeSprintPhase(@CurrentPrincipal() p: Principal, @Args('sprintId', { type: () => ID }) sprintId: string, @Args('phase', { type: () => SprintPhase }) phase: Phase): Promise<SprintType> {
    return this.toType(await this.sprintsService.closePhase(p, sprintId, phase));
  }

  @Mutation(() => BlueprintActionType, { description: 'Track a blueprint action (its owner or RevOps).' })
  @Roles(...HUMAN_ROLES)
  async updateBlueprintAction(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('status', { type: () => BlueprintActionStatus }) status: string,
    @Args('note', { type: () => String, nullable: true }) note: string | null,
  ): Promise<BlueprintActionType> {
    return toBlueprintAction(await this.sprintsService.updateBlueprintAction(p, id, status, note));
  }

  @Query(() => [GovernanceReviewType], { description: 'Check-ins, outcome reviews and the scheduled weekly / monthly / quarterly reviews, newest first.' })
  @Roles(...HUMAN_ROLES)
  async governanceReviews(
    @Args('sprintId', { type: () => ID, nullable: true }) sprintId: string | null,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
  ): Promise<GovernanceReviewType[]> {
    return (await this.sprintsService.governanceReviews(sprintId, limit)).map(toGovernanceReview);
  }

  @Mutation(() => GovernanceReviewType, { description: 'Put the decisions and action items of a scheduled review on record.' })
  @Roles('REVOPS', 'EXECUTIVE', 'SALES_MANAGER', 'MARKETING', 'ADMIN')
  async recordGovernanceDecisions(
    @CurrentPrincipal() p: Principal,
    @Args('reviewId', { type: () => ID }) reviewId: string,
    @Args('decisions', { type: () => [String] }) decisions: string[],
    @Args('actionItems', { type: () => [ActionItemInput], defaultValue: [] }) actionItems: ActionItemInput[],
  ): Promise<GovernanceReviewType> {
    return toGovernanceReview(await this.sprintsService.recordGovernanceDecisions(p, reviewId, decisions, actionItems));
  }

  @Mutation(() => SalesFeedbackType, { description: 'Sales feedback (objections, win/loss reasons, lead quality) that flows back to marketing.' })
  @Roles('SALES_REP', 'SALES_MANAGER')
  async recordSalesFeedback(@CurrentPrincipal() p: Principal, @Args('input') input: SalesFeedbackInput): Promise<SalesFeedbackType> {
    return toSalesFeedback(await this.sprintsService.recordSalesFeedback(p, input));
  }

  @Query(() => SalesFeedbackReportType)
  @Roles(...HUMAN_ROLES)
  async salesFeedbackReport(@Args('period') period: PeriodInput): Promise<SalesFeedbackReportType> {
    const r = await this.sprintsService.salesFeedbackReport(period);
    return { ...r, latest: r.latest.map(toSalesFeedback) };
  }
}
