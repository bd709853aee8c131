import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsString, Length } from 'class-validator';
import { ATTRIBUTION_MODELS, KPI_BREAKDOWNS, KPI_KEYS, KPI_UNITS, RAG_STATUSES, TARGET_DIRECTIONS } from '../../../../../libs/domain/src';
import { SNAPSHOT_TRIGGERS } from '../../../../../libs/persistence/src/kpi/kpi-engine';
import { FUNNEL_STAGES } from '../../../../../libs/persistence/src/kpi/kpi-reports';
import { asEnum } from '../../common/graphql-enum';


export const KpiKey = asEnum(KPI_KEYS);
registerEnumType(KpiKey, { name: 'KpiKey', description: 'Every KPI of the shared scorecard (docs/kpis.md).' });
export const KpiBreakdown = asEnum(KPI_BREAKDOWNS);
registerEnumType(KpiBreakdown, { name: 'KpiBreakdown', description: 'How a KPI is grouped; each KPI supports the breakdowns listed in docs/kpis.md.' });
export const KpiUnit = asEnum(KPI_UNITS);
registerEnumType(KpiUnit, { name: 'KpiUnit' });
export const RagStatus = asEnum(RAG_STATUSES);
registerEnumType(RagStatus, { name: 'RagStatus', description: 'GREEN: target met; AMBER: missed within the amber band; RED: beyond; NONE: no value or no target.' });
export const TargetDirection = asEnum(TARGET_DIRECTIONS);
registerEnumType(TargetDirection, { name: 'TargetDirection' });
export const AttributionModel = asEnum(ATTRIBUTION_MODELS);
registerEnumType(AttributionModel, { name: 'AttributionModel' });
export const SnapshotTrigger = asEnum(SNAPSHOT_TRIGGERS);
registerEnumType(SnapshotTrigger, { name: 'KpiSnapshotTrigger' });
export const FunnelStage = asEnum(FUNNEL_STAGES);
registerEnumType(FunnelStage, { name: 'FunnelStage' });
export const KPI_REPORTS = ['KPIS', 'SCORECARD', 'FUNNEL', 'LEAD_AGING', 'SLA_COMPLIANCE', 'FOLLOW_UP_COMPLIANCE', 'REJECTION_MIX', 'ATTRIBUTION'] as const;
export const KpiReportKind = asEnum(KPI_REPORTS);
registerEnumType(KpiReportKind, { name: 'KpiReportKind', description: 'A KPI table that can be exported as CSV.' });

@InputType({ description: 'Local dates in the organisation\'s reporting time zone, both included: [from 00:00, day after to 00:00).' })
export class PeriodInput {
  // Checked (format, order, length) by the KPI engine so every error names period.from / period.to / period.
  @Field({ description: 'YYYY-MM-DD' }) @IsString() @Length(0, 20) from: string;
  @Field({ description: 'YYYY-MM-DD, included' }) @IsString() @Length(0, 20) to: string;
}

@ObjectType('ReportingPeriod')
export class ReportingPeriodType {
  @Field() from: string;
  @Field() to: string;
  @Field({ description: 'The organisation\'s reporting time zone (never the viewer\'s).' }) timeZone: string;
  @Field(() => GraphQLISODateTime, { description: 'First instant of the period.' }) start: Date;
  @Field(() => GraphQLISODateTime, { description: 'First instant after the period.' }) end: Date;
  @Field(() => GraphQLISODateTime, { description: 'Events recorded after this instant are not counted.' }) asOf: Date;
}

@ObjectType('KpiMeasure', { description: 'One KPI for one group (or the total when group is null).' })
export class KpiMeasureType {
  @Field(() => KpiKey) kpi: string;
  @Field(() => KpiBreakdown) breakdown: string;
  @Field(() => String, { nullable: true }) group: string | null;
  @Field(() => String, { nullable: true }) groupLabel: string | null;
  @Field(() => KpiUnit) unit: string;
  @Field(() => Float, { nullable: true, description: 'Null when undefined (e.g. a ratio over nothing).' }) value: number | null;
  @Field(() => Float, { nullable: true }) numerator: number | null;
  @Field(() => Float, { nullable: true }) denominator: number | null;
  @Field(() => Int, { nullable: true, description: 'Undecided / untouched / not yet due: in neither count.' }) pending: number | null;
  @Field(() => Float, { nullable: true }) median: number | null;
  @Field(() => Float, { nullable: true }) p90: number | null;
  @Field(() => Float, { nullable: true }) mean: number | null;
  @Field(() => Float, { nullable: true, description: 'Speed to lead in wall-clock minutes.' }) wallClockMedian: number | null;
  @Field(() => Float, { nullable: true }) wallClockP90: number | null;
  @Field(() => Float, { nullable: true }) wallClockMean: number | null;
}

