/** A rule broken by one field of an input (same shape as contracts' FieldViolation). */
export interface FieldViolation {
  field: string;
  rule: string;
  message: string;
}

/**
 * Thrown when a domain function cannot answer because its input breaks a rule.
 * `code` is stable (callers map it to API / workflow error types); violations name the fields.
 */
export class DomainRuleError extends Error {
  override readonly name = 'DomainRuleError';

  constructor(
    readonly code: string,
    message: string,
    readonly violations: readonly FieldViolation[] = [],
  ) {
    super(message);
  }
}

export function violation(field: string, rule: string, message: string): FieldViolation {
  return { field, rule, message };
}
