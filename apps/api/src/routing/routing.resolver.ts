import { Args, GraphQLISODateTime, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Roles } from '../auth/roles.decorator';
import { RoutingDecisionType, RoutingPreviewType } from './dto/routing-decision.type';
import { CreateRoutingPoolInput, RoutingPoolType, UpdateRoutingPoolInput } from './dto/routing-pool.type';
import { CreateRoutingRuleInput, RoutingRuleType, UpdateRoutingRuleInput } from './dto/routing-rule.type';
import { toRoutingDecisionType, toRoutingPoolType, toRoutingRuleType, toTraceSteps } from './routing.mapper';
import { RoutingService } from './routing.service';

const MANAGE = ['REVOPS', 'ADMIN'] as const;
const READ = ['SALES_MANAGER', 'REVOPS', 'ADMIN'] as const;

/** Routing configuration (domain brief §3): pools, ordered rules, decisions with their traces. */
@Resolver()
export class RoutingResolver {
  constructor(private readonly routing: RoutingService) {}

  @Query(() => [RoutingPoolType])
  @Roles(...READ)
  async routingPools(): Promise<RoutingPoolType[]> {
    return (await this.routing.pools()).map(toRoutingPoolType);
  }

  @Mutation(() => RoutingPoolType)
  @Roles(...MANAGE)
  async createRoutingPool(@Args('input') input: CreateRoutingPoolInput): Promise<RoutingPoolType> {
    return toRoutingPoolType(await this.routing.createPool(input));
  }

  @Mutation(() => RoutingPoolType)
  @Roles(...MANAGE)
  async updateRoutingPool(@Args('input') input: UpdateRoutingPoolInput): Promise<RoutingPoolType> {
    return toRoutingPoolType(await this.routing.updatePool(input));
  }

  @Query(() => [RoutingRuleType], { description: 'All rules (active or not) in evaluation order.' })
  @Roles(...READ)
  async routingRules(): Promise<RoutingRuleType[]> {
    return (await this.routing.rules()).map(toRoutingRuleType);
  }

  @Mutation(() => RoutingRuleType)
  @Roles(...MANAGE)
  async createRoutingRule(@Args('input') input: CreateRoutingRuleInput): Promise<RoutingRuleType> {
    return toRoutingRuleType(await this.routing.createRule(input));
  }

  @Mutation(() => RoutingRuleType)
  @Roles(...MANAGE)
  async updateRoutingRule(@Args('input') input: UpdateRoutingRuleInput): Promise<RoutingRuleType> {
    return toRoutingRuleType(await this.routing.updateRule(input));
  }

  @Mutation(() => Boolean)
  @Roles(...MANAGE)
  async deleteRoutingRule(@Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.routing.deleteRule(id);
  }

  @Query(() => [RoutingDecisionType], { description: 'Every routing decision of the lead, oldest first, with its trace.' })
  @Roles(...READ)
  async routingDecisions(@CurrentPrincipal() principal: Principal, @Args('leadId', { type: () => ID }) leadId: string): Promise<RoutingDecisionType[]> {
    return (await this.routing.decisions(principal, leadId)).map(toRoutingDecisionType);
  }

  @Query(() => RoutingPreviewType, { description: 'Dry run: what the current rules would decide for the lead, writing nothing.' })
  @Roles(...READ)
  async previewRouting(
    @CurrentPrincipal() principal: Principal,
    @Args('leadId', { type: () => ID }) leadId: string,
    @Args('at', { type: () => GraphQLISODateTime, nullable: true, description: 'Defaults to now.' }) at?: Date,
    @Args('hot', { nullable: true, description: 'Defaults to the lead\'s own flag; hot leads skip reps outside their hours.' }) hot?: boolean,
  ): Promise<RoutingPreviewType> {
    const when = at ?? new Date();
    const { lead, outcome } = await this.routing.preview(principal, leadId, when, hot ?? undefined);
    const { decision, facts } = outcome;
    const trace = toTraceSteps(decision.trace);
    return {
      leadId: lead.id,
      at: when,
      ruleId: decision.ruleId,
      repId: decision.repId,
      queue: decision.repId ? undefined : decision.queue,
      facts: {
        region: facts.region ?? undefined,
        sizeBand: facts.sizeBand ?? undefined,
        industry: facts.industry ?? undefined,
        accountId: facts.accountId ?? undefined,
        accountOwnerId: facts.accountOwnerId ?? undefined,
        hot: facts.hot,
      },
      trace,
      matchedStep: decision.ruleId ? trace.find((s) => s.ruleId === decision.ruleId && s.matched) : undefined,
    };
  }
}