@ObjectType('KpiReport')
export class KpiReportType {
  @Field(() => ReportingPeriodType) period: ReportingPeriodType;
  @Field(() => KpiBreakdown) breakdown: string;
  @Field(() => [KpiMeasureType]) measures: KpiMeasureType[];
}

@ObjectType('KpiTarget')
export class KpiTargetType {
  @Field(() => KpiKey) kpi: string;
  @Field(() => Float) target: number;
  @Field(() => TargetDirection) direction: string;
  @Field(() => Float, { description: 'AMBER when missed by at most this fraction of the target.' }) amberBand: number;
  @Field({ description: 'DEFAULT (the brief\'s) or the user who set it.' }) setBy: string;
}

@ObjectType('ScorecardRow')
export class ScorecardRowType {
  @Field(() => KpiKey) kpi: string;
  @Field() label: string;
  @Field(() => KpiUnit) unit: string;
  @Field(() => Float, { nullable: true }) value: number | null;
  @Field(() => Float, { nullable: true }) target: number | null;
  @Field(() => TargetDirection, { nullable: true }) direction: string | null;
  @Field(() => RagStatus) status: string;
  @Field(() => KpiMeasureType) measure: KpiMeasureType;
}

@ObjectType('Scorecard')
export class ScorecardType {
  @Field(() => ReportingPeriodType) period: ReportingPeriodType;
  @Field(() => [ScorecardRowType]) rows: ScorecardRowType[];
  @Field(() => RagStatus, { description: 'The worst status among KPIs with a target.' }) overall: string;
}

@ObjectType('FunnelStageReport')
export class FunnelStageType {
  @Field(() => FunnelStage) stage: string;
  @Field(() => Int, { description: 'Leads that entered the stage in the period.' }) entered: number;
  @Field(() => Int, { description: 'Of those, moved on to a later funnel stage by asOf.' }) wentOn: number;
  @Field(() => Float, { nullable: true }) conversion: number | null;
  @Field(() => Int, { description: 'Of those, left the stage (any way) by asOf.' }) left: number;
  @Field(() => Float, { nullable: true }) medianHoursInStage: number | null;
  @Field(() => Float, { nullable: true }) meanHoursInStage: number | null;
}

@ObjectType('Funnel')
export class FunnelType {
  @Field(() => ReportingPeriodType) period: ReportingPeriodType;
  @Field(() => [FunnelStageType]) stages: FunnelStageType[];
}

@ObjectType('LeadAgingBucket')
export class LeadAgingRowType {
  @Field() stage: string;
  @Field({ description: 'Days in the stage: 0-7, 8-14, 15-30, 31-60, 61-90, 90+.' }) bucket: string;
  @Field(() => Int) count: number;
}

@ObjectType('LeadAgingStage')
export class LeadAgingStageType {
  @Field() stage: string;
  @Field(() => Int) count: number;
  @Field(() => Float, { nullable: true }) oldestDays: number | null;
  @Field(() => Float, { nullable: true }) medianDays: number | null;
}

@ObjectType('LeadAging')
export class LeadAgingType {
  @Field(() => GraphQLISODateTime) asOf: Date;
  @Field(() => Int) total: number;
  @Field(() => [LeadAgingRowType]) rows: LeadAgingRowType[];
  @Field(() => [LeadAgingStageType]) stages: LeadAgingStageType[];
}

@ObjectType('OutcomeMixRow')
export class OutcomeMixRowType {
  @Field({ description: 'REJECTION (a code) or DISQUALIFICATION (a reason).' }) kind: string;
  @Field() code: string;
  @Field(() => Int) count: number;
  @Field(() => Int, { description: 'In the period of the same length just before.' }) previousCount: number;
  @Field(() => Int) change: number;
}

@ObjectType('RejectionMix')
export class RejectionMixType {
  @Field(() => ReportingPeriodType) period: ReportingPeriodType;
  @Field(() => [OutcomeMixRowType]) rows: OutcomeMixRowType[];
}

@ObjectType('ComplianceReport', { description: 'A compliance KPI in total and per group.' })
export class ComplianceReportType {
  @Field(() => ReportingPeriodType) period: ReportingPeriodType;
  @Field(() => [KpiMeasureType]) total: KpiMeasureType[];
  @Field(() => [KpiMeasureType]) groups: KpiMeasureType[];
}

@ObjectType('AttributionRow')
export class AttributionRowType {
  @Field(() => AttributionModel) model: string;
  @Field({ description: 'PIPELINE (opportunities created in the period) or REVENUE (won in the period).' }) measure: string;
  @Field() channel: string;
  @Field(() => String, { nullable: true }) campaign: string | null;
  @Field(() => Float) amount: number;
  @Field(() => Float, { description: 'Opportunities credited, fractionally.' }) share: number;
}

