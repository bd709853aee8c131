import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { HUMAN_ROLES, Roles } from '../auth/roles.decorator';
import { JSONScalar } from '../common/json.scalar';
import { loaderFor } from '../common/loaders';
import {
  CreateStageDefinitionDraftInput,
  DefinitionChangeType,
  ProposeStageDefinitionInput,
  StageDefinitionApprovalType,
  StageDefinitionDecisionInput,
  StageDefinitionSimulationType,
  StageDefinitionType,
} from './dto/stage-definition.types';
import { toStageDefinitionType as toType } from './stage-definition.mapper';
import { StageDefinitionsService } from './stage-definitions.service';



@Resolver(() => StageDefinitionType)
export class StageDefinitionsResolver {
  constructor(private readonly definitions: StageDefinitionsService) {}

  @Query(() => [StageDefinitionType], { description: 'Every version, newest first.' })
  @Roles(...HUMAN_ROLES)
  async stageDefinitions(): Promise<StageDefinitionType[]> {
    return (await this.definitions.list()).map(toType);
  }

  @Query(() => StageDefinitionType)
  @Roles(...HUMAN_ROLES)
  async stageDefinition(@Args('id', { type: () => ID }) id: string): Promise<StageDefinitionType> {
    return toType(await this.definitions.get(id));
  }

  @Query(() => StageDefinitionType)
  @Roles(...HUMAN_ROLES)
  async activeStageDefinition(): Promise<StageDefinitionType> {
    return toType(await this.definitions.active());
  }

  @Query(() => StageDefinitionSimulationType, { description: 'What-if: replay the last N days of real engagement under this version and under the active one.' })
  @Roles('REVOPS', 'MARKETING', 'EXECUTIVE', 'ADMIN')
  simulateStageDefinition(@Args('id', { type: () => ID }) id: string, @Args('days', { type: () => Int, defaultValue: 30 }) days: number): Promise<StageDefinitionSimulationType> {
    return this.definitions.simulate(id, days);
  }

  @Mutation(() => StageDefinitionType, { description: 'A new draft, copied from a version (default: the active one) or with full content.' })
  @Roles('REVOPS', 'MARKETING')
  async createStageDefinitionDraft(@CurrentPrincipal() p: Principal, @Args('input') input: CreateStageDefinitionDraftInput): Promise<StageDefinitionType> {
    return toType(await this.definitions.createDraft(p, input.basedOnVersion, input.content));
  }

  @Mutation(() => StageDefinitionType, { description: 'Replace a draft\'s content; validated as a whole, each violation naming its field.' })
  @Roles('REVOPS', 'MARKETING')
  async updateStageDefinitionDraft(@Args('id', { type: () => ID }) id: string, @Args('content', { type: () => JSONScalar }) content: unknown): Promise<StageDefinitionType> {
    return toType(await this.definitions.updateDraft(id, content));
  }

  @Mutation(() => StageDefinitionType, { description: 'Propose a draft: its approval workflow starts (required approvers, reminders, deadline).' })
  @Roles('REVOPS', 'MARKETING')
  async proposeStageDefinition(@CurrentPrincipal() p: Principal, @Args('input') input: ProposeStageDefinitionInput): Promise<StageDefinitionType> {
    return toType(await this.definitions.propose(p, input.id, input.approverIds, input.deadlineDays, input.reminderEveryHours));
  }

  @Mutation(() => StageDefinitionType, { description: 'A required approver approves; the last approval activates the version.' })
  @Roles('EXECUTIVE', 'REVOPS', 'MARKETING', 'SALES_MANAGER', 'ADMIN')
  async approveStageDefinition(@CurrentPrincipal() p: Principal, @Args('input') input: StageDefinitionDecisionInput): Promise<StageDefinitionType> {
    return toType(await this.definitions.decide(p, input.id, true, input.comment));
  }

  @Mutation(() => StageDefinitionType, { description: 'A required approver sends the proposal back with a comment.' })
  @Roles('EXECUTIVE', 'REVOPS', 'MARKETING', 'SALES_MANAGER', 'ADMIN')
  async requestStageDefinitionChanges(@CurrentPrincipal() p: Principal, @Args('input') input: StageDefinitionDecisionInput): Promise<StageDefinitionType> {
    return toType(await this.definitions.decide(p, input.id, false, input.comment));
  }

  @ResolveField(() => [StageDefinitionApprovalType], { description: 'Who decided what, when, with which comment.' })
  async approvals(@Parent() d: StageDefinitionType, @Context() ctx: object): Promise<StageDefinitionApprovalType[]> {
    return loaderFor(ctx, 'approvals', (ids: readonly string[]) => this.definitions.approvals(ids)).load(d.id);
  }

  @ResolveField(() => [DefinitionChangeType], { description: 'What this version changes against the active one.' })
  async changesFromActive(@Parent() d: StageDefinitionType): Promise<DefinitionChangeType[]> {
    return this.definitions.diffFromActive(await this.definitions.get(d.id));
  }
}
