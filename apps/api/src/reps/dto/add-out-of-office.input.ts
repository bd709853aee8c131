import { Field, GraphQLISODateTime, ID, InputType } from '@nestjs/graphql';
import { IsDate, IsUUID } from 'class-validator';

@InputType()
export class AddOutOfOfficeInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) repId: string;
  @Field(() => GraphQLISODateTime) @IsDate() startsAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'Exclusive; must be after startsAt.' }) @IsDate() endsAt: Date;
}
