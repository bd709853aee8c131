import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator';
import { loaderFor } from '../common/loaders';
import { AddOutOfOfficeInput } from './dto/add-out-of-office.input';
import { OutOfOfficeType, RepType } from './dto/rep.type';
import { UpdateRepRoutingInput } from './dto/update-rep-routing.input';
import { toOutOfOfficeType, toRepType } from './rep.mapper';
import { RepsService } from './reps.service';

const MANAGE = ['REVOPS', 'ADMIN'] as const;
const READ = ['SALES_MANAGER', 'REVOPS', 'ADMIN'] as const;

@Resolver(() => RepType)
export class RepsResolver {
  constructor(private readonly service: RepsService) {}

  @Query(() => [RepType], { description: 'Users who can own leads (SALES_REP, SALES_MANAGER), by name; optionally one team\'s.' })
  @Roles(...READ)
  async reps(@Args('teamId', { type: () => ID, nullable: true }) teamId?: string): Promise<RepType[]> {
    return (await this.service.list(teamId ?? undefined)).map(toRepType);
  }

  @Query(() => RepType)
  @Roles(...READ)
  async rep(@Args('id', { type: () => ID }) id: string): Promise<RepType> {
    return toRepType(await this.service.get(id));
  }

  @Mutation(() => RepType, { description: 'Change a rep\'s routing profile; the calendar is validated as a whole (BAD_USER_INPUT names the field).' })
  @Roles(...MANAGE)
  async updateRepRouting(@Args('input') input: UpdateRepRoutingInput): Promise<RepType> {
    return toRepType(await this.service.updateRouting(input));
  }

  @Mutation(() => OutOfOfficeType, { description: 'Routing skips the rep from startsAt until endsAt.' })
  @Roles(...MANAGE)
  async addOutOfOffice(@Args('input') input: AddOutOfOfficeInput): Promise<OutOfOfficeType> {
    return toOutOfOfficeType(await this.service.addOutOfOffice(input));
  }

  @Mutation(() => Boolean)
  @Roles(...MANAGE)
  async removeOutOfOffice(@Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.removeOutOfOffice(id);
  }

  @ResolveField(() => [OutOfOfficeType], { description: 'Current and coming absences.' })
  async outOfOffice(@Parent() rep: RepType, @Context() ctx: object): Promise<OutOfOfficeType[]> {
    const now = new Date();
    const rows = await loaderFor(ctx, 'repOutOfOffice', (ids: readonly string[]) => this.service.outOfOffice(ids, now)).load(rep.id);
    return rows.map(toOutOfOfficeType);
  }

  @ResolveField(() => Int, { description: 'Leads the rep owns in an open stage (MQL, SAL, SQL, OPPORTUNITY).' })
  async openLeads(@Parent() rep: RepType, @Context() ctx: object): Promise<number> {
    return loaderFor(ctx, 'repOpenLeads', (ids: readonly string[]) => this.service.openLeads(ids)).load(rep.id);
  }
}
