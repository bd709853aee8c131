import { TargetDirection } from './targets';

/** Every KPI of the brief (§5), as the API, the scorecard, snapshots and exports name them. */
export const KPI_KEYS = [
  'SPEED_TO_LEAD',
  'SPEED_TO_LEAD_HOT',
  'ACCEPTANCE_RATE',
  'MQL_TO_SQL',
  'LEAD_TO_OPPORTUNITY',
  'DATA_COMPLETENESS',
  'WIN_RATE',
  'SALES_CYCLE',
  'PIPELINE_VELOCITY',
  'PIPELINE_COVERAGE',
  'FOLLOW_UP_COMPLIANCE_LEADS',
  'FOLLOW_UP_COMPLIANCE_STEPS',
  'SLA_COMPLIANCE',
  'REENGAGEMENT_RATE',
  'MARKETING_INFLUENCED_PIPELINE',
] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

export const KPI_BREAKDOWNS = ['NONE', 'REP', 'TEAM', 'SOURCE', 'SEGMENT', 'CAMPAIGN', 'DEAL_SIZE', 'SLA_KIND'] as const;
export type KpiBreakdown = (typeof KPI_BREAKDOWNS)[number];

/** What a KPI's value is measured in. */
export const KPI_UNITS = ['RATIO', 'BUSINESS_MINUTES', 'DAYS', 'CURRENCY_PER_DAY', 'MULTIPLE'] as const;
export type KpiUnit = (typeof KPI_UNITS)[number];

export interface KpiSpec {
  key: KpiKey;
  label: string;
  unit: KpiUnit;
  /** Which way is better; the scorecard needs it when a target has no explicit direction. */
  betterWhen: TargetDirection;
  breakdowns: readonly KpiBreakdown[];
}

const PEOPLE: readonly KpiBreakdown[] = ['NONE', 'REP', 'TEAM', 'SOURCE', 'SEGMENT', 'CAMPAIGN'];
const LEAD_ONLY: readonly KpiBreakdown[] = ['NONE', 'SOURCE', 'SEGMENT', 'CAMPAIGN'];
const DEALS: readonly KpiBreakdown[] = [...PEOPLE, 'DEAL_SIZE'];

export const KPI_CATALOG: Readonly<Record<KpiKey, KpiSpec>> = Object.freeze({
  SPEED_TO_LEAD: { key: 'SPEED_TO_LEAD', label: 'Speed to lead (median business minutes)', unit: 'BUSINESS_MINUTES', betterWhen: 'BELOW', breakdowns: PEOPLE },
  SPEED_TO_LEAD_HOT: { key: 'SPEED_TO_LEAD_HOT', label: 'Speed to lead, hot leads (median business minutes)', unit: 'BUSINESS_MINUTES', betterWhen: 'BELOW', breakdowns: PEOPLE },
  ACCEPTANCE_RATE: { key: 'ACCEPTANCE_RATE', label: 'Lead acceptance rate', unit: 'RATIO', betterWhen: 'ABOVE', breakdowns: PEOPLE },
  MQL_TO_SQL: { key: 'MQL_TO_SQL', label: 'MQL to SQL conversion', unit: 'RATIO', betterWhen: 'ABOVE', breakdowns: PEOPLE },
  LEAD_TO_OPPORTUNITY: { key: 'LEAD_TO_OPPORTUNITY', label: 'Lead to opportunity rate', unit: 'RATIO', betterWhen: 'ABOVE', breakdowns: PEOPLE },
  DATA_COMPLETENESS: { key: 'DATA_COMPLETENESS', label: 'Data completeness at handoff', unit: 'RATIO', betterWhen: 'ABOVE', breakdowns: LEAD_ONLY },
  WIN_RATE: { key: 'WIN_RATE', label: 'Win rate', unit: 'RATIO', betterWhen: 'ABOVE', breakdowns: DEALS },
  SALES_CYCLE: { key: 'SALES_CYCLE', label: 'Sales cycle length (median days)', unit: 'DAYS', betterWhen: 'BELOW', breakdowns: DEALS },
  PIPELINE_VELOCITY: { key: 'PIPELINE_VELOCITY', label: 'Pipeline velocity (per day)', unit: 'CURRENCY_PER_DAY', betterWhen: 'ABOVE', breakdowns: PEOPLE },
  PIPELINE_COVERAGE: { key: 'PIPELINE_COVERAGE', label: 'Pipeline coverage', unit: 'MULTIPLE', betterWhen: 'AT_LEAST', breakdowns: ['NONE'] },
  FOLLOW_UP_COMPLIANCE_LEADS: { key: 'FOLLOW_UP_COMPLIANCE_LEADS', label: 'Follow-up compliance (full cadence before disqualification)', unit: 'RATIO', betterWhen: 'ABOVE', breakdowns: PEOPLE },
  FOLLOW_UP_COMPLIANCE_STEPS: { key: 'FOLLOW_UP_COMPLIANCE_STEPS', label: 'Follow-up compliance (cadence steps on time)', unit: 'RATIO', betterWhen: 'ABOVE', breakdowns: PEOPLE },
  SLA_COMPLIANCE: { key: 'SLA_COMPLIANCE', label: 'SLA compliance', unit: 'RATIO', betterWhen: 'ABOVE', breakdowns: [...PEOPLE, 'SLA_KIND'] },
  REENGAGEMENT_RATE: { key: 'REENGAGEMENT_RATE', label: 'Re-engagement rate', unit: 'RATIO', betterWhen: 'ABOVE', breakdowns: LEAD_ONLY },
  MARKETING_INFLUENCED_PIPELINE: { key: 'MARKETING_INFLUENCED_PIPELINE', label: 'Marketing-influenced pipeline', unit: 'RATIO', betterWhen: 'ABOVE', breakdowns: PEOPLE },
});

/** Deal size bands of the DEAL_SIZE breakdown (amount in the organisation's currency). */
export const DEAL_SIZE_BANDS = [
  { id: '<10k', min: 0, max: 10_000 },
  { id: '10k-50k', min: 10_000, max: 50_000 },
  { id: '50k-100k', min: 50_000, max: 100_000 },
  { id: '100k+', min: 100_000, max: Infinity },
] as const;

/** The longest period any KPI query accepts, in days. */
export const MAX_PERIOD_DAYS = 366;

/**
 * One KPI value for one group: the shape every KPI report, the scorecard, snapshots and
 * CSV exports share. `value` is null when the KPI is undefined (e.g. a ratio over nothing).
 */
export interface KpiMeasure {
  kpi: KpiKey;
  breakdown: KpiBreakdown;
  /** The group's key (rep id, team name, source, ...); null for the total row. */
  group: string | null;
  /** A readable name for the group (the rep's name for REP). */
  groupLabel: string | null;
  unit: KpiUnit;
  value: number | null;
  /** For ratios: the counts behind the value. */
  numerator: number | null;
  denominator: number | null;
  /** Not yet decided / touched / due: reported apart, in neither count. */
  pending: number | null;
  /** Distributions (speed to lead, sales cycle). Speed to lead adds the wall-clock ones. */
  median: number | null;
  p90: number | null;
  mean: number | null;
  wallClockMedian: number | null;
  wallClockP90: number | null;
  wallClockMean: number | null;
}
