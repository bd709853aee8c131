import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator';
import { CreateTeamInput } from './dto/create-team.input';
import { TeamType } from './dto/rep.type';
import { toTeamType } from './rep.mapper';
import { TeamsService } from './teams.service';

@Resolver(() => TeamType)
export class TeamsResolver {
  constructor(private readonly service: TeamsService) {}

  @Query(() => [TeamType])
  @Roles('SALES_MANAGER', 'REVOPS', 'ADMIN')
  async teams(): Promise<TeamType[]> {
    return (await this.service.list()).map(toTeamType);
  }

  @Mutation(() => TeamType)
  @Roles('REVOPS', 'ADMIN')
  async createTeam(@Args('input') input: CreateTeamInput): Promise<TeamType> {
    return toTeamType(await this.service.create(input));
  }
}