@ObjectType('AttributionTotal')
export class AttributionTotalType {
  @Field(() => AttributionModel) model: string;
  @Field() measure: string;
  @Field({ description: 'The channel or campaign (\'none\' for touchpoints without a campaign).' }) key: string;
  @Field(() => Float) amount: number;
  @Field(() => Float) share: number;
}

@ObjectType('AttributionModelChoice')
export class AttributionModelChoiceType {
  @Field() from: string;
  @Field() to: string;
  @Field(() => AttributionModel) model: string;
  @Field(() => GraphQLISODateTime, { description: 'The period\'s first instant: from then on the choice cannot change.' }) locksAt: Date;
  @Field() locked: boolean;
  @Field() chosenBy: string;
  @Field(() => GraphQLISODateTime) chosenAt: Date;
}

@ObjectType('AttributionReport')
export class AttributionReportType {
  @Field(() => ReportingPeriodType) period: ReportingPeriodType;
  @Field(() => AttributionModelChoiceType, { nullable: true, description: 'The model chosen for a period covering this one, if any.' }) chosen: AttributionModelChoiceType | null;
  @Field(() => [AttributionTotalType], { description: 'Per model, measure and channel.' }) byChannel: AttributionTotalType[];
  @Field(() => [AttributionTotalType], { description: 'Per model, measure and campaign.' }) byCampaign: AttributionTotalType[];
  @Field(() => [AttributionRowType], { description: 'Per model, measure, channel and campaign.' }) rows: AttributionRowType[];
}

@ObjectType('OrganisationSettings')
export class OrganisationSettingsType {
  @Field({ description: 'IANA zone every KPI is computed in.' }) reportingTimeZone: string;
  @Field() currency: string;
}

@ObjectType('RevenueTarget')
export class RevenueTargetType {
  @Field({ description: 'YYYY-MM' }) month: string;
  @Field(() => Float) amount: number;
  @Field() setBy: string;
}

@ObjectType('KpiSnapshot')
export class KpiSnapshotType {
  @Field(() => ID) id: string;
  @Field(() => SnapshotTrigger) trigger: string;
  @Field(() => ReportingPeriodType) period: ReportingPeriodType;
  @Field() takenBy: string;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => [KpiMeasureType], { description: 'Totals (breakdown NONE) and per-rep measures.' }) measures: KpiMeasureType[];
}

@ObjectType('KpiStackLevel')
export class KpiStackLevelType {
  @Field() level: string;
  @Field() label: string;
  @Field(() => Float, { nullable: true }) required: number | null;
  @Field(() => Float, { nullable: true }) actual: number | null;
  @Field(() => Float, { nullable: true }) gap: number | null;
  @Field(() => RagStatus) status: string;
  @Field(() => KpiKey, { nullable: true }) kpi: string | null;
}

@ObjectType('KpiStack', { description: 'Revenue goal -> pipeline requirement -> funnel conversion -> execution metrics.' })
export class KpiStackType {
  @Field(() => ReportingPeriodType) period: ReportingPeriodType;
  @Field(() => [KpiStackLevelType]) levels: KpiStackLevelType[];
}

@ObjectType('Leak')
export class LeakType {
  @Field() id: string;
  @Field({ description: 'KPI_BELOW_TARGET or STAGE_STALL.' }) kind: string;
  @Field(() => KpiKey, { nullable: true }) kpi: string | null;
  @Field(() => String, { nullable: true }) stage: string | null;
  @Field(() => RagStatus) severity: string;
  @Field(() => Float, { nullable: true }) value: number | null;
  @Field(() => Float, { nullable: true, description: 'KPI: its target; stall: the allowance in hours.' }) target: number | null;
  @Field(() => Float, { description: 'Relative shortfall (KPI) or overrun (stall).' }) gapRatio: number;
  @Field() suggestedAction: string;
  @Field({ description: 'The role that should own the fix.' }) ownerRole: string;
  @Field(() => Int, { description: 'Days to fix it.' }) slaDays: number;
  @Field(() => String, { nullable: true, description: 'The local date the fix is due.' }) dueDate: string | null;
  @Field(() => Float) expectedImpact: number;
  @Field() priority: string;
}

@ObjectType('LeakReport')
export class LeakReportType {
  @Field(() => ReportingPeriodType) period: ReportingPeriodType;
  @Field(() => [LeakType], { description: 'Ordered by expected impact.' }) leaks: LeakType[];
}

@ObjectType('CsvExport')
export class CsvExportType {
  @Field() filename: string;
  @Field() contentType: string;
  @Field(() => Int) rows: number;
  @Field({ description: 'RFC 4180 CSV with a header row.' }) content: string;
}
