import { Field, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { LEAD_STAGES } from '../../../../../libs/domain/src';
import { LeadSource } from './lead-source.enum';

export enum SlaStatusFilter {
  /** At least one clock was breached. */
  BREACHED = 'BREACHED',
  /** A clock is running and none was breached. */
  ON_TRACK = 'ON_TRACK',
}
registerEnumType(SlaStatusFilter, { name: 'SlaStatusFilter' });

@InputType()
export class LeadsFilterInput {
  @Field({ nullable: true }) @IsOptional() @IsIn(LEAD_STAGES as unknown as string[], { message: `must be one of ${LEAD_STAGES.join(', ')}` }) stage?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) ownerId?: string;
  @Field(() => SlaStatusFilter, { nullable: true }) @IsOptional() @IsEnum(SlaStatusFilter) slaStatus?: SlaStatusFilter;
  @Field(() => LeadSource, { nullable: true }) @IsOptional() @IsEnum(LeadSource) source?: LeadSource;
}

@InputType()
export class PageInput {
  @Field(() => Int, { defaultValue: 25 }) @IsInt() @Min(1) @Max(100) first: number = 25;
  @Field({ nullable: true }) @IsOptional() @IsString() after?: string;
}
