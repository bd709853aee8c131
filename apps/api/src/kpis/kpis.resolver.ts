import { Args, Float, GraphQLISODateTime, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { isUuid, KpiBreakdown as Breakdown, KpiKey as Key, KpiMeasure } from '../../../../libs/domain/src';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { HUMAN_ROLES, Roles } from '../auth/roles.decorator';
import { badInput, notFound } from '../common/errors';
import { toCsv } from './csv';
import {
  AttributionModel,
  AttributionModelChoiceType,
  AttributionReportType,
  ComplianceReportType,
  CsvExportType,
  FunnelType,
  KpiBreakdown,
  KpiKey,
  KpiReportKind,
  KpiReportType,
  KpiSnapshotType,
  KpiStackType,
  KpiTargetType,
  LeadAgingType,
  LeakReportType,
  OrganisationSettingsType,
  PeriodInput,
  RejectionMixType,
  RevenueTargetType,
  ScorecardType,
  SnapshotTrigger,
  TargetDirection,
} from './dto/kpi.types';
import type { Scorecard } from '../../../../libs/persistence/src/kpi/kpi-engine';
import { KpisService } from './kpis.service';

const ADMINS = ['REVOPS', 'ADMIN'] as const;
const AS_OF = { type: () => GraphQLISODateTime, nullable: true, description: 'Default now: events recorded later are not counted.' } as const;

const MEASURE_COLUMNS = ['kpi', 'breakdown', 'group', 'groupLabel', 'unit', 'value', 'numerator', 'denominator', 'pending', 'median', 'p90', 'mean', 'wallClockMedian', 'wallClockP90', 'wallClockMean'].map((key) => ({ key, header: key }));
const cols = (...keys: string[]) => keys.map((key) => ({ key, header: key }));

/**
 * Shared KPIs, scorecard, attribution, snapshots and exports. Every human role reads the same
 * numbers; REVOPS (and ADMIN) set targets, the reporting time zone and the attribution model.
 */
@Resolver()
export class KpisResolver {
  constructor(private readonly kpisService: KpisService) {}

  @Query(() => OrganisationSettingsType)
  @Roles(...HUMAN_ROLES)
  organisationSettings() {
    return this.kpisService.settings();
  }

  @Mutation(() => OrganisationSettingsType, { description: 'The reporting time zone every KPI is computed in.' })
  @Roles(...ADMINS)
  updateOrganisationSettings(
    @CurrentPrincipal() p: Principal,
    @Args('reportingTimeZone', { type: () => String, nullable: true }) reportingTimeZone?: string | null,
    @Args('currency', { type: () => String, nullable: true }) currency?: string | null,
  ) {
    return this.kpisService.setSettings(p, { reportingTimeZone, currency });
  }

  @Query(() => KpiReportType, { description: 'KPIs of the period, in total or broken down; with a breakdown, the KPIs that support it.' })
  @Roles(...HUMAN_ROLES)
  kpis(
    @Args('period') period: PeriodInput,
    @Args('breakdown', { type: () => KpiBreakdown, defaultValue: 'NONE' }) breakdown: Breakdown,
    @Args('only', { type: () => [KpiKey], nullable: true, description: 'Just these KPIs (each must support the breakdown).' }) only: Key[] | null,
    @Args('asOf', AS_OF) asOf?: Date | null,
  ) {
    return this.kpisService.kpis(period, breakdown, only, asOf);
  }

  @Query(() => ScorecardType, { description: 'Every KPI against its target, red / amber / green.' })
  @Roles(...HUMAN_ROLES)
  async scorecard(@Args('period') period: PeriodInput, @Args('asOf', AS_OF) asOf?: Date | null) {
    const card = await this.kpisService.scorecard(period, asOf);
    return { period: card.period, overall: card.overall, rows: card.rows.map(toScorecardRow) };
  }

  @Query(() => FunnelType, { description: 'Stage-to-stage conversion and time in stage of the leads that entered each stage in the period.' })
  @Roles(...HUMAN_ROLES)
  funnel(@Args('period') period: PeriodInput, @Args('asOf', AS_OF) asOf?: Date | null) {
    return this.kpisService.funnel(period, asOf);
  }

  @Query(() => LeadAgingType, { description: 'Open leads by stage and days in it.' })
  @Roles(...HUMAN_ROLES)
  leadAging(@Args('asOf', AS_OF) asOf?: Date | null) {
    return this.kpisService.leadAging(asOf);
  }

  @Query(() => ComplianceReportType, { description: 'SLA compliance per kind (default) or per rep / team.' })
  @Roles(...HUMAN_ROLES)
  slaCompliance(
    @Args('period') period: PeriodInput,
    @Args('breakdown', { type: () => KpiBreakdown, defaultValue: 'SLA_KIND' }) breakdown: Breakdown,
    @Args('asOf', AS_OF) asOf?: Date | null,
  ) {
    return this.kpisService.compliance('SLA_COMPLIANCE', period, breakdown, asOf);
  }

  @Query(() => ComplianceReportType, { description: 'Follow-up compliance from actual touches against the cadence: lead level and step level, per rep (default).' })
  @Roles(...HUMAN_ROLES)
  followUpCompliance(
    @Args('period') period: PeriodInput,
    @Args('breakdown', { type: () => KpiBreakdown, defaultValue: 'REP' }) breakdown: Breakdown,
    @Args('asOf', AS_OF) asOf?: Date | null,
  ) {
    return this.kpisService.followUpCompliance(period, breakdown, asOf);
  }

  @Query(() => RejectionMixType, { description: 'Rejections per code and disqualifications per reason, with the previous period.' })
  @Roles(...HUMAN_ROLES)
  rejectionMix(@Args('period') period: PeriodInput, @Args('asOf', AS_OF) asOf?: Date | null) {
    return this.kpisService.rejectionMix(period, asOf);
  }

  @Query(() => AttributionReportType, { description: 'Pipeline and revenue by channel and campaign under every attribution model, side by side.' })
  @Roles(...HUMAN_ROLES)
  attribution(@Args('period') period: PeriodInput, @Args('asOf', AS_OF) asOf?: Date | null) {
    return this.kpisService.attribution(period, asOf);
  }

  @Query(() => [AttributionModelChoiceType])
  @Roles(...HUMAN_ROLES)
  attributionModelChoices() {
    return this.kpisService.attributionChoices();
  }

  @Mutation(() => AttributionModelChoiceType, { description: 'Choose the attribution model of a period before it starts; it locks at the period\'s first instant.' })
  @Roles(...ADMINS)
  chooseAttributionModel(@CurrentPrincipal() p: Principal, @Args('period') period: PeriodInput, @Args('model', { type: () => AttributionModel }) model: string) {
    return this.kpisService.chooseAttributionModel(p, period, model);
  }

  @Query(() => [KpiTargetType], { description: 'The targets in force (the brief\'s defaults until RevOps sets one).' })
  @Roles(...HUMAN_ROLES)
  kpiTargets() {
    return this.kpisService.targets();
  }

  @Mutation(() => KpiTargetType)
  @Roles(...ADMINS)
  setKpiTarget(
    @CurrentPrincipal() p: Principal,
    @Args('kpi', { type: () => KpiKey }) kpi: string,
    @Args('target', { type: () => Float }) target: number,
    @Args('direction', { type: () => TargetDirection, nullable: true }) direction?: string | null,
    @Args('amberBand', { type: () => Float, nullable: true }) amberBand?: number | null,
  ) {
    return this.kpisService.setTarget(p, { kpi, target, direction, amberBand });
  }

  @Query(() => [RevenueTargetType])
  @Roles(...HUMAN_ROLES)
  revenueTargets() {
    return this.kpisService.revenueTargets();
  }

  @Mutation(() => RevenueTargetType, { description: 'The revenue goal of a month (YYYY-MM); periods prorate them by days.' })
  @Roles(...ADMINS)
  setRevenueTarget(@CurrentPrincipal() p: Principal, @Args('month') month: string, @Args('amount', { type: () => Float }) amount: number) {
    return this.kpisService.setRevenueTarget(p, { month, amount });
  }

  @Query(() => KpiStackType, { description: 'Revenue goal -> pipeline requirement -> funnel volumes needed -> execution metrics.' })
  @Roles(...HUMAN_ROLES)
  kpiStack(@Args('period') period: PeriodInput, @Args('asOf', AS_OF) asOf?: Date | null) {
    return this.kpisService.kpiStack(period, asOf);
  }

  @Query(() => LeakReportType, { description: 'KPIs below target and stalling stages, each with a corrective action, by expected impact.' })
  @Roles(...HUMAN_ROLES)
  leakReport(@Args('period') period: PeriodInput, @Args('asOf', AS_OF) asOf?: Date | null) {
    return this.kpisService.leakReport(period, asOf);
  }

  @Mutation(() => KpiSnapshotType, { description: 'Store every KPI of the period now (trends and baselines compare snapshots).' })
  @Roles(...ADMINS, 'EXECUTIVE')
  async takeKpiSnapshot(@CurrentPrincipal() p: Principal, @Args('period') period: PeriodInput, @Args('asOf', AS_OF) asOf?: Date | null) {
    return toSnapshotType(await this.kpisService.takeSnapshot(p, period, asOf));
  }

  @Query(() => [KpiSnapshotType], { description: 'Newest first.' })
  @Roles(...HUMAN_ROLES)
  async kpiSnapshots(
    @Args('trigger', { type: () => SnapshotTrigger, nullable: true }) trigger: string | null,
    @Args('limit', { type: () => Int, defaultValue: 30 }) limit: number,
  ) {
    return (await this.kpisService.snapshots(trigger as never, limit)).map(toSnapshotType);
  }

  @Query(() => KpiSnapshotType)
  @Roles(...HUMAN_ROLES)
  async kpiSnapshot(@Args('id', { type: () => ID }) id: string) {
    const s = isUuid(id) ? await this.kpisService.snapshot(id) : null;
    if (!s) throw notFound('KPI snapshot', id);
    return toSnapshotType(s);
  }

  @Query(() => CsvExportType, { description: 'Any KPI table as CSV (RFC 4180).' })
  @Roles(...HUMAN_ROLES)
  async kpiCsv(
    @Args('report', { type: () => KpiReportKind }) report: string,
    @Args('period', { type: () => PeriodInput, nullable: true, description: 'Required except for LEAD_AGING.' }) period: PeriodInput | null,
    @Args('breakdown', { type: () => KpiBreakdown, defaultValue: 'NONE' }) breakdown: Breakdown,
    @Args('asOf', AS_OF) asOf?: Date | null,
  ) {
    if (!period && report !== 'LEAD_AGING') throw badInput([{ field: 'period', rule: 'REQUIRED', message: `a period is required for ${report}` }]);
    const p = period ?? ({ from: '', to: '' } as PeriodInput);
    let columns: { key: string; header: string }[];
    let rows: Record<string, unknown>[];
    switch (report) {
      case 'KPIS':
        columns = MEASURE_COLUMNS;
        rows = (await this.kpisService.kpis(p, breakdown, null, asOf)).measures as unknown as Record<string, unknown>[];
        break;
      case 'SCORECARD': {
        const card = await this.kpisService.scorecard(p, asOf);
        columns = cols('kpi', 'label', 'unit', 'value', 'target', 'direction', 'status', 'numerator', 'denominator', 'pending');
        rows = card.rows.map((r) => ({ ...toScorecardRow(r), numerator: r.measure.numerator, denominator: r.measure.denominator, pending: r.measure.pending }));
        break;
      }
      case 'FUNNEL':
        columns = cols('stage', 'entered', 'wentOn', 'conversion', 'left', 'medianHoursInStage', 'meanHoursInStage');
        rows = (await this.kpisService.funnel(p, asOf)).stages as unknown as Record<string, unknown>[];
        break;
      case 'LEAD_AGING':
        columns = cols('stage', 'bucket', 'count');
        rows = (await this.kpisService.leadAging(asOf)).rows as unknown as Record<string, unknown>[];
        break;
      case 'SLA_COMPLIANCE': {
        const r = await this.kpisService.compliance('SLA_COMPLIANCE', p, breakdown === 'NONE' ? 'SLA_KIND' : breakdown, asOf);
        columns = MEASURE_COLUMNS;
        rows = [...r.total, ...r.groups] as KpiMeasure[] as unknown as Record<string, unknown>[];
        break;
      }
      case 'FOLLOW_UP_COMPLIANCE': {
        const r = await this.kpisService.followUpCompliance(p, breakdown === 'NONE' ? 'REP' : breakdown, asOf);
        columns = MEASURE_COLUMNS;
        rows = [...r.total, ...r.groups] as unknown as Record<string, unknown>[];
        break;
      }
      case 'REJECTION_MIX':
        columns = cols('kind', 'code', 'count', 'previousCount', 'change');
        rows = (await this.kpisService.rejectionMix(p, asOf)).rows as unknown as Record<string, unknown>[];
        break;
      default: {
        columns = cols('model', 'measure', 'channel', 'campaign', 'amount', 'share');
        rows = (await this.kpisService.attribution(p, asOf)).rows as unknown as Record<string, unknown>[];
      }
    }
    const stamp = period ? `${period.from}_${period.to}` : new Date().toISOString().slice(0, 10);
    return { filename: `baton-${report.toLowerCase().replace(/_/g, '-')}-${stamp}.csv`, contentType: 'text/csv; charset=utf-8', rows: rows.length, content: toCsv(columns, rows) };
  }
}

/** A scorecard row as the API shows it (and the CSV export writes it). */
function toScorecardRow(r: Scorecard['rows'][number]) {
  return { kpi: r.kpi, label: r.label, unit: r.measure.unit, value: r.measure.value, target: r.target?.target ?? null, direction: r.target?.direction ?? null, status: r.status, measure: r.measure };
}

function toSnapshotType(s: Awaited<ReturnType<KpisService['takeSnapshot']>>) {
  return {
    id: s.id,
    trigger: s.trigger,
    takenBy: s.takenBy,
    createdAt: s.createdAt,
    measures: s.measures,
    period: { from: s.from, to: s.to, timeZone: s.timeZone, start: s.start, end: s.end, asOf: s.asOf },
  };
}
