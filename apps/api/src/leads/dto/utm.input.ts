import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** UTM parameters of a touch: first-touch attribution of the lead and of each engagement. */
@InputType()
export class UtmInput {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) source?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) medium?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) campaign?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) term?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) content?: string;
}

@ObjectType('Utm')
export class UtmType {
  @Field({ nullable: true }) source?: string;
  @Field({ nullable: true }) medium?: string;
  @Field({ nullable: true }) campaign?: string;
  @Field({ nullable: true }) term?: string;
  @Field({ nullable: true }) content?: string;
}
