import { Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsEmail, IsEnum, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { LeadProfileInput } from './lead-profile.input';
import { LeadSource } from './lead-source.enum';
import { UtmInput } from './utm.input';

@InputType()
export class CaptureLeadInput extends LeadProfileInput {
  @Field({ description: 'Work email; one lead per address (case-insensitive).' })
  @IsEmail({}, { message: 'must be a valid email address' })
  @MaxLength(254)
  email: string;

  @Field(() => LeadSource)
  @IsEnum(LeadSource)
  source: LeadSource;

  @Field(() => UtmInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => UtmInput)
  utm?: UtmInput;

  @Field({ description: 'Caller-chosen key; the same key twice yields one lead and one workflow.' })
  @IsString()
  @Length(8, 200)
  @Matches(/^[A-Za-z0-9._:\-]+$/, { message: 'may contain only letters, digits and . _ : -' })
  idempotencyKey: string;
}
