import { Field, ID, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { LeadProfileInput } from './lead-profile.input';

/** Enrichment by marketing ops: fills the required fields of an INCOMPLETE lead. */
@InputType()
export class UpdateLeadProfileInput extends LeadProfileInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) leadId: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) buyingRole?: string;
}
