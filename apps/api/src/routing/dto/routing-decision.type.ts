import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { RoutingRuleKind as KindName } from '../../../../../libs/domain/src';
import type { TraceSkipReason } from '../../../../../libs/persistence/src/routing/routing-input.loader';
import { RoutingRuleKind, RoutingSkipReason } from './routing.enums';

@ObjectType('SkippedRep')
export class SkippedRepType {
  @Field(() => ID) repId: string;
  @Field(() => RoutingSkipReason) reason: TraceSkipReason;
}

@ObjectType('RoutingTraceStep', { description: 'One rule as it was evaluated for the lead.' })
export class RoutingTraceStepType {
  @Field(() => ID) ruleId: string;
  @Field(() => RoutingRuleKind) kind: KindName;
  @Field({ description: 'True for the rule that decided.' }) matched: boolean;
  @Field() reason: string;
  @Field(() => [SkippedRepType]) skipped: SkippedRepType[];
}

@ObjectType('RoutingDecision', { description: 'A stored routing decision with its explanation.' })
export class RoutingDecisionType {
  @Field(() => ID) id: string;
  @Field(() => ID) leadId: string;
  @Field(() => ID, { nullable: true, description: 'The rule that decided; null when no rule could take the lead.' }) ruleId?: string;
  @Field(() => ID, { nullable: true }) repId?: string;
  @Field({ nullable: true, description: 'Set when no rep was eligible and the fallback is a queue.' }) queue?: string;
  @Field(() => GraphQLISODateTime) decidedAt: Date;
  @Field(() => [RoutingTraceStepType], { description: 'Every rule evaluated, in order.' }) trace: RoutingTraceStepType[];
  @Field(() => RoutingTraceStepType, { nullable: true, description: 'The trace step of the deciding rule.' }) matchedStep?: RoutingTraceStepType;
}

@ObjectType('RoutingFacts', { description: 'The lead as the rules saw it.' })
export class RoutingFactsType {
  @Field({ nullable: true }) region?: string;
  @Field({ nullable: true }) sizeBand?: string;
  @Field({ nullable: true }) industry?: string;
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => ID, { nullable: true }) accountOwnerId?: string;
  @Field() hot: boolean;
}

@ObjectType('RoutingPreview', { description: 'What routing would decide now, under the same rules; nothing is written.' })
export class RoutingPreviewType {
  @Field(() => ID) leadId: string;
  @Field(() => GraphQLISODateTime) at: Date;
  @Field(() => ID, { nullable: true }) ruleId?: string;
  @Field(() => ID, { nullable: true }) repId?: string;
  @Field({ nullable: true }) queue?: string;
  @Field(() => RoutingFactsType) facts: RoutingFactsType;
  @Field(() => [RoutingTraceStepType]) trace: RoutingTraceStepType[];
  @Field(() => RoutingTraceStepType, { nullable: true }) matchedStep?: RoutingTraceStepType;
}
