import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/auth.types';
import { Roles } from '../auth/roles.decorator';
import { loaderFor } from '../common/loaders';
import { CaptureLeadInput } from './dto/capture-lead.input';
import { CaptureLeadPayload, LeadType, StageTransitionType } from './dto/lead.type';
import { toLeadType, toStageTransitionType } from './lead.mapper';
import { LeadsService } from './leads.service';

@Resolver(() => LeadType)
export class LeadsResolver {
  constructor(private readonly leads: LeadsService) {}

  @Mutation(() => CaptureLeadPayload, { description: 'Capture a lead (first touch) and start its lifecycle workflow. Idempotent per idempotencyKey.' })
  @Roles('MARKETING', 'INTEGRATION', 'REVOPS', 'ADMIN')
  async captureLead(@Args('input') input: CaptureLeadInput): Promise<CaptureLeadPayload> {
    const { lead, created } = await this.leads.captureLead(input);
    return { lead: toLeadType(lead), created };
  }

  @Query(() => LeadType)
  @Roles('MARKETING', 'SALES_REP', 'SALES_MANAGER', 'REVOPS', 'EXECUTIVE', 'ADMIN')
  async lead(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<LeadType> {
    return toLeadType(await this.leads.getLead(principal, id));
  }

  @ResolveField(() => [StageTransitionType], { description: 'Every recorded transition, oldest first.' })
  async stageHistory(@Parent() lead: LeadType, @Context() ctx: object): Promise<StageTransitionType[]> {
    const rows = await loaderFor(ctx, 'stageHistory', (ids: readonly string[]) => this.leads.stageHistories(ids)).load(lead.id);
    return rows.map(toStageTransitionType);
  }
}
