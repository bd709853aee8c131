import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsEmail, IsEnum, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { LeadSource } from './lead-source.enum';
import { UtmInput } from './utm.input';

@InputType()
export class CaptureLeadInput {
  @Field({ description: 'Work email; one lead per address (case-insensitive).' })
  @IsEmail({}, { message: 'must be a valid email address' })
  @MaxLength(254)
  email: string;

  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) firstName?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) lastName?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) company?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) title?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) industry?: string;

  @Field(() => Int, { nullable: true, description: 'Employee count.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  companySize?: number;

  @Field({ nullable: true, description: 'ISO 3166-1 alpha-2 country code, e.g. DE.' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as US or DE' })
  country?: string;

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
