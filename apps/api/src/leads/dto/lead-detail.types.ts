import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/json.scalar';
import { LeadType } from './lead.type';

@ObjectType('ScoreLine', { description: 'One explained contribution to the intent score.' })
export class ScoreLineType {
  @Field() eventId: string;
  @Field() type: string;
  @Field(() => GraphQLISODateTime) occurredAt: Date;
  @Field(() => Float) basePoints: number;
  @Field(() => Float) decayFactor: number;
  @Field(() => Float) points: number;
  @Field() reason: string;
}

@ObjectType('IntentScore')
export class IntentScoreType {
  @Field(() => Float) score: number;
  @Field(() => Int, { description: 'The stage definition version the score was computed under.' }) definitionVersion: number;
  @Field(() => [ScoreLineType]) breakdown: ScoreLineType[];
  @Field(() => [String], { description: 'Engagement types whose points hit their cap.' }) capped: string[];
}

@ObjectType('SlaClock')
export class SlaClockType {
  @Field(() => ID) id: string;
  @Field({ description: 'ACCEPT, FIRST_TOUCH_HOT, FIRST_TOUCH_DEMO, FIRST_TOUCH_STANDARD or TOUCH_LOGGING.' }) kind: string;
  @Field(() => ID, { nullable: true }) ownerId?: string;
  @Field(() => GraphQLISODateTime) startedAt: Date;
  @Field(() => GraphQLISODateTime) dueAt: Date;
  @Field({ description: 'PENDING, MET, BREACHED or CANCELLED.' }) status: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) metAt?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) breachedAt?: Date;
}

@ObjectType('CadenceStep')
export class CadenceStepType {
  @Field(() => Int) cycle: number;
  @Field(() => Int) step: number;
  @Field(() => Int) day: number;
  @Field() channel: string;
  @Field(() => GraphQLISODateTime, { description: 'The close of its business day in the owner\'s calendar.' }) dueAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When its window opens: the start of its business day (day 1: the acceptance). Null on steps planned before windows existed.' })
  opensAt?: Date;
  @Field(() => GraphQLISODateTime, { description: 'When its window closes: dueAt plus the logging grace (sla.touchLoggingMinutes).' }) closesAt: Date;
  @Field({ description: 'FILLED (by touchId), OPEN (window running), MISSED (closed unfilled) or UPCOMING.' }) status: string;
  @Field(() => ID, { nullable: true, description: 'The touch that filled the step.' }) touchId?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the touch that filled it was logged.' }) doneAt?: Date;
}

@ObjectType('CadenceProgress')
export class CadenceProgressType {
  @Field(() => Int) touches: number;
  @Field(() => Int) minTouches: number;
  @Field(() => Int, { description: 'Distinct local dates (the owner\'s time zone) the touches fall on.' }) dates: number;
  @Field(() => Int) minDates: number;
  @Field(() => Int) windowDays: number;
  @Field({ description: 'At least minTouches logged on at least minDates dates and windowDays x 24 h since the first: UNRESPONSIVE may be used.' }) complete: boolean;
  @Field(() => GraphQLISODateTime, { nullable: true }) completeAt?: Date;
  @Field({ nullable: true, description: 'What the cadence still needs (touches, dates, time); null once complete.' }) missing?: string;
  @Field(() => [CadenceStepType]) steps: CadenceStepType[];
}

@ObjectType('Touch')
export class TouchType {
  @Field(() => ID) id: string;
  @Field(() => ID) repId: string;
  @Field() channel: string;
  @Field() outcome: string;
  @Field(() => GraphQLISODateTime) occurredAt: Date;
  @Field(() => GraphQLISODateTime) loggedAt: Date;
  @Field(() => Int, { nullable: true }) cadenceStep?: number;
  @Field({ nullable: true }) note?: string;
}

