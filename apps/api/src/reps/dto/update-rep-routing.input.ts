import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsBoolean, IsInt, IsObject, IsOptional, IsUUID, IsUrl, Max, Min, ValidateIf } from 'class-validator';
import { CalendarInput } from './calendar.input';

/** Absent fields stay as they are; `teamId` / `managerId` set to null clear them. */
@InputType()
export class UpdateRepRoutingInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) repId: string;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() active?: boolean;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(10_000) maxOpenLeads?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(100) routingWeight?: number;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) teamId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) managerId?: string | null;
  @Field({ nullable: true, description: 'Where notifications are also POSTed (Slack-compatible JSON); empty string clears it.' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== '')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  notificationWebhookUrl?: string;
  /** Validated as a whole by the domain's validateCalendar (see calendar.mapper.ts). */
  @Field(() => CalendarInput, { nullable: true }) @IsOptional() @IsObject() calendar?: CalendarInput;
}
