import { DomainRuleError } from '../field-violation';

function checkValues(values: readonly number[], field: string): void {
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DomainRuleError('INVALID_NUMBER', `${field}[${i}] must be a finite number`, [
        { field: `${field}[${i}]`, rule: 'FINITE_NUMBER', message: `${field}[${i}] must be a finite number, got ${String(v)}` },
      ]);
    }
  });
}

/**
 * The continuous percentile exactly as PostgreSQL's `percentile_cont(p) WITHIN GROUP (ORDER BY x)`
 * over float8: sort ascending, position = p x (n - 1), then lo + proportion x (hi - lo) between
 * the rows around it. Null for no values (as SQL gives for an empty group).
 */
export function percentileCont(values: readonly number[], p: number): number | null {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new DomainRuleError('INVALID_PERCENTILE', `percentile ${String(p)} is not between 0 and 1`, [
      { field: 'p', rule: 'BETWEEN_0_AND_1', message: `percentile ${String(p)} is not between 0 and 1` },
    ]);
  }
  checkValues(values, 'values');
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const first = Math.floor(position);
  const second = Math.ceil(position);
  if (first === second) return sorted[first];
  const lo = sorted[first];
  const hi = sorted[second];
  return lo + (position - first) * (hi - lo);
}

export function median(values: readonly number[]): number | null {
  return percentileCont(values, 0.5);
}

/** Arithmetic mean; null for no values (as SQL `avg` over an empty group). */
export function mean(values: readonly number[]): number | null {
  checkValues(values, 'values');
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
