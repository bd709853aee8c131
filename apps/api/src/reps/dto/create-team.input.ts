import { Field, ID, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';

@InputType()
export class CreateTeamInput {
  @Field() @IsString() @Length(1, 100) name: string;
  @Field(() => ID, { nullable: true, description: 'An active SALES_MANAGER: receives escalations for the team\'s reps.' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  managerId?: string;
}
