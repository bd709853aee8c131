import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsArray, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { JSONScalar } from '../../common/json.scalar';

@ObjectType('DefinitionChange', { description: 'One rule that differs between two versions.' })
export class DefinitionChangeType {
  @Field({ description: 'e.g. scoring.weights.DEMO_REQUEST or triggers[PRICING_PAGE_REPEAT].count' }) path: string;
  @Field({ description: 'ADDED, REMOVED or CHANGED' }) kind: string;
  @Field(() => JSONScalar, { nullable: true }) from?: unknown;
  @Field(() => JSONScalar, { nullable: true }) to?: unknown;
}

@ObjectType('StageDefinitionApproval')
export class StageDefinitionApprovalType {
  @Field(() => ID) approverId: string;
  @Field({ description: 'APPROVED or CHANGES_REQUESTED' }) decision: string;
  @Field() comment: string;
  @Field(() => GraphQLISODateTime) decidedAt: Date;
}

@ObjectType('StageDefinition', { description: 'One version of the handoff contract.' })
export class StageDefinitionType {
  @Field(() => ID) id: string;
  @Field(() => Int) version: number;
  @Field({ description: 'DRAFT, PROPOSED, CHANGES_REQUESTED, EXPIRED, ACTIVE or SUPERSEDED' }) status: string;
  @Field(() => JSONScalar, { description: 'The contract: ICP, triggers, scoring, required fields, SLAs, cadence, codes, recycle policy, BANT.' }) content: unknown;
  @Field() createdBy: string;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => Int, { nullable: true }) basedOnVersion?: number;
  @Field({ nullable: true }) proposedBy?: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) proposedAt?: Date;
  @Field(() => [ID], { nullable: true }) approverIds?: string[];
  @Field(() => GraphQLISODateTime, { nullable: true }) deadline?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) activatedAt?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) supersededAt?: Date;
}

@InputType()
export class CreateStageDefinitionDraftInput {
  @Field(() => Int, { nullable: true, description: 'Version to copy (default: the active one).' }) @IsOptional() @IsInt() @Min(1) basedOnVersion?: number;
  @Field(() => JSONScalar, { nullable: true, description: 'Full content; default: a copy of basedOnVersion.' }) @IsOptional() content?: unknown;
}

@InputType()
export class ProposeStageDefinitionInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) id: string;
  @Field(() => [ID], { nullable: true, description: 'Required approvers (default: every active EXECUTIVE).' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true, message: 'must be UUIDs' })
  approverIds?: string[];
  @Field(() => Int, { defaultValue: 7 }) @IsInt() @Min(1) @Max(60) deadlineDays: number = 7;
  @Field(() => Int, { defaultValue: 24, description: 'Hours between reminders to pending approvers.' }) @IsInt() @Min(1) @Max(24 * 14) reminderEveryHours: number = 24;
}

@InputType()
export class StageDefinitionDecisionInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) id: string;
  @Field({ defaultValue: '' }) @IsString() @Length(0, 2000) comment: string = '';
}

@ObjectType('SimulationCounts')
export class SimulationCountsType {
  @Field(() => Int) mqls: number;
  @Field(() => Int) incomplete: number;
  @Field(() => JSONScalar, { description: 'MQLs per source.' }) bySource: unknown;
  @Field(() => JSONScalar, { description: 'MQLs per segment (size band).' }) bySegment: unknown;
  @Field(() => Int) acceptedThatQualify: number;
  @Field(() => Int) rejectedThatQualify: number;
}

@ObjectType('StageDefinitionSimulation', { description: 'The draft and the active version replayed side by side over real engagement.' })
export class StageDefinitionSimulationType {
  @Field(() => Int) days: number;
  @Field(() => SimulationCountsType) draft: SimulationCountsType;
  @Field(() => SimulationCountsType) active: SimulationCountsType;
  @Field(() => Int) leadsEvaluated: number;
  @Field(() => Int) eventsReplayed: number;
  @Field(() => Float) elapsedMs: number;
}
