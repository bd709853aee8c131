import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

/** The profile fields a lead can carry; shared by capture, engagement and enrichment inputs. */
@InputType({ isAbstract: true })
export abstract class LeadProfileInput {
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) firstName?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) lastName?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) company?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) title?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) industry?: string;
  @Field(() => Int, { nullable: true, description: 'Employee count.' }) @IsOptional() @IsInt() @Min(1) @Max(10_000_000) companySize?: number;
  @Field({ nullable: true, description: 'ISO 3166-1 alpha-2 country code, e.g. DE.' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as US or DE' })
  country?: string;
}

export const PROFILE_FIELDS = ['firstName', 'lastName', 'company', 'title', 'industry', 'companySize', 'country'] as const;
