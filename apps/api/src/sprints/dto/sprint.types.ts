import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsArray, IsNumber, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { IsLocalDate } from '../../common/local-date.decorator';
import { MILESTONE_CODES, SPRINT_PHASES, SPRINT_ROLES } from '../../../../../libs/domain/src/sprint/plan';
import { JSONScalar } from '../../common/json.scalar';
import { KpiKey } from '../../kpis/dto/kpi.types';
import { asEnum } from '../../common/graphql-enum';


export const MilestoneCode = asEnum(MILESTONE_CODES);
registerEnumType(MilestoneCode, { name: 'MilestoneCode', description: 'M1 baseline audit .. M7 outcome review (docs/sprint.md).' });
export const SprintPhase = asEnum(SPRINT_PHASES);
registerEnumType(SprintPhase, { name: 'SprintPhase' });
export const SprintRole = asEnum(SPRINT_ROLES);
registerEnumType(SprintRole, { name: 'SprintRole' });
export const SprintRag = asEnum(['GREEN', 'AMBER', 'RED'] as const);
registerEnumType(SprintRag, { name: 'SprintRag' });
export const BlueprintActionStatus = asEnum(['OPEN', 'IN_PROGRESS', 'DONE'] as const);
registerEnumType(BlueprintActionStatus, { name: 'BlueprintActionStatus' });
export const SalesFeedbackKind = asEnum(['OBJECTION', 'WIN_REASON', 'LOSS_REASON', 'LEAD_QUALITY'] as const);
registerEnumType(SalesFeedbackKind, { name: 'SalesFeedbackKind' });

@InputType()
export class SprintTargetInput {
  @Field(() => KpiKey, { defaultValue: 'PIPELINE_VELOCITY' }) @IsString() kpi: string = 'PIPELINE_VELOCITY';
  // Range checked by validateSprintInput, which names target.changePct.
  @Field(() => Float, { description: 'Improvement aimed for, in percent (15 = +15 %).' }) @IsNumber({}, { message: 'must be a number' }) changePct: number;
}

@InputType()
export class StartSprintInput {
  // Name, dates, people and target are validated as a whole by libs/domain validateSprintInput.
  @Field() @IsString() name: string;
  @Field({ description: 'Day 1, YYYY-MM-DD in the sprint time zone.' }) @IsString() startDate: string;
  @Field(() => String, { nullable: true, description: 'Default: the organisation\'s reporting time zone.' }) @IsOptional() @IsString() timeZone?: string | null;
  @Field(() => ID) @IsString() sponsorId: string;
  @Field(() => ID) @IsString() salesLeaderId: string;
  @Field(() => ID) @IsString() marketingLeaderId: string;
  @Field(() => ID) @IsString() revopsOwnerId: string;
  @Field(() => SprintTargetInput) @ValidateNested() @Type(() => SprintTargetInput) target: SprintTargetInput;
}

@InputType()
export class ActionItemInput {
  @Field() @IsString() @Length(1, 500) title: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) ownerId?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) @IsOptional() @IsLocalDate() dueDate?: string | null;
}

@InputType()
export class RecordSprintReviewInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be a UUID' }) sprintId: string;
  @Field(() => ID, { nullable: true, description: 'Idempotency: a retried request with the same id records the review once.' }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) reviewId?: string | null;
  @Field(() => [String]) @IsArray() @IsString({ each: true }) decisions: string[];
  @Field(() => [ActionItemInput], { defaultValue: [] }) @ValidateNested({ each: true }) @Type(() => ActionItemInput) actionItems: ActionItemInput[] = [];
}

@InputType()
export class SalesFeedbackInput {
  @Field(() => SalesFeedbackKind) @IsString() kind: string;
  @Field({ description: 'A short code, e.g. PRICE, TIMING, COMPETITOR, WRONG_PERSONA.' }) @IsString() @Length(1, 60) code: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(0, 2000) detail?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) leadId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) opportunityId?: string | null;
  @Field({ description: 'A retried request with the same key records the feedback once.' }) @IsString() @Length(8, 200) idempotencyKey: string;
}

@ObjectType('SprintPeople')
export class SprintPeopleType {
  @Field(() => ID) sponsorId: string;
  @Field(() => ID) salesLeaderId: string;
  @Field(() => ID) marketingLeaderId: string;
  @Field(() => ID) revopsOwnerId: string;
}

@ObjectType('SprintTarget')
export class SprintTargetType {
  @Field(() => KpiKey) kpi: string;
  @Field(() => Float) changePct: number;
}

