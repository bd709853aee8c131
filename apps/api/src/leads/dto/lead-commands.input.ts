import { Field, Float, GraphQLISODateTime, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsEnum, IsNumber, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { DISQUALIFICATION_REASONS, MONEY_MAX, REJECTION_CODES, TOUCH_CHANNELS, TOUCH_OUTCOMES } from '../../../../../libs/domain/src';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
export const RejectionCode = enumOf(REJECTION_CODES);
export const DisqualificationReason = enumOf(DISQUALIFICATION_REASONS);
export const TouchChannel = enumOf(TOUCH_CHANNELS);
export const TouchOutcome = enumOf(TOUCH_OUTCOMES);
registerEnumType(RejectionCode, { name: 'RejectionCode', description: 'Standardized reasons sales rejects a lead at acceptance.' });
registerEnumType(DisqualificationReason, { name: 'DisqualificationReason' });
registerEnumType(TouchChannel, { name: 'TouchChannel' });
registerEnumType(TouchOutcome, { name: 'TouchOutcome' });

@InputType()
export class LeadIdInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) leadId: string;
  @Field({ nullable: true, description: 'Caller-chosen id of this request: sent again (a retry), the command takes effect once and answers with its first result.' })
  @IsOptional()
  @IsString()
  @Length(8, 200)
  @Matches(/^[A-Za-z0-9._:\-]+$/, { message: 'may contain only letters, digits and . _ : -' })
  requestId?: string;
}

@InputType()
export class RejectLeadInput extends LeadIdInput {
  @Field(() => RejectionCode) @IsEnum(RejectionCode) code: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 2000) note?: string;
  @Field(() => ID, { nullable: true, description: 'DUPLICATE_ACCOUNT: the lead that survives.' }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) survivorLeadId?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'BAD_TIMING: when to re-engage (the rep\'s date).' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO-8601 instant' })
  reengageAt?: Date;
}

@InputType()
export class LogTouchInput extends LeadIdInput {
  @Field({ description: 'Caller-chosen key: the same touch logged twice counts once.' })
  @IsString()
  @Length(8, 200)
  @Matches(/^[A-Za-z0-9._:\-]+$/, { message: 'may contain only letters, digits and . _ : -' })
  touchId: string;
  @Field(() => TouchChannel) @IsEnum(TouchChannel) channel: string;
  @Field(() => TouchOutcome) @IsEnum(TouchOutcome) outcome: string;
  @Field(() => GraphQLISODateTime) @Type(() => Date) @IsDate({ message: 'must be an ISO-8601 instant' }) occurredAt: Date;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 2000) note?: string;
}

@InputType()
export class BantInput {
  @Field() @IsBoolean() budget: boolean;
  @Field() @IsBoolean() authority: boolean;
  @Field() @IsBoolean() need: boolean;
  @Field() @IsBoolean() timeline: boolean;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 2000) notes?: string;
}

@InputType()
export class QualifyLeadInput extends LeadIdInput {
  @Field(() => BantInput) @ValidateNested() @Type(() => BantInput) bant: BantInput;
  @Field(() => Float, { description: 'Opportunity amount.' }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MONEY_MAX) amount: number;
  @Field(() => GraphQLISODateTime) @Type(() => Date) @IsDate({ message: 'must be an ISO-8601 instant' }) expectedCloseAt: Date;
}

@InputType()
export class DisqualifyLeadInput extends LeadIdInput {
  @Field(() => DisqualificationReason) @IsEnum(DisqualificationReason) reason: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 2000) note?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'BAD_TIMING: when to re-engage (the rep\'s date).' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO-8601 instant' })
  reengageAt?: Date;
}

@InputType()
export class ReassignLeadInput extends LeadIdInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) repId: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

@InputType()
export class CloseOpportunityInput extends LeadIdInput {
  @Field() @IsBoolean() won: boolean;
  @Field() @IsString() @Length(2, 500) reason: string;
}
