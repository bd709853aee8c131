import { Field, GraphQLISODateTime, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import { toInstant } from '../../common/date-time.scalar';
import { IsDate, IsEmail, IsEnum, IsOptional, IsString, IsUrl, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ENGAGEMENT_TYPES } from '../../../../../libs/domain/src';
import { LeadProfileInput } from '../../leads/dto/lead-profile.input';
import { LeadSource } from '../../leads/dto/lead-source.enum';
import { UtmInput } from '../../leads/dto/utm.input';
import { Delivery, IngestDelivery } from '../../ingest/delivery.enum';

export const EngagementType = Object.fromEntries(ENGAGEMENT_TYPES.map((t) => [t, t])) as { [K in (typeof ENGAGEMENT_TYPES)[number]]: K };
registerEnumType(EngagementType, { name: 'EngagementType', description: 'What the person did (web, email, events).' });

@InputType({ description: 'Profile fields for a person Baton does not know yet (or enrichment of one it does).' })
export class EngagementPersonInput extends LeadProfileInput {}

@InputType()
export class RecordEngagementInput {
  @Field() @IsEmail({}, { message: 'must be a valid email address' }) @MaxLength(254) email: string;

  @Field(() => EngagementType) @IsEnum(EngagementType) type: string;

  @Field(() => GraphQLISODateTime, { description: 'When it happened (not when it was sent).' })
  @Transform(({ value }) => toInstant(value))
  @IsDate({ message: 'must be an ISO-8601 instant' })
  occurredAt: Date;

  @Field({ description: 'Caller-chosen key; the same key twice records one event.' })
  @IsString()
  @Length(8, 200)
  @Matches(/^[A-Za-z0-9._:\-]+$/, { message: 'may contain only letters, digits and . _ : -' })
  idempotencyKey: string;

  @Field(() => LeadSource, { nullable: true, description: 'Source of the lead if this event creates it (default WEBSITE).' })
  @IsOptional()
  @IsEnum(LeadSource)
  source?: LeadSource;

  @Field({ nullable: true, description: 'Marketing channel of the touchpoint, e.g. paid-search, email, webinar.' }) @IsOptional() @IsString() @Length(1, 100) channel?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) campaign?: string;
  @Field(() => UtmInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => UtmInput) utm?: UtmInput;
  @Field({ nullable: true }) @IsOptional() @IsUrl({ require_tld: false }, { message: 'must be a URL' }) @MaxLength(2000) url?: string;
  @Field({ nullable: true, description: 'Title of the content consumed (video, guide, case study).' }) @IsOptional() @IsString() @Length(1, 300) contentTitle?: string;
  @Field(() => EngagementPersonInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => EngagementPersonInput) person?: EngagementPersonInput;
}

@ObjectType('RecordEngagementPayload')
export class RecordEngagementPayload {
  @Field() eventId: string;
  @Field() leadId: string;
  @Field({ description: 'False when the idempotency key was already recorded: nothing was counted twice.' }) recorded: boolean;
  @Field({ description: 'True when this event created the lead (an unknown email).' }) leadCreated: boolean;
  @Field(() => IngestDelivery, { description: 'The event is durable either way; this says whether the lead\'s workflow has been told yet.' }) delivery: Delivery;
}
