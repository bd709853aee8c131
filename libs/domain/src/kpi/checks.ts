import { DomainRuleError } from '../field-violation';

/** Epoch ms of a valid `Date`; anything else is a typed error naming `field`. */
export function instantMs(value: unknown, field: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new DomainRuleError('INVALID_INSTANT', `${field} must be a valid instant`, [
      { field, rule: 'INSTANT', message: `${field} must be a valid Date` },
    ]);
  }
  return value.getTime();
}

/** Epoch ms of an optional instant: undefined stays undefined. */
export function optionalInstantMs(value: unknown, field: string): number | undefined {
  return value === undefined || value === null ? undefined : instantMs(value, field);
}

/** A finite number (an amount, a target); anything else is a typed error naming `field`. */
export function finiteNumber(value: unknown, field: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const rule = min === 0 ? 'NON_NEGATIVE_NUMBER' : 'FINITE_NUMBER';
    throw new DomainRuleError('INVALID_NUMBER', `${field} must be a finite number${min === 0 ? ' >= 0' : ''}`, [
      { field, rule, message: `${field} must be a finite number${min === 0 ? ' >= 0' : ''}, got ${String(value)}` },
    ]);
  }
  return value;
}
