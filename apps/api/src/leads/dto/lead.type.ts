import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { LeadSource } from './lead-source.enum';
import { UtmType } from './utm.input';
import { Delivery, IngestDelivery } from '../../ingest/delivery.enum';

@ObjectType('StageTransition', { description: 'One recorded lifecycle transition: who, when, why.' })
export class StageTransitionType {
  @Field(() => ID) id: string;
  @Field({ nullable: true }) fromStage?: string;
  @Field() toStage: string;
  @Field(() => GraphQLISODateTime) occurredAt: Date;
  @Field() actorId: string;
  @Field() actorRole: string;
  @Field() reason: string;
  @Field(() => Int, { nullable: true }) definitionVersion?: number;
}

@ObjectType('Lead')
export class LeadType {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field({ nullable: true }) firstName?: string;
  @Field({ nullable: true }) lastName?: string;
  @Field({ nullable: true }) company?: string;
  @Field({ nullable: true }) title?: string;
  @Field({ nullable: true }) industry?: string;
  @Field(() => Int, { nullable: true }) companySize?: number;
  @Field({ nullable: true }) country?: string;
  @Field(() => LeadSource) source: LeadSource;
  @Field(() => UtmType) utm: UtmType;
  @Field({ description: 'Current lifecycle stage (FIRST_TOUCH, ENGAGED, MQL, SAL, SQL, ...).' }) stage: string;
  @Field(() => ID, { nullable: true }) ownerId?: string;
  @Field(() => Int) recycleCount: number;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the person unsubscribed: no e-mail touches, in any stage.' }) optedOutAt?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When an e-mail to the person bounced: the address needs repair.' }) emailBouncedAt?: Date;
  @Field(() => GraphQLISODateTime) createdAt: Date;
}

@ObjectType('CaptureLeadPayload')
export class CaptureLeadPayload {
  @Field(() => LeadType) lead: LeadType;
  @Field({ description: 'False when the idempotency key or the email was already known.' }) created: boolean;
  @Field(() => IngestDelivery, { description: "The lead is durable either way; this says whether its workflow has been started yet (STORED: a closed lead, not restarted)." }) delivery: Delivery;
}
