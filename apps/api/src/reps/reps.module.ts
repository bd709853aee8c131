import { Module } from '@nestjs/common';
import { RepsResolver } from './reps.resolver';
import { RepsService } from './reps.service';
import { TeamsResolver } from './teams.resolver';
import { TeamsService } from './teams.service';
import { UsersResolver } from './users.resolver';
import { UsersService } from './users.service';

/** Reps' routing profiles, teams, and user administration. */
@Module({ providers: [RepsResolver, RepsService, TeamsResolver, TeamsService, UsersResolver, UsersService], exports: [RepsService] })
export class RepsModule {}
