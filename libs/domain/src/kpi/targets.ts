import { DomainRuleError } from '../field-violation';

export const RAG_STATUSES = ['GREEN', 'AMBER', 'RED', 'NONE'] as const;
export type RagStatus = (typeof RAG_STATUSES)[number];

/**
 * How a value meets its target: ABOVE (value > target), AT_LEAST (>=), BELOW (<), AT_MOST (<=).
 */
export const TARGET_DIRECTIONS = ['ABOVE', 'AT_LEAST', 'BELOW', 'AT_MOST'] as const;
export type TargetDirection = (typeof TARGET_DIRECTIONS)[number];

export const DEFAULT_TARGET_KPIS = ['SPEED_TO_LEAD_HOT', 'ACCEPTANCE_RATE', 'MQL_TO_SQL', 'LEAD_TO_OPPORTUNITY', 'PIPELINE_COVERAGE'] as const;
export type DefaultTargetKpi = (typeof DEFAULT_TARGET_KPIS)[number];

export interface KpiTarget {
  target: number;
  direction: TargetDirection;
  /** What `value` is measured in, so a scorecard can say it. */
  unit: 'BUSINESS_MINUTES' | 'RATIO' | 'MULTIPLE';
}

/**
 * The brief's default targets (section 5). Ratios are fractions (0.9 = 90 %).
 * Speed to lead is the median business minutes of hot leads (`speedToLead(...).value`).
 */
export const DEFAULT_KPI_TARGETS: Readonly<Record<DefaultTargetKpi, Readonly<KpiTarget>>> = Object.freeze({
  SPEED_TO_LEAD_HOT: Object.freeze({ target: 120, direction: 'BELOW', unit: 'BUSINESS_MINUTES' }),
  ACCEPTANCE_RATE: Object.freeze({ target: 0.9, direction: 'ABOVE', unit: 'RATIO' }),
  MQL_TO_SQL: Object.freeze({ target: 0.25, direction: 'ABOVE', unit: 'RATIO' }),
  LEAD_TO_OPPORTUNITY: Object.freeze({ target: 0.2, direction: 'ABOVE', unit: 'RATIO' }),
  PIPELINE_COVERAGE: Object.freeze({ target: 3, direction: 'AT_LEAST', unit: 'MULTIPLE' }),
} as const);

/**
 * Amber = the target is missed by at most this fraction OF THE TARGET (relative, not in
 * percentage points): acceptance target 90 % -> amber from 81 % up to 90 %; speed-to-lead
 * target 120 min -> amber from 120 up to 132 min; coverage 3 -> amber from 2.7 up to 3.
 */
export const DEFAULT_AMBER_BAND = 0.1;

// Float noise at the band edge (0.2 - 0.02 = 0.18000000000000002) must not flip AMBER to RED.
const EPSILON = 1e-9;

/**
 * GREEN when the target is met; AMBER when missed by no more than `amberBand` x |target|
 * (the edge itself is amber); RED beyond; NONE when there is no value or no target.
 */
export function ragStatus(value: number | null | undefined, target: number | null | undefined, direction: TargetDirection, amberBand = DEFAULT_AMBER_BAND): RagStatus {
  if (!TARGET_DIRECTIONS.includes(direction)) {
    throw new DomainRuleError('INVALID_TARGET', `direction must be one of ${TARGET_DIRECTIONS.join(', ')}`, [
      { field: 'direction', rule: 'TARGET_DIRECTION', message: `'${String(direction)}' is not one of ${TARGET_DIRECTIONS.join(', ')}` },
    ]);
  }
  if (typeof amberBand !== 'number' || !(amberBand >= 0)) {
    throw new DomainRuleError('INVALID_TARGET', 'amberBand must be a number >= 0', [
      { field: 'amberBand', rule: 'NON_NEGATIVE_NUMBER', message: `amberBand must be >= 0, got ${String(amberBand)}` },
    ]);
  }
  if (value === null || value === undefined || !Number.isFinite(value)) return 'NONE';
  if (target === null || target === undefined || !Number.isFinite(target)) return 'NONE';
  const higherIsBetter = direction === 'ABOVE' || direction === 'AT_LEAST';
  const met = { ABOVE: value > target, AT_LEAST: value >= target, BELOW: value < target, AT_MOST: value <= target }[direction];
  if (met) return 'GREEN';
  const band = Math.abs(target) * amberBand;
  const tolerance = EPSILON * Math.max(1, Math.abs(target));
  const withinBand = higherIsBetter ? value >= target - band - tolerance : value <= target + band + tolerance;
  return withinBand ? 'AMBER' : 'RED';
}

/** `ragStatus` against one of the default targets. */
export function defaultTargetStatus(kpi: DefaultTargetKpi, value: number | null | undefined): RagStatus {
  const t = DEFAULT_KPI_TARGETS[kpi];
  return ragStatus(value, t.target, t.direction);
}
