import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ROUTING_STRATEGIES, RoutingStrategy as StrategyName } from '../../../../../libs/domain/src';
import { RoutingStrategy } from './routing.enums';

@ObjectType('RoutingPool', { description: 'Reps who share a territory\'s leads; `cursor` is the durable round-robin position.' })
export class RoutingPoolType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => RoutingStrategy) strategy: StrategyName;
  @Field(() => [ID], { description: 'In rotation order.' }) repIds: string[];
  @Field(() => Int) cursor: number;
}

@InputType()
export class CreateRoutingPoolInput {
  @Field() @IsString() @Length(1, 100) name: string;
  @Field(() => RoutingStrategy) @IsIn([...ROUTING_STRATEGIES]) strategy: StrategyName;
  @Field(() => [ID], { description: 'Active or not, each must be a SALES_REP or SALES_MANAGER; in rotation order.' })
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true, message: 'each must be a UUID' })
  repIds: string[];
}

@InputType()
export class UpdateRoutingPoolInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) id: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 100) name?: string;
  @Field(() => RoutingStrategy, { nullable: true }) @IsOptional() @IsIn([...ROUTING_STRATEGIES]) strategy?: StrategyName;
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true, message: 'each must be a UUID' })
  repIds?: string[];
}
