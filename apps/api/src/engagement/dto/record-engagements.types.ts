import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { asEnum } from '../../common/graphql-enum';
import { Delivery, IngestDelivery } from '../../ingest/delivery.enum';

/** Events one `recordEngagements` call or one webhook batch may carry. */
export const MAX_ENGAGEMENT_BATCH = 500;

export const ENGAGEMENT_OUTCOMES = ['RECORDED', 'DUPLICATE', 'REJECTED'] as const;
export type EngagementOutcome = (typeof ENGAGEMENT_OUTCOMES)[number];
export const EngagementOutcomeEnum = asEnum(ENGAGEMENT_OUTCOMES);
registerEnumType(EngagementOutcomeEnum, {
  name: 'EngagementOutcome',
  description: 'What became of one event of a batch.',
  valuesMap: {
    RECORDED: { description: 'Stored now (durable), with its outbox row.' },
    DUPLICATE: { description: 'Its idempotency key was already recorded with the same content (earlier, or earlier in this batch): answered as that event, nothing counted twice.' },
    REJECTED: { description: 'Not stored: a field broke a rule (BAD_USER_INPUT) or the key was used for a different event (CONFLICT).' },
  },
});

@ObjectType('FieldViolation', { description: 'A rule broken by one field; `field` is the path in the request, e.g. inputs[3].occurredAt.' })
export class FieldViolationType {
  @Field() field: string;
  @Field() rule: string;
  @Field() message: string;
}

@ObjectType('EngagementRejection', { description: 'Why one event of a batch was not stored.' })
export class EngagementRejection {
  @Field({ description: 'BAD_USER_INPUT or CONFLICT, as the single mutation would answer.' }) code: string;
  @Field() message: string;
  @Field({ description: 'The first violation\'s field.' }) field: string;
  @Field(() => [FieldViolationType]) violations: FieldViolationType[];
}

@ObjectType('RecordEngagementResult', { description: 'One event of a batch, in input order. The webhook answers the same shape as JSON.' })
export class RecordEngagementResult {
  @Field(() => Int, { description: 'Position in the request (0-based).' }) index: number;
  @Field(() => EngagementOutcomeEnum) outcome: EngagementOutcome;
  @Field(() => String, { nullable: true, description: 'As sent (null when it was not a string).' }) idempotencyKey: string | null;
  @Field(() => String, { nullable: true }) eventId: string | null;
  @Field(() => String, { nullable: true }) leadId: string | null;
  @Field(() => Boolean, { nullable: true, description: 'True when this event created the lead.' }) leadCreated: boolean | null;
  @Field(() => IngestDelivery, { nullable: true, description: 'As RecordEngagementPayload.delivery; null when rejected.' }) delivery: Delivery | null;
  @Field(() => EngagementRejection, { nullable: true }) error: EngagementRejection | null;
}