@ObjectType('HandoffBrief', { description: 'What travels with the lead so the rep never starts from zero.' })
export class HandoffBriefType {
  @Field(() => GraphQLISODateTime) handedOffAt: Date;
  @Field(() => Int) definitionVersion: number;
  @Field() hot: boolean;
  @Field() demoRequest: boolean;
  @Field(() => Float) intentScore: number;
  @Field({ nullable: true }) source?: string;
  @Field(() => JSONScalar, { nullable: true, description: 'First touch: instant and UTM.' }) firstTouch?: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'Last touch: instant, type and UTM.' }) lastTouch?: unknown;
  @Field(() => [String]) contentConsumed: string[];
  @Field(() => JSONScalar, { description: 'Intent signals with their times.' }) intentSignals: unknown;
  @Field(() => [ScoreLineType]) scoreBreakdown: ScoreLineType[];
  @Field(() => JSONScalar, { description: 'Triggers that fired, with explanations.' }) triggers: unknown;
  @Field(() => [String]) reasons: string[];
  @Field({ nullable: true }) buyingRole?: string;
  @Field({ nullable: true }) title?: string;
  @Field(() => JSONScalar, { nullable: true, description: 'Account context: size, industry, other leads and open opportunities at the account.' }) account?: unknown;
  @Field(() => [SlaClockType], { description: 'SLA due times of this handoff.' }) slaClocks: SlaClockType[];
  @Field() recommendedNextAction: string;
}

@ObjectType('Opportunity')
export class OpportunityType {
  @Field(() => ID) id: string;
  @Field(() => Float) amount: number;
  @Field(() => GraphQLISODateTime) expectedCloseAt: Date;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field() status: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) closedAt?: Date;
  @Field({ nullable: true }) closeReason?: string;
}

@ObjectType('LeadCommandPayload', { description: 'The lead after a command, as the lifecycle workflow sees it.' })
export class LeadCommandPayload {
  @Field(() => ID) leadId: string;
  @Field() stage: string;
  @Field(() => ID, { nullable: true }) ownerId?: string;
  @Field(() => Int) cycle: number;
  @Field(() => Int) recycleCount: number;
  @Field(() => GraphQLISODateTime, { nullable: true }) reengageAfter?: Date;
  @Field({ nullable: true, description: 'CONNECTED, OPTED_OUT or BOUNCED once the cadence has ended early.' }) cadenceExit?: string;
  @Field(() => ID, { nullable: true }) opportunityId?: string;
}

@ObjectType('LeadEdge')
export class LeadEdge {
  @Field() cursor: string;
  @Field(() => LeadType) node: LeadType;
}

@ObjectType('PageInfo')
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field({ nullable: true }) endCursor?: string;
}

@ObjectType('LeadConnection')
export class LeadConnection {
  @Field(() => [LeadEdge]) edges: LeadEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

@ObjectType('Notification')
export class NotificationType {
  @Field(() => ID) id: string;
  @Field() kind: string;
  @Field(() => ID, { nullable: true }) leadId?: string;
  @Field(() => JSONScalar) payload: unknown;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) readAt?: Date;
  @Field({ description: 'Webhook delivery: NONE, PENDING, DELIVERED or FAILED.' }) webhookStatus: string;
  @Field({ nullable: true, description: 'FAILED: why the delivery gave up (the receiver\'s status or error).' }) webhookFailure?: string;
}

/** A failed webhook delivery as RevOps sees it: who it was for, never the message's content. */
@ObjectType('NotificationDelivery')
export class NotificationDeliveryType {
  @Field(() => ID) notificationId: string;
  @Field(() => ID) recipientId: string;
  @Field() kind: string;
  @Field(() => ID, { nullable: true }) leadId?: string;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => Int) attempts: number;
  @Field({ nullable: true }) failure?: string;
}

@ObjectType('QuarantinedEvent')
export class QuarantinedEventType {
  @Field(() => ID) eventId: string;
  @Field() type: string;
  @Field(() => GraphQLISODateTime) quarantinedAt: Date;
  @Field({ description: 'Why no rule could read it; the event is kept and left out of every evaluation.' }) reason: string;
}