@ObjectType('SprintSignOff')
export class SprintSignOffType {
  @Field(() => SprintRole) role: string;
  @Field(() => ID) userId: string;
  @Field(() => GraphQLISODateTime) at: Date;
  @Field(() => String, { nullable: true }) note: string | null;
}

@ObjectType('SprintMilestone')
export class SprintMilestoneType {
  @Field(() => MilestoneCode) code: string;
  @Field(() => SprintPhase) phase: string;
  @Field() title: string;
  @Field() description: string;
  @Field(() => SprintRole) ownerRole: string;
  @Field(() => ID) ownerId: string;
  @Field(() => GraphQLISODateTime) dueAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'The owner is reminded from here (24 h before due).' }) remindAt: Date;
  @Field(() => [SprintRole]) requiredSignOffs: string[];
  @Field() status: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) completedAt: Date | null;
  @Field() late: boolean;
  @Field({ description: 'Missed and escalated to the sponsor.' }) escalated: boolean;
  @Field(() => SprintRag) rag: string;
  @Field(() => [SprintSignOffType]) signOffs: SprintSignOffType[];
  @Field(() => ID, { nullable: true }) linkedDefinitionId: string | null;
  @Field(() => String, { nullable: true }) definitionStatus: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'What proved it: baseline snapshot, dry-run samples, targets found.' }) evidence: unknown;
}

@ObjectType('SprintPhaseStatus')
export class SprintPhaseType {
  @Field(() => SprintPhase) phase: string;
  @Field(() => GraphQLISODateTime) startsAt: Date;
  @Field(() => GraphQLISODateTime) endsAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) closedAt: Date | null;
  @Field(() => ID, { nullable: true }) closedBy: string | null;
}

@ObjectType('SprintCheckInWeek')
export class SprintCheckInWeekType {
  @Field(() => Int) week: number;
  @Field(() => Int) count: number;
  @Field(() => Int) required: number;
  @Field() met: boolean;
  @Field() ended: boolean;
}

@ObjectType('SprintActionItem')
export class SprintActionItemType {
  @Field() title: string;
  @Field(() => ID, { nullable: true }) ownerId: string | null;
  @Field(() => String, { nullable: true }) dueDate: string | null;
}

@ObjectType('SprintReview')
export class SprintReviewType {
  @Field(() => ID) id: string;
  @Field() kind: string;
  @Field(() => GraphQLISODateTime) at: Date;
  @Field() recordedBy: string;
  @Field(() => ID, { nullable: true, description: 'The KPI snapshot taken with it.' }) snapshotId: string | null;
  @Field(() => [String]) decisions: string[];
  @Field(() => [SprintActionItemType]) actionItems: SprintActionItemType[];
}

@ObjectType('SprintKpiValue')
export class SprintKpiValueType {
  @Field(() => KpiKey) kpi: string;
  @Field(() => Float, { nullable: true }) value: number | null;
}

@ObjectType('SprintBaseline')
export class SprintBaselineType {
  @Field(() => ID) snapshotId: string;
  @Field(() => [SprintKpiValueType]) measures: SprintKpiValueType[];
}

@ObjectType('SprintKpiOutcome')
export class SprintKpiOutcomeType {
  @Field(() => KpiKey) kpi: string;
  @Field(() => Float, { nullable: true }) baseline: number | null;
  @Field(() => Float, { nullable: true }) current: number | null;
  @Field(() => Float, { nullable: true }) change: number | null;
  @Field(() => Float, { nullable: true }) changePct: number | null;
  @Field(() => Boolean, { nullable: true }) improved: boolean | null;
}

@ObjectType('SprintOutcome')
export class SprintOutcomeType {
  @Field(() => ID) snapshotId: string;
  @Field(() => KpiKey) targetKpi: string;
  @Field(() => Float) targetChangePct: number;
  @Field(() => Float, { nullable: true, description: 'Positive = better, for higher- and lower-is-better KPIs alike.' }) achievedChangePct: number | null;
  @Field(() => Boolean, { nullable: true }) targetMet: boolean | null;
  @Field(() => [SprintKpiOutcomeType]) kpis: SprintKpiOutcomeType[];
}

