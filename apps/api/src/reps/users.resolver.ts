import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Roles } from '../auth/roles.decorator';
import { CreateUserInput } from './dto/create-user.input';
import { UserType } from './dto/rep.type';
import { toUserType } from './rep.mapper';
import { UsersService } from './users.service';

@Resolver(() => UserType)
export class UsersResolver {
  constructor(private readonly users: UsersService) {}

  @Mutation(() => UserType, { description: 'Create a user with one role; reps and managers need a calendar.' })
  @Roles('ADMIN')
  async createUser(@Args('input') input: CreateUserInput): Promise<UserType> {
    return toUserType(await this.users.create(input));
  }

  @Mutation(() => UserType, { description: 'The user can no longer sign in or receive routed leads; their history stays.' })
  @Roles('ADMIN')
  async deactivateUser(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<UserType> {
    return toUserType(await this.users.deactivate(principal, id));
  }
}
