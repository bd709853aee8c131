import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { ROUTING_RULE_KINDS, RoutingRuleKind as KindName } from '../../../../../libs/domain/src';
import { RoutingRuleKind } from './routing.enums';

@ObjectType('TerritoryCriteria', { description: 'A TERRITORY rule matches when every non-empty list contains the lead\'s value (case-insensitive).' })
export class TerritoryCriteriaType {
  @Field(() => [String], { description: 'NA, EMEA, APAC, LATAM (from the lead\'s country).' }) regions: string[];
  @Field(() => [String], { description: 'Size band ids of the active stage definition.' }) sizeBands: string[];
  @Field(() => [String]) industries: string[];
}

@InputType()
export class TerritoryCriteriaInput {
  @Field(() => [String], { nullable: true }) regions?: string[];
  @Field(() => [String], { nullable: true }) sizeBands?: string[];
  @Field(() => [String], { nullable: true }) industries?: string[];
}

@ObjectType('RoutingRule', { description: 'One ordered routing rule; the first that yields an eligible rep (or a queue) wins.' })
export class RoutingRuleType {
  @Field(() => ID) id: string;
  @Field(() => Int) position: number;
  @Field() name: string;
  @Field(() => RoutingRuleKind) kind: KindName;
  @Field(() => TerritoryCriteriaType) criteria: TerritoryCriteriaType;
  @Field(() => ID, { nullable: true }) poolId?: string;
  @Field(() => ID, { nullable: true }) fallbackRepId?: string;
  @Field({ nullable: true }) fallbackQueue?: string;
  @Field() active: boolean;
}

@InputType()
export class CreateRoutingRuleInput {
  @Field(() => Int, { description: 'Unique; rules run in ascending order.' }) @IsInt() @Min(-1_000_000) @Max(1_000_000) position: number;
  @Field() @IsString() @Length(1, 100) name: string;
  @Field(() => RoutingRuleKind) @IsIn([...ROUTING_RULE_KINDS]) kind: KindName;
  @Field(() => TerritoryCriteriaInput, { nullable: true, description: 'TERRITORY only.' }) @IsOptional() @IsObject() criteria?: TerritoryCriteriaInput;
  @Field(() => ID, { nullable: true, description: 'TERRITORY: required.' }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) poolId?: string;
  @Field(() => ID, { nullable: true, description: 'FALLBACK: this owner when active, else fallbackQueue.' }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) fallbackRepId?: string;
  @Field(() => String, { nullable: true, description: 'FALLBACK: the queue a lead waits in when no rep is eligible.' }) @IsOptional() @IsString() fallbackQueue?: string;
  @Field({ nullable: true, defaultValue: true }) @IsOptional() @IsBoolean() active?: boolean;
}

/** Absent fields stay; null clears a nullable one (e.g. poolId when a rule becomes a FALLBACK). */
@InputType()
export class UpdateRoutingRuleInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) id: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(-1_000_000) @Max(1_000_000) position?: number;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) name?: string;
  @Field(() => RoutingRuleKind, { nullable: true }) @IsOptional() @IsIn([...ROUTING_RULE_KINDS]) kind?: KindName;
  @Field(() => TerritoryCriteriaInput, { nullable: true }) @IsOptional() @IsObject() criteria?: TerritoryCriteriaInput | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) poolId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) fallbackRepId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() fallbackQueue?: string | null;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() active?: boolean;
}