@ObjectType('BlueprintAction', { description: 'A Revenue Growth Blueprint action: one per leak found at the outcome review, tracked to done.' })
export class BlueprintActionType {
  @Field(() => ID) id: string;
  @Field() leakId: string;
  @Field(() => Int) rank: number;
  @Field() title: string;
  @Field() ownerRole: string;
  @Field(() => ID, { nullable: true }) ownerId: string | null;
  @Field(() => Int) slaDays: number;
  @Field() dueDate: string;
  @Field() priority: string;
  @Field(() => Float) expectedImpact: number;
  @Field(() => BlueprintActionStatus) status: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) doneAt: Date | null;
  @Field(() => String, { nullable: true }) note: string | null;
}

@ObjectType('SprintTimelineEntry')
export class SprintTimelineEntryType {
  @Field(() => GraphQLISODateTime) at: Date;
  @Field() kind: string;
  @Field() message: string;
  @Field(() => ID, { nullable: true }) actorId: string | null;
  @Field(() => MilestoneCode, { nullable: true }) milestone: string | null;
}

@ObjectType('SprintProgress')
export class SprintProgressType {
  @Field(() => Int) milestonesCompleted: number;
  @Field(() => Int) milestonesTotal: number;
  @Field(() => Float) fraction: number;
  @Field(() => [SprintPhase]) phasesClosed: string[];
  @Field(() => SprintPhase, { nullable: true }) currentPhase: string | null;
}

@ObjectType('Sprint')
export class SprintType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() startDate: string;
  @Field() timeZone: string;
  @Field({ description: 'RUNNING or FINISHED.' }) status: string;
  @Field(() => SprintPeopleType) people: SprintPeopleType;
  @Field(() => SprintTargetType) target: SprintTargetType;
  @Field(() => SprintRag, { description: 'The worst milestone status; RED too when a check-in week ended short.' }) rag: string;
  @Field(() => SprintProgressType) progress: SprintProgressType;
  @Field(() => [SprintMilestoneType]) milestones: SprintMilestoneType[];
  @Field(() => [SprintPhaseType]) phases: SprintPhaseType[];
  @Field(() => [SprintCheckInWeekType]) checkIns: SprintCheckInWeekType[];
  @Field(() => [SprintReviewType]) reviews: SprintReviewType[];
  @Field(() => SprintBaselineType, { nullable: true }) baseline: SprintBaselineType | null;
  @Field(() => SprintOutcomeType, { nullable: true }) outcome: SprintOutcomeType | null;
  @Field(() => [BlueprintActionType]) blueprint: BlueprintActionType[];
  @Field(() => [SprintTimelineEntryType]) timeline: SprintTimelineEntryType[];
  @Field(() => GraphQLISODateTime) endsAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) finishedAt: Date | null;
}

@ObjectType('GovernanceReview')
export class GovernanceReviewType {
  @Field(() => ID) id: string;
  @Field(() => ID, { nullable: true }) sprintId: string | null;
  @Field() kind: string;
  @Field(() => GraphQLISODateTime) heldAt: Date;
  @Field(() => ID, { nullable: true }) snapshotId: string | null;
  @Field(() => [String]) decisions: string[];
  @Field(() => [SprintActionItemType]) actionItems: SprintActionItemType[];
  @Field(() => JSONScalar, { description: 'Leaks, rejection mix and routing issues found when the review was opened.' }) findings: unknown;
}

@ObjectType('SalesFeedback')
export class SalesFeedbackType {
  @Field(() => ID) id: string;
  @Field(() => SalesFeedbackKind) @IsString() kind: string;
  @Field() code: string;
  @Field(() => String, { nullable: true }) detail: string | null;
  @Field(() => ID, { nullable: true }) leadId: string | null;
  @Field(() => ID, { nullable: true }) opportunityId: string | null;
  @Field(() => ID) recordedBy: string;
  @Field(() => GraphQLISODateTime) recordedAt: Date;
}

@ObjectType('SalesFeedbackCount')
export class SalesFeedbackCountType {
  @Field() kind: string;
  @Field() code: string;
  @Field(() => Int) count: number;
}

@ObjectType('SalesFeedbackReport', { description: 'What sales hears, for marketing: feedback by kind and code, plus the reasons of opportunities won and lost.' })
export class SalesFeedbackReportType {
  @Field() from: string;
  @Field() to: string;
  @Field(() => [SalesFeedbackCountType]) feedback: SalesFeedbackCountType[];
  @Field(() => [SalesFeedbackCountType], { description: 'kind WON / LOST with the close reason.' }) closeReasons: SalesFeedbackCountType[];
  @Field(() => [SalesFeedbackType], { description: 'The latest entries with their detail.' }) latest: SalesFeedbackType[];
}
