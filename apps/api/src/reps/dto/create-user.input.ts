import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsEmail, IsEnum, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { Role as RoleName } from '../../../../../libs/contracts/src';
import { CalendarInput } from './calendar.input';
import { Role } from './role.enum';

@InputType()
export class CreateUserInput {
  @Field() @IsEmail({}, { message: 'must be a valid email address' }) @MaxLength(254) email: string;
  @Field() @IsString() @Length(1, 200) name: string;
  @Field(() => Role) @IsEnum(Role) role: RoleName;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) teamId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) managerId?: string;
  @Field(() => CalendarInput, { nullable: true, description: 'Required for SALES_REP and SALES_MANAGER: routing and SLA clocks need business hours.' })
  @IsOptional()
  @IsObject()
  calendar?: CalendarInput;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(10_000) maxOpenLeads?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(100) routingWeight?: number;
}
