import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';

/** Enrichment by marketing ops: fills the required fields of an INCOMPLETE lead. */
@InputType()
export class UpdateLeadProfileInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) leadId: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) firstName?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) lastName?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) company?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) title?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) industry?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(10_000_000) companySize?: number;
  @Field({ nullable: true }) @IsOptional() @Matches(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as US or DE' }) country?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) buyingRole?: string;
}
